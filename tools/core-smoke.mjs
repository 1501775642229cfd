// Smoke test of the WASM core in Node: load dist/weft-core.js, parse a toy manifest, run a decoder
// generator for a few steps with fake logits, and show that bad input raises a readable JS Error.
// Usage: node tools/core-smoke.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import createWeftCore from '../dist/weft-core.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = await createWeftCore({ wasmBinary: fs.readFileSync(path.join(root, 'dist/weft-core.wasm')) });

const manifest = {
  format: 'weft/1', name: 'toy',
  dims: { vocab: 16, layers: 2, heads: 2, head_dim: 4, max_positions: 32 },
  components: {
    decoder: {
      file: 'decoder.onnx',
      inputs: [
        { name: 'input_ids', dtype: 'int64', shape: ['batch', 'seq'] },
        { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'total'] },
        { name: 'position_ids', dtype: 'int64', shape: ['batch', 'seq'] },
        { name: 'past_key_values.{layer}.key', count: 'layers', dtype: 'float32', shape: ['batch', 'heads', 'past', 'head_dim'] },
      ],
      outputs: [
        { name: 'logits', dtype: 'float32', shape: ['batch', 'seq', 'vocab'] },
        { name: 'present.{layer}.key', count: 'layers', dtype: 'float32', shape: ['batch', 'heads', 'total', 'head_dim'] },
      ],
    },
  },
  state: [{ component: 'decoder', input: 'past_key_values.{layer}.key', output: 'present.{layer}.key',
            count: 'layers', init: 'empty', axis: 2, mode: 'grow' }],
  generator: { type: 'decoder', component: 'decoder',
               io: { input_ids: 'input_ids', attention_mask: 'attention_mask', position_ids: 'position_ids', logits: 'logits' } },
  generation: { max_new_tokens: 4, eos_token_id: 15 },
};

console.log('version', core.version());
const heap0 = core.heapBytesInUse();
const model = core.Model.fromJson(JSON.stringify(manifest));
console.log('components', model.componentsJson());
console.log('info', model.infoJson());
const gen = model.createGenerator(JSON.stringify({ prompt: [1, 2, 3] }));
console.log('slots', gen.slotsJson());
let step = 0;
for (let planJson = gen.next(); planJson !== ''; planJson = gen.next()) {
  const plan = JSON.parse(planJson);
  if (step === 0) console.log('first plan', planJson);
  for (const inp of plan.inputs.filter((i) => 'host' in i)) {
    const v = gen.inputView(inp.host);
    if (step < 2) console.log(`  step ${step} ${inp.name}`, v.constructor.name, inp.shape, Array.from(v, String).join(','));
  }
  const out = plan.outputs.find((o) => 'host' in o);
  const logits = gen.outputView(out.host, out.tail);
  logits.fill(0);
  logits[(step * 5 + 4) % 16] = 1; // the "model" prefers a different token each step
  gen.accept();
  step++;
}
console.log('tokens', Array.from(gen.tokens()), 'done', gen.done(), 'stats', gen.statsJson());
gen.delete();
model.delete();

const sampler = new core.Sampler(JSON.stringify({ do_sample: true, temperature: 0.8, top_k: 3 }), '18446744073709551615');
const lv = sampler.logitsView(8);
lv.set([0, 1, 2, 3, 4, 5, 6, 7]);
console.log('sampled', sampler.sample(8));
sampler.delete();

for (const [what, fn] of [
  ['bad dtype', () => core.Model.fromJson(JSON.stringify({ ...manifest, components: { decoder: { ...manifest.components.decoder,
      inputs: [{ name: 'input_ids', dtype: 'float64x', shape: [1] }] } } }))],
  ['not JSON', () => core.Model.fromJson('{oops')],
  ['bad option', () => {
    const m = core.Model.fromJson(JSON.stringify(manifest));
    try { m.createGenerator('{"prompt":[99]}'); } finally { m.delete(); }
  }],
  ['NaN logits', () => {
    const m = core.Model.fromJson(JSON.stringify(manifest));
    const g = m.createGenerator('{"prompt":[1]}');
    try {
      const plan = JSON.parse(g.next());
      g.outputView(plan.outputs[0].host, 16).fill(0)[5] = NaN;
      g.accept();
    } finally { console.log('  after the error: done', g.done(), 'next', JSON.stringify(g.next())); g.delete(); m.delete(); }
  }],
]) {
  try { fn(); console.log(what, 'did NOT throw'); process.exitCode = 1; }
  catch (e) { console.log(`${what}: ${e instanceof Error ? 'Error' : typeof e}: ${e.message}`); }
}
console.log('heap bytes in use: before', heap0, 'after', core.heapBytesInUse());
