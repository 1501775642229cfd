// The classifier in Node (onnxruntime-node): logits equal PyTorch's through torchvision transforms
// for RGBA bytes, and every kind of bad input fails with a clear error.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { load } from '../../web/weft.js';
import { FIXTURES } from '../../tools/paths.mjs';
import { mutatedPackage, nodeOptions, removePackage } from './helpers.mjs';

const ref = JSON.parse(readFileSync(`${FIXTURES}/classifier/reference.json`, 'utf8'));
const classifier = await load(`${FIXTURES}/../classifier-resnet18`, nodeOptions);
const image = (i) => new Uint8Array(readFileSync(`${FIXTURES}/classifier/image${i}.rgba`));

test('RGBA bytes and ImageData-like objects give PyTorch logits (Node)', async () => {
  for (const i of [0, 2, 4]) {
    const [w, h] = ref.images[i].match(/(\d+)x(\d+)/).slice(1).map(Number);
    const viaBytes = await classifier.classifyDetailed(image(i), { width: w, height: h, topK: 3 });
    const maxAbs = Math.max(...ref.logits[i].map((v, j) => Math.abs(v - viaBytes.logits[j])));
    assert.ok(maxAbs < 1e-4, `image ${i}: max abs ${maxAbs}`);
    assert.equal(viaBytes.top[0].index, ref.top1[i]);
    assert.equal(viaBytes.top.length, 3);
    const viaObject = await classifier.classify({ data: image(i), width: w, height: h });
    assert.deepEqual(viaObject, viaBytes.top.concat(viaObject.slice(3)));
  }
});

test('bad images: not an image, zero-sized, 10000x10000, wrong byte count', async () => {
  await assert.rejects(classifier.classify(42), /weft: classify: expected an image .* got number/);
  await assert.rejects(classifier.classify('cat.png'), /could not read the image file 'cat.png'/); // a path in Node
  await assert.rejects(classifier.classify(new Uint8Array(16)), /need integer \{width, height\}/);
  await assert.rejects(classifier.classify({ data: new Uint8Array(0), width: 0, height: 0 }), /weft: image is 0x0: it has no pixels/);
  // Refused from the size alone: no 400 MB buffer is ever allocated.
  const huge = { data: new Uint8Array(4), width: 10000, height: 10000 };
  await assert.rejects(classifier.classify(huge), /10000x10000 .* more than the limit of 40000000 pixels/);
  await assert.rejects(classifier.classify(new Uint8Array(10), { width: 2, height: 2 }), /10 bytes are neither a PNG or JPEG image nor RGBA of a 2x2 image/);
  assert.equal(classifier.liveTensors(), 0);
  // Still usable afterwards.
  assert.equal((await classifier.classify(image(0), { width: 640, height: 480 }))[0].index, ref.top1[0]);
});

test('a corrupt .onnx and a manifest whose labels do not match fail at load', async () => {
  // Hash and size unknown in the manifest, so the bytes reach onnxruntime.
  const corrupt = mutatedPackage('classifier-resnet18', ({ dir, manifest }) => {
    writeFileSync(`${dir}/model.onnx`, 'not a model');
    Object.assign(manifest.components.classifier, { sha256: '', bytes: 0 });
  });
  try {
    await assert.rejects(load(corrupt, nodeOptions), /weft: component 'classifier' .*onnxruntime could not load the graph/);
  } finally {
    removePackage(corrupt);
  }
  const labels = mutatedPackage('classifier-resnet18', ({ manifest }) => { manifest.generator.labels = ['a', 'b']; });
  try {
    await assert.rejects(load(labels, nodeOptions), /generator.labels: 2 labels but output 'logits' has 1000 classes/);
  } finally {
    removePackage(labels);
  }
});

test.after(() => classifier.dispose());
