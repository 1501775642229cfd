// `npm run bench -- musicgen-gpu`: what one MusicGen decoder step asks of the WebGPU device, for
// Weft and for transformers.js' own generate on the same package files, in headless Chromium on
// SwiftShader's WebGPU (its speed means nothing; the counts do). Each contestant runs in a fresh
// page whose GPU* prototypes are wrapped before any script runs (bench/webgpu-counters.mjs):
// a warm-up, then greedy generations of N and 2N decoder steps (CFG 3). Per-step figures:
//   per_step       the median over the second half of the 2N run's step deltas (steady state);
//   per_step_mean  their mean;
//   per_step_diff  (whole 2N run - whole N run) / N: both contestants measured the same way; the
//                  text encoder cancels out, the audio decode's growth does not (its readback
//                  adds 4 x 640 B per new frame);
//   whole_run_per_step  the 2N run's totals / 2N.
// `logits_row_bytes` is what Weft's core needs back per step: the last position's logits of the
// cond and null rows, 2 x codebooks x vocab float32 (one description).
import os from 'node:os';
import { withPage } from '../tools/browser.mjs';
import { evaluateInPage } from '../tools/parity/runtimes.mjs';
import { MODELS, readJson } from '../tools/paths.mjs';
import { servedPackage } from './musicgen-chromium.mjs';
import { countersDelta, instrumentWebGpu, perStepRecord, perUnit, summarize } from './webgpu-counters.mjs';

const PAGE = '/bench/musicgen-page.html'; // its import map gives every library the one ORT bundle
const ROUTINE = { module: '/bench/musicgen-gpu-page.mjs', exportName: 'musicgenGpuPage' };
const TEXT = 'lo-fi beat with a warm bass line';
const CFG = 3.0;
const STEPS = Number(process.env.WEFT_BENCH_GPU_STEPS ?? 24);
const DIR = process.env.WEFT_BENCH_MUSICGEN_GPU ?? `${MODELS}/musicgen-tiny`;

async function inInstrumentedPage(browser, url, args) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  try {
    await page.addInitScript(instrumentWebGpu);
    await page.goto(`${url}${PAGE}`);
    return await evaluateInPage(page, { ...ROUTINE, args }, errors);
  } finally {
    await page.close();
  }
}

/** Sizes of the buffers created between two snapshots, most frequent first: "kind:bytes": count. */
function createdSizes(a, b) {
  const rows = Object.entries(b.sizes).map(([k, n]) => [k, n - (a.sizes[k] ?? 0)]).filter(([, n]) => n > 0);
  return Object.fromEntries(rows.sort((x, y) => y[1] - x[1]).slice(0, 8));
}

/** The printed figures of one contestant's two counted runs. */
function figures({ single, double }, steps) {
  const snaps = double.perStep;
  const deltas = snaps.slice(1).map((s, i) => perStepRecord(countersDelta(snaps[i].counts, s.counts)));
  const steady = deltas.slice(Math.floor(deltas.length / 2));
  const whole = (r) => countersDelta(r.before.counts, r.after.counts);
  const half = snaps[snaps.length - steady.length - 1];
  return {
    per_step: summarize(steady, 'median'),
    per_step_mean: summarize(steady, 'mean'),
    per_step_diff: perStepRecord(perUnit(countersDelta(whole(single), whole(double)), steps)),
    whole_run_per_step: perStepRecord(perUnit(whole(double), 2 * steps)),
    steady_created_sizes: createdSizes(half, snaps.at(-1)),
    steady_steps: steady.length,
  };
}

/** Weft's own per-step figures on `steps` decoder steps (the browser tests hold them to goals). */
export async function weftGpuFigures(steps = STEPS) {
  const { dims } = readJson(`${DIR}/weft.json`);
  const { pkg, mounts } = servedPackage(DIR);
  return withPage(PAGE, async (page, url) => {
    const browser = page.context().browser();
    await page.close();
    const w = await inInstrumentedPage(browser, url, { pkg, steps, text: TEXT, cfg: CFG, contestant: 'weft' });
    return { ...figures(w.runs, steps), logits_row_bytes: 2 * dims.codebooks * dims.vocab * 4 };
  }, { mounts });
}

const firstLine = (error) => String(error?.message ?? error).split('\n').find((l) => l.trim()) ?? '';

export async function benchMusicgenGpu() {
  const { dims } = readJson(`${DIR}/weft.json`);
  const model = DIR.split('/').filter(Boolean).at(-1);
  const { pkg, mounts } = servedPackage(DIR);
  const base = { pkg, steps: STEPS, text: TEXT, cfg: CFG };
  const line = (contestant, r, extra = {}) => console.log(JSON.stringify({
    bench: 'musicgen-gpu', model, contestant, backend: 'webgpu (SwiftShader)', steps: STEPS, cfg: CFG,
    ...(r ? figures(r.runs, STEPS) : {}),
    logits_row_bytes: 2 * dims.codebooks * dims.vocab * 4,
    ...extra, onnxruntime_web: r?.ort, loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  }));
  await withPage(PAGE, async (page, url) => {
    const browser = page.context().browser();
    await page.close();
    const w = await inInstrumentedPage(browser, url, { ...base, contestant: 'weft' });
    line('weft', w);
    let p = null;
    let failure = {};
    try {
      p = await inInstrumentedPage(browser, url, { ...base, contestant: 'transformers.js', reference: w.codes });
      failure = p.codes_error ? { codes_error: p.codes_error } : { greedy_steps_agreeing: p.greedy_steps_agreeing };
    } catch (error) {
      failure = { transformers_js_error: firstLine(error) }; // reported, not fatal
    }
    line('transformers.js', p, failure);
  }, { mounts });
}
