// MusicGen past one window (audiocraft's windowed continuation), continuation from codes, the
// progress callback and the semantics option, on onnxruntime-node with the tiny package.
// Codes against audiocraft's own generate: `npm run parity -- musicgen-audiocraft`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../web/weft.js';
import { FIXTURES, MODELS, readJson } from '../../tools/paths.mjs';
import { nodeOptions, streamedVsOneShot } from './helpers.mjs';

const refs = readJson(`${FIXTURES}/musicgen_weft_refs.json`);
const model = await load(`${MODELS}/musicgen-tiny`, nodeOptions);
const greedy = { cfg: refs.guidance_scale, doSample: false, returnCodes: true };
const rows = (codes, from = 0, to = undefined) => codes.map((row) => Array.from(row.slice(from, to)));

test.after(() => model.dispose());

test('continue({ codes }): the prompt codes of transformers\' continuation give its codes', async () => {
  const ref = refs.continuation;
  const Tp = ref.prompt_codes[0].length;
  const r = await model.continue({ codes: ref.prompt_codes }, { ...greedy, text: ref.text, maxNewFrames: ref.codes[0][0].length - Tp });
  assert.deepEqual(rows(r.codes), ref.codes[0]);
  assert.equal(r.audio.length, ref.codes[0][0].length * 640);
});

test('past max_duration: audiocraft windows, each a continuation of the last from extend_stride on', async () => {
  // 2 s with 1.2 s windows moving 0.6 s: frames [0, 60), then [30, 90) prompted with 30 frames,
  // then [60, 100) prompted with 30 (audiocraft: chunk = min(2.0 - 1.2, 1.2) s).
  const progress = [];
  const opts = { ...greedy, text: 'warm synth pads', maxDuration: 1.2, extendStride: 0.6 };
  const r = await model.generate({ ...opts, seconds: 2, onProgress: (p) => progress.push(p) });
  assert.equal(r.codes[0].length, 100);
  assert.equal(r.audio.length, 100 * 640);
  const first = await model.generate({ ...opts, seconds: 1.2 });
  assert.deepEqual(rows(r.codes, 0, 60), rows(first.codes));
  const second = await model.continue({ codes: rows(r.codes, 30, 60) }, { ...opts, seconds: 1.2 });
  assert.deepEqual(rows(r.codes, 60, 90), rows(second.codes, 30, 60));
  const third = await model.continue({ codes: rows(r.codes, 60, 90) }, { ...opts, seconds: 0.8 });
  assert.deepEqual(rows(r.codes, 90, 100), rows(third.codes, 30, 40));
  // Every step reported once (after a first report at 0), frames done never go back, windows counted from 0.
  assert.deepEqual(progress.map((p) => p.stepsDone), Array.from({ length: r.steps + 1 }, (_, i) => i));
  assert.deepEqual([...new Set(progress.map((p) => p.window))], [0, 1, 2]);
  assert.ok(progress.every((p, i) => p.windows === 3 && p.frames === 100 && (i === 0 || p.framesDone >= progress[i - 1].framesDone)));
  assert.equal(progress.at(-1).framesDone, 100);
  assert.equal(r.steps, (60 + 3) + (60 + 3 - 30) + (40 + 3 - 30));
});

test('streamed audio crosses window boundaries and equals the one-shot decode', async () => {
  const chunks = [];
  const r = await model.generate({ text: 'drums', seconds: 3, maxDuration: 1.2, extendStride: 0.6, seed: 4, onAudio: (c) => chunks.push(c) });
  const maxAbs = streamedVsOneShot(chunks, r.audio);
  assert.ok(maxAbs < 1e-4, `max abs ${maxAbs}`);
});

test('semantics: cfg below 1 only under audiocraft; the package default is reported', async () => {
  assert.equal(model.info.generation.semantics, 'transformers');
  await assert.rejects(model.generate({ text: 'x', seconds: 0.5, cfg: 0.5 }), /guidance_scale: must be a finite number >= 1 .*semantics "audiocraft" accepts any/);
  const r = await model.generate({ text: 'x', seconds: 0.5, cfg: 0.5, semantics: 'audiocraft', seed: 1, returnCodes: true });
  assert.equal(r.codes[0].length, 25);
  await assert.rejects(model.continue({ codes: [[1, 2]] }, { seconds: 1 }), /prompt_codes: 1 rows but 1 prompt\(s\) x 4 codebooks need 4/);
  await assert.rejects(model.continue({ codes: 'x' }, {}), /codes must be a non-empty array of codebook rows/);
});

test('a padded batch under audiocraft semantics attends over the padding: the short description changes', async () => {
  const ref = refs.batch;
  const n = ref.codes[0][0].length;
  const hf = await model.generate({ ...greedy, texts: ref.texts, maxNewFrames: n });
  const ac = await model.generate({ ...greedy, texts: ref.texts, maxNewFrames: n, semantics: 'audiocraft' });
  const lengths = ref.texts.map((t) => model.tokenizer.encode(t).length);
  const longest = lengths.indexOf(Math.max(...lengths));
  // The longest description has no padding: both semantics agree on it; the other one differs.
  assert.deepEqual(rows(ac.codes[longest]), rows(hf.codes[longest]));
  assert.notDeepEqual(rows(ac.codes[1 - longest]), rows(hf.codes[1 - longest]));
});
