// A small static file server on 127.0.0.1 for the demo and the browser tests. It serves only the
// folders a page needs and sends the cross-origin isolation headers that let onnxruntime-web use
// threads (SharedArrayBuffer). `mounts` serves more folders: { '/url-prefix/': '/some/dir' }.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SERVED = ['/web/', '/dist/', '/build/models/', '/tests/browser/', '/tools/parity/', '/tools/peers/', '/bench/', '/node_modules/onnxruntime-web/dist/', '/node_modules/onnxruntime-common/dist/',
  '/node_modules/@huggingface/transformers/dist/']; // the last: the peer in the MusicGen page bench
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream',
  '.css': 'text/css', '.wav': 'audio/wav', '.f32': 'application/octet-stream', '.map': 'application/json',
};

/** The file a URL path names, or null when this server does not serve it. */
function fileFor(safe, mounts) {
  for (const [prefix, dir] of Object.entries(mounts)) {
    if (!safe.startsWith(prefix)) continue;
    const file = join(dir, safe.slice(prefix.length));
    return file.startsWith(resolve(dir)) ? file : null;
  }
  const file = join(ROOT, safe.endsWith('/') ? safe + 'index.html' : safe);
  return SERVED.some((prefix) => safe.startsWith(prefix)) && file.startsWith(ROOT) ? file : null;
}

export function startServer({ port = 0, host = '127.0.0.1', mounts = {} } = {}) {
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    if (path === '/') {
      res.writeHead(302, { Location: '/web/demo/' }).end();
      return;
    }
    const file = fileFor(normalize(path), mounts);
    if (!file) {
      res.writeHead(404).end('not served');
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cache-Control': 'no-cache',
        // A demo's service worker (web/demo/sw.js) serves the whole app offline, worker scripts included.
        ...(file.endsWith('/sw.js') ? { 'Service-Worker-Allowed': '/' } : {}),
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolveListen) => {
    server.listen(port, host, () => resolveListen({ server, url: `http://${host}:${server.address().port}` }));
  });
}
