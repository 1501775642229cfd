// The per-step times of `npm run bench -- musicgen`: the start/end means, and that each
// contestant's hook stamps exactly one time per decoder step.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { load } from '../../web/weft.js';
import { MODELS } from '../../tools/paths.mjs';
import { msPerStepAtEnds, weftStepStamps } from '../../bench/step-times.mjs';
import { bareMusicgenLoop, openBareSessions, releaseBareSessions } from '../../bench/musicgen-bare.mjs';

const PKG = `${MODELS}/musicgen-tiny`;
const TEXT = 'lo-fi beat with a warm bass line';

test('ms per step: mean of the first and last 10% of steps, the first (prompt) step left out', () => {
  // step k (k = 1..21) takes k ms; steps 2..21 are counted, 2 at each end
  const stamps = [0];
  for (let k = 2; k <= 21; k += 1) stamps.push(stamps.at(-1) + k);
  assert.deepEqual(msPerStepAtEnds(stamps), { start: (2 + 3) / 2, end: (20 + 21) / 2 });
  assert.throws(() => msPerStepAtEnds([0, 1]), /at least 3 step-end stamps, got 2/);
});

test('Weft and the bare loop stamp each decoder step once', async () => {
  const mg = await load(PKG, { ort, backend: 'cpu', sessionOptions: { intraOpNumThreads: 1 } });
  const sessions = await openBareSessions(ort, PKG, { intraOpNumThreads: 1 });
  try {
    const frames = 12;
    let steps;
    const weft = await weftStepStamps(async (extra) => {
      const r = await mg.generate({ text: TEXT, maxNewFrames: frames, cfg: 3, doSample: false, stream: false, ...extra });
      steps = r.steps;
      return r;
    });
    assert.equal(steps, frames + 3); // the delay pattern: codebooks - 1 more steps than frames
    assert.equal(weft.length, steps);
    assert.ok(weft.every((t, i) => i === 0 || t >= weft[i - 1]), `Weft's stamps not increasing: ${weft}`);
    const bare = [];
    await bareMusicgenLoop(ort, sessions, { textIds: Array.from(mg.tokenizer.encode(TEXT)), steps, stepStamps: bare });
    assert.equal(bare.length, steps);
  } finally {
    await releaseBareSessions(sessions);
    await mg.dispose();
  }
});
