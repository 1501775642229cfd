// `npm install weft` in real apps: the packed tarball (prepack builds the core) holds what the
// package needs and nothing else; fresh Vite and webpack 5 apps build it with no configuration and,
// served and driven in headless Chromium, generate the toy decoder's parity tokens (page and
// worker, the worker loadInWorker starts and one of the app's own), MusicGen-tiny's expected
// sample count, and the same on Vite's dev server; a plain Node project runs it on
// onnxruntime-node and onnxruntime-web. Logs the bytes the toy demo downloads per ORT build.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withPage } from '../../tools/browser.mjs';
import { buildApps, createApps, pack, ROOT, runNodeApp, startViteDev } from './npm-apps/apps.mjs';
import { checkPackedFiles } from './npm-apps/packed-files.mjs';

const MODELS = join(ROOT, 'build/models');
const FIXTURE = join(MODELS, 'fixtures/toy_greedy.json');
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
const MUSIC = { source: '/models/musicgen-tiny/', backend: 'wasm', seconds: 0.4 };
const SAMPLES = 0.4 * 50 * 640; // 50 frames per second, 640 samples per frame at 32 kHz

let prepared = null;
const prepare = () => (prepared ??= (async () => {
  const packed = pack();
  const dir = createApps(packed.tarball);
  return { packed, dir, builds: buildApps(dir) };
})());

/** Opens a build's index.html, counting the bytes served from then on, and runs `fn(call, bytes)`. */
function inBuild(out, fn) {
  return withPage('/index.html', async (page, _url, errors, { server }) => {
    const bytes = new Map();
    server.on('request', (req, res) => { // runs before the server's own (async) handler answers
      const writeHead = res.writeHead;
      res.writeHead = (status, headers) => {
        bytes.set(req.url, (bytes.get(req.url) ?? 0) + Number(headers?.['Content-Length'] ?? 0));
        return writeHead.call(res, status, headers);
      };
    });
    await page.reload(); // counted from the page's first byte
    const call = (name, args) => callCheck(page, name, args, errors);
    return fn(call, bytes);
  }, { mounts: { '/models/': MODELS, '/': out } });
}

async function callCheck(page, name, args, errors) {
  await page.waitForFunction(() => globalThis.weftChecks, null, { timeout: 60_000 });
  const result = await page.evaluate(([n, a]) => globalThis.weftChecks[n](a), [name, args]);
  if (errors.length) throw errors[0];
  return result;
}

/** The checks every build passes: toy tokens in the page and in both workers, MusicGen's sample count. */
async function checkApp(call) {
  const toy = await call('toyGreedy', { source: '/models/toy/', fixture, backend: 'wasm' });
  assert.deepEqual(toy, { backend: 'wasm', tokens: fixture.tokens });
  for (const own of [false, true]) {
    const remote = await call('inWorker', { source: '/models/toy/', fixture, backend: 'wasm', own });
    assert.deepEqual(remote, { backend: 'wasm', kind: 'decoder', tokens: fixture.tokens }, own ? 'a worker importing weft/worker' : 'loadInWorker\'s own worker');
  }
  const music = await call('musicgen', MUSIC);
  assert.deepEqual(music, { backend: 'wasm', sampleRate: 32000, frames: 20, samples: SAMPLES, streamed: SAMPLES, finite: true });
}

/** Bytes served per kind of file, in kB. */
function downloaded(bytes) {
  const kinds = { 'onnxruntime-web wasm': /ort-wasm.*\.wasm/, 'weft core wasm': /weft-core.*\.wasm/, 'model package': /^\/models\//, 'js + html': /./ };
  const out = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0]));
  for (const [url, n] of bytes) out[Object.keys(kinds).find((k) => kinds[k].test(url))] += n;
  out.total = [...bytes.values()].reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v / 1000)]));
}

test('the packed tarball holds the core, types, worker host, schema and license, and nothing else', async () => {
  const { packed } = await prepare();
  checkPackedFiles(packed.files, ROOT);
});

test('Vite and webpack 5 build the app with no configuration and no warning about the package', async () => {
  const { builds } = await prepare();
  assert.doesNotMatch(builds.vite.log, /externalized for browser compatibility|doesn't exist at build time|node:|warning/i);
  const warnings = builds.webpack.log.split('\n').filter((l) => l.startsWith('WARNING') && !/asset size limit|entrypoint size limit|webpack performance/.test(l));
  assert.deepEqual(warnings, []);
});

for (const bundler of ['vite', 'webpack']) {
  test(`${bundler} build in Chromium: toy parity tokens (page, loadInWorker, weft/worker), MusicGen-tiny samples`, async () => {
    const { builds } = await prepare();
    await inBuild(builds[bundler].out, (call) => checkApp(call));
  });
}

test('Vite build: the toy demo downloads the wasm-only onnxruntime-web for backend wasm, the WebGPU one for webgpu', async () => {
  const { builds } = await prepare();
  const sizes = {};
  for (const backend of ['wasm', 'webgpu']) {
    await inBuild(builds.vite.out, async (call, bytes) => {
      const toy = await call('toyGreedy', { source: '/models/toy/', fixture, backend });
      assert.deepEqual(toy, { backend, tokens: fixture.tokens });
      sizes[backend] = downloaded(bytes);
    });
  }
  console.log(`toy demo downloads (kB): ${JSON.stringify(sizes)}`);
  assert.ok(sizes.wasm['onnxruntime-web wasm'] < 0.6 * sizes.webgpu['onnxruntime-web wasm'], 'backend wasm must not fetch the WebGPU build');
});

test('Vite dev server: toy parity tokens in the page and through loadInWorker', async () => {
  const { dir } = await prepare();
  const dev = await startViteDev(dir, MODELS);
  try {
    await withPage('/tests/browser/harness.html', async (page, _url, errors) => {
      await page.goto(`${dev.url}index.html`);
      const toy = await callCheck(page, 'toyGreedy', { source: '/models/toy/', fixture, backend: 'wasm' }, errors);
      assert.deepEqual(toy.tokens, fixture.tokens);
      const remote = await callCheck(page, 'inWorker', { source: '/models/toy/', fixture, backend: 'wasm', own: false }, errors);
      assert.deepEqual(remote.tokens, fixture.tokens);
    });
  } finally {
    dev.stop();
  }
});

test('a plain Node project runs the installed package on onnxruntime-node and onnxruntime-web', async () => {
  const { dir } = await prepare();
  const out = runNodeApp(dir, join(MODELS, 'toy'), FIXTURE);
  assert.deepEqual(out, { node: { tokens: fixture.tokens, backend: 'cpu' }, web: { tokens: fixture.tokens, backend: 'wasm' } });
});
