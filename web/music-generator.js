// The task for manifests whose generator type is "musicgen": text-to-music and audio
// continuation. The core decides every run (text encoder, cross K/V, prompt encoder, prefill,
// steps, decode windows); this file turns the JS call into core options, pushes the prompt audio
// and hands streamed chunks to onAudio.

import { clipChannels, pushClip } from './audio.js';
import { runSteps } from './step-loop.js';
import { Task, coreOptions } from './task.js';

export class MusicGenerator extends Task {
  static generatorType = 'musicgen';
  static jsOptions = ['text', 'texts', 'signal', 'onAudio', 'onProgress'];
  /** continue() sets these from its audio or codes argument. */
  static derivedOptions = ['promptSamples', 'promptChannels', 'promptSampleRate', 'prompts', 'promptCodes'];

  constructor(model) {
    super(model);
    this.sampleRate = model.info.dims.sampling_rate;
  }

  /**
   * Text to music. options: { text | texts, seconds | maxNewFrames, cfg, topK, topP, temperature,
   * doSample, seed, signal, onAudio, returnCodes, stream }. Without text: unconditional.
   */
  async generate(options = {}) {
    return this.#run(null, options);
  }

  /**
   * Continues `audio` (a Float32Array, mono, or an array of channel Float32Arrays) recorded at
   * `sampleRate`; `seconds` is the total duration, prompt included. The prompt is shared by every
   * description in `texts`. Or continues codes: `continue({ codes }, options)` with the codes an
   * earlier `returnCodes` gave (codebook rows, or one set of rows per description).
   */
  async continue(audio, sampleRate, options = {}) {
    if (isCodesSource(audio)) return this.#run(this.#promptCodes(audio.codes), sampleRate ?? {});
    return this.#run(this.#prompt(audio, sampleRate), options);
  }

  /** Descriptions → padded id rows through the package's tokenizer (none: unconditional). */
  #text({ text, texts }) {
    const name = this.model.name;
    if (text !== undefined && texts !== undefined) throw new TypeError(`weft: ${name}: give either text or texts, not both`);
    const list = texts !== undefined ? texts : text !== undefined ? [text] : null;
    if (list === null) return {};
    if (!Array.isArray(list) || list.length === 0 || list.some((t) => typeof t !== 'string')) {
      throw new TypeError(`weft: ${name}: texts must be a non-empty array of strings`);
    }
    if (!this.model.tokenizer) throw new Error(`weft: ${name}: the package has no tokenizer, so text cannot be encoded`);
    const tokenizer = this.model.tokenizer;
    return { textIds: list.map((t) => Array.from(tokenizer.encode(t))), textPadId: tokenizer.info.pad_id ?? 0 };
  }

  #prompt(audio, sampleRate) {
    return { audio: clipChannels(audio, sampleRate, this.model.name, 'continue()', 'prompt') };
  }

  /** [codebook][frame] rows (one prompt) or [item][codebook][frame] → the core's rows. */
  #promptCodes(codes) {
    const fail = (why) => new TypeError(`weft: ${this.model.name}: continue({ codes }): ${why}`);
    if (!Array.isArray(codes) || codes.length === 0) throw fail('codes must be a non-empty array of codebook rows (returnCodes gives them)');
    const perItem = Array.isArray(codes[0]) && codes[0].length > 0 && isRow(codes[0][0]);
    const prompts = perItem ? codes : [codes];
    const rows = [];
    prompts.forEach((p, i) => {
      if (!Array.isArray(p) || !p.every(isRow)) throw fail(`prompt ${i}: expected an array of codebook rows (Int32Array or number[])`);
      for (const row of p) rows.push(Array.from(row));
    });
    return { codes: rows, prompts: prompts.length };
  }

  async #run(prompt, options) {
    const model = this.model;
    model.assertUsable();
    const { signal, onAudio } = options;
    signal?.throwIfAborted();
    const text = this.#text(options);
    const stream = options.stream ?? (onAudio ? true : undefined);
    const clip = prompt?.audio;
    const derived = {
      ...text, stream,
      ...(clip ? { promptSamples: clip.channels[0].length, promptChannels: clip.channels.length, promptSampleRate: clip.sampleRate, prompts: 1 } : {}),
      ...(prompt?.codes ? { promptCodes: prompt.codes, prompts: prompt.prompts } : {}),
    };
    const generator = model.createGenerator(coreOptions(this, options, derived));
    const started = performance.now();
    try {
      const plan = JSON.parse(generator.statsJson());
      if (clip) pushClip(generator, clip.channels);
      const batch = plan.batch;
      let offset = 0;
      let firstAudio = null;
      const { runMs } = await runSteps(model, generator, {
        signal,
        onRun: options.onProgress && progressReporter(generator, started, options.onProgress),
        onAccept: (count) => {
          // A streamed chunk: results() holds [batch, count] until the next core call.
          firstAudio ??= performance.now() - started;
          const view = generator.results();
          const items = Array.from({ length: batch }, (_, b) => view.slice(b * count, (b + 1) * count));
          const { decoder_steps_done: stepsDone } = JSON.parse(generator.statsJson());
          const chunk = {
            audio: batch === 1 ? items[0] : items, offset, sampleRate: this.sampleRate, final: offset + count >= plan.samples,
            stepsDone, steps: plan.decoder_steps,
          };
          offset += count;
          onAudio?.(chunk);
        },
      });
      const all = generator.results();
      const per = all.length / batch;
      const items = Array.from({ length: batch }, (_, b) => all.slice(b * per, (b + 1) * per));
      const totalMs = performance.now() - started;
      firstAudio ??= totalMs;
      const stats = JSON.parse(generator.statsJson());
      const result = {
        audio: batch === 1 ? items[0] : items,
        sampleRate: this.sampleRate,
        steps: stats.decoder_steps,
        frames: stats.frames,
        stepsPerSecond: (stats.decoder_steps * 1000) / totalMs,
        timeToFirstAudioMs: firstAudio,
        stats: { coreMs: stats.core_ms, runMs, totalMs, runs: stats.steps, chunks: stats.stream_chunks, windows: stats.windows },
      };
      if (options.returnCodes) result.codes = splitCodes(generator.tokens(), batch, plan.codebooks, stats.frames);
      return result;
    } finally {
      generator.delete();
    }
  }
}

const isRow = (r) => r instanceof Int32Array || (Array.isArray(r) && r.every(Number.isInteger));
const isCodesSource = (a) => a !== null && typeof a === 'object' && !Array.isArray(a) && !ArrayBuffer.isView(a) && 'codes' in a;

/** onProgress after every decoder step: frames of the song whose codes are final, window, time. */
function progressReporter(generator, started, onProgress) {
  let reported = -1;
  return () => {
    const s = JSON.parse(generator.statsJson());
    if (s.decoder_steps_done === reported) return;
    reported = s.decoder_steps_done;
    onProgress({
      framesDone: s.frames_done, frames: s.frames, stepsDone: s.decoder_steps_done, steps: s.decoder_steps,
      window: s.window, windows: s.windows, elapsedMs: performance.now() - started,
    });
  };
}

/** [batch, codebooks, frames] → per item an array of codebook rows (Int32Array each). */
function splitCodes(flat, batch, codebooks, frames) {
  const items = [];
  for (let b = 0; b < batch; b += 1) {
    const rows = [];
    for (let q = 0; q < codebooks; q += 1) {
      const start = (b * codebooks + q) * frames;
      rows.push(flat.slice(start, start + frames));
    }
    items.push(rows);
  }
  return batch === 1 ? items[0] : items;
}
