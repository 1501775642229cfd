// Shared test helpers: temporary copies of model packages with a mutated manifest or file.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS } from '../../tools/paths.mjs';

/** Copies build/models/<name> to a temp dir, applies mutate({dir, manifest}), returns the dir. */
export function mutatedPackage(name, mutate) {
  const dir = mkdtempSync(join(tmpdir(), `weft-${name}-`));
  cpSync(`${MODELS}/${name}`, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(`${dir}/weft.json`, 'utf8'));
  mutate({ dir, manifest });
  writeFileSync(`${dir}/weft.json`, JSON.stringify(manifest, null, 2));
  return dir;
}

export function removePackage(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export const ortNode = await import('onnxruntime-node');
export const nodeOptions = { ort: ortNode, backend: 'cpu' };

/** Streamed chunks (onAudio) laid end to end: contiguous offsets that cover `audio`; returns the
 *  largest |chunk - audio| sample difference. */
export function streamedVsOneShot(chunks, audio) {
  let offset = 0;
  let maxAbs = 0;
  for (const c of chunks) {
    assert.equal(c.offset, offset);
    for (let i = 0; i < c.audio.length; i += 1) maxAbs = Math.max(maxAbs, Math.abs(c.audio[i] - audio[offset + i]));
    offset += c.audio.length;
  }
  assert.equal(offset, audio.length);
  return maxAbs;
}
