// `npm run bench -- matmul-nbits`: one MatMul of musicgen-small's shapes (8 rows = CFG's two
// branches x 4 codebooks, one position) as fp32, as int8 (quantize_dynamic, as the int8 packages
// are made) and as 4-bit MatMulNBits (block size 32; fp32 compute and accuracy_level 4), timed side
// by side on onnxruntime-web's wasm backend in Node (the module Weft uses) and on onnxruntime-node,
// both on one thread, precisions interleaved round by round. One JSON line per shape and runtime:
// ms per run, ratio to fp32 (> 1: slower than fp32), and each output's error against fp32's.
import { readFileSync } from 'node:fs';
import { loadavg1m } from './machine-load.mjs';
import { pythonGraphs } from './python-graphs.mjs';
import { ROOT } from '../tools/paths.mjs';

const DIR = process.env.WEFT_BENCH_NBITS_DIR ?? `${ROOT}build/bench/matmul-nbits`;
const ROUNDS = Number(process.env.WEFT_BENCH_ROUNDS ?? 5);
const RUNS_PER_ROUND = Number(process.env.WEFT_BENCH_RUNS ?? 20);
// RMS error relative to fp32's output RMS (inputs N(0,1), weights N(0,1/K)): per-tensor int8
// weights plus uint8 activations give ~1.5%; symmetric 4-bit blocks of 32 give ~9% (the quantizer's
// step, max|w| / 7 over a block, over sqrt(12)). A failure here means a broken graph, not noise.
const TOLERANCE = { int8: 0.03, nbits4: 0.15, nbits4_acc4: 0.15 };

/** Deterministic N(0,1)-like input (sum of uniforms), so every precision sees the same x. */
function input(dims) {
  const size = dims.reduce((a, b) => a * b, 1);
  let s = 12345;
  const u = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  return Float32Array.from({ length: size }, () => u() + u() + u() + u() + u() + u() + u() + u() + u() + u() + u() + u() - 6);
}

function relativeRmsError(y, ref) {
  let err = 0;
  let norm = 0;
  for (let i = 0; i < ref.length; i += 1) { err += (y[i] - ref[i]) ** 2; norm += ref[i] ** 2; }
  return Math.sqrt(err / norm);
}

async function sessionsFor(ort, graph, options) {
  const sessions = {};
  const errors = {};
  for (const [precision, file] of Object.entries(graph.files)) {
    try {
      sessions[precision] = await ort.InferenceSession.create(readFileSync(`${DIR}/${file}`), { graphOptimizationLevel: 'all', ...options });
    } catch (error) {
      errors[precision] = String(error?.message ?? error).split('\n')[0].slice(0, 200);
    }
  }
  return { sessions, errors };
}

async function benchOne(ort, runtime, graph, options, blockSize) {
  const { sessions, errors } = await sessionsFor(ort, graph, options);
  const feeds = { x: new ort.Tensor('float32', input(graph.input), graph.input) };
  const outputs = {};
  for (const [precision, s] of Object.entries(sessions)) outputs[precision] = (await s.run(feeds)).y.data; // also the warm-up
  const error = {};
  for (const precision of Object.keys(sessions)) {
    if (precision === 'fp32') continue;
    error[precision] = +relativeRmsError(outputs[precision], outputs.fp32).toFixed(4);
    if (error[precision] > TOLERANCE[precision]) throw new Error(`matmul-nbits bench (${graph.name}, ${runtime}): ${precision} output y is ${error[precision]} RMS off fp32's, expected <= ${TOLERANCE[precision]}`);
  }
  const load0 = loadavg1m();
  const total = Object.fromEntries(Object.keys(sessions).map((p) => [p, 0]));
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const [precision, s] of Object.entries(sessions)) {
      const started = performance.now();
      for (let i = 0; i < RUNS_PER_ROUND; i += 1) await s.run(feeds);
      total[precision] += performance.now() - started;
    }
  }
  const ms = Object.fromEntries(Object.entries(total).map(([p, t]) => [p, +(t / (ROUNDS * RUNS_PER_ROUND)).toFixed(4)]));
  const overFp32 = Object.fromEntries(Object.entries(ms).filter(([p]) => p !== 'fp32').map(([p, t]) => [p, +(t / ms.fp32).toFixed(3)]));
  console.log(JSON.stringify({
    bench: 'matmul-nbits', shape: graph.name, input: graph.input, runtime, threads: 1, block_size: blockSize,
    ms_per_run: ms, ms_over_fp32: overFp32, rms_error_vs_fp32: error, tolerance: TOLERANCE,
    ...(Object.keys(errors).length ? { session_errors: errors } : {}), rounds: ROUNDS, runs_per_round: RUNS_PER_ROUND, loadavg_1m: [load0, loadavg1m()],
  }));
  for (const s of Object.values(sessions)) await s.release();
}

export async function benchMatmulNbits() {
  const listing = pythonGraphs('matmul_nbits_graphs.py', DIR);
  const web = await import('onnxruntime-web');
  web.env.wasm.numThreads = 1;
  const node = await import('onnxruntime-node');
  for (const graph of listing.graphs) {
    await benchOne(web, `onnxruntime-web-wasm (Node) ${web.env.versions.web}`, graph, { executionProviders: ['wasm'] }, listing.block_size);
    await benchOne(node, 'onnxruntime-node', graph, { intraOpNumThreads: 1, interOpNumThreads: 1 }, listing.block_size);
  }
}
