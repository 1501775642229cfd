// Weft's MusicGen under semantics 'audiocraft' against audiocraft's own generate on an LM of
// audiocraft's builders exported with `--base` (the `npm run parity -- musicgen-audiocraft`
// lines): every case's codes equal, 35 s and 60 s windows and sampled runs included.
import test from 'node:test';
import assert from 'node:assert/strict';
import { musicgenAudiocraftParity } from '../../tools/parity/musicgen-audiocraft.mjs';

test('every audiocraft case: codes equal audiocraft MusicGen.generate', async () => {
  const lines = [];
  await musicgenAudiocraftParity((line, ok) => lines.push({ line, ok }));
  const names = lines.map(({ line }) => line.case);
  for (const want of ['text', 'continuation', 'codes', 'batch3', 'long35', 'long60', 'continuation35', 'topk', 'topp', 'topp1', 'cfg_half', 'sampled_windows', 'batch3_topp']) {
    assert.ok(names.includes(want), `case ${want} missing from ${names}`);
  }
  for (const { line, ok } of lines) assert.ok(ok, JSON.stringify(line));
  assert.equal(lines.find(({ line }) => line.case === 'long60').line.windows, 3);
});
