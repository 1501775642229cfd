// The one loop every task shares: ask the core for a plan, run it, hand the outputs back.

import { PlanRunner } from './plan-runner.js';

/**
 * Drives `generator` to completion (or until it has no plan ready). Calls onAccept(count) after
 * each accepted run. Always releases the runner's tensors; the caller owns the generator.
 */
export async function runSteps(model, generator, options = {}) {
  const runner = openRunner(model, generator);
  try {
    const steps = await drain(runner, generator, options);
    return { steps, runMs: runner.runMs };
  } finally {
    closeRunner(model, runner);
  }
}

/** A runner whose state tensors outlive one drain (streaming input arriving over time). */
export function openRunner(model, generator) {
  const runner = new PlanRunner(model.runtime.ort, model.sessions, generator, model.backend);
  model._live.add(runner);
  return runner;
}

export function closeRunner(model, runner) {
  runner.dispose();
  model._live.delete(runner);
}

/**
 * Runs plans until the generator has none ready or is done; returns the number of runs.
 * onAccept(count) after a run that made results, onRun(count) after every run.
 */
export async function drain(runner, generator, { signal, onAccept, onRun } = {}) {
  let steps = 0;
  for (;;) {
    signal?.throwIfAborted();
    const plan = generator.next();
    if (!plan) break;
    await runner.run(plan);
    if (signal) await yieldToEventLoop();
    signal?.throwIfAborted();
    const count = generator.accept();
    steps += 1;
    if (count && onAccept) onAccept(count);
    onRun?.(count);
    if (generator.done()) break;
  }
  return steps;
}

// A WASM session.run settles without returning to the event loop, so a whole generation would
// otherwise run as one task: a Stop click or a worker's abort message would only be seen after it.
let channel = null;
const waiting = [];
function yieldToEventLoop() {
  if (typeof MessageChannel === 'undefined' || typeof setImmediate === 'function') {
    return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}
