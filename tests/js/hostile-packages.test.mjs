// A package reads only its own files, and a hostile weft.json cannot make Weft misbehave: every
// case of the corpus (hostile-corpus.mjs) is refused with its exact error, by path and over HTTP,
// touching nothing outside the package; symlinks cannot lead out of a package folder; and the JS
// readers refuse hostile names and oversized manifests on their own, whatever the core decided.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, loadCore } from '../../web/weft.js';
import { openPackage } from '../../web/package-source.js';
import { checkFileName, fileNameProblem, pathInside, urlInside } from '../../web/package-files.js';
import { startServer } from '../../tools/static-server.mjs';
import { MODELS } from '../../tools/paths.mjs';
import { CORPUS, FINE, HOSTILE, MIB, RULE, expectedError, writeCase } from './hostile-corpus.mjs';
import { nodeOptions } from './helpers.mjs';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'weft-hostile-')));
const requests = []; // [url, finished: whether the whole response was sent], once each response is closed
let started = 0;
const { server, url } = await startServer({ mounts: { '/hostile/': root } });
server.on('request', (req, res) => {
  started += 1;
  res.on('close', () => requests.push([req.url, res.writableFinished]));
});

/** The requests made since `requests` was emptied, once every response has closed. */
async function settledRequests() {
  for (let i = 0; i < 200 && requests.length < started; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  return requests;
}
after(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

async function refusedWith(source, message, options = nodeOptions) {
  await assert.rejects(load(source, options), (error) => {
    assert.equal(error.message, message);
    return true;
  });
}

async function generates(source, options) {
  const model = await load(source, { ...nodeOptions, ...options });
  try {
    return (await model.generate({ prompt: [3, 1, 4], maxNewTokens: 4 })).tokens.length;
  } finally {
    await model.dispose();
  }
}

for (const c of CORPUS) {
  test(`hostile package '${c.name}' is refused by path and over HTTP, reading only its weft.json`, async () => {
    const dir = writeCase(root, c);
    await refusedWith(dir, expectedError(c, dir));
    requests.length = started = 0;
    const location = `${url}/hostile/${c.name}`;
    await refusedWith(location, expectedError(c, location));
    const made = await settledRequests();
    assert.deepEqual(made.map(([u]) => u), [`/hostile/${c.name}/weft.json`]);
    if (c.size > 64 * MIB) assert.equal(made[0][1], false, 'an oversized weft.json must not be read to its end');
    if (c.override) {
      assert.equal(await generates(dir, c.override), 4);
      assert.equal(await generates(location, c.override), 4);
    }
  });
}

/** A copy of build/models/toy in `root`/name, with `outside` a folder next to it. */
function toyWithOutside(name) {
  const dir = join(root, name);
  const outside = join(root, `${name}-outside`);
  writeCase(root, { name, base: 'toy' });
  mkdirSync(outside);
  return { dir, outside };
}

test('a symlink in a package that leads out of it is refused, naming the field and where it leads', async () => {
  const file = toyWithOutside('symlink-file');
  renameSync(join(file.dir, 'decoder.onnx'), join(file.outside, 'decoder.onnx')); // the same bytes: only where it is differs
  symlinkSync(join(file.outside, 'decoder.onnx'), join(file.dir, 'decoder.onnx'));
  await refusedWith(file.dir, `weft: ${file.dir}/weft.json: components.decoder.file: "decoder.onnx" resolves to ${file.outside}/decoder.onnx, outside the package (a package reads only its own files)`);

  const folder = toyWithOutside('symlink-folder');
  renameSync(join(folder.dir, 'tokenizer.json'), join(folder.outside, 'tokenizer.json'));
  symlinkSync('../symlink-folder-outside', join(folder.dir, 'sub'));
  const manifest = JSON.parse(readFileSync(join(folder.dir, 'weft.json'), 'utf8'));
  manifest.tokenizer.file = 'sub/tokenizer.json';
  writeFileSync(join(folder.dir, 'weft.json'), JSON.stringify(manifest));
  await refusedWith(folder.dir, `weft: ${folder.dir}/weft.json: tokenizer.file: "sub/tokenizer.json" resolves to ${folder.outside}/tokenizer.json, outside the package (a package reads only its own files)`);

  const json = toyWithOutside('symlink-manifest');
  renameSync(join(json.dir, 'weft.json'), join(json.outside, 'weft.json'));
  symlinkSync(join(json.outside, 'weft.json'), join(json.dir, 'weft.json'));
  await refusedWith(json.dir, `weft: ${json.dir}: "weft.json" resolves to ${json.outside}/weft.json, outside the package (a package reads only its own files)`);
});

test('symlinks that stay inside the package, and a package folder reached through a symlink, load', async () => {
  const { dir } = toyWithOutside('symlink-inside');
  mkdirSync(join(dir, 'graphs'));
  renameSync(join(dir, 'decoder.onnx'), join(dir, 'graphs', 'decoder.onnx'));
  symlinkSync('graphs/decoder.onnx', join(dir, 'decoder.onnx'));
  symlinkSync(dir, join(root, 'linked-package'));
  assert.equal(await generates(dir), 4);
  assert.equal(await generates(join(root, 'linked-package')), 4);
});

test('the JS file-name rule is the core\'s, word for word', async () => {
  const core = await loadCore();
  const toy = JSON.parse(readFileSync(`${MODELS}/toy/weft.json`, 'utf8'));
  for (const [name, problem] of Object.entries(HOSTILE)) {
    assert.equal(fileNameProblem(name), problem, JSON.stringify(name));
    assert.throws(() => checkFileName(name, 'here'), { message: `weft: here: ${JSON.stringify(name)} ${problem} ${RULE}` });
    const manifest = JSON.stringify({ ...toy, components: { decoder: { ...toy.components.decoder, file: name } } });
    assert.throws(() => core.Model.fromJson(manifest), { message: `weft: weft.json: components.decoder.file: ${JSON.stringify(name)} ${problem} ${RULE}` });
  }
  for (const name of FINE) {
    assert.equal(fileNameProblem(name), null, name);
    core.Model.fromJson(JSON.stringify({ ...toy, components: { decoder: { ...toy.components.decoder, file: name } } })).delete();
  }
  assert.equal(fileNameProblem(null), 'is not a string but null');
  assert.equal(fileNameProblem(7), 'is not a string but number');
});

test('read() refuses a hostile name on its own, before reading, naming the field when given', async () => {
  const dir = `${MODELS}/toy`;
  const pkg = await openPackage(dir);
  for (const [name, problem] of Object.entries(HOSTILE)) {
    await assert.rejects(pkg.read(name), { message: `weft: ${dir}: ${JSON.stringify(name)} ${problem} ${RULE}` });
  }
  await assert.rejects(pkg.read('../toy-nan/decoder.onnx', { field: 'components.decoder.file' }),
    { message: `weft: ${dir}/weft.json: components.decoder.file: "../toy-nan/decoder.onnx" has a ".." segment ${RULE}` });
  assert.equal((await pkg.read('tokenizer.json')).byteLength, readFileSync(`${dir}/tokenizer.json`).length);
});

/** A fetch that serves build/models/toy at https://models.example/pkgs/toy/ and logs every URL. */
function fakeFetch(log) {
  return async (input) => {
    const href = String(input);
    log.push(href);
    const match = href.match(/^https:\/\/models\.example\/pkgs\/toy\/([\w.]+)$/);
    if (!match) return new Response('not found', { status: 404 });
    return new Response(readFileSync(`${MODELS}/toy/${match[1]}`));
  };
}

test('over a URL, read() refuses a hostile name without fetching anything', async () => {
  const log = [];
  const pkg = await openPackage('https://models.example/pkgs/toy', { fetchImpl: fakeFetch(log), cache: false });
  for (const [name, problem] of Object.entries(HOSTILE)) {
    await assert.rejects(pkg.read(name), { message: `weft: https://models.example/pkgs/toy: ${JSON.stringify(name)} ${problem} ${RULE}` });
  }
  assert.deepEqual(log, ['https://models.example/pkgs/toy/weft.json']);
  await pkg.read('decoder.onnx');
  assert.deepEqual(log.slice(1), ['https://models.example/pkgs/toy/decoder.onnx']);
});

test('a file URL that resolves outside the package folder is refused unfetched, whatever the name', async () => {
  // A query in the package's URL makes every relative name resolve against the parent folder.
  const log = [];
  await assert.rejects(openPackage('https://models.example/pkgs/toy?sig=1', { fetchImpl: fakeFetch(log), cache: false }),
    { message: 'weft: https://models.example/pkgs/toy?sig=1: "weft.json" resolves to https://models.example/pkgs/weft.json, outside the package (a package reads only its own files)' });
  assert.deepEqual(log, []);
});

test('a resolved URL or path must be under the package folder', () => {
  const base = 'https://models.example/pkgs/toy/';
  assert.ok(urlInside('https://models.example/pkgs/toy/decoder.onnx', base));
  assert.ok(urlInside('https://models.example/pkgs/toy/graphs/a.onnx', base));
  for (const outside of ['https://other.example/pkgs/toy/decoder.onnx', 'http://models.example/pkgs/toy/decoder.onnx',
    'https://models.example:8443/pkgs/toy/decoder.onnx', 'https://models.example/pkgs/toy-evil/decoder.onnx',
    'https://models.example/pkgs/decoder.onnx', 'https://models.example/etc/hostname']) {
    assert.equal(urlInside(outside, base), false, outside);
  }
  assert.equal(urlInside('https://models.example/pkgs/toy/x', 'https://models.example/pkgs/toy'), false, 'a base is a folder: it ends in /');
  assert.equal(urlInside('file://server/share/pkg/x', 'file://other/share/pkg/'), false);
  assert.ok(pathInside('/m/toy/decoder.onnx', '/m/toy'));
  assert.ok(pathInside('/m/toy/a/b', '/m/toy/'));
  assert.equal(pathInside('/m/toy-evil/decoder.onnx', '/m/toy'), false);
  assert.equal(pathInside('/m/toy', '/m/toy'), false);
});

/** A body of `size` bytes (endless when null) in 64 KiB chunks; `stats` counts what was pulled. */
function countedBody(size, stats) {
  return new ReadableStream({
    pull(controller) {
      const n = size === null ? 65536 : Math.min(65536, size - stats.pulled);
      if (n <= 0) return controller.close();
      stats.pulled += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
    cancel() { stats.cancelled = true; },
  }, { highWaterMark: 0 });
}

test('weft.json is refused past budgets.manifest_bytes: from Content-Length unread, else once the stream passes it', async () => {
  const where = 'https://models.example/big/weft.json';
  const declared = { pulled: 0, cancelled: false };
  const withLength = async () => new Response(countedBody(100 * MIB, declared), { headers: { 'content-length': String(100 * MIB) } });
  await assert.rejects(openPackage('https://models.example/big', { fetchImpl: withLength, cache: false }),
    { message: `weft: ${where}: the manifest is 104857600 bytes, over the budget of 16777216 (budgets.manifest_bytes)` });
  assert.ok(declared.pulled <= 65536, `read ${declared.pulled} bytes of a body refused by its Content-Length`);

  const endless = { pulled: 0, cancelled: false };
  const chunked = async () => new Response(countedBody(null, endless));
  await assert.rejects(openPackage('https://models.example/big', { fetchImpl: chunked, cache: false, budgets: { manifest_bytes: 200000 } }),
    { message: `weft: ${where}: the manifest is more than 200000 bytes (reading stopped there), over the budget of 200000 (budgets.manifest_bytes)` });
  assert.ok(endless.cancelled, 'the stream must be cancelled');
  assert.ok(endless.pulled <= 200000 + 2 * 65536, `pulled ${endless.pulled} bytes`);

  const exact = { pulled: 0 };
  const fits = await openPackage('https://models.example/big', { fetchImpl: async () => new Response(countedBody(200000, exact)), cache: false, budgets: { manifest_bytes: 200000 } });
  assert.equal(fits.manifestText.length, 200000, 'a manifest of exactly the budget is read');
});

test('budgets.manifest_bytes applies to packages on disk and must be a positive integer', async () => {
  const dir = `${MODELS}/toy`;
  const size = readFileSync(`${dir}/weft.json`).length;
  await refusedWith(dir, `weft: ${dir}/weft.json: the manifest is ${size} bytes, over the budget of ${size - 1} (budgets.manifest_bytes)`,
    { ...nodeOptions, budgets: { manifest_bytes: size - 1 } });
  assert.equal((await openPackage(dir, { budgets: { manifest_bytes: size } })).manifestText.length, size);
  for (const bad of [0, -1, 1.5, '16']) {
    await assert.rejects(openPackage(dir, { budgets: { manifest_bytes: bad } }),
      { message: `weft: budgets.manifest_bytes: must be an integer >= 1 but got ${JSON.stringify(bad)}` });
  }
});
