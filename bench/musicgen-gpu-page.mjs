// Runs in a Chromium page instrumented by bench/webgpu-counters.mjs: one contestant's greedy
// MusicGen generations on onnxruntime-web's WebGPU backend, with the device's counters read after
// every decoder step (Weft: onProgress; transformers.js: a streamer, whose put follows each step).
// Generations of `steps` and of 2 x `steps` decoder steps follow one warm-up, so the driver can
// take per-step figures both from the step deltas and from the difference of whole runs.
import { peerAgreement } from '/tools/parity/musicgen-weft.mjs';
import { peerGreedyCodes } from '/tools/peers/transformers-js-musicgen-calls.mjs';
import { loadPeer, loadTransformersJs } from '/bench/musicgen-page.mjs';

const CONTESTANTS = ['weft', 'transformers.js'];

function readCounters() {
  const counters = globalThis.__webgpuCounters;
  if (!counters) throw new Error('musicgen-gpu page: the WebGPU counters are not installed (no navigator.gpu, or the init script did not run)');
  return { counts: counters.snapshot(), sizes: counters.createdSizes() };
}

/** One whole generation: counters before, after every decoder step, and after. */
async function counted(generate) {
  const before = readCounters();
  const perStep = [];
  const result = await generate(() => perStep.push(readCounters()));
  return { before, perStep, after: readCounters(), result };
}

async function weftSide(weft, { pkg, text, cfg }) {
  const mg = await weft.load(pkg, { backend: 'webgpu' });
  if (mg.backend !== 'webgpu') throw new Error(`musicgen-gpu page: Weft runs on ${mg.backend}, not webgpu`);
  const delays = mg.info.dims.codebooks - 1; // decoder steps = new frames + the delay pattern's tail
  const run = (steps) => counted(async (onStep) => {
    let reported = null;
    const r = await mg.generate({
      text, maxNewFrames: steps - delays, cfg, doSample: false, stream: false, returnCodes: true,
      // onProgress follows every decoder step (the first one after the text encoder, at 0 done)
      onProgress: (p) => { if (p.stepsDone > 0 && p.stepsDone !== reported) { reported = p.stepsDone; onStep(); } },
    });
    if (r.steps !== steps) throw new Error(`musicgen-gpu page: Weft ran ${r.steps} decoder steps, expected ${steps}`);
    return { codes: r.codes.map((row) => Array.from(row, Number)) };
  });
  return { run, dispose: () => mg.dispose() };
}

async function peerSide({ pkg, text, cfg }) {
  const T = await loadTransformersJs({ localModelPath: `${pkg.slice(0, pkg.lastIndexOf('/'))}/`, threads: 1 });
  const peer = await loadPeer(T, pkg.slice(pkg.lastIndexOf('/') + 1), 'webgpu');
  const run = (steps) => counted(async (onStep) => {
    let puts = 0;
    const streamer = new (class extends T.BaseStreamer {
      put() { if ((puts += 1) > 1) onStep(); } // the first put comes before the first step
      end() {}
    })();
    const inputs = peer.tokenizer(text);
    await peer.model.generate({ ...inputs, max_new_tokens: steps, do_sample: false, guidance_scale: cfg, streamer });
    if (puts - 1 !== steps) throw new Error(`musicgen-gpu page: transformers.js ran ${puts - 1} decoder steps, expected ${steps}`);
    return {};
  });
  return { peer, run, dispose: () => peer.model.dispose?.() };
}

/**
 * args: {pkg: served package folder, contestant: 'weft'|'transformers.js', steps, text, cfg,
 *        reference?: Weft's codes of a `steps`-step run (transformers.js only)}
 * Returns {ort, runs: {single, double} (counted generations of steps and 2 x steps), codes? (Weft),
 * greedy_steps_agreeing? | codes_error? (transformers.js)}.
 */
export async function musicgenGpuPage(weft, { pkg, contestant, steps, text, cfg, reference }) {
  if (!CONTESTANTS.includes(contestant)) throw new Error(`musicgen-gpu page: contestant must be one of ${CONTESTANTS.join(', ')}, got ${contestant}`);
  const ort = await import('onnxruntime-web/webgpu');
  const side = contestant === 'weft' ? await weftSide(weft, { pkg, text, cfg }) : await peerSide({ pkg, text, cfg });
  try {
    const out = { ort: ort.env.versions.web };
    if (contestant === 'weft') {
      out.codes = (await side.run(steps)).result.codes; // also the warm-up (pipelines, buffer pools)
    } else {
      // transformers.js on WebGPU may not reproduce the codes: that is reported, not fatal.
      try {
        const peerCodes = await peerGreedyCodes(side.peer, text, { maxNewTokens: steps, guidanceScale: cfg }); // also the warm-up
        const { compared, matched } = peerAgreement(reference, peerCodes, steps);
        out.greedy_steps_agreeing = `${matched}/${compared}`;
      } catch (error) {
        out.codes_error = String(error?.message ?? error).split('\n')[0];
      }
    }
    out.runs = { single: await side.run(steps), double: await side.run(2 * steps) };
    for (const r of Object.values(out.runs)) delete r.result;
    return out;
  } finally {
    await side.dispose();
  }
}
