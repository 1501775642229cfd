// Package files kept in the browser's Cache API (one Cache, keyed by each file's absolute URL) so a
// model loads again offline. Only package-source.js stores into it, and only files it verified.
// Where there is no Cache API (Node, insecure origins, storage disabled) nothing is cached.

export const DEFAULT_CACHE = 'weft-packages-v1';
let warnedStore = false;

/** The package folder's location without a trailing slash or weft.json. */
export function packageLocation(source) {
  return String(source).replace(/\/weft\.json$/, '').replace(/\/+$/, '');
}

function cacheName(option) {
  return typeof option === 'string' && option ? option : DEFAULT_CACHE;
}

/** → { name, get(url) → Uint8Array|null, put(url, bytes, sha256?), delete(url) }, or null. */
export async function openPackageCache(option = true) {
  if (option === false || !globalThis.caches) return null;
  const name = cacheName(option);
  let cache;
  try {
    cache = await globalThis.caches.open(name);
  } catch {
    return null; // storage disabled (private mode, opaque origin): work without a cache
  }
  return {
    name,
    async get(url) {
      const response = await cache.match(url);
      return response ? new Uint8Array(await response.arrayBuffer()) : null;
    },
    async put(url, bytes) {
      const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) };
      try {
        await cache.put(url, new Response(bytes, { headers }));
      } catch (error) {
        // Out of quota: the model still loads, it is just not kept for offline use.
        if (!warnedStore) console.warn(`weft: could not keep ${url} for offline use: ${error.message}`);
        warnedStore = true;
      }
    },
    delete: (url) => cache.delete(url),
  };
}

function absolute(source) {
  return new URL(packageLocation(source) + '/', globalThis.location?.href).href;
}

/**
 * The packages kept for offline use: [{ url, files: [{ url, bytes }], bytes }], one per folder
 * that has a cached weft.json (files of no such folder are listed under their own folder).
 */
export async function cachedPackages({ cache: option } = {}) {
  if (!globalThis.caches || !(await globalThis.caches.has(cacheName(option)))) return [];
  const cache = await globalThis.caches.open(cacheName(option));
  const requests = await cache.keys();
  const folders = requests.map((r) => r.url).filter((u) => u.endsWith('/weft.json')).map((u) => u.slice(0, -'weft.json'.length));
  const packages = new Map();
  for (const request of requests) {
    const folder = folders.filter((f) => request.url.startsWith(f)).sort((a, b) => b.length - a.length)[0]
      ?? request.url.slice(0, request.url.lastIndexOf('/') + 1);
    const response = await cache.match(request);
    const bytes = Number(response?.headers.get('Content-Length')) || 0;
    const entry = packages.get(folder) ?? { url: folder, files: [], bytes: 0 };
    entry.files.push({ url: request.url, bytes });
    entry.bytes += bytes;
    packages.set(folder, entry);
  }
  return [...packages.values()];
}

/**
 * Removes the cached files of the package at `source` (a folder URL, or its weft.json), or, with
 * no source, the whole cache. Returns the number of files removed.
 */
export async function clearCache(source, { cache: option } = {}) {
  const name = cacheName(option);
  if (!globalThis.caches || !(await globalThis.caches.has(name))) return 0;
  const cache = await globalThis.caches.open(name);
  const requests = await cache.keys();
  if (source === undefined || source === null) {
    await globalThis.caches.delete(name);
    return requests.length;
  }
  const prefix = absolute(source);
  let removed = 0;
  for (const request of requests) {
    if (request.url.startsWith(prefix) && (await cache.delete(request))) removed += 1;
  }
  return removed;
}
