// Weft's Pocket TTS generator on onnxruntime-node against pocket-tts's own pipeline
// (fixtures/pocket_tts, written by tests/fixtures_py/weft_fixtures/pocket_tts_refs.py): the voice
// from a clip, speech at temperature 0 and at the default temperature with the core's noise, the
// NumPy reproduction of the noise; streaming; memory; bad input; cancellation.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load, loadCore } from '../../web/weft.js';
import { FIXTURES, MODELS, readFloat32, readJson } from '../../tools/paths.mjs';
import { runPocketTtsParity } from '../../tools/parity/pocket-tts-weft.mjs';
import { mutatedPackage, nodeOptions, removePackage } from './helpers.mjs';
import * as weft from '../../web/weft.js';

const DIR = `${FIXTURES}/pocket_tts`;
const PACKAGE = `${MODELS}/pocket-tts-tiny`;
const refs = readJson(`${DIR}/refs.json`);
for (const c of refs.cases) c.want = readFloat32(`${DIR}/${c.audio}`);
const clip = readFloat32(`${DIR}/voice.f32`);
const tts = await load(PACKAGE, nodeOptions);
const core = await loadCore();
const voice = await tts.voiceFrom(clip, 24000);

test.after(() => tts.dispose());

test('voice and speech equal pocket-tts (temperature 0 and default, 5 texts, several chunks, late EOS, frame cap)', async () => {
  const lines = await runPocketTtsParity(weft, { source: PACKAGE, refs, voiceClip: clip, voiceConditioning: readFloat32(`${DIR}/voice_cond.f32`), loadOptions: nodeOptions });
  const [voiceLine, ...speech] = lines;
  assert.equal(voiceLine.positions, voiceLine.reference_positions);
  assert.ok(voiceLine.max_abs <= 1e-4, JSON.stringify(voiceLine));
  assert.equal(speech.length, refs.cases.length);
  for (const l of speech) {
    assert.ok(l.eos_frame_equal, JSON.stringify(l));
    assert.ok(l.max_abs <= 1e-4, JSON.stringify(l));
  }
  assert.ok(speech.some((l) => l.chunks > 1), 'a text needs several chunks');
  assert.ok(speech.some((l) => l.chunks_capped > 0), 'a chunk ends at its frame cap');
  assert.ok(speech.some((l) => l.eos_threshold !== undefined && !l.chunks_capped && l.frames > 30), 'EOS late in a chunk');
});

test('the core draws the noise NumPy reproduces, bit for bit', () => {
  const want = readFloat32(`${DIR}/${refs.normal.file}`);
  const got = core.normalDraws(String(refs.normal.seed), refs.normal.scale, refs.normal.count);
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i += 1) assert.ok(Object.is(got[i], want[i]), `draw ${i}: ${got[i]} vs ${want[i]}`);
});

test('streamed frames arrive before the end and concatenate to the one-shot audio', async () => {
  const text = refs.texts[4];
  const frames = [];
  const r = await tts.speak({ text, voice, seed: 5, onAudio: (c) => frames.push({ ...c, at: performance.now() }) });
  assert.equal(frames[0].offset, 0);
  assert.ok(frames.length > 3 && frames.every((f) => f.audio.length === 1920));
  const joined = new Float32Array(r.samples);
  for (const f of frames) joined.set(f.audio, f.offset);
  assert.deepEqual(joined, r.audio);
  const again = await tts.speak({ text, voice, seed: 5 });
  assert.deepEqual(again.audio, r.audio);  // same seed, same audio
  assert.ok(r.timeToFirstAudioMs < r.stats.totalMs / 2, `first audio at ${r.timeToFirstAudioMs} of ${r.stats.totalMs} ms`);
});

test('a stored voice is bytes that work again after a round trip', async () => {
  const copy = new Uint8Array(voice).buffer.slice(0);
  const a = await tts.speak({ text: 'Hello world.', voice: copy, temperature: 0 });
  const b = await tts.speak({ text: 'Hello world.', voice, temperature: 0 });
  assert.deepEqual(a.audio, b.audio);
});

test('10 speak() calls leave the WASM heap and ORT tensors flat', async () => {
  const heaps = [];
  for (let i = 0; i < 10; i += 1) {
    await tts.speak({ text: 'One more sentence to speak.', voice, seed: i });
    assert.equal(tts.liveTensors(), 0);
    heaps.push(core.heapBytesInUse());
  }
  assert.equal(heaps[9], heaps[1], `heap bytes per call: ${heaps.join(', ')}`);
});

test('bad input is refused with a message naming the problem', async () => {
  const cases = [
    [() => tts.speak({ text: '' }), /text is empty|cannot be empty/],
    [() => tts.speak({ text: '   \n ' }), /text is empty|cannot be empty/],
    [() => tts.speak({ text: 'Hi', temperature: -1 }), /options.temperature: must be a finite number >= 0/],
    [() => tts.speak({ text: 'Snow \u2603 falls.' }), /tokenizer has no piece for '\u2603'/],
    [() => tts.speak({ text: 'Hi', voice: 'x' }), /options.voice must be the bytes voiceFrom\(\) returned/],
    [() => tts.speak({ text: 'Hi', voice: new Uint8Array(100) }), /not a Weft voice|not the size of a stored voice/],
    [() => tts.voiceFrom(new Float32Array(24000), 24000), /the clip is silent/],
    [() => tts.voiceFrom(clip.subarray(0, 2400), 24000), /needs at least 0.50 s/],
    [() => tts.voiceFrom(new Float32Array(24000 * 600), 24000), /600.00 s long; a voice takes at most 30.00 s/],
    [() => tts.voiceFrom(Float32Array.from(clip.subarray(0, 24000), (x, i) => (i === 100 ? NaN : x)), 24000), /sample 100 is NaN/],
    [() => tts.speak({ text: 'Hi', bogus: 1 }), /unknown option 'bogus'/],
  ];
  for (const [run, message] of cases) await assert.rejects(run, message);
  assert.equal(tts.liveTensors(), 0);
  const ok = await tts.speak({ text: 'Still usable.', temperature: 0 });
  assert.ok(ok.samples > 0);
});

test('a stored voice from a model of other sizes is refused', async () => {
  const other = new Uint8Array(voice);
  new DataView(other.buffer).setUint32(12, 1024, true);  // model width 1024
  await assert.rejects(() => tts.speak({ text: 'Hi', voice: other }), /made for a model of width 1024 but this model's is 48/);
  const dir = mutatedPackage('pocket-tts-tiny', ({ manifest }) => { manifest.components.voice_encoder.sha256 = 'ab'.repeat(32); });
  try {
    const tts2 = await load(dir, { ...nodeOptions, verify: false });
    await assert.rejects(() => tts2.speak({ text: 'Hi', voice }), /another model's voice encoder/);
    await tts2.dispose();
  } finally {
    removePackage(dir);
  }
});

test('cancel mid-sentence: nothing leaks, the task stays usable; 100,000 characters stream with flat memory', async () => {
  const long = `${refs.texts[4]} `.repeat(Math.ceil(100000 / refs.texts[4].length)).slice(0, 100000);
  const controller = new AbortController();
  let frames = 0;
  const heaps = [];
  await assert.rejects(() => tts.speak({
    text: long, keepAudio: false, signal: controller.signal,
    onAudio: () => {
      frames += 1;
      if (frames % 20 === 0) heaps.push(core.heapBytesInUse());
      if (frames === 120) controller.abort();
    },
  }), { name: 'AbortError' });
  assert.equal(frames, 120);
  assert.equal(tts.liveTensors(), 0);
  assert.ok(heaps.at(-1) <= heaps[1], `heap while streaming: ${heaps.join(', ')}`);
  const r = await tts.speak({ text: 'After the cancel.', temperature: 0 });
  assert.ok(r.samples > 0);
});
