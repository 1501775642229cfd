// The Chromium line of `npm run bench -- musicgen`: Weft vs transformers.js' own MusicGen generate
// in one Chromium page (bench/musicgen-page.mjs), both on the page's one onnxruntime-web module,
// wasm backend, same thread count, same package files.
//
// A musicgen-small fp32 package is ~2.4 GB of weights per library, and two copies may not fit the
// one 4 GB wasm heap the shared ORT instance has. WEFT_BENCH_SAME_PAGE: '1' one page or fail,
// '0' two pages, 'auto' (default) one page and, when it fails for any reason other than the
// codes check, two fresh pages one after the other in the same browser: Weft's, then
// transformers.js' (checked against Weft's codes). The line says which (`same_page`); when
// transformers.js cannot load the package even alone, it carries Weft's side and that error.
import path from 'node:path';
import { withPage } from '../tools/browser.mjs';
import { evaluateInPage } from '../tools/parity/runtimes.mjs';
import { ROOT } from '../tools/paths.mjs';
import { loadavg1m } from './machine-load.mjs';

const PAGE = '/bench/musicgen-page.html';
const ROUTINE = { module: '/bench/musicgen-page.mjs', exportName: 'benchMusicgenPage' };
const SAME_PAGE_MODES = ['auto', '1', '0'];

const MOUNT = '/bench-package/';

/**
 * The package folder as the static server serves it: under build/models/ of the repo as it is,
 * elsewhere (e.g. a copy under /tmp, with its int8 copy beside it) through a mount of its parent.
 */
export function servedPackage(dir) {
  const rel = path.relative(ROOT, path.resolve(dir)).split(path.sep).join('/');
  if (rel.startsWith('build/models/')) return { pkg: `/${rel}`, mounts: {} };
  return { pkg: `${MOUNT}${path.basename(path.resolve(dir))}`, mounts: { [MOUNT]: path.dirname(path.resolve(dir)) } };
}

/** A fresh page (in a context of its own) of the same browser, with its own list of page errors. */
async function openPage(browser, url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${url}${PAGE}`);
  return { page, errors };
}

async function inFreshPage(browser, url, args) {
  const { page, errors } = await openPage(browser, url);
  try {
    return await evaluateInPage(page, { ...ROUTINE, args }, errors);
  } finally {
    await page.close(); // its wasm heap goes with it
  }
}

const firstLine = (error) => String(error?.message ?? error).split('\n').find((l) => l.trim()) ?? '';

async function measure(args, mode, mounts) {
  return withPage(PAGE, async (page, url, errors) => {
    let failure;
    if (mode !== '0') {
      try {
        return { ...(await evaluateInPage(page, { ...ROUTINE, args }, errors)), same_page: true };
      } catch (error) {
        // A disagreement is a result, not a reason to retry; so is any failure when asked for one page.
        if (mode === '1' || /musicgen page bench/.test(error?.message)) throw error;
        failure = firstLine(error);
        console.error(`[bench] musicgen ${args.label}: one page failed (${failure}); two pages instead`);
      }
    }
    const browser = page.context().browser();
    await page.close();
    const w = await inFreshPage(browser, url, { ...args, only: 'weft' });
    let p;
    try {
      p = await inFreshPage(browser, url, { ...args, only: 'transformers.js', reference: { steps: w.steps, codes: w.codes } });
    } catch (error) {
      // transformers.js alone may not fit either (its merged decoder embeds the weights, and ORT
      // holds the file and the parsed weights at once); Weft's side is still reported.
      if (/musicgen page bench/.test(error?.message)) throw error;
      p = { ms: {}, transformers_js_error: firstLine(error) };
    }
    return { ...p, ...w, ms: { ...w.ms, ...p.ms }, ms_per_step: { ...w.ms_per_step, ...p.ms_per_step }, same_page: false, ...(failure ? { same_page_failure: failure } : {}) };
  }, { mounts });
}

/** Prints the chromium-wasm JSON line for one package. */
export async function benchMusicgenChromium({ precision, dir, model, text, frames, ttfaFrames, cfg, rounds, threads }) {
  const mode = process.env.WEFT_BENCH_SAME_PAGE ?? 'auto';
  if (!SAME_PAGE_MODES.includes(mode)) throw new Error(`WEFT_BENCH_SAME_PAGE must be one of ${SAME_PAGE_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const label = `${precision}, chromium-wasm`;
  const { pkg, mounts } = servedPackage(dir);
  const load0 = loadavg1m();
  const r = await measure({ pkg, precision, text, frames, ttfaFrames, cfg, rounds, threads, label }, mode, mounts);
  const rate = (ms) => (ms ? +((r.steps * 1000) / ms).toFixed(3) : null);
  const peerMs = r.ms.transformers_js;
  console.log(JSON.stringify({
    bench: 'musicgen', model, precision, frames, runtime: 'chromium-wasm', threads: r.threads, cfg, steps: r.steps,
    weft_steps_per_s: rate(r.ms.weft), transformers_js_steps_per_s: rate(peerMs),
    weft_over_transformers_js: peerMs ? +(peerMs / r.ms.weft).toFixed(4) : null, ms_per_step: r.ms_per_step,
    weft_time_to_first_audio_ms: +r.weft_time_to_first_audio_ms.toFixed(1), weft_streamed_total_ms: +r.weft_streamed_total_ms.toFixed(1), ttfa_frames: ttfaFrames,
    transformers_js_time_to_first_audio_ms: peerMs ? +peerMs.toFixed(1) : null, // its generate does not stream
    ...(r.transformers_js_error ? { transformers_js_error: r.transformers_js_error } : {}),
    weft_samples: r.weft_samples, transformers_js_samples: r.transformers_js_samples, greedy_steps_agreeing: r.greedy_steps_agreeing,
    same_page: r.same_page, ...(r.same_page_failure ? { same_page_failure: r.same_page_failure } : {}), onnxruntime_web: r.ort, rounds,
    loadavg_1m: [load0, loadavg1m()], // around the whole page run, loading included
  }));
}
