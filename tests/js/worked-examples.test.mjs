// docs/BRING_YOUR_OWN_ONNX.md's worked examples in Node (onnxruntime-node): each manifest from
// manifests/ beside the .onnx its npm package ships, against the authors' own loop.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, readFloat32 } from '../../tools/paths.mjs';
import { nodeOptions, removePackage } from './helpers.mjs';
import { EXAMPLES, SILERO_V4_LOOP, SILERO_V5_LOOP, examplePackage, ppocrReferences, sileroAuthorsLoop } from './worked-examples-helpers.mjs';

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

test('ppocr-cls: PaddleOCR direction scores (graph softmax, height-48 resize, BGR, padding) equal the authors\' pipeline', async () => {
  const { load } = await import('../../web/weft.js');
  const refs = ppocrReferences();
  const dir = examplePackage('ppocr-cls');
  const cls = await load(dir, nodeOptions);
  try {
    for (const [i, { file, width, height, turned }] of refs.images.entries()) {
      const rgba = new Uint8Array(readFileSync(join(refs.dir, file)));
      const got = await cls.classifyDetailed(rgba, { width, height, topK: 2 });
      const want = refs.scores[i];
      const diff = Math.max(...want.map((p, j) => Math.abs(p - got.logits[j])));
      assert.ok(diff <= 1e-5, `${file} (${width}x${height}): scores max abs ${diff}`);
      assert.equal(got.top[0].label, want[0] > want[1] ? '0' : '180');
      assert.equal(got.top[0].score, got.logits[got.top[0].index], 'scores reported as the graph gives them');
      console.log(`# ${file} ${width}x${height}${turned ? ' turned' : ''}: ${got.top[0].label} ${got.top[0].score.toFixed(4)}, max abs ${diff}`);
    }
    const upright = refs.images.filter((im, i) => !im.turned && refs.scores[i][0] > 0.9).length;
    assert.ok(upright >= 6, 'the real model reads most upright lines as upright');
  } finally {
    await cls.dispose();
    removePackage(dir);
    removePackage(refs.dir);
  }
});
