// Where the build puts things, for the Node-side tools, tests and benchmarks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MODELS = `${ROOT}build/models`;
export const FIXTURES = `${MODELS}/fixtures`;

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function readFloat32(path) {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
