// Image classification in Chromium (wasm): PNGs decoded by the browser, preprocessed by the core,
// against PyTorch logits through torchvision transforms (fixtures made by the Python toolkit);
// the same in a module Worker; and the classifier demo page.
import test from 'node:test';
import assert from 'node:assert/strict';
import { classifierParity } from '../../tools/parity/classifier.mjs';
import { inChromium } from '../../tools/parity/runtimes.mjs';
import { withPage } from '../../tools/browser.mjs';
import { FIXTURES, MODELS, readJson } from '../../tools/paths.mjs';

const ref = readJson(`${FIXTURES}/classifier/reference.json`);
const images = ref.images.map((name) => `${FIXTURES}/classifier/images/${name}`);

test('classifier parity with PyTorch + torchvision in Chromium (wasm): PASS, full top-1 agreement', async () => {
  const g = await classifierParity(`${MODELS}/classifier-resnet18`, images, ref.logits);
  assert.equal(g.backend, 'wasm');
  assert.equal(g.band, 'PASS', JSON.stringify(g));
  assert.equal(g.top1_agree, `${images.length}/${images.length}`);
});

test('classify() in a module Worker gives the PyTorch top-1', async () => {
  const r = await inChromium({ module: '/tests/browser/classifier-worker-routine.mjs', exportName: 'classifyInWorker',
    args: { source: '/build/models/classifier-resnet18', image: `/build/models/fixtures/classifier/images/${ref.images[0]}` } });
  assert.equal(r.top[0].index, ref.top1[0]);
  assert.equal(r.top[0].label, `class ${ref.top1[0]}`);
});

test('bad images in the browser: undecodable blob, string, zero-sized, 10000x10000 refused from its size', async () => {
  const r = await inChromium({ module: '/tests/browser/classifier-bad-input-routine.mjs', exportName: 'classifyBadImages',
    args: { source: '/build/models/classifier-resnet18', image: `/build/models/fixtures/classifier/images/${ref.images[0]}` } });
  assert.match(r.errors.notAnImage, /^weft: classify: could not decode the image\/png as an image/);
  assert.match(r.errors.text, /^weft: classify: expected an image .* got string/);
  assert.match(r.errors.zeroCanvas, /^weft: image is 0x0: it has no pixels/);
  assert.match(r.errors.zeroImageData, /^weft: image is 0x0: it has no pixels/);
  assert.match(r.errors.huge, /^weft: image is 10000x10000 .* more than the limit of 40000000 pixels/);
  assert.equal(r.top[0].index, ref.top1[0]);
  assert.equal(r.liveTensors, 0);
});

test('the classifier demo page classifies a picked image and shows labels and timing', async () => {
  await withPage('/web/demo/classifier.html?model=/build/models/classifier-resnet18/', async (page, _url, errors) => {
    await page.waitForFunction(() => /ready on/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
    await page.setInputFiles('#file', images[1]);
    await page.waitForFunction(() => document.getElementById('results').dataset.done, null, { timeout: 60000 });
    const first = await page.textContent('#results li:first-child');
    const timing = await page.textContent('#timing');
    assert.deepEqual(errors, []);
    assert.match(first, new RegExp(`^class ${ref.top1[1]} `));
    assert.match(timing, /ms/);
  });
});
