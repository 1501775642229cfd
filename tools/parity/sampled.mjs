// Sampling parity: for fixed logits dumped from PyTorch, the native build (weft-sample), the WASM
// build (Sampler) and the NumPy reference (tokens stored in the fixture) must draw the same tokens.
import { execFileSync } from 'node:child_process';
import { loadCore } from '../../web/weft.js';
import { FIXTURES, ROOT, readJson } from '../paths.mjs';

export function nativeTokens(rows, cases) {
  const out = execFileSync(`${ROOT}build/native/weft-sample`, { input: JSON.stringify({ rows, cases }), maxBuffer: 1 << 26 });
  return JSON.parse(out.toString()).tokens;
}

export async function wasmTokens(rows, cases) {
  const core = await loadCore();
  return cases.map((c) => {
    const sampler = new core.Sampler(JSON.stringify(c.params), String(c.seed));
    try {
      return rows.map((row) => {
        sampler.logitsView(row.length).set(row);
        return sampler.sample(row.length);
      });
    } finally {
      sampler.delete();
    }
  });
}

export async function sampledParity() {
  const { rows, cases, numpy_tokens: numpy } = readJson(`${FIXTURES}/toy_sampled.json`);
  const native = nativeTokens(rows, cases);
  const wasm = await wasmTokens(rows, cases);
  let steps = 0;
  let matched = 0;
  const mismatches = [];
  cases.forEach((c, i) => rows.forEach((_, r) => {
    steps += 1;
    const [n, w, p] = [native[i][r], wasm[i][r], numpy[i][r]];
    if (n === w && w === p) matched += 1;
    else mismatches.push({ case: i, row: r, native: n, wasm: w, numpy: p });
  }));
  return { seeds: new Set(cases.map((c) => String(c.seed))).size, cases: cases.length, steps, matched, mismatches };
}
