// The task for manifests whose generator type is "stream": fixed-size chunks of audio through a
// stateful graph (e.g. a voice activity detector), one result per chunk.

import { runSteps } from './step-loop.js';

export class StreamProcessor {
  constructor(model) {
    this.model = model;
    this.sampleRate = model.info.generator.sample_rate ?? null;
    this.chunkSize = model.info.generator.chunk ?? null;
  }

  /** Runs the whole clip; returns { results: Float32Array (one per chunk), steps, stats }. */
  async process(samples, { sampleRate = this.sampleRate, signal, onResult } = {}) {
    const model = this.model;
    model.assertUsable();
    if (!(samples instanceof Float32Array)) {
      throw new TypeError(`weft: ${model.name}: samples must be a Float32Array, got ${samples?.constructor?.name ?? typeof samples}`);
    }
    if (this.sampleRate && sampleRate !== this.sampleRate) {
      throw new Error(`weft: ${model.name}: expects ${this.sampleRate} Hz audio, got ${sampleRate} Hz`);
    }
    const generator = model.createGenerator('{}');
    const started = performance.now();
    try {
      generator.pushView(samples.length).set(samples);
      generator.push(samples.length);
      generator.finish();
      let emitted = 0;
      const { steps, runMs } = await runSteps(model, generator, {
        signal,
        onAccept: () => {
          if (!onResult) return;
          const results = generator.results();
          for (; emitted < results.length; emitted += 1) onResult(results[emitted], emitted);
        },
      });
      const results = Float32Array.from(generator.results());
      return { results, steps, stats: { runMs, totalMs: performance.now() - started } };
    } finally {
      generator.delete();
    }
  }
}
