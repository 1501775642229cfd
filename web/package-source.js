// Reads a model package (weft.json + component files) from a URL (fetch) or, in Node, a path.
// Reports progress per file and checks each file against the manifest's sha256 and size.
// A package reads only its own files, whatever the core decided before (docs/MANIFEST.md,
// "Security model"): every name is checked (package-files.js) and so is where it resolved to (a
// URL under the package's own URL; on disk a real path inside the package folder's real path,
// symlinks resolved), before anything is fetched or read. weft.json is read only up to
// budgets.manifest_bytes. In browsers, verified files are kept in the Cache API (package-cache.js)
// for offline use.

import { openPackageCache, packageLocation } from './package-cache.js';
import { checkFileName, outsidePackage, pathInside, urlInside } from './package-files.js';
import { fileHost, isNode } from './host.js';

/** budgets.manifest_bytes when the caller gives none (include/weft/budgets.h). */
export const DEFAULT_MANIFEST_BYTES = 16 * 2 ** 20;

function isUrlLike(source) {
  return /^(https?:|blob:|data:)/.test(source) || (!isNode && !source.startsWith('file:'));
}

/**
 * Opens a package; returns { location, manifestText, read(fileName, {bytes, sha256, verify, field}) }
 * (field: the JSON path of the name in weft.json, for messages).
 * cache (browsers): true (default), false, or a Cache name. A cached file is used only after it
 * matches the manifest's sha256 and size again (a mismatch evicts it and refetches); weft.json and
 * files without a sha256 are fetched from the network first, the cached copy serving offline.
 * budgets: load()'s; weft.json is refused unread past budgets.manifest_bytes (default 16 MiB).
 * within (on disk): the index folder a variant's folder must really be inside, symlinks resolved.
 */
export async function openPackage(source, { signal, fetchImpl = globalThis.fetch, onProgress, cache = true, budgets, within = null } = {}) {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new TypeError(`weft: a model package location must be a URL or a path, got ${typeof source}`);
  }
  const limit = manifestBudget(budgets);
  const text = packageLocation(source);
  const fromUrl = isUrlLike(text);
  const reader = fromUrl ? urlReader(text, fetchImpl, signal) : await fileReader(text, within);
  const store = fromUrl ? await openPackageCache(cache) : null;
  const pkg = { reader, store, signal, onProgress };
  const manifestBytes = await networkFirst(pkg, 'weft.json', null, { limit });
  if (manifestBytes.byteLength > limit) throw overBudget(where(reader, 'weft.json'), manifestBytes.byteLength, limit); // a cached copy
  return {
    location: reader.location,
    manifestText: new TextDecoder().decode(manifestBytes),
    read: (fileName, options) => readPackageFile(pkg, fileName, options),
  };
}

/** budgets.manifest_bytes (budgets: an object, or its JSON text, as Model.fromJson takes). */
function manifestBudget(budgets) {
  const given = (typeof budgets === 'string' ? JSON.parse(budgets) : budgets)?.manifest_bytes;
  if (given === undefined || given === null) return DEFAULT_MANIFEST_BYTES;
  if (!Number.isSafeInteger(given) || given < 1) {
    throw new Error(`weft: budgets.manifest_bytes: must be an integer >= 1 but got ${JSON.stringify(given)}`);
  }
  return given;
}

function overBudget(place, size, limit) {
  const is = size === null ? `more than ${limit} bytes (reading stopped there)` : `${size} bytes`;
  return new Error(`weft: ${place}: the manifest is ${is}, over the budget of ${limit} (budgets.manifest_bytes)`);
}

const where = (reader, name) => `${reader.location}/${name}`;

async function checkData(reader, name, data, { bytes, sha256, verify }) {
  if (bytes != null && data.byteLength !== bytes) {
    throw new Error(`weft: ${where(reader, name)}: size mismatch: the manifest says ${bytes} bytes, the file has ${data.byteLength} (truncated or replaced?)`);
  }
  if (verify && sha256) {
    const actual = await sha256Hex(data);
    if (actual !== sha256.toLowerCase()) {
      throw new Error(`weft: ${where(reader, name)}: sha256 mismatch: the manifest says ${sha256}, the file hashes to ${actual} (corrupt or not this package's file)`);
    }
  }
}

/** Network first; on a network failure (offline) the cached copy, when there is one. */
async function networkFirst({ reader, store }, name, progress, { validate = async () => {}, limit, place } = {}) {
  try {
    const data = await reader.get(name, progress, { limit, place });
    await validate(data);
    await store?.put(reader.url(name, place), data);
    return data;
  } catch (error) {
    if (!store || error?.name === 'AbortError' || !error.networkFailure) throw error;
    const cached = await store.get(reader.url(name));
    if (!cached) throw error;
    progress?.(cached.byteLength, cached.byteLength, true);
    return cached;
  }
}

/** The package's read(): the name checked first, then the network, the cache or the disk. */
async function readPackageFile(pkg, fileName, { bytes = null, sha256 = null, verify = true, field = null } = {}) {
  const { reader, store, signal, onProgress } = pkg;
  const place = field ? `${reader.location}/weft.json: ${field}` : reader.location;
  signal?.throwIfAborted();  // the reader checks the name before anything is fetched or read
  const progress = (loaded, total, cached = false) =>
    onProgress?.({ phase: 'download', file: fileName, loaded, total: total ?? bytes ?? undefined, ...(cached ? { cached } : {}) });
  if (!store || !sha256) {
    const validate = (data) => checkData(reader, fileName, data, { bytes, sha256, verify });
    const data = store ? await networkFirst(pkg, fileName, progress, { validate, place }) : await reader.get(fileName, progress, { place });
    await validate(data);
    return data;
  }
  return cacheFirst(pkg, fileName, { bytes, sha256, place }, progress);
}

/** A file with a sha256: the cached copy when it still matches (always checked), else the network. */
async function cacheFirst({ reader, store }, fileName, { bytes, sha256, place }, progress) {
  const url = reader.url(fileName, place);
  const cached = await store.get(url);
  let stale = null;
  if (cached) {
    try {
      await checkData(reader, fileName, cached, { bytes, sha256, verify: true });
      progress(cached.byteLength, cached.byteLength, true);
      return cached;
    } catch (error) {
      stale = error;
      await store.delete(url);
    }
  }
  let data;
  try {
    data = await reader.get(fileName, progress, { place });
  } catch (error) {
    if (stale) error.message += ` (the cached copy was evicted: ${stale.message})`;
    throw error;
  }
  await checkData(reader, fileName, data, { bytes, sha256, verify: true });
  await store.put(url, data);
  return data;
}

/** Files under the package's URL: same origin, the folder's path a prefix of the file's. */
function urlReader(text, fetchImpl, signal) {
  const base = new URL(text + '/', globalThis.location?.href);
  const location = base.href.replace(/\/$/, '');
  const resolve = (name, place = location) => {
    checkFileName(name, place);
    const url = new URL(name, base);
    if (!urlInside(url, base)) throw outsidePackage(place, name, url.href);
    return url;
  };
  return {
    location,
    url: (name, place) => resolve(name, place).href,
    async get(name, progress, { limit = null, place } = {}) {
      const url = resolve(name, place);
      let response;
      try {
        response = await fetchImpl(url, { signal });
      } catch (error) {
        if (error?.name === 'AbortError') throw error;
        throw Object.assign(new Error(`weft: could not fetch ${url.href}: ${error.message}`, { cause: error }), { networkFailure: true });
      }
      if (!response.ok) throw new Error(`weft: could not fetch ${url.href}: HTTP ${response.status} ${response.statusText}`);
      return readBody(response, url.href, progress, limit);
    },
  };
}

/** The response's bytes; with a limit, refused from Content-Length or once the stream passes it. */
async function readBody(response, href, progress, limit) {
  const total = Number(response.headers.get('content-length')) || null;
  if (limit !== null && total !== null && total > limit) {
    await response.body?.cancel().catch(() => {});
    throw overBudget(href, total, limit);
  }
  if ((!progress && limit === null) || !response.body) {
    const data = new Uint8Array(await response.arrayBuffer());
    if (limit !== null && data.byteLength > limit) throw overBudget(href, data.byteLength, limit);
    return data;
  }
  const chunks = [];
  let loaded = 0;
  for (const reader = response.body.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.byteLength;
    if (limit !== null && loaded > limit) {
      await reader.cancel().catch(() => {});
      throw overBudget(href, null, limit);
    }
    chunks.push(value);
    progress?.(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) { out.set(chunk, offset); offset += chunk.byteLength; }
  return out;
}

/** Files under the package folder, checked again after symlinks are resolved. */
async function fileReader(text, within) {
  const host = await fileHost();
  if (!host) throw new Error(`weft: ${text}: local files can only be read in Node or Electron's main process; give a URL`);
  const { fs, path: { resolve, sep }, fileURLToPath } = host;
  const dir = resolve(text.startsWith('file:') ? fileURLToPath(text) : text);
  const cannotRead = (name, error) => new Error(`weft: cannot read ${dir}/${name}: ${error.code ?? error.message}`, { cause: error });
  if (within !== null) {
    const [real, realWithin] = await Promise.all([fs.realpath(dir), fs.realpath(within)]).catch((error) => { throw cannotRead('', error); });
    if (!pathInside(real, realWithin, sep)) throw outsidePackage(`${within}/weft.json: variants`, dir, real);
  }
  const locate = async (name, place = dir) => {
    checkFileName(name, place);
    const path = resolve(dir, name);
    if (!pathInside(path, dir, sep)) throw outsidePackage(place, name, path);
    let real, realDir;
    try {
      [realDir, real] = [await fs.realpath(dir), await fs.realpath(path)];
    } catch (error) {
      throw cannotRead(name, error);
    }
    if (!pathInside(real, realDir, sep)) throw outsidePackage(place, name, real);
    return real;
  };
  return {
    location: dir,
    async get(name, progress, { limit = null, place } = {}) {
      const file = await fs.open(await locate(name, place), 'r').catch((error) => { throw cannotRead(name, error); });
      try {
        const { size } = await file.stat();
        if (limit !== null && size > limit) throw overBudget(`${dir}/${name}`, size, limit);
        const data = await file.readFile().catch((error) => { throw cannotRead(name, error); });
        if (limit !== null && data.byteLength > limit) throw overBudget(`${dir}/${name}`, data.byteLength, limit); // it grew
        progress?.(data.byteLength, data.byteLength);
        return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      } finally {
        await file.close();
      }
    },
  };
}

async function sha256Hex(bytes) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
