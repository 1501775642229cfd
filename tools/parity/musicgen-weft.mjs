// Greedy parity for Weft's MusicGen generator: the codes of `generate` (text) and `continue`
// (a 1.2 s prompt through the package's EnCodec encoder) against transformers' own generate
// (fixtures/musicgen_weft_refs.json, written by tests/fixtures_py/weft_fixtures/musicgen_refs.py).
// Runs unchanged in Node and in a page.

/** steps: decoder steps; matched: steps whose every emitted code equals the reference. */
export async function runMusicgenGreedy(weft, { source, refs, prompt, loadOptions = {} }) {
  const model = await weft.load(source, loadOptions);
  try {
    const lines = [];
    for (const pipeline of ['text', 'continuation']) {
      const ref = refs[pipeline];
      const want = ref.codes[0];
      const frames = want[0].length;
      const promptFrames = pipeline === 'continuation' ? ref.prompt_codes[0].length : 0;
      const options = { text: ref.text, maxNewFrames: frames - promptFrames, cfg: refs.guidance_scale, doSample: false, returnCodes: true };
      const r = pipeline === 'text' ? await model.generate(options) : await model.continue(prompt, model.sampleRate, options);
      lines.push({ pipeline, cfg: refs.guidance_scale, steps: r.steps, matched: matchedSteps(r.codes, want, promptFrames), backend: model.backend });
    }
    return lines;
  } finally {
    await model.dispose();
  }
}

/**
 * A decoder step s (0-based) predicts column c = Tp + 1 + s of the delay pattern, i.e. frame
 * c - 1 - q of codebook q; the step matches when each of those frames that exists is equal.
 * Counted up to the first mismatch, so a divergence is not hidden by later agreement.
 */
export function matchedSteps(got, want, promptFrames, steps = want[0].length + want.length - 1 - promptFrames) {
  const Q = want.length;
  const T = want[0].length;
  for (let s = 0; s < steps; s += 1) {
    for (let q = 0; q < Q; q += 1) {
      const t = promptFrames + s - q;
      if (t >= promptFrames && t < T && got[q][t] !== want[q][t]) return s;
    }
  }
  return steps;
}

/**
 * Weft's codes of a `steps`-step text run against transformers.js' own generate of as many steps:
 * {compared, matched}. transformers.js pads only the start of the delay pattern, so the last
 * nq - 2 steps (which read its missing end pads) are left out of `compared`.
 */
export function peerAgreement(weftCodes, peerCodes, steps) {
  const compared = steps - (weftCodes.length - 2);
  return { compared, matched: matchedSteps(weftCodes, peerCodes, 0, compared) };
}
