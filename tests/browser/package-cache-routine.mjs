// Runs in the page: loads a package with the Cache API on, reporting where each file came from,
// and lets the test inspect or damage the cached copies.
const CACHE = 'weft-packages-v1';

export async function loadAndGenerate(weft, { source, cache }) {
  const files = {};
  const model = await weft.load(source, {
    backend: 'wasm', cache,
    onProgress: (p) => { if (p.phase === 'download') files[p.file] = p.cached ? 'cache' : 'network'; },
  });
  try {
    const { tokens } = await model.generate({ prompt: [3, 1, 4], maxNewTokens: 16 });
    return { files, tokens: Array.from(tokens) };
  } finally {
    await model.dispose();
  }
}

export async function tryLoad(weft, args) {
  try {
    return { ok: await loadAndGenerate(weft, args) };
  } catch (error) {
    return { error: error.message };
  }
}

/** The cached bytes' sha256 (hex) and size for each URL, null when absent. */
export async function cachedDigests(_weft, { urls }) {
  const cache = await caches.open(CACHE);
  const out = {};
  for (const url of urls) {
    const response = await cache.match(new URL(url, location.href).href);
    if (!response) { out[url] = null; continue; }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    out[url] = { bytes: bytes.byteLength, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
  }
  return out;
}

/** Flips one byte in the middle of the cached copy of `url`. */
export async function corrupt(_weft, { url }) {
  const cache = await caches.open(CACHE);
  const key = new URL(url, location.href).href;
  const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
  bytes[bytes.length >> 1] ^= 0xff;
  await cache.put(key, new Response(bytes));
}

export async function listAndClear(weft, { source }) {
  const before = await weft.cachedPackages();
  const removed = await weft.clearCache(source);
  const after = await weft.cachedPackages();
  return { before, removed, after };
}
