// The task for manifests whose generator type is "stream": fixed-size chunks of audio through a
// stateful graph (e.g. a voice activity detector), one result per chunk.

import { closeRunner, drain, openRunner, runSteps } from './step-loop.js';
import { Task } from './task.js';

export class StreamProcessor extends Task {
  static generatorType = 'stream';
  static jsOptions = ['sampleRate', 'signal', 'onResult'];

  constructor(model) {
    super(model);
    this.sampleRate = model.info.generator.sample_rate ?? null;
    this.chunkSize = model.info.generator.chunk ?? null;
    this.contextSize = model.info.generator.context ?? 0;
  }

  /** Runs the whole clip; returns { results: Float32Array (one per chunk), steps, stats }. */
  async process(samples, { sampleRate = this.sampleRate, signal, onResult } = {}) {
    const model = this.model;
    model.assertUsable();
    this.checkInput(samples, sampleRate);
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

  checkInput(samples, sampleRate) {
    const name = this.model.name;
    if (!(samples instanceof Float32Array)) {
      throw new TypeError(`weft: ${name}: samples must be a Float32Array, got ${samples?.constructor?.name ?? typeof samples}`);
    }
    if (this.sampleRate && sampleRate !== this.sampleRate) {
      throw new Error(`weft: ${name}: expects ${this.sampleRate} Hz audio, got ${sampleRate} Hz`);
    }
  }

  /**
   * Live input (e.g. a microphone): push samples as they arrive, get the new results of every
   * chunk completed so far; state carries across pushes. end() flushes the zero-padded tail.
   */
  stream({ sampleRate = this.sampleRate, signal } = {}) {
    const model = this.model;
    model.assertUsable();
    const generator = model.createGenerator('{}');
    const runner = openRunner(model, generator);
    let emitted = 0;
    let closed = false;
    const collect = async () => {
      await drain(runner, generator, { signal });
      const all = generator.results();
      const fresh = Float32Array.from(all.subarray(emitted));
      emitted = all.length;
      return fresh;
    };
    const close = () => {
      if (closed) return;
      closed = true;
      closeRunner(model, runner);
      generator.delete();
    };
    const guarded = async (work) => {
      if (closed) throw new Error(`weft: ${model.name}: this stream has ended`);
      try {
        return await work();
      } catch (error) {
        close();
        throw error;
      }
    };
    return {
      push: (samples) => guarded(async () => {
        this.checkInput(samples, sampleRate);
        generator.pushView(samples.length).set(samples);
        generator.push(samples.length);
        return collect();
      }),
      end: () => guarded(async () => {
        generator.finish();
        const fresh = await collect();
        close();
        return fresh;
      }),
      cancel: close,
    };
  }
}
