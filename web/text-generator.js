// The task for manifests whose generator type is "decoder": token-by-token generation.

import { runSteps } from './step-loop.js';
import { Task, coreOptions } from './task.js';

export class TextGenerator extends Task {
  static generatorType = 'decoder';
  static jsOptions = ['text', 'signal', 'onToken'];

  /** The prompt as ids: given directly, or `text` through the package's tokenizer. */
  promptIds({ prompt, text }) {
    if (text !== undefined) {
      if (prompt !== undefined) throw new TypeError(`weft: ${this.model.name}: give either prompt (ids) or text, not both`);
      if (!this.model.tokenizer) throw new Error(`weft: ${this.model.name}: the package has no tokenizer, so text cannot be encoded; pass prompt ids`);
      return Array.from(this.model.tokenizer.encode(String(text)));
    }
    return prompt instanceof Int32Array || Array.isArray(prompt) ? Array.from(prompt) : prompt;
  }

  /**
   * Generates tokens after `prompt` (token ids) or `text` (encoded with the package's tokenizer). onToken(id, index) is called as each arrives.
   * Returns { tokens: Int32Array, steps, stats: { coreMs, runMs, totalMs, tokensPerSecond } }.
   */
  async generate(options = {}) {
    const model = this.model;
    model.assertUsable();
    const prompt = this.promptIds(options);
    const generator = model.createGenerator(coreOptions(this, options, { prompt }));
    const started = performance.now();
    try {
      let emitted = 0;
      const { steps, runMs } = await runSteps(model, generator, {
        signal: options.signal,
        onAccept: () => {
          if (!options.onToken) return;
          const tokens = generator.tokens();
          for (; emitted < tokens.length; emitted += 1) options.onToken(tokens[emitted], emitted);
        },
      });
      const tokens = Int32Array.from(generator.tokens());
      const totalMs = performance.now() - started;
      const core = JSON.parse(generator.statsJson());
      return {
        tokens,
        ...(model.tokenizer ? { text: model.tokenizer.decode(tokens, { skipSpecialTokens: true }) } : {}),
        steps,
        stats: { coreMs: core.core_ms, runMs, totalMs, tokensPerSecond: (tokens.length * 1000) / totalMs },
      };
    } finally {
      generator.delete();
    }
  }
}
