// Offline model cache in Chromium: the first load stores every verified package file in the Cache
// API; with the network cut the package loads from the cache; a damaged cached file is detected
// against the manifest's sha256, evicted and fetched again; cache: false stores nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { withPage } from '../../tools/browser.mjs';
import { MODELS } from '../../tools/paths.mjs';

const SOURCE = '/build/models/toy';
const FILES = ['weft.json', 'decoder.onnx', 'tokenizer.json'];
const onDisk = Object.fromEntries(FILES.map((f) => {
  const bytes = readFileSync(`${MODELS}/toy/${f}`);
  return [`${SOURCE}/${f}`, { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }];
}));

function call(page, exportName, args) {
  return page.evaluate(async ({ exportName, args }) => {
    const weft = await import('/web/weft.js');
    return (await import('/tests/browser/package-cache-routine.mjs'))[exportName](weft, args);
  }, { exportName, args });
}

async function setOnline(page, online) {
  if (online) await page.unroute('**/build/models/**');
  else await page.route('**/build/models/**', (route) => route.abort('internetdisconnected'));
  await page.context().setOffline(!online);
}

test('package files are cached after verification, load offline, and a damaged copy is refetched', async () => {
  await withPage('/tests/browser/harness.html', async (page, _url, errors) => {
    const first = await call(page, 'loadAndGenerate', { source: SOURCE });
    assert.deepEqual(first.files, { 'decoder.onnx': 'network', 'tokenizer.json': 'network' });
    assert.equal(first.tokens.length, 16);
    assert.deepEqual(await call(page, 'cachedDigests', { urls: Object.keys(onDisk) }), onDisk);

    await setOnline(page, false);
    const offline = await call(page, 'tryLoad', { source: SOURCE });
    assert.deepEqual(offline.ok?.files, { 'decoder.onnx': 'cache', 'tokenizer.json': 'cache' }, JSON.stringify(offline));
    assert.deepEqual(offline.ok.tokens, first.tokens);
    const bypass = await call(page, 'tryLoad', { source: SOURCE, cache: false });
    assert.match(bypass.error, /^weft: could not fetch http:\/\/127\.0\.0\.1:\d+\/build\/models\/toy\/weft\.json: /);

    await call(page, 'corrupt', { url: `${SOURCE}/decoder.onnx` });
    const damagedOffline = await call(page, 'tryLoad', { source: SOURCE });
    assert.match(damagedOffline.error ?? '', /could not fetch .*\/toy\/decoder\.onnx: .*\(the cached copy was evicted: weft: .*\/toy\/decoder\.onnx: sha256 mismatch: the manifest says [0-9a-f]{64}, the file hashes to [0-9a-f]{64}/);

    await setOnline(page, true);
    await call(page, 'corrupt', { url: `${SOURCE}/tokenizer.json` }).catch(() => {});
    const repaired = await call(page, 'loadAndGenerate', { source: SOURCE });
    assert.equal(repaired.files['decoder.onnx'], 'network');
    assert.deepEqual(repaired.tokens, first.tokens);
    assert.deepEqual(await call(page, 'cachedDigests', { urls: Object.keys(onDisk) }), onDisk,
      'the refetched file must replace the damaged copy, and network-first files must be refreshed');

    const { before, removed, after } = await call(page, 'listAndClear', { source: `${SOURCE}/` });
    assert.equal(before.length, 1);
    assert.match(before[0].url, /\/build\/models\/toy\/$/);
    assert.deepEqual(before[0].files.map((f) => f.url.split('/').pop()).sort(), [...FILES].sort());
    assert.equal(before[0].bytes, Object.values(onDisk).reduce((n, f) => n + f.bytes, 0));
    assert.equal(removed, 3);
    assert.deepEqual(after, []);

    await call(page, 'loadAndGenerate', { source: SOURCE, cache: false });
    assert.deepEqual((await call(page, 'listAndClear', {})).before, [], 'cache: false must store nothing');
    assert.deepEqual(errors, []);
  });
});
