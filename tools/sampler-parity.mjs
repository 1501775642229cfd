// Native vs WASM sampler parity: the same rows, parameters and seeds through build/native/weft-sample
// and the WASM Sampler (and the NumPy reference, when .venv exists) must give identical tokens.
// Usage: node tools/sampler-parity.mjs
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import createWeftCore from '../dist/weft-core.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = await createWeftCore({ wasmBinary: fs.readFileSync(path.join(root, 'dist/weft-core.wasm')) });

let s = 12345; // small LCG so the rows are reproducible
const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const V = 257;
const rows = Array.from({ length: 24 }, (_, r) =>
  Array.from({ length: V }, (_, i) => Math.fround((rnd() - 0.5) * 8 + (i % 17 === r % 17 ? 3 : 0))));
const paramSets = [
  {}, { do_sample: true }, { do_sample: true, temperature: 0.7, top_k: 20 },
  { do_sample: true, temperature: 1.3, top_p: 0.9 }, { do_sample: true, min_p: 0.05, repetition_penalty: 1.3 },
  { do_sample: true, temperature: 0.5, top_k: 50, top_p: 0.8, min_p: 0.02, repetition_penalty: 0.8 },
];
const cases = [];
for (const params of paramSets) for (const seed of [0, 1, 42, -7, '18446744073709551615', '-3']) cases.push({ seed, params });

const native = JSON.parse(execFileSync(path.join(root, 'build/native/weft-sample'),
  { input: JSON.stringify({ rows, cases }) }).toString()).tokens;
console.log("sample of native tokens:", JSON.stringify(native[5]), JSON.stringify(native[22]));
let mismatches = 0;
const python = path.join(root, '.venv/bin/python');
if (fs.existsSync(python)) {
  const ref = JSON.parse(execFileSync(python, ['-m', 'weft_models.sampling_reference'],
    { input: JSON.stringify({ rows, cases }), cwd: path.join(root, 'models') }).toString()).tokens;
  const same = JSON.stringify(ref) === JSON.stringify(native);
  if (!same) mismatches++;
  console.log(same ? 'native and the NumPy reference agree' : 'MISMATCH between native and the NumPy reference');
}
cases.forEach((c, k) => {
  const sampler = new core.Sampler(JSON.stringify(c.params), typeof c.seed === 'string' ? c.seed : c.seed);
  const got = rows.map((row) => { sampler.logitsView(V).set(row); return sampler.sample(V); });
  sampler.delete();
  if (JSON.stringify(got) !== JSON.stringify(native[k])) { mismatches++; console.log('MISMATCH', c, got, native[k]); }
});
console.log(`${cases.length} cases x ${rows.length} rows: ${mismatches ? mismatches + ' mismatching cases' : 'native and wasm agree'}`);
process.exitCode = mismatches ? 1 : 0;
