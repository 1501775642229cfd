// A classifier graph that already ends in Softmax (the ResNet export with a Softmax node appended to
// its logits): postprocess "none" reports the graph's probabilities as they are; the default
// softmax would apply it twice. Unknown postprocess values are refused naming the field.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { load } from '../../web/weft.js';
import { FIXTURES, MODELS } from '../../tools/paths.mjs';
import { mutatedPackage, nodeOptions, removePackage } from './helpers.mjs';
import { appendSoftmax } from './onnx-append.mjs';

const ref = JSON.parse(readFileSync(`${FIXTURES}/classifier/reference.json`, 'utf8'));
const image = (i) => new Uint8Array(readFileSync(`${FIXTURES}/classifier/image${i}.rgba`));
const sizeOf = (i) => ref.images[i].match(/(\d+)x(\d+)/).slice(1).map(Number);

// Softmax in double, written here: the reference for what the graph's probabilities must be.
function softmax(logits) {
  const mx = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - mx));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

function probabilityPackage(postprocess) {
  return mutatedPackage('classifier-resnet18', ({ dir, manifest }) => {
    const bytes = appendSoftmax(readFileSync(`${MODELS}/classifier-resnet18/model.onnx`), 'logits', 'probabilities', 1000);
    writeFileSync(`${dir}/model.onnx`, bytes);
    const c = manifest.components.classifier;
    Object.assign(c, { sha256: '', bytes: 0 });
    c.outputs[0].name = 'probabilities';
    manifest.generator.io.logits = 'probabilities';
    manifest.generator.postprocess = postprocess;
  });
}

test('postprocess "none": a graph ending in Softmax reports its own probabilities', async () => {
  const logitsModel = await load(`${MODELS}/classifier-resnet18`, nodeOptions);
  const dir = probabilityPackage('none');
  const twice = probabilityPackage('softmax');
  const probs = await load(dir, nodeOptions);
  const doubled = await load(twice, nodeOptions);
  try {
    assert.equal(probs.info.generator.postprocess, 'none');
    for (const i of [0, 2, 4]) {
      const [width, height] = sizeOf(i);
      const fromLogits = await logitsModel.classifyDetailed(image(i), { width, height, topK: 5 });
      const expected = softmax(Array.from(fromLogits.logits));
      const got = await probs.classifyDetailed(image(i), { width, height, topK: 5 });
      assert.equal(got.top[0].index, ref.top1[i]);
      const maxAbs = Math.max(...expected.map((p, j) => Math.abs(p - got.logits[j])));
      assert.ok(maxAbs <= 1e-5, `image ${i}: probabilities max abs ${maxAbs}`);
      for (const t of got.top) {
        assert.ok(Math.abs(t.score - expected[t.index]) <= 1e-5, `image ${i}: score of class ${t.index}`);
        assert.equal(t.score, got.logits[t.index]);
      }
      const again = (await doubled.classify(image(i), { width, height, topK: 1 }))[0];
      console.log(`# image ${i}: top-1 ${got.top[0].index} score ${got.top[0].score} (softmaxed twice: ${again.score}); max abs ${maxAbs}`);
      assert.ok(again.score < got.top[0].score, 'softmax applied twice flattens the scores');
    }
  } finally {
    await Promise.all([logitsModel.dispose(), probs.dispose(), doubled.dispose()]);
    removePackage(dir);
    removePackage(twice);
  }
});

test('an unknown postprocess is refused naming generator.postprocess', async () => {
  const dir = mutatedPackage('classifier-resnet18', ({ manifest }) => { manifest.generator.postprocess = 'probabilities'; });
  try {
    await assert.rejects(load(dir, nodeOptions), /generator\.postprocess: expected one of softmax, sigmoid, none .* but got 'probabilities'/);
  } finally {
    removePackage(dir);
  }
});
