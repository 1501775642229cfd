// The task for manifests whose generator type is "classifier": one image in, labels out.
// Preprocessing (resize with antialiasing, center crop, normalize), softmax/sigmoid (or nothing, for
// graphs that output probabilities) and top-k all run in the core; this file only moves the RGBA
// bytes in and the answer out.

import { openImage } from './image-input.js';
import { runSteps } from './step-loop.js';
import { Task, coreOptions } from './task.js';

export class ImageClassifier extends Task {
  static generatorType = 'classifier';
  static jsOptions = ['signal'];

  constructor(model) {
    super(model);
    const g = model.info.generator;
    this.labels = g.labels ?? null;
    this.preprocess = g.preprocess;
    this.multiLabel = g.postprocess === 'sigmoid';
  }

  /** → [{label, score, index}] best first (scores: softmax, sigmoid for multi-label heads, or the graph's own with postprocess "none"). */
  async classify(image, options = {}) {
    return (await this.classifyDetailed(image, options)).top;
  }

  /** → { top, logits: Float32Array, stats: {width, height, preprocessMs, coreMs, runMs, totalMs} } */
  async classifyDetailed(image, options = {}) {
    const { width, height, signal } = options;
    const model = this.model;
    model.assertUsable();
    const started = performance.now();
    const source = await openImage(image, { width, height });
    try {
      // The core checks the size (empty, over max_pixels) before a single pixel is read.
      const generator = model.createGenerator(coreOptions(this, options, { width: source.width, height: source.height }));
      try {
        const pixels = await source.read();
        generator.rgbaView(pixels.length).set(pixels); // the core checks width * height * 4
        generator.pushRgba();
        const { runMs } = await runSteps(model, generator, { signal });
        const logits = Float32Array.from(generator.results());
        const stats = JSON.parse(generator.statsJson());
        return {
          top: stats.top.map(({ label, score, index }) => ({ label, score, index })),
          logits,
          stats: { width: stats.width, height: stats.height, preprocessMs: stats.preprocess_ms, coreMs: stats.core_ms,
            runMs, totalMs: performance.now() - started },
        };
      } finally {
        generator.delete();
      }
    } finally {
      source.close();
    }
  }
}
