// Weft's decode loop vs a minimal hand-written ORT loop on the same graph, same runtime, same
// process, interleaved round by round. Prints one JSON line per runtime.
import { readFileSync } from 'node:fs';
import { load } from '../web/weft.js';
import { gpt2SmallPackage } from './gpt2-package.mjs';

const PROMPT = [464, 2068, 7586, 21831, 18045, 625, 262, 16931];
const NEW_TOKENS = Number(process.env.WEFT_BENCH_TOKENS ?? 32);
const ROUNDS = Number(process.env.WEFT_BENCH_ROUNDS ?? 5);

/** The peer: the smallest correct greedy KV-cache loop one can write against the graph. */
async function bareLoop(ort, session, layers, heads, headDim) {
  let past = {};
  for (let l = 0; l < layers; l += 1) {
    for (const kind of ['key', 'value']) {
      past[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
    }
  }
  const fetches = ['logits', ...Object.keys(past).map((n) => n.replace('past_key_values', 'present'))];
  const tokens = [];
  let ids = PROMPT;
  let total = 0;
  for (let step = 0; step < NEW_TOKENS; step += 1) {
    const start = total;
    total += ids.length;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(start + i)), [1, ids.length]),
      ...past,
    };
    const out = await session.run(feeds, fetches);
    const logits = out.logits.data;
    const vocab = out.logits.dims[2];
    let best = 0;
    for (let v = 1, base = logits.length - vocab; v < vocab; v += 1) if (logits[base + v] > logits[base + best]) best = v;
    tokens.push(best);
    ids = [best];
    past = {};
    for (const name of fetches.slice(1)) past[name.replace('present', 'past_key_values')] = out[name];
  }
  return tokens;
}

async function measure(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

export async function benchOverhead() {
  const dir = gpt2SmallPackage();
  const manifest = JSON.parse(readFileSync(`${dir}/weft.json`, 'utf8'));
  const { layers, heads, head_dim: headDim } = manifest.dims;
  const bytes = readFileSync(`${dir}/${manifest.components.decoder.file}`);
  const runtimes = [
    ['onnxruntime-node', await import('onnxruntime-node'), 'cpu'],
    ['onnxruntime-web-wasm', await import('onnxruntime-web'), 'wasm'],
  ];
  for (const [label, ort, backend] of runtimes) {
    const model = await load(dir, { ort, backend });
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: 'all' });
    const weftRun = () => model.generate({ prompt: PROMPT, maxNewTokens: NEW_TOKENS, doSample: false, eosTokenId: null });
    const bareRun = () => bareLoop(ort, session, layers, heads, headDim);
    const warm = [await weftRun(), await bareRun()];
    if (Array.from(warm[0].tokens).join() !== warm[1].join()) throw new Error(`${label}: Weft and the bare loop disagree on greedy tokens`);
    let weftMs = 0;
    let bareMs = 0;
    let coreMs = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const w = await measure(weftRun);
      const b = await measure(bareRun);
      weftMs += w.ms;
      bareMs += b.ms;
      coreMs += w.result.stats.coreMs;
    }
    const steps = ROUNDS * NEW_TOKENS;
    const weft = (steps * 1000) / weftMs;
    const bare = (steps * 1000) / bareMs;
    console.log(JSON.stringify({
      bench: 'overhead', model: 'gpt2-small-random', runtime: label, backend, prompt: PROMPT.length,
      new_tokens: NEW_TOKENS, rounds: ROUNDS, weft_steps_per_s: +weft.toFixed(3), bare_steps_per_s: +bare.toFixed(3),
      ratio: +(weft / bare).toFixed(4), core_ms_per_step: +(coreMs / steps).toFixed(4),
    }));
    await session.release();
    await model.dispose();
  }
}
