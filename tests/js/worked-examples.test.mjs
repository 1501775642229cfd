// docs/BRING_YOUR_OWN_ONNX.md's worked examples in Node (onnxruntime-node): each manifest from
// manifests/ beside the .onnx its npm package ships, against the authors' own loop.
import test from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES, readFloat32 } from '../../tools/paths.mjs';
import { nodeOptions, removePackage } from './helpers.mjs';
import { EXAMPLES, SILERO_V4_LOOP, SILERO_V5_LOOP, examplePackage, sileroAuthorsLoop } from './worked-examples-helpers.mjs';

const maxAbs = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

for (const name of ['silero-vad-v6', 'silero-vad-legacy']) {
  test(`${name}: process() and a live stream() equal the authors' loop`, async () => {
    const { load } = await import('../../web/weft.js');
    const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
    const { onnx, loop } = EXAMPLES[name];
    const authors = await sileroAuthorsLoop(onnx, loop === 'v4' ? SILERO_V4_LOOP : SILERO_V5_LOOP, samples);
    assert.ok(authors.some((p) => p > 0.8) && authors.some((p) => p < 0.1), 'the clip has speech and silence');
    const dir = examplePackage(name);
    const vad = await load(dir, nodeOptions);
    try {
      const whole = (await vad.process(samples)).results;
      assert.equal(whole.length, authors.length);
      const stream = vad.stream();
      const pieces = [];
      for (let start = 0, size = 300; start < samples.length; start += size, size = (size * 7) % 2000 + 37) {
        pieces.push(...await stream.push(samples.subarray(start, start + size)));
      }
      pieces.push(...await stream.end());
      const [p, s] = [maxAbs(whole, authors), maxAbs(Float32Array.from(pieces), authors)];
      console.log(`# ${name}: ${authors.length} chunks, max abs process ${p}, stream ${s}`);
      assert.ok(p <= 1e-5 && s <= 1e-5, `max abs process ${p}, stream ${s}`);
    } finally {
      await vad.dispose();
      removePackage(dir);
    }
  });
}
