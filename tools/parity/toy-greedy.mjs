// Greedy parity for the toy decoder: Weft's tokens vs PyTorch's own full-recompute greedy loop
// (fixture written by tests/fixtures_py/weft_fixtures/data.py). Runs unchanged in Node and in a page.

/** matched counts tokens equal to the reference up to each prompt's first divergence. */
export async function runToyGreedy(weft, { source, fixture, loadOptions = {} }) {
  const model = await weft.load(source, loadOptions);
  try {
    let steps = 0;
    let matched = 0;
    const divergences = [];
    for (let i = 0; i < fixture.prompts.length; i += 1) {
      const expected = fixture.tokens[i];
      const { tokens } = await model.generate({
        prompt: fixture.prompts[i], maxNewTokens: expected.length, doSample: false, eosTokenId: null,
      });
      steps += expected.length;
      let k = 0;
      while (k < expected.length && tokens[k] === expected[k]) k += 1;
      matched += k;
      if (k < expected.length) divergences.push({ prompt: i, step: k, expected: expected[k], got: tokens[k] ?? null });
    }
    return { steps, matched, backend: model.backend, divergences };
  } finally {
    await model.dispose();
  }
}
