// File access for Node and Electron's main process (host.js): package files, tokenizers and the
// core's .wasm are read from disk instead of fetched.

export * as fs from 'node:fs/promises';
export * as path from 'node:path';
export { fileURLToPath } from 'node:url';

/** onnxruntime-web's Node build, the default runtime in Node when load() is given no `ort`. */
export const importOrtWeb = () => import('onnxruntime-web');
