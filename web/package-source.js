// Reads a model package (weft.json + component files) from a URL (fetch) or, in Node, a path.
// Reports progress per file and checks each file against the manifest's sha256 and size.
// In browsers, verified files are kept in the Cache API (package-cache.js) for offline use.

import { openPackageCache, packageLocation } from './package-cache.js';

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

function isUrlLike(source) {
  return /^(https?:|blob:|data:)/.test(source) || (!isNode && !source.startsWith('file:'));
}

/**
 * Opens a package; returns { location, manifestText, read(fileName, {bytes, sha256, verify}) }.
 * cache (browsers): true (default), false, or a Cache name. A cached file is used only after it
 * matches the manifest's sha256 and size again (a mismatch evicts it and refetches); weft.json and
 * files without a sha256 are fetched from the network first, the cached copy serving offline.
 */
export async function openPackage(source, { signal, fetchImpl = globalThis.fetch, onProgress, cache = true } = {}) {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new TypeError(`weft: a model package location must be a URL or a path, got ${typeof source}`);
  }
  const text = packageLocation(source);
  const fromUrl = isUrlLike(text);
  const reader = fromUrl ? urlReader(text, fetchImpl, signal) : await fileReader(text);
  const store = fromUrl ? await openPackageCache(cache) : null;
  const where = (name) => `${reader.location}/${name}`;

  const check = async (name, data, { bytes, sha256, verify }) => {
    if (bytes != null && data.byteLength !== bytes) {
      throw new Error(`weft: ${where(name)}: size mismatch: the manifest says ${bytes} bytes, the file has ${data.byteLength} (truncated or replaced?)`);
    }
    if (verify && sha256) {
      const actual = await sha256Hex(data);
      if (actual !== sha256.toLowerCase()) {
        throw new Error(`weft: ${where(name)}: sha256 mismatch: the manifest says ${sha256}, the file hashes to ${actual} (corrupt or not this package's file)`);
      }
    }
  };

  /** Network first; on a network failure (offline) the cached copy, when there is one. */
  const networkFirst = async (name, progress, validate = async () => {}) => {
    try {
      const data = await reader.get(name, progress);
      await validate(data);
      await store?.put(reader.url(name), data);
      return data;
    } catch (error) {
      if (!store || error?.name === 'AbortError' || !error.networkFailure) throw error;
      const cached = await store.get(reader.url(name));
      if (!cached) throw error;
      progress?.(cached.byteLength, cached.byteLength, true);
      return cached;
    }
  };

  const manifestBytes = await networkFirst('weft.json', null);
  const manifestText = new TextDecoder().decode(manifestBytes);
  return {
    location: reader.location,
    manifestText,
    async read(fileName, { bytes = null, sha256 = null, verify = true } = {}) {
      signal?.throwIfAborted();
      const progress = (loaded, total, cached = false) =>
        onProgress?.({ phase: 'download', file: fileName, loaded, total: total ?? bytes ?? undefined, ...(cached ? { cached } : {}) });
      if (!store || !sha256) {
        const validate = (data) => check(fileName, data, { bytes, sha256, verify });
        const data = store ? await networkFirst(fileName, progress, validate) : await reader.get(fileName, progress);
        await validate(data);
        return data;
      }
      // Cached files are always checked against the manifest, whatever `verify` says.
      const url = reader.url(fileName);
      const cached = await store.get(url);
      let stale = null;
      if (cached) {
        try {
          await check(fileName, cached, { bytes, sha256, verify: true });
          progress(cached.byteLength, cached.byteLength, true);
          return cached;
        } catch (error) {
          stale = error;
          await store.delete(url);
        }
      }
      let data;
      try {
        data = await reader.get(fileName, progress);
      } catch (error) {
        if (stale) error.message += ` (the cached copy was evicted: ${stale.message})`;
        throw error;
      }
      await check(fileName, data, { bytes, sha256, verify: true });
      await store.put(url, data);
      return data;
    },
  };
}

function urlReader(text, fetchImpl, signal) {
  const base = new URL(text + '/', globalThis.location?.href);
  return {
    location: base.href.replace(/\/$/, ''),
    url: (name) => new URL(name, base).href,
    async get(name, progress) {
      const url = new URL(name, base);
      let response;
      try {
        response = await fetchImpl(url, { signal });
      } catch (error) {
        if (error?.name === 'AbortError') throw error;
        throw Object.assign(new Error(`weft: could not fetch ${url.href}: ${error.message}`, { cause: error }), { networkFailure: true });
      }
      if (!response.ok) throw new Error(`weft: could not fetch ${url.href}: HTTP ${response.status} ${response.statusText}`);
      const total = Number(response.headers.get('content-length')) || null;
      if (!progress || !response.body) return new Uint8Array(await response.arrayBuffer());
      const chunks = [];
      let loaded = 0;
      for (const reader = response.body.getReader(); ;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        progress(loaded, total);
      }
      const out = new Uint8Array(loaded);
      let offset = 0;
      for (const chunk of chunks) { out.set(chunk, offset); offset += chunk.byteLength; }
      return out;
    },
  };
}

async function fileReader(text) {
  const { readFile } = await import('node:fs/promises');
  const { resolve } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const dir = resolve(text.startsWith('file:') ? fileURLToPath(text) : text);
  return {
    location: dir,
    async get(name, progress) {
      let data;
      try {
        data = await readFile(`${dir}/${name}`);
      } catch (error) {
        throw new Error(`weft: cannot read ${dir}/${name}: ${error.code ?? error.message}`, { cause: error });
      }
      progress?.(data.byteLength, data.byteLength);
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    },
  };
}

async function sha256Hex(bytes) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
