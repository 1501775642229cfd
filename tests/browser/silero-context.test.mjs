// Silero VAD v6 with its authors' 64-sample context in Chromium (wasm): process() and a live
// stream() equal a plain onnxruntime-node loop that prepends the context itself (max abs <= 1e-5).
import test from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluateInPage } from '../../tools/parity/runtimes.mjs';
import { withPage } from '../../tools/browser.mjs';
import { FIXTURES, readFloat32 } from '../../tools/paths.mjs';
import { removePackage } from '../js/helpers.mjs';
import { CONTEXT, VAD_WEB, contextPackage, plainWithContext } from '../js/silero-context-helpers.mjs';

test('Silero VAD v6 with a 64-sample context in Chromium (wasm) equals the authors\' loop', async () => {
  const file = 'silero_vad_v6.onnx';
  const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
  const plain = await plainWithContext(join(VAD_WEB, file), samples);
  const dir = contextPackage(file);
  try {
    const r = await withPage('/tests/browser/harness.html', (page, _url, errors) => evaluateInPage(page, {
      module: '/tests/browser/silero-context-routine.mjs', exportName: 'runSileroContext',
      args: { source: '/ctx/', samples: { fetchFloat32: '/build/models/fixtures/speech16k.f32' }, loadOptions: { backend: 'wasm' } },
    }, errors), { mounts: { '/ctx/': dir } });
    assert.equal(r.backend, 'wasm');
    assert.equal(r.context, CONTEXT);
    for (const [name, got] of [['process', r.whole], ['stream', r.pieces]]) {
      assert.equal(got.length, plain.length);
      const maxAbs = got.reduce((m, x, i) => Math.max(m, Math.abs(x - plain[i])), 0);
      console.log(`# ${name}: ${got.length} chunks, max abs ${maxAbs}`);
      assert.ok(maxAbs <= 1e-5, `${name}: max abs diff ${maxAbs}`);
    }
  } finally {
    removePackage(dir);
  }
});
