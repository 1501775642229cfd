// `npm run bench -- musicgen`: MusicGen (musicgen-small sizes, random weights; fp32 and int8)
// decoder steps/s with CFG, side by side in one process, rounds interleaved:
//   - onnxruntime-node: Weft vs the bare hand-written loop (bench/musicgen-bare.mjs);
//   - onnxruntime-web wasm in Node: Weft vs transformers.js' own MusicGen generate, both on the
//     same onnxruntime-web module, same thread count, same package files;
//   - Chromium (bench/musicgen-chromium.mjs): the same pair in one page on the page's
//     onnxruntime-web wasm backend;
// plus Weft's time to first streamed audio. Greedy everywhere, so every pair is first checked to
// produce the same codes. Each rate is steps / wall time of a whole generation (text encoder,
// decoder loop and the final audio decode for every contestant). One line per request length.
// `ms_per_step` shows how a step's cost grows with the cache: mean ms per decoder step over the
// first and the last 10% of the steps (bench/step-times.mjs), taken on one more generation per
// contestant after the timed rounds, so recording step times adds nothing to the totals.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { load } from '../web/weft.js';
import { MODELS, ROOT } from '../tools/paths.mjs';
import { bareMusicgenLoop, openBareSessions, releaseBareSessions } from './musicgen-bare.mjs';
import { loadPeer, peerGenerateAudio, peerGreedyCodes, peerTextIds, secondOrtWeb, stampingStreamer } from '../tools/peers/transformers-js-musicgen.mjs';
import { peerAgreement } from '../tools/parity/musicgen-weft.mjs';
import { benchMusicgenChromium } from './musicgen-chromium.mjs';
import { msPerStepAtEnds, weftStepStamps } from './step-times.mjs';
import { loadavg1m } from './machine-load.mjs';

const TEXT = 'lo-fi beat with a warm bass line';
// 10 s and 30 s of music (50 frames/s): the lengths people ask for. The cache grows with every
// frame, so per-step costs that scale with it only show on requests of realistic length.
// WEFT_BENCH_FRAMES: a comma list of lengths in frames.
function requestLengths() {
  const list = process.env.WEFT_BENCH_FRAMES ?? '500,1500';
  if (!/^\s*[1-9]\d*\s*(,\s*[1-9]\d*\s*)*$/.test(list)) throw new Error(`WEFT_BENCH_FRAMES must be a comma list of positive integers, got ${JSON.stringify(list)}`);
  return list.split(',').map(Number);
}
// Time to first audio is taken on its own streamed generation (default 5 s of audio), so it does
// not depend on WEFT_BENCH_FRAMES: with the default 50-frame window the first chunk needs ~63
// steps, and a short run would only measure its own end.
const TTFA_FRAMES = Number(process.env.WEFT_BENCH_TTFA_FRAMES ?? 250);
const ROUNDS = Number(process.env.WEFT_BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.WEFT_BENCH_THREADS ?? 1);
const CFG = 3.0;
// 'node' or 'chromium': only that side's lines (Node: onnxruntime-node and -web in Node);
// 'bare': only Weft vs the bare onnxruntime-node loop.
const ONLY = process.env.WEFT_BENCH_ONLY;
const label = (dir) => (process.env.WEFT_BENCH_MUSICGEN ? path.basename(path.resolve(dir)) : 'musicgen-small-random');

/**
 * Exports the musicgen-small-sized random package (and its int8 copy) once; minutes of CPU.
 * WEFT_BENCH_MUSICGEN names another fp32 package instead; its int8 copy is written beside it, as
 * `<dir>-int8` (so a copy under /tmp keeps build/models untouched; Chromium serves either).
 */
function smallPackage(precision) {
  const fp32 = process.env.WEFT_BENCH_MUSICGEN ?? `${MODELS}/musicgen-small`;
  const int8 = `${fp32}-int8`;
  const cli = `${ROOT}/.venv/bin/weft-models`;
  const run = (args) => {
    console.error(`[bench] weft-models ${args.join(' ')}`);
    const r = spawnSync(cli, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`weft-models ${args.join(' ')} exited ${r.status}`);
  };
  if (!existsSync(`${fp32}/weft.json`)) run(['export', 'musicgen', '--preset', 'small', '--out', fp32]);
  if (precision === 'int8' && !existsSync(`${int8}/weft.json`)) run(['quantize', 'musicgen', fp32, '--out', int8, '--mode', 'int8']);
  return precision === 'int8' ? int8 : fp32;
}

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

const sameCodes = (a, b) => a.length === b.length && a.every((row, q) => row.length === b[q].length && row.every((v, i) => Number(v) === Number(b[q][i])));

/** Rounds of `contestants` ({name, run: () => {codes?}}) interleaved; returns mean ms per name. */
async function rounds(contestants) {
  const total = Object.fromEntries(contestants.map((c) => [c.name, 0]));
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const c of contestants) total[c.name] += (await timed(c.run)).ms;
  }
  return Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v / ROUNDS]));
}

async function weftOn(dir, ort, backend) {
  const sessionOptions = backend === 'cpu' ? { intraOpNumThreads: THREADS, interOpNumThreads: 1 } : {};
  return load(dir, { ort, backend, sessionOptions });
}

const weftGreedy = (mg, frames, extra = {}) => mg.generate({ text: TEXT, maxNewFrames: frames, cfg: CFG, doSample: false, stream: false, returnCodes: true, ...extra });

/** {start, end} ms per step of one of Weft's generations, from onProgress's per-step times. */
async function weftStepTimes(mg, frames) {
  return msPerStepAtEnds(await weftStepStamps((extra) => weftGreedy(mg, frames, extra)));
}

/** ms_per_step for each contestant ({name, stepTimes: () => {start, end}}), one generation each, in the rounds' order. */
async function stepTimes(contestants) {
  const out = {};
  for (const c of contestants) out[c.name] = await c.stepTimes();
  return out;
}

/** {weft_time_to_first_audio_ms, weft_streamed_total_ms, ttfa_frames}: one streamed generation. */
async function timeToFirstAudio(mg) {
  const started = performance.now();
  const r = await weftGreedy(mg, TTFA_FRAMES, { stream: true, onAudio: () => {} });
  return { weft_time_to_first_audio_ms: +r.timeToFirstAudioMs.toFixed(1),
    weft_streamed_total_ms: +(performance.now() - started).toFixed(1), ttfa_frames: TTFA_FRAMES };
}

async function nodeVsBare(precision, dir, frames) {
  const ort = await import('onnxruntime-node');
  const mg = await weftOn(dir, ort, 'cpu');
  const sessions = await openBareSessions(ort, dir, { intraOpNumThreads: THREADS, interOpNumThreads: 1 });
  try {
    const textIds = Array.from(mg.tokenizer.encode(TEXT));
    const w = await weftGreedy(mg, frames);
    const steps = w.steps;
    const bare = (stepStamps) => bareMusicgenLoop(ort, sessions, { textIds, steps, guidance: CFG, stepStamps });
    if (!sameCodes(w.codes, (await bare()).codes)) throw new Error(`musicgen bench (${precision}, onnxruntime-node): Weft and the bare loop disagree on greedy codes`);
    const load0 = loadavg1m();
    const ms = await rounds([
      { name: 'weft', run: () => weftGreedy(mg, frames) },
      { name: 'bare', run: () => bare() },
    ]);
    const perStep = await stepTimes([
      { name: 'weft', stepTimes: () => weftStepTimes(mg, frames) },
      { name: 'bare', stepTimes: async () => { const stamps = []; await bare(stamps); return msPerStepAtEnds(stamps); } },
    ]);
    const ttfa = await timeToFirstAudio(mg);
    console.log(JSON.stringify({
      bench: 'musicgen', model: label(dir), precision, frames, runtime: 'onnxruntime-node', threads: THREADS, cfg: CFG,
      steps, weft_steps_per_s: +((steps * 1000) / ms.weft).toFixed(3), bare_steps_per_s: +((steps * 1000) / ms.bare).toFixed(3),
      weft_over_bare: +(ms.bare / ms.weft).toFixed(4), weft_total_ms: +ms.weft.toFixed(1), ms_per_step: perStep, ...ttfa,
      rounds: ROUNDS, loadavg_1m: [load0, loadavg1m()],
    }));
  } finally {
    await releaseBareSessions(sessions);
    await mg.dispose();
  }
}

async function webVsTransformersJs(precision, dir, frames) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = THREADS;
  const mg = await weftOn(dir, ort, 'wasm');
  // Both on the project's onnxruntime-web module where the two fit in its one wasm32 heap; the
  // fp32 small weights twice (Weft's and the merged graph's) do not, so there transformers.js gets
  // a second instance of the same onnxruntime-web build (its own heap; same threads). Not the copy
  // transformers.js pins: a different build would time its kernels, not its loop.
  const peerOrt = precision === 'fp32' ? await secondOrtWeb() : ort;
  let peer;
  try {
    peer = await loadPeer(dir, { device: 'wasm', dtype: precision === 'int8' ? 'q8' : 'fp32', ort: peerOrt, threads: THREADS });
  } catch (error) {
    // transformers.js could not load the package (e.g. out of wasm heap): Weft's side is still reported
    const w = await weftGreedy(mg, frames);
    const load0 = loadavg1m();
    const ms = await rounds([{ name: 'weft', run: () => weftGreedy(mg, frames) }]);
    const perStep = await stepTimes([{ name: 'weft', stepTimes: () => weftStepTimes(mg, frames) }]);
    console.log(JSON.stringify({
      bench: 'musicgen', model: label(dir), precision, frames, runtime: 'onnxruntime-web-wasm (Node)', threads: THREADS, cfg: CFG,
      steps: w.steps, weft_steps_per_s: +((w.steps * 1000) / ms.weft).toFixed(3), ms_per_step: perStep,
      transformers_js_error: String(error.message).split('\n')[0].slice(0, 300), rounds: ROUNDS, loadavg_1m: [load0, loadavg1m()],
    }));
    await mg.dispose();
    return;
  }
  try {
    const ids = Array.from(mg.tokenizer.encode(TEXT));
    const peerIds = peerTextIds(peer, TEXT);
    if (ids.join() !== peerIds.join()) throw new Error(`musicgen bench: text ids differ (Weft ${ids} vs transformers.js ${peerIds})`);
    const w = await weftGreedy(mg, frames);
    const steps = w.steps;
    // fp32: the same codes. int8: Weft's step graph and the merged graph quantize their
    // activations over different tensors, so a near tie may flip; how many steps agree is reported.
    const peerCodes = await peerGreedyCodes(peer, TEXT, { maxNewTokens: steps, guidanceScale: CFG });
    const { compared, matched: agreed } = peerAgreement(w.codes, peerCodes, steps);
    if (precision === 'fp32' && agreed !== compared) throw new Error(`musicgen bench (${precision}, wasm): Weft and transformers.js disagree on greedy codes`);
    const peerRun = (streamer) => peerGenerateAudio(peer, TEXT, { maxNewTokens: steps, guidanceScale: CFG, streamer });
    const p = await peerRun();
    const weftSamples = w.audio.length;
    const load0 = loadavg1m();
    const ms = await rounds([
      { name: 'weft', run: () => weftGreedy(mg, frames) },
      { name: 'peer', run: () => peerRun() },
    ]);
    const perStep = await stepTimes([
      { name: 'weft', stepTimes: () => weftStepTimes(mg, frames) },
      // its first stamp comes before the first decoder step, one more than the others have
      { name: 'transformers_js', stepTimes: async () => { const stamps = []; await peerRun(stampingStreamer(peer, stamps)); return msPerStepAtEnds(stamps.slice(1)); } },
    ]);
    const ttfa = await timeToFirstAudio(mg);
    console.log(JSON.stringify({
      bench: 'musicgen', model: label(dir), precision, frames, runtime: 'onnxruntime-web-wasm (Node)', threads: THREADS, cfg: CFG,
      onnxruntime_web: { weft: ort.env.versions.web, transformers_js: peer.runtime?.web ?? String(peer.runtime), same_instance: peerOrt === ort },
      steps, weft_steps_per_s: +((steps * 1000) / ms.weft).toFixed(3), transformers_js_steps_per_s: +((steps * 1000) / ms.peer).toFixed(3),
      weft_over_transformers_js: +(ms.peer / ms.weft).toFixed(4), greedy_steps_agreeing: `${agreed}/${compared}`, weft_samples: weftSamples, transformers_js_samples: p.samples.length,
      ms_per_step: perStep, ...ttfa, transformers_js_time_to_first_audio_ms: +ms.peer.toFixed(1), // no streaming: its whole generate
      rounds: ROUNDS, loadavg_1m: [load0, loadavg1m()],
    }));
  } finally {
    await mg.dispose();
    await peer.model.dispose?.();
  }
}

export async function benchMusicgen() {
  for (const precision of process.env.WEFT_BENCH_PRECISION?.split(',') ?? ['fp32', 'int8']) {
    const dir = smallPackage(precision);
    for (const frames of requestLengths()) {
      if (ONLY !== 'chromium') await nodeVsBare(precision, dir, frames);
      if (ONLY !== 'chromium' && ONLY !== 'bare') await webVsTransformersJs(precision, dir, frames);
      if (ONLY !== 'node' && ONLY !== 'bare') {
        await benchMusicgenChromium({ precision, dir, model: label(dir), text: TEXT, frames, ttfaFrames: TTFA_FRAMES, cfg: CFG, rounds: ROUNDS, threads: THREADS });
      }
    }
  }
}
