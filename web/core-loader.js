// Loads the Weft core (dist/weft-core.js + .wasm) once per realm.
// The glue is a static import and the .wasm a literal new URL(…, import.meta.url), so bundlers
// (Vite, webpack 5, Rollup, esbuild) emit both and rewrite the URL with no configuration.
// `coreUrl` overrides where the .wasm is fetched from (a CDN, another folder): the URL of
// weft-core.wasm itself, or of a folder (ending in '/') that holds it.
// Node: the Emscripten loader cannot fetch() a file path, so the binary is read from disk (host.js)
// and handed over as wasmBinary.

import createWeftCore from '../dist/weft-core.js';
import { fileHost } from './host.js';

const WASM_URL = new URL('../dist/weft-core.wasm', import.meta.url);
let corePromise = null;
let coreFrom = null;

/** @returns {Promise<any>} the Embind module (Model, Sampler, version, heapBytesInUse) */
export function loadCore({ coreUrl } = {}) {
  if (!corePromise) {
    coreFrom = coreUrl ? wasmUrlOf(coreUrl) : WASM_URL;
    corePromise = instantiate(coreFrom).catch((error) => {
      corePromise = null;
      throw new Error(`weft: could not load the core from ${coreFrom.href}: ${error.message}`, { cause: error });
    });
  } else if (coreUrl && wasmUrlOf(coreUrl).href !== coreFrom.href) {
    console.warn(`weft: the core is already loaded from ${coreFrom.href}; coreUrl ${coreUrl} is ignored`);
  }
  return corePromise;
}

/** coreUrl as the URL of the .wasm: a folder URL gets the file name; relative URLs resolve against the page. */
export function wasmUrlOf(coreUrl) {
  const url = new URL(String(coreUrl), globalThis.location?.href ?? WASM_URL);
  return url.pathname.endsWith('/') ? new URL('weft-core.wasm', url) : url;
}

async function instantiate(wasmUrl) {
  const host = wasmUrl.protocol === 'file:' ? await fileHost() : null;
  if (host) {
    const wasmBinary = await host.fs.readFile(wasmUrl);
    return createWeftCore({ wasmBinary });
  }
  return createWeftCore({ locateFile: () => wasmUrl.href });
}
