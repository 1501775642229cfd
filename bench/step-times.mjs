// Per-step cost at the start and at the end of one generation, from the times at which each
// decoder step ended (any clock, ms). No Node API: the Chromium page bench imports it as well.

// Share of the steps averaged at each end: enough steps to smooth one slow run, few enough that
// "end" still means a long cache.
const END_SHARE = 0.1;

/**
 * {start, end}: mean wall ms of one decoder step over the first and over the last 10% of the
 * steps. Step k's time is stamps[k] - stamps[k-1], so the first step (the prompt, where each
 * contestant also sets up its cross-attention cache its own way) is not counted; a cache merge
 * falls in the step that follows it, as it does in the totals.
 */
export function msPerStepAtEnds(stamps) {
  const steps = stamps.slice(1).map((t, k) => t - stamps[k]);
  if (steps.length < 2) throw new Error(`step times: need at least 3 step-end stamps, got ${stamps.length}`);
  const n = Math.max(1, Math.round(steps.length * END_SHARE));
  const mean = (xs) => +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3);
  return { start: mean(steps.slice(0, n)), end: mean(steps.slice(-n)) };
}

/**
 * When each decoder step of one Weft generation ended (ms since it started), from onProgress.
 * `generate(extra)` runs the generation with `extra` merged into its options.
 */
export async function weftStepStamps(generate) {
  const stamps = [];
  // onProgress also reports once before the first decoder step (stepsDone 0: the text encoder run)
  const w = await generate({ onProgress: (p) => { if (p.stepsDone > 0) stamps[p.stepsDone - 1] = p.elapsedMs; } });
  const reported = stamps.filter((t) => t !== undefined).length;
  if (reported !== w.steps || stamps.length !== w.steps) throw new Error(`step times: onProgress reported ${reported} of ${w.steps} decoder steps`);
  return stamps;
}
