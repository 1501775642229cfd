// docs/BRING_YOUR_OWN_ONNX.md's worked examples in Chromium (wasm): each manifest from manifests/
// beside the .onnx its npm package ships, against the authors' own loop in onnxruntime-node.
import test from 'node:test';
import assert from 'node:assert/strict';
import { evaluateInPage } from '../../tools/parity/runtimes.mjs';
import { withPage } from '../../tools/browser.mjs';
import { FIXTURES, readFloat32 } from '../../tools/paths.mjs';
import { removePackage } from '../js/helpers.mjs';
import { EXAMPLES, SILERO_V4_LOOP, SILERO_V5_LOOP, examplePackage, ppocrReferences, sileroAuthorsLoop } from '../js/worked-examples-helpers.mjs';

for (const name of ['silero-vad-v6', 'silero-vad-legacy']) {
  test(`${name} in Chromium (wasm): process() and a live stream() equal the authors' loop`, async () => {
    const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
    const { onnx, loop } = EXAMPLES[name];
    const authors = await sileroAuthorsLoop(onnx, loop === 'v4' ? SILERO_V4_LOOP : SILERO_V5_LOOP, samples);
    const dir = examplePackage(name);
    try {
      const r = await withPage('/tests/browser/harness.html', (page, _url, errors) => evaluateInPage(page, {
        module: '/tests/browser/silero-context-routine.mjs', exportName: 'runSileroContext',
        args: { source: '/example/', samples: { fetchFloat32: '/build/models/fixtures/speech16k.f32' }, loadOptions: { backend: 'wasm' } },
      }, errors), { mounts: { '/example/': dir } });
      assert.equal(r.backend, 'wasm');
      for (const [how, got] of [['process', r.whole], ['stream', r.pieces]]) {
        assert.equal(got.length, authors.length);
        const maxAbs = got.reduce((m, x, i) => Math.max(m, Math.abs(x - authors[i])), 0);
        console.log(`# ${name} ${how}: ${got.length} chunks, max abs ${maxAbs}`);
        assert.ok(maxAbs <= 1e-5, `${how}: max abs diff ${maxAbs}`);
      }
    } finally {
      removePackage(dir);
    }
  });
}

test('ppocr-cls in Chromium (wasm): direction scores equal the authors\' pipeline', async () => {
  const refs = ppocrReferences();
  const dir = examplePackage('ppocr-cls');
  try {
    const images = refs.images.map(({ file, width, height }) => ({ url: `/refs/${file}`, width, height }));
    const r = await withPage('/tests/browser/harness.html', (page, _url, errors) => evaluateInPage(page, {
      module: '/tests/browser/classify-rgba-routine.mjs', exportName: 'runClassifyRgba',
      args: { source: '/example/', images, loadOptions: { backend: 'wasm' } },
    }, errors), { mounts: { '/example/': dir, '/refs/': refs.dir } });
    assert.equal(r.backend, 'wasm');
    r.results.forEach(({ scores, label }, i) => {
      const want = refs.scores[i];
      const diff = Math.max(...want.map((p, j) => Math.abs(p - scores[j])));
      console.log(`# ${refs.images[i].file}: ${label}, max abs ${diff}`);
      assert.ok(diff <= 1e-5, `${refs.images[i].file}: scores max abs ${diff}`);
      assert.equal(label, want[0] > want[1] ? '0' : '180');
    });
  } finally {
    removePackage(dir);
    removePackage(refs.dir);
  }
});
