// The hostile-manifest corpus (tests/js/hostile-corpus.mjs) in Chromium, served by the project's
// static server: each package is refused with its exact error (in the page, and one in a worker),
// the JS readers refuse hostile names on their own, and no request the page makes leaves the
// package being loaded (or the project's own static files).
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withPage } from '../../tools/browser.mjs';
import { CORPUS, HOSTILE, MIB, RULE, expectedError, writeCase } from '../js/hostile-corpus.mjs';

const STATIC = ['/web/', '/dist/', '/tests/browser/', '/node_modules/onnxruntime-web/dist/', '/node_modules/onnxruntime-common/dist/'];

function call(page, exportName, args) {
  return page.evaluate(async ({ exportName, args }) => {
    const weft = await import('/web/weft.js');
    return (await import('/tests/browser/hostile-packages-routine.mjs'))[exportName](weft, args);
  }, { exportName, args });
}

/** Every request of the browser, each tagged with the package being loaded when it was made. */
function recordRequests(page) {
  const log = { current: null, requests: [], unfinished: new Set() };
  const context = page.context();
  context.on('request', (request) => log.requests.push({ url: request.url(), during: log.current }));
  context.on('requestfailed', (request) => log.unfinished.add(request.url()));
  return log;
}

test('hostile packages are refused in Chromium with their exact errors, and no request leaves the package', async () => {
  const root = mkdtempSync(join(tmpdir(), 'weft-hostile-'));
  try {
    for (const c of CORPUS) writeCase(root, c);
    await withPage('/tests/browser/harness.html', async (page, origin, errors) => {
      const log = recordRequests(page);
      for (const c of CORPUS) {
        log.current = c.name;
        const source = `/hostile/${c.name}`;
        assert.deepEqual(await call(page, 'tryLoad', { source }), { error: expectedError(c, `${origin}${source}`) }, c.name);
        if (c.override) assert.equal((await call(page, 'tryLoad', { source, options: c.override })).tokens?.length, 4, `${c.name} with ${JSON.stringify(c.override)}`);
      }
      const [first] = CORPUS;
      log.current = first.name;
      assert.deepEqual(await call(page, 'tryLoad', { source: `/hostile/${first.name}`, worker: true }),
        { error: expectedError(first, `${origin}/hostile/${first.name}`) }, 'in a worker');

      log.current = 'toy';
      const reads = await call(page, 'tryReads', { source: '/build/models/toy', names: [...Object.keys(HOSTILE), 'tokenizer.json'] });
      for (const [name, problem] of Object.entries(HOSTILE)) {
        assert.equal(reads[name], `weft: ${origin}/build/models/toy: ${JSON.stringify(name)} ${problem} ${RULE}`);
      }
      assert.match(reads['tokenizer.json'], /^read \d+ bytes$/);

      const outside = log.requests.filter(({ url, during }) => {
        const path = url.startsWith(`${origin}/`) ? url.slice(origin.length) : null;
        const pkg = during === 'toy' ? '/build/models/toy/' : `/hostile/${during}/`;
        return !(url.startsWith('blob:') || (path && (STATIC.some((p) => path.startsWith(p)) || path.startsWith(pkg))));
      });
      assert.deepEqual(outside, [], 'requests outside the package and the static files');
      for (const c of CORPUS.filter((x) => !x.override)) {
        const made = log.requests.filter(({ url }) => url.startsWith(`${origin}/hostile/${c.name}/`)).map(({ url }) => url.slice(origin.length));
        assert.deepEqual([...new Set(made)], [`/hostile/${c.name}/weft.json`], `${c.name}: only its weft.json is requested`);
      }
      for (const c of CORPUS.filter((x) => x.size > 64 * MIB)) {
        assert.ok(log.unfinished.has(`${origin}/hostile/${c.name}/weft.json`), `${c.name}: the oversized weft.json must not be read to its end`);
      }
      assert.deepEqual(errors, []);
    }, { mounts: { '/hostile/': root } });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
