// Runs in a Chromium page (bench/musicgen-page.html): Weft's MusicGen generate vs transformers.js'
// own MusicGen generate on the same package folder, both on the page's one onnxruntime-web module
// (wasm backend, same thread count). Greedy with CFG, so the codes are checked to agree first.
// Each time is a whole generation (text encoder, decoder loop, audio decode), rounds interleaved.
//
// `only` runs one side per page when both cannot share one wasm heap: the Weft page returns its
// steps and codes, the transformers.js page is handed them (`reference`) and checks against them.
import { peerAgreement } from '/tools/parity/musicgen-weft.mjs';
import { peerGenerateAudio, peerGreedyCodes, stampingStreamer } from '/tools/peers/transformers-js-musicgen-calls.mjs';
import { msPerStepAtEnds, weftStepStamps } from '/bench/step-times.mjs';

const ORT_DIST = '/node_modules/onnxruntime-web/dist/';
const TRANSFORMERS_JS = '/node_modules/@huggingface/transformers/dist/transformers.web.js';

/** transformers.js on the page's onnxruntime-web, offline, reading packages under `localModelPath`. */
export async function loadTransformersJs({ localModelPath, threads }) {
  // Set before the import: on evaluation transformers.js points an unset wasmPaths at a CDN.
  const ort = await import('onnxruntime-web');
  ort.env.wasm.wasmPaths = ORT_DIST;
  ort.env.wasm.numThreads = threads;
  const T = await import(TRANSFORMERS_JS);
  if (T.env.backends.onnx.wasm !== ort.env.wasm) throw new Error('musicgen page bench: transformers.js did not take the page\'s onnxruntime-web');
  Object.assign(T.env, { allowRemoteModels: false, allowLocalModels: true, localModelPath, useBrowserCache: false });
  return T;
}

/** MusicGen and its tokenizer from the package `id` under T.env.localModelPath, on `device`. */
export async function loadPeer(T, id, device = 'wasm') {
  const tokenizer = await T.AutoTokenizer.from_pretrained(id);
  // dtype 'fp32' names the plain files, which an int8 package keeps (it quantizes them in place).
  const model = await T.MusicgenForConditionalGeneration.from_pretrained(id, { subfolder: '', dtype: 'fp32', device });
  return { T, tokenizer, model };
}

const elapsed = async (fn) => { const t = performance.now(); await fn(); return performance.now() - t; };

/**
 * args: {pkg: served package folder, precision ('fp32'|'int8'), text, frames, cfg, rounds, threads, label,
 *        only?: 'weft'|'transformers.js', reference?: {steps, codes} (with only 'transformers.js')}
 * Returns mean ms per generation for each side run here, Weft's steps, codes and streamed time to
 * first audio, how many of the compared greedy steps agree with transformers.js, and each side's
 * ms per step at the start and the end of the request (ms_per_step; one more generation each,
 * after the timed rounds, so taking them adds nothing to the totals).
 */
export async function benchMusicgenPage(weft, { pkg, precision, text, frames, ttfaFrames = frames, cfg, rounds, threads, label, only, reference }) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads; // before the first session: it fixes the wasm thread pool
  const withWeft = only !== 'transformers.js';
  const withPeer = only !== 'weft';
  const mg = withWeft ? await weft.load(pkg, { backend: 'wasm' }) : null;
  let peer = null;
  try {
    if (withPeer) {
      const T = await loadTransformersJs({ localModelPath: `${pkg.slice(0, pkg.lastIndexOf('/'))}/`, threads });
      peer = await loadPeer(T, pkg.slice(pkg.lastIndexOf('/') + 1));
    }
    const weftGreedy = (extra = {}) => mg.generate({ text, maxNewFrames: frames, cfg, doSample: false, stream: false, returnCodes: true, ...extra });
    const out = { threads: ort.env.wasm.numThreads, ort: ort.env.versions.web, ms: {}, ms_per_step: {} };
    let steps = reference?.steps;
    let weftCodes = reference?.codes;
    if (withWeft) {
      if (mg.backend !== 'wasm') throw new Error(`musicgen page bench: Weft runs on ${mg.backend}, not wasm`);
      const w = await weftGreedy(); // also the warm-up
      steps = w.steps;
      weftCodes = w.codes.map((row) => Array.from(row, Number));
      Object.assign(out, { steps, codes: weftCodes, weft_samples: w.audio.length });
    }
    if (withPeer) {
      const ids = Array.from(peer.tokenizer(text).input_ids.data, Number);
      if (mg && ids.join() !== Array.from(mg.tokenizer.encode(text)).join()) throw new Error(`musicgen page bench (${label}): text ids differ (Weft ${Array.from(mg.tokenizer.encode(text))} vs transformers.js ${ids})`);
      // fp32 must agree; int8 reports it, as the Node line does: Weft's step graph and the merged
      // graph quantize their activations over different tensors, so a near tie may flip.
      const peerCodes = await peerGreedyCodes(peer, text, { maxNewTokens: steps, guidanceScale: cfg });
      const { compared, matched } = peerAgreement(weftCodes, peerCodes, steps);
      if (precision === 'fp32' && matched !== compared) throw new Error(`musicgen page bench (${label}): Weft and transformers.js disagree on greedy codes at decoder step ${matched} of ${compared} compared`);
      out.greedy_steps_agreeing = `${matched}/${compared}`;
      out.transformers_js_samples = (await peerGenerateAudio(peer, text, { maxNewTokens: steps, guidanceScale: cfg })).samples.length; // warm-up
    }
    const peerRun = (streamer) => peerGenerateAudio(peer, text, { maxNewTokens: steps, guidanceScale: cfg, streamer });
    const contestants = [
      ...(withWeft ? [['weft', () => weftGreedy(), () => weftStepStamps(weftGreedy)]] : []),
      // its first stamp comes before the first decoder step, one more than Weft's
      ...(withPeer ? [['transformers_js', () => peerRun(), async () => { const s = []; await peerRun(stampingStreamer(peer, s)); return s.slice(1); }]] : []),
    ];
    for (const [name] of contestants) out.ms[name] = 0;
    // Alternating whole generations, so load from anything else on the machine hits both sides alike.
    for (let r = 0; r < rounds; r += 1) {
      for (const [name, run] of contestants) out.ms[name] += (await elapsed(run)) / rounds;
    }
    for (const [name, , stamps] of contestants) out.ms_per_step[name] = msPerStepAtEnds(await stamps());
    if (withWeft) {
      // one longer streamed generation: the first chunk needs the window plus its lookahead
      const started = performance.now();
      out.weft_time_to_first_audio_ms = (await weftGreedy({ maxNewFrames: ttfaFrames, stream: true, onAudio: () => {} })).timeToFirstAudioMs;
      out.weft_streamed_total_ms = performance.now() - started;
    }
    return out;
  } finally {
    await mg?.dispose();
    await peer?.model.dispose?.();
  }
}
