// Weft's MusicGen generator on onnxruntime-node against transformers' own generate
// (fixtures/musicgen_weft_refs.json): greedy codes for text, continuation and a padded batch;
// streaming against the one-shot decode; bad input; abort.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load, loadCore } from '../../web/weft.js';
import { FIXTURES, MODELS, readFloat32, readJson } from '../../tools/paths.mjs';
import { nodeOptions, streamedVsOneShot } from './helpers.mjs';

const refs = readJson(`${FIXTURES}/musicgen_weft_refs.json`);
const prompt = readFloat32(`${FIXTURES}/musicgen_prompt.f32`);
const model = await load(`${MODELS}/musicgen-tiny`, nodeOptions);
const greedy = { cfg: refs.guidance_scale, doSample: false, returnCodes: true };
const toArrays = (codes) => codes.map((row) => Array.from(row));
// Streamed chunks vs the one-shot decode of the same codes, default windows (docs/MUSICGEN.md).
const STREAM_TOLERANCE = 1e-4;

test.after(() => model.dispose());

test('text: greedy codes equal transformers generate (CFG 3, 65 frames)', async () => {
  const ref = refs.text;
  const r = await model.generate({ ...greedy, text: ref.text, maxNewFrames: ref.codes[0][0].length });
  assert.deepEqual(Array.from(model.tokenizer.encode(ref.text)), ref.text_ids[0]);
  assert.equal(r.steps, ref.steps);
  assert.deepEqual(toArrays(r.codes), ref.codes[0]);
  assert.equal(r.sampleRate, 32000);
  assert.equal(r.audio.length, ref.codes[0][0].length * 640);
});

test('continuation: 1.2 s prompt through the exported encoder, codes equal transformers', async () => {
  const ref = refs.continuation;
  const Tp = ref.prompt_codes[0].length;
  const r = await model.continue(prompt, 32000, { ...greedy, text: ref.text, maxNewFrames: ref.codes[0][0].length - Tp });
  assert.equal(r.steps, ref.steps);
  assert.deepEqual(toArrays(r.codes), ref.codes[0]);
  // seconds is the total duration, prompt included (audiocraft): the same request by duration.
  const bySeconds = await model.continue(prompt, 32000, { ...greedy, text: ref.text, seconds: ref.codes[0][0].length / 50 });
  assert.deepEqual(toArrays(bySeconds.codes), ref.codes[0]);
});

test('a batch of two descriptions of different lengths (padded) equals transformers', async () => {
  const ref = refs.batch;
  const r = await model.generate({ ...greedy, texts: ref.texts, maxNewFrames: ref.codes[0][0].length });
  assert.equal(r.audio.length, 2);
  assert.deepEqual(r.codes.map(toArrays), ref.codes);
});

test('sampling with a seed is reproducible, another seed differs', async () => {
  const run = (seed) => model.generate({ text: 'lofi jazz', maxNewFrames: 30, seed, returnCodes: true });
  const [a, b, c] = [await run(11), await run(11), await run(12)];
  assert.deepEqual(toArrays(a.codes), toArrays(b.codes));
  assert.notDeepEqual(toArrays(a.codes), toArrays(c.codes));
});

test('streamed chunks: early, contiguous, and equal to the one-shot decode within tolerance', async () => {
  const chunks = [];
  const r = await model.generate({ text: 'upbeat rock', maxNewFrames: 250, seed: 3, onAudio: (c) => chunks.push(c) });
  assert.ok(chunks.length >= 4, `${chunks.length} chunks`);
  assert.ok(chunks[0].stepsDone < r.steps / 3, `first chunk after ${chunks[0].stepsDone} of ${r.steps} steps`);
  const maxAbs = streamedVsOneShot(chunks, r.audio);
  assert.deepEqual(chunks.map((c) => c.final), chunks.map((_, i) => i === chunks.length - 1));
  assert.ok(maxAbs <= STREAM_TOLERANCE, `streamed vs one-shot max abs ${maxAbs}`);
  assert.ok(r.timeToFirstAudioMs < r.stats.totalMs);
});

test('bad input: clear errors, nothing left running, the model stays usable', async () => {
  const cases = [
    [() => model.generate({ text: 'x', seconds: 0 }), /options\.seconds: the duration must be a finite number of seconds > 0 but got 0/],
    [() => model.generate({ text: 'x', seconds: 120, maxDuration: 45 }), /options\.max_duration: 45\.00 s is beyond the model's positional limit: dims\.max_positions 2048 allows at most 2045 frames \(40\.90 s\) per window/],
    [() => model.continue(new Float32Array(32000 * 31), 32000, { text: 'x', seconds: 60 }), /the prompt \(1550 frames\) is not shorter than the first window \(1500 frames, max_duration\)/],
    [() => model.continue(new Float32Array(0), 32000, { text: 'x', seconds: 5 }), /options\.prompt_samples: the prompt audio is empty \(0 samples\)/],
    [() => model.continue(new Float32Array(1000), 32000, { seconds: 5 }), /the prompt is too short: 1000 samples \(0\.031 s at 32000 Hz\) but the model needs at least 2560 samples \(0\.08 s at 32000 Hz\)/],
    [() => model.continue(new Float32Array(48000 * 600), 48000, { text: 'x', seconds: 30 }), /the prompt \(600\.00 s, 30000 frames\) is not shorter than the requested duration \(30\.00 s, 1500 frames\)/],
    [() => model.continue(Float32Array.from({ length: 4000 }, (_, i) => (i === 1234 ? NaN : 0)), 32000, { seconds: 2 }), /prompt audio: sample 1234 is NaN/],
    [() => model.continue([new Float32Array(4000), new Float32Array(3000)], 32000, { seconds: 2 }), /the prompt's channels differ in length \(4000, 3000 samples\)/],
    [() => model.continue(new Float32Array(4000), 0, { seconds: 2 }), /needs the prompt's sample rate as a positive integer/],
    [() => model.generate({ text: 'x', topP: 2 }), /options\.top_p: must be in \[0, 1\]/],
  ];
  for (const [call, pattern] of cases) {
    await assert.rejects(call(), (error) => {
      assert.match(error.message, pattern);
      return true;
    });
    assert.equal(model.liveTensors(), 0);
  }
  const ref = refs.text;
  const r = await model.generate({ ...greedy, text: ref.text, maxNewFrames: ref.codes[0][0].length });
  assert.deepEqual(toArrays(r.codes), ref.codes[0]);
});

test('a stereo 44.1 kHz prompt is mixed down and resampled before encoding', async () => {
  const n = 44100;
  const left = Float32Array.from({ length: n }, (_, i) => Math.sin(i / 20));
  const right = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i / 7));
  const r = await model.continue([left, right], 44100, { maxNewFrames: 10, doSample: false, returnCodes: true });
  assert.equal(r.frames, 50 + 10); // 1 s at 32 kHz = 50 frames of prompt
});

test('abort mid-stream releases every tensor and the heap; the model stays usable', async () => {
  const core = await loadCore();
  await model.generate({ text: 'warm up', maxNewFrames: 60, onAudio: () => {} });
  const baseline = core.heapBytesInUse();
  const controller = new AbortController();
  let chunks = 0;
  await assert.rejects(
    model.generate({
      text: 'calm piano', maxNewFrames: 300, signal: controller.signal,
      onAudio: () => { chunks += 1; if (chunks === 1) controller.abort(); },
    }),
    (error) => error.name === 'AbortError',
  );
  assert.equal(chunks, 1);
  assert.equal(model.liveTensors(), 0);
  assert.equal(core.heapBytesInUse(), baseline);
  const ref = refs.text;
  const r = await model.generate({ ...greedy, text: ref.text, maxNewFrames: ref.codes[0][0].length });
  assert.deepEqual(toArrays(r.codes), ref.codes[0]);
});
