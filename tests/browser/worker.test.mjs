// The worker host in Chromium: loadInWorker() gives the same results as load() in the page,
// streams callbacks, aborts mid-way with an AbortError and stays usable, moves buffers on request,
// and reports a worker that cannot start.
import test from 'node:test';
import assert from 'node:assert/strict';
import { inChromium } from '../../tools/parity/runtimes.mjs';

test('loadInWorker: same tokens as the page, streamed, abortable, reusable (toy, wasm)', async () => {
  const r = await inChromium({ module: '/tests/browser/worker-routine.mjs', exportName: 'workerRoutine',
    args: { source: '/build/models/toy', vadSource: '/build/models/silero-vad', backend: 'wasm',
      samples: { fetchFloat32: '/build/models/fixtures/speech16k.f32' } } });
  assert.equal(r.pageTokens.length, 24);
  assert.deepEqual(r.workerTokens, r.pageTokens);
  assert.equal(r.tokensType, 'Int32Array');
  assert.deepEqual(r.streamed, r.pageTokens.map((t, i) => [t, i]), 'onToken must be called in order for every token');
  assert.ok(r.phases.includes('download') && r.phases.at(-1) === 'ready', `progress phases: ${r.phases}`);
  assert.deepEqual(r.props, { name: 'toy', backend: 'wasm', generatorType: 'decoder' });

  assert.deepEqual(r.aborted, { name: 'AbortError', isReason: true });
  assert.ok(r.seen >= 5 && r.seen < 120, `tokens seen before the abort took effect: ${r.seen}`);
  assert.equal(r.liveAfterAbort, 0, 'the aborted generation must release its tensors in the worker');
  assert.deepEqual(r.again, r.pageTokens, 'the worker must stay usable after an abort');

  assert.deepEqual(r.badOption, { name: 'Error', message: 'weft: options.temperature: must be a finite number >= 0 but got -1.0' });
  assert.match(r.afterDispose, /worker .* has been disposed/);
  assert.match(r.crashed, /^weft: the worker .*no-such-worker-host\.js stopped: /);

  assert.ok(r.pageProbabilities.length > 10);
  assert.deepEqual(r.viaCopy, r.pageProbabilities);
  assert.deepEqual(r.viaTransfer, r.pageProbabilities);
  assert.equal(r.resultsType, 'Float32Array');
  assert.deepEqual(r.streamedVad, r.pageProbabilities, 'stream() through the worker must give the same probabilities');
  assert.ok(r.copiedLength > 0, 'a buffer not marked with transfer() must stay usable in the page');
  assert.equal(r.movedByteLength, 0, 'a buffer marked with transfer() must be moved (detached in the page)');
});
