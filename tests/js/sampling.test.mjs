// Sampling parity: native build, WASM build and the NumPy reference draw identical tokens.
import test from 'node:test';
import assert from 'node:assert/strict';
import { nativeTokens, sampledParity, wasmTokens } from '../../tools/parity/sampled.mjs';
import { FIXTURES, readJson } from '../../tools/paths.mjs';

test('native, WASM and NumPy draw the same tokens for every seed and setting', async () => {
  const result = await sampledParity();
  assert.ok(result.cases >= 16 && result.steps >= 500, `too small: ${JSON.stringify(result)}`);
  assert.deepEqual(result.mismatches, []);
});

test('the seed matters: another seed gives another sequence', async () => {
  const { rows, cases } = readJson(`${FIXTURES}/toy_sampled.json`);
  const sampledCase = cases.find((c) => c.params.do_sample && !c.params.top_k && (c.params.temperature ?? 1) >= 1);
  const a = await wasmTokens(rows, [sampledCase]);
  const b = await wasmTokens(rows, [{ ...sampledCase, seed: 987654321 }]);
  assert.notDeepEqual(a, b);
  assert.deepEqual(nativeTokens(rows, [sampledCase]), a);
});
