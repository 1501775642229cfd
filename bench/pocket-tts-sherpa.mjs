// sherpa-onnx's Pocket TTS (npm `sherpa-onnx`, its WebAssembly build for Node) as a benchmark
// peer, on a folder written by models/weft_models/pocket_tts/sherpa_layout.py. Installed on first
// use under build/peers/sherpa-onnx with npm (the project does not depend on it).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../tools/paths.mjs';

export const SHERPA_VERSION = '1.13.8';
const PREFIX = `${ROOT}build/peers/sherpa-onnx`;

/** The sherpa-onnx module (installing the pinned version when it is missing). */
export function sherpaModule() {
  const pkg = `${PREFIX}/node_modules/sherpa-onnx/package.json`;
  const require = createRequire(`${PREFIX}/`);
  if (!existsSync(pkg) || require(pkg).version !== SHERPA_VERSION) {
    console.error(`[bench] npm install sherpa-onnx@${SHERPA_VERSION} --prefix build/peers/sherpa-onnx`);
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', PREFIX, `sherpa-onnx@${SHERPA_VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`npm install sherpa-onnx@${SHERPA_VERSION} exited ${r.status}`);
  }
  return require('sherpa-onnx');
}

/** An OfflineTts on the sherpa layout in `dir` (int8: lm_main is the quantized one). */
export function loadSherpaTts(dir, threads) {
  const so = sherpaModule();
  const pocket = {
    lmFlow: `${dir}/lm_flow.onnx`, lmMain: `${dir}/lm_main.onnx`, encoder: `${dir}/encoder.onnx`,
    decoder: `${dir}/decoder.onnx`, textConditioner: `${dir}/text_conditioner.onnx`,
    vocabJson: `${dir}/vocab.json`, tokenScoresJson: `${dir}/token_scores.json`, voiceEmbeddingCacheCapacity: 4,
  };
  // Its tokenizer logs one line per byte piece a SentencePiece model without byte fallback lacks
  // (the presets' stand-in has none) to stdout; those lines are dropped so stdout stays JSON lines.
  const log = console.log;
  console.log = (...args) => { if (!/Missing byte token/.test(String(args[0]))) log(...args); };
  try {
    return so.createOfflineTts({
      offlineTtsModelConfig: { offlineTtsPocketModelConfig: pocket, numThreads: threads, debug: 0, provider: 'cpu' },
      maxNumSentences: 1,
    });
  } finally {
    console.log = log;
  }
}

/**
 * One generation: { audio, timeToFirstAudioMs (its first callback), totalMs }. sherpa-onnx samples
 * every frame of a sentence first, then decodes them in chunks of 15 frames through its callback.
 * numSteps 1 and no silence rescaling: the computation Weft's package makes.
 */
export function sherpaSpeak(tts, { text, clip, temperature, seed, maxFrames }) {
  const started = performance.now();
  let first = null;
  const r = tts.generateWithConfig(text, {
    referenceAudio: clip, referenceSampleRate: 24000, numSteps: 1, silenceScale: 1.0,
    extra: { temperature, seed, max_frames: maxFrames, max_reference_audio_len: 30 },
    callback: () => { first ??= performance.now() - started; return 1; },
  });
  const totalMs = performance.now() - started;
  return { audio: r.samples, timeToFirstAudioMs: first ?? totalMs, totalMs };
}
