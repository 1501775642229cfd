// `npm run bench -- pocket-tts`: Pocket TTS (the `english` preset's sizes, random weights; fp32 and
// int8), real-time factor and time to first audio, side by side in one process, rounds interleaved:
//   - onnxruntime-node: Weft vs the bare hand-written loop (bench/pocket-tts-bare.mjs), the same
//     runs on the same graphs with the same token ids and noise (checked: the same audio);
//   - onnxruntime-web wasm in Node: Weft vs sherpa-onnx's Pocket TTS (npm `sherpa-onnx`, its
//     WebAssembly build for Node; bench/pocket-tts-sherpa.mjs) on the same weights in its layout
//     (models/weft_models/pocket_tts/sherpa_layout.py), same thread count.
// Each speak is one request with a stored voice; the real-time factor is audio seconds / wall
// seconds of the whole request. The machine's load average is printed with every line.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { loadavg1m } from './machine-load.mjs';
import { load, loadCore } from '../web/weft.js';
import { MODELS, ROOT } from '../tools/paths.mjs';
import { barePocketSpeak, openBarePocket, releaseBarePocket } from './pocket-tts-bare.mjs';
import { SHERPA_VERSION, loadSherpaTts, sherpaSpeak } from './pocket-tts-sherpa.mjs';
import { pocketTtsSplit } from './pocket-tts-split.mjs';

const TEXT = process.env.WEFT_BENCH_TEXT ?? 'The quick brown fox jumps over the lazy dog.';
// Random weights raise EOS within the first frames; by default it is ignored, so each request is the
// chunk's whole frame cap (ceil((tokens / 3 + 2) * 12.5) frames), a sentence of realistic length.
// sherpa-onnx's threshold is fixed (-4): it gets the same frame cap as max_frames.
const EOS_THRESHOLD = Number(process.env.WEFT_BENCH_EOS_THRESHOLD ?? 1e6);
const ROUNDS = Number(process.env.WEFT_BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.WEFT_BENCH_THREADS ?? 1);
const TEMPERATURE = 0.3;
const SEED = 7;
const ONLY = process.env.WEFT_BENCH_ONLY; // 'node', 'wasm' or 'split': only those lines
const CLI = `${ROOT}.venv/bin/weft-models`;

function python(args, what) {
  console.error(`[bench] ${what}`);
  const r = spawnSync(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT });
  if (r.status !== 0) throw new Error(`${what}: exited ${r.status}`);
}

/** The export revision weft-models writes now (a package with another one is outdated). */
function exportRevision() {
  const m = /EXPORT_REVISION\s*=\s*(\d+)/.exec(readFileSync(`${ROOT}models/weft_models/pocket_tts/export.py`, 'utf8'));
  return m ? Number(m[1]) : null;
}

function current(dir) {
  if (!existsSync(`${dir}/weft.json`)) return false;
  const src = JSON.parse(readFileSync(`${dir}/weft.json`, 'utf8')).source ?? {};
  return src.preset === 'english' && src.revision === exportRevision();
}

/** build/models/pocket-tts-english[-int8], exported when missing or outdated (minutes of CPU). */
function englishPackage(precision) {
  const fp32 = process.env.WEFT_BENCH_POCKET_TTS ?? `${MODELS}/pocket-tts-english`;
  if (!current(fp32) || (precision === 'int8' && !current(`${fp32}-int8`))) {
    python([CLI, 'export', 'pocket-tts', '--preset', 'english', '--out', fp32, '--int8'], `weft-models export pocket-tts --preset english --out ${fp32} --int8`);
  }
  return precision === 'int8' ? `${fp32}-int8` : fp32;
}

/** The same weights in sherpa-onnx's layout beside the package (rewritten when the package changed). */
function sherpaFolder(dir, precision) {
  const out = `${dir}-sherpa`;
  const digest = createHash('sha256').update(readFileSync(`${dir}/weft.json`)).digest('hex');
  const info = existsSync(`${out}/sherpa-layout.json`) ? JSON.parse(readFileSync(`${out}/sherpa-layout.json`, 'utf8')) : null;
  if (info?.weft_json_sha256 !== digest) {
    const args = [`${ROOT}.venv/bin/python`, '-m', 'weft_models.pocket_tts.sherpa_layout', dir, out, ...(precision === 'int8' ? ['--int8'] : [])];
    python(args, `python -m weft_models.pocket_tts.sherpa_layout ${dir} ${out}`);
  }
  return out;
}

/** A 3 s voice clip (a voiced-sounding tone mix with a deterministic flutter), 24 kHz. */
function voiceClip() {
  const clip = new Float32Array(72000);
  let s = 1;
  for (let i = 0; i < clip.length; i += 1) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const t = i / 24000;
    clip[i] = 0.3 * Math.sin(2 * Math.PI * 140 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)) + 0.1 * Math.sin(2 * Math.PI * 1100 * t) + 0.02 * (s / 2147483648 - 0.5);
  }
  return clip;
}

/** Interleaved rounds; per contestant its RTF over all rounds, mean TTFA and ms, and (`vs`, the
 * first contestant's ms over each other's, round by round) the paired ratios, so noise shows. */
async function timedRounds(contestants) {
  const sum = Object.fromEntries(contestants.map((c) => [c.name, { ms: 0, ttfa: 0, samples: 0, each: [] }]));
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const c of contestants) {
      const t0 = performance.now();
      const out = await c.run();
      const ms = performance.now() - t0;
      Object.assign(sum[c.name], { ms: sum[c.name].ms + ms, ttfa: sum[c.name].ttfa + out.timeToFirstAudioMs, samples: sum[c.name].samples + out.audio.length });
      sum[c.name].each.push(ms / (out.audio.length / 24000));
    }
  }
  const first = sum[contestants[0].name].each;
  return Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, {
    rtf: +(v.samples / 24000 / (v.ms / 1000)).toFixed(3), ttfa_ms: +(v.ttfa / ROUNDS).toFixed(1), ms: +(v.ms / ROUNDS).toFixed(1), seconds: +(v.samples / ROUNDS / 24000).toFixed(2),
    rounds_speedup_of_first: v.each.map((x, i) => +(x / first[i]).toFixed(3)),
  }]));
}

/** The bare loop's inputs: the core's chunks and ids, the voice's rows, the request's noise. */
async function bareInputs(tts, dir, voice) {
  const core = await loadCore();
  const m = JSON.parse(readFileSync(`${dir}/weft.json`, 'utf8'));
  const tok = new Uint8Array(readFileSync(`${dir}/${m.tokenizer.file}`));
  const { chunks } = JSON.parse(core.pocketTtsChunksJson(tok, TEXT, JSON.stringify(m.generator.text), m.generator.max_tokens_per_chunk));
  const cond = new Float32Array(voice.buffer.slice(voice.byteOffset + 48, voice.byteOffset + voice.byteLength));
  const runs = 1 + chunks.reduce((n, c) => n + 2 + Math.ceil((c.ids.length / 3 + 2) * 12.5), 0);
  const noise = core.normalDraws(String(SEED), Math.sqrt(TEMPERATURE), runs * m.generator.latent_dim);
  return { chunks, voice: cond, voicePositions: cond.length / m.generator.model_dim, noise, eosThreshold: EOS_THRESHOLD };
}

const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const weftSpeak = (tts, voice) => tts.speak({ text: TEXT, voice, temperature: TEMPERATURE, seed: SEED, eosThreshold: EOS_THRESHOLD });

async function nodeVsBare(precision, dir, clip) {
  const ort = await import('onnxruntime-node');
  const sessionOptions = { intraOpNumThreads: THREADS, interOpNumThreads: 1 };
  const tts = await load(dir, { ort, backend: 'cpu', sessionOptions });
  const s = await openBarePocket(ort, dir, sessionOptions);
  try {
    const voice = await tts.voiceFrom(clip, 24000);
    const inputs = await bareInputs(tts, dir, voice);
    const w = await weftSpeak(tts, voice);
    const b = await barePocketSpeak(ort, s, inputs);
    if (w.audio.length !== b.audio.length || maxDiff(w.audio, b.audio) > 1e-4) {
      throw new Error(`pocket-tts bench (${precision}): Weft and the bare loop differ (${w.audio.length} vs ${b.audio.length} samples)`);
    }
    const load0 = loadavg1m();
    const r = await timedRounds([{ name: 'weft', run: () => weftSpeak(tts, voice) }, { name: 'bare', run: () => barePocketSpeak(ort, s, inputs) }]);
    const st = (await weftSpeak(tts, voice)).stats;
    const split = await barePocketSpeak(ort, s, inputs);
    console.log(JSON.stringify({
      bench: 'pocket-tts', model: 'pocket-tts-english-random', precision, runtime: 'onnxruntime-node', threads: THREADS, rounds: ROUNDS,
      eos_threshold: EOS_THRESHOLD, frames: w.stats.frames, audio_s: r.weft.seconds, weft_rtf: r.weft.rtf, bare_rtf: r.bare.rtf, weft_over_bare: +(r.bare.ms / r.weft.ms).toFixed(4), weft_over_bare_rounds: r.bare.rounds_speedup_of_first,
      weft_ttfa_ms: r.weft.ttfa_ms, bare_ttfa_ms: r.bare.ttfa_ms, weft_core_ms_per_frame: +(st.coreMs / st.frames).toFixed(3), weft_ort_run_ms_per_frame: +(st.runMs / st.frames).toFixed(2),
      flow_step_ms: +(split.flowMs / split.frames).toFixed(2), mimi_decode_ms: +(split.decodeMs / split.frames).toFixed(2), loadavg_1m: [load0, loadavg1m()],
    }));
  } finally {
    await releaseBarePocket(s);
    await tts.dispose();
  }
}

async function webVsSherpa(precision, dir, clip) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = THREADS;
  const tts = await load(dir, { ort, backend: 'wasm' });
  const line = { bench: 'pocket-tts', model: 'pocket-tts-english-random', precision, runtime: 'onnxruntime-web-wasm (Node) vs sherpa-onnx wasm (Node)', threads: THREADS, rounds: ROUNDS, sherpa_onnx: SHERPA_VERSION };
  let peer = null;
  try {
    const voice = await tts.voiceFrom(clip, 24000);
    const w = await weftSpeak(tts, voice);
    const maxFrames = w.stats.frames;
    try {
      peer = loadSherpaTts(sherpaFolder(dir, precision), THREADS);
      sherpaSpeak(peer, { text: TEXT, clip, temperature: TEMPERATURE, seed: SEED, maxFrames }); // warm: encodes and caches the voice
    } catch (error) {
      peer = null;
      line.sherpa_error = String(error?.message ?? error).split('\n')[0].slice(0, 300);
    }
    const load0 = loadavg1m();
    const contestants = [{ name: 'weft', run: () => weftSpeak(tts, voice) }];
    if (peer) contestants.push({ name: 'sherpa', run: async () => sherpaSpeak(peer, { text: TEXT, clip, temperature: TEMPERATURE, seed: SEED, maxFrames }) });
    const r = await timedRounds(contestants);
    Object.assign(line, { weft_frames: w.stats.frames, eos_threshold: EOS_THRESHOLD, weft_audio_s: r.weft.seconds, weft_rtf: r.weft.rtf, weft_ttfa_ms: r.weft.ttfa_ms });
    if (r.sherpa) {
      Object.assign(line, { sherpa_audio_s: r.sherpa.seconds, sherpa_rtf: r.sherpa.rtf, sherpa_ttfa_ms: r.sherpa.ttfa_ms,
        weft_over_sherpa_rtf: +(r.weft.rtf / r.sherpa.rtf).toFixed(4), weft_over_sherpa_rounds: r.sherpa.rounds_speedup_of_first, weft_ttfa_over_sherpa: +(r.weft.ttfa_ms / r.sherpa.ttfa_ms).toFixed(4) });
    }
    const st = (await weftSpeak(tts, voice)).stats;
    Object.assign(line, { weft_core_ms_per_frame: +(st.coreMs / st.frames).toFixed(3), weft_ort_run_ms_per_frame: +(st.runMs / st.frames).toFixed(2), weft_total_ms_per_frame: +(st.totalMs / st.frames).toFixed(2) });
    line.loadavg_1m = [load0, loadavg1m()];
    console.log(JSON.stringify(line));
  } finally {
    peer?.free();
    await tts.dispose();
  }
}

/** Per-run costs on each runtime (bench/pocket-tts-split.mjs), Weft's graphs and sherpa-onnx's layout. */
async function splitLines(precision, dir) {
  const folder = sherpaFolder(dir, precision);
  const node = await import('onnxruntime-node');
  const web = await import('onnxruntime-web');
  web.env.wasm.numThreads = THREADS;
  for (const [runtime, ort, options] of [['onnxruntime-node', node, { intraOpNumThreads: THREADS, interOpNumThreads: 1 }], ['onnxruntime-web-wasm (Node)', web, { executionProviders: ['wasm'] }]]) {
    const load0 = loadavg1m();
    const split = await pocketTtsSplit(ort, dir, folder, options);
    console.log(JSON.stringify({ bench: 'pocket-tts-split', precision, runtime, threads: THREADS, ...split, loadavg_1m: [load0, loadavg1m()] }));
  }
}

export async function benchPocketTts() {
  const clip = voiceClip();
  console.log(JSON.stringify({ bench: 'pocket-tts', cpus: os.cpus().length, loadavg: os.loadavg().map((x) => +x.toFixed(2)), text: TEXT }));
  for (const precision of process.env.WEFT_BENCH_PRECISION?.split(',') ?? ['fp32', 'int8']) {
    const dir = englishPackage(precision);
    if (!ONLY || ONLY === 'node') await nodeVsBare(precision, dir, clip);
    if (!ONLY || ONLY === 'wasm') await webVsSherpa(precision, dir, clip);
    if (!ONLY || ONLY === 'split') await splitLines(precision, dir);
  }
}
