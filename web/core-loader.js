// Loads the Weft core (dist/weft-core.js + .wasm) once per realm.
// Node: the Emscripten loader cannot fetch() a file path, so the binary is read with fs and
// handed over as wasmBinary. Browsers and workers: the .wasm is located next to the .js.

const DIST_URL = new URL('../dist/', import.meta.url);
let corePromise = null;

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** @returns {Promise<any>} the Embind module (Model, Sampler, version, heapBytesInUse) */
export function loadCore(options = {}) {
  if (!corePromise) {
    corePromise = instantiate(options).catch((error) => {
      corePromise = null;
      throw new Error(`weft: could not load the core from ${DIST_URL.href}: ${error.message}`, { cause: error });
    });
  }
  return corePromise;
}

async function instantiate({ coreUrl = DIST_URL } = {}) {
  const jsUrl = new URL('weft-core.js', coreUrl);
  const wasmUrl = new URL('weft-core.wasm', coreUrl);
  const { default: createWeftCore } = await import(/* @vite-ignore */ jsUrl.href);
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    const wasmBinary = await readFile(wasmUrl);
    return createWeftCore({ wasmBinary });
  }
  return createWeftCore({ locateFile: (name) => new URL(name, coreUrl).href });
}
