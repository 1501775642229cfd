// The one loop every task shares: ask the core for a plan, run it, hand the outputs back.

import { PlanRunner } from './plan-runner.js';

/**
 * Drives `generator` to completion (or until it has no plan ready). Calls onAccept(count) after
 * each accepted run. Always releases the runner's tensors; the caller owns the generator.
 */
export async function runSteps(model, generator, { signal, onAccept } = {}) {
  const runner = new PlanRunner(model.runtime.ort, model.sessions, generator);
  model._live.add(runner);
  let steps = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const plan = generator.next();
      if (!plan) break;
      await runner.run(plan);
      signal?.throwIfAborted();
      const count = generator.accept();
      steps += 1;
      if (count && onAccept) onAccept(count);
      if (generator.done()) break;
    }
    return { steps, runMs: runner.runMs };
  } finally {
    runner.dispose();
    model._live.delete(runner);
  }
}

/** Converts camelCase option names to the core's snake_case JSON, dropping undefined values. */
export function coreOptions(options, names) {
  const out = {};
  for (const [camel, snake] of Object.entries(names)) {
    if (options[camel] !== undefined) out[snake] = options[camel];
  }
  return JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? String(v) : v));
}
