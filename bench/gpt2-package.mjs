// Builds (once) the GPT-2-small-shaped random decoder package used by the overhead benchmark.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MODELS, ROOT } from '../tools/paths.mjs';

export function gpt2SmallPackage() {
  const dir = `${MODELS}/gpt2-small`;
  if (!existsSync(`${dir}/weft.json`)) {
    console.error('[bench] exporting the GPT-2-small-shaped random decoder (once)…');
    execFileSync(`${ROOT}.venv/bin/weft-models`, ['export', 'decoder', '--preset', 'gpt2-small', '--out', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return dir;
}
