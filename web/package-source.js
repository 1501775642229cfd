// Reads a model package (weft.json + component files) from a URL (fetch) or, in Node, a path.
// Reports progress per file and checks each file against the manifest's sha256 and size.

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

function isUrlLike(source) {
  return /^(https?:|blob:|data:)/.test(source) || (!isNode && !source.startsWith('file:'));
}

/** Opens a package; returns { location, manifestText, read(fileName, {bytes, sha256}) }. */
export async function openPackage(source, { signal, fetchImpl = globalThis.fetch, onProgress } = {}) {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new TypeError(`weft: a model package location must be a URL or a path, got ${typeof source}`);
  }
  const text = String(source).replace(/\/weft\.json$/, '').replace(/\/+$/, '');
  const reader = isUrlLike(text) ? urlReader(text, fetchImpl, signal) : await fileReader(text);
  const manifestBytes = await reader.get('weft.json', null);
  const manifestText = new TextDecoder().decode(manifestBytes);
  return {
    location: reader.location,
    manifestText,
    async read(fileName, { bytes = null, sha256 = null, verify = true } = {}) {
      signal?.throwIfAborted();
      const data = await reader.get(fileName, (loaded, total) =>
        onProgress?.({ phase: 'download', file: fileName, loaded, total: total ?? bytes ?? undefined }));
      if (bytes != null && data.byteLength !== bytes) {
        throw new Error(`weft: ${reader.location}/${fileName}: size mismatch: the manifest says ${bytes} bytes, the file has ${data.byteLength} (truncated or replaced?)`);
      }
      if (verify && sha256) {
        const actual = await sha256Hex(data);
        if (actual !== sha256.toLowerCase()) {
          throw new Error(`weft: ${reader.location}/${fileName}: sha256 mismatch: the manifest says ${sha256}, the file hashes to ${actual} (corrupt or not this package's file)`);
        }
      }
      return data;
    },
  };
}

function urlReader(text, fetchImpl, signal) {
  const base = new URL(text + '/', globalThis.location?.href);
  return {
    location: base.href.replace(/\/$/, ''),
    async get(name, progress) {
      const url = new URL(name, base);
      let response;
      try {
        response = await fetchImpl(url, { signal });
      } catch (error) {
        if (error?.name === 'AbortError') throw error;
        throw new Error(`weft: could not fetch ${url.href}: ${error.message}`, { cause: error });
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
