// `npm run bench -- musicgen-cache`: what moving the self-attention cache costs per MusicGen
// decoder step at a given cache length, with musicgen-small's cache (24 layers x key, value of
// [2, 16, T, 64] float32) and none of the model's compute, on onnxruntime-web's wasm backend in
// Node (one thread), the two designs side by side, rounds interleaved:
//   concat    the merged decoder's loop (transformers.js): past in, Concat(past, new) out as
//             present, fed back as the next past;
//   two_tier  Weft's wasm loop: the long tier in (read, never rewritten by a step), the recent
//             tier in and out, merged into the long one every MERGE_EVERY steps (the merge's cost
//             spread over the steps).
// Both pay onnxruntime-web's copy of every CPU feed into its heap; concat also copies the whole
// cache in the Concat and out again as a new output array every step. Set against a step's
// compute, this bounds what any loop can gain over the other at a length (docs/MUSICGEN.md).
import { readFileSync } from 'node:fs';
import { loadavg1m } from './machine-load.mjs';
import { pythonGraphs } from './python-graphs.mjs';
import { ROOT } from '../tools/paths.mjs';

const DIR = process.env.WEFT_BENCH_CACHE_DIR ?? `${ROOT}build/bench/musicgen-cache`;
const LENGTHS = (process.env.WEFT_BENCH_CACHE_LENGTHS ?? '250,500,1000,1500').split(',').map(Number);
const ROUNDS = Number(process.env.WEFT_BENCH_ROUNDS ?? 3);
const MERGE_EVERY = 32; // the exporter's cache_merge_every

function cacheFeeds(ort, g, prefix, length) {
  const feeds = {};
  for (let i = 0; i < g.layers; i += 1) {
    for (const kv of ['key', 'value']) {
      const dims = [g.rows, g.heads, length, g.head_dim];
      feeds[`${prefix}.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims);
    }
  }
  return feeds;
}

const renamed = (out, from, to) => Object.fromEntries(Object.entries(out).map(([k, v]) => [k.replace(`${from}.`, `${to}.`), v]));

/** `steps` concat steps from a cache of `length`: ms per step. */
async function concatSteps(ort, s, g, length, steps) {
  let past = cacheFeeds(ort, g, 'past', length);
  const fresh = cacheFeeds(ort, g, 'new', 1);
  const started = performance.now();
  for (let t = 0; t < steps; t += 1) past = renamed(await s.concat.run({ ...past, ...fresh }), 'present', 'past');
  return (performance.now() - started) / steps;
}

/** `steps` two-tier steps over a long tier of `length`, merged every MERGE_EVERY: ms per step. */
async function twoTierSteps(ort, s, g, length, steps) {
  let long = cacheFeeds(ort, g, 'long', length);
  let recent = cacheFeeds(ort, g, 'recent', 0);
  const fresh = cacheFeeds(ort, g, 'new', 1);
  const started = performance.now();
  for (let t = 0; t < steps; t += 1) {
    recent = renamed(await s.twoTier.run({ ...long, ...recent, ...fresh }), 'out', 'recent');
    if ((t + 1) % MERGE_EVERY === 0) {
      long = renamed(await s.merge.run({ ...long, ...recent }), 'merged', 'long');
      recent = cacheFeeds(ort, g, 'recent', 0);
    }
  }
  return (performance.now() - started) / steps;
}

export async function benchMusicgenCache() {
  const g = pythonGraphs('musicgen_cache_graphs.py', DIR);
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  const open = (file) => ort.InferenceSession.create(readFileSync(`${DIR}/${file}`), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const s = { concat: await open(g.files.concat), twoTier: await open(g.files.two_tier), merge: await open(g.files.merge) };
  for (const length of LENGTHS) {
    await concatSteps(ort, s, g, length, 2); // warm-up: the heap grows to this length once
    await twoTierSteps(ort, s, g, length, 2);
    const load0 = loadavg1m();
    const ms = { concat: 0, two_tier: 0 };
    for (let r = 0; r < ROUNDS; r += 1) {
      ms.concat += await concatSteps(ort, s, g, length, MERGE_EVERY) / ROUNDS;
      ms.two_tier += await twoTierSteps(ort, s, g, length, MERGE_EVERY) / ROUNDS;
    }
    const mb = (g.layers * 2 * g.rows * g.heads * length * g.head_dim * 4) / 1e6;
    console.log(JSON.stringify({
      bench: 'musicgen-cache', runtime: `onnxruntime-web-wasm (Node) ${ort.env.versions.web}`, threads: 1,
      cache_positions: length, cache_mb: +mb.toFixed(1), merge_every: MERGE_EVERY,
      ms_per_step: { concat: +ms.concat.toFixed(2), two_tier: +ms.two_tier.toFixed(2) },
      concat_minus_two_tier_ms: +(ms.concat - ms.two_tier).toFixed(2), rounds: ROUNDS, loadavg_1m: [load0, loadavg1m()],
    }));
  }
  for (const session of Object.values(s)) await session.release();
}
