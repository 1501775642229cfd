// Silero VAD through Weft: per-chunk speech probabilities for a clip. Runs in Node and in a page.
export async function runSileroWeft(weft, { source, samples, loadOptions = {} }) {
  const vad = await weft.load(source, loadOptions);
  try {
    const { results, steps } = await vad.process(samples, { sampleRate: 16000 });
    return { probabilities: Array.from(results), steps, backend: vad.backend, chunk: vad.chunkSize };
  } finally {
    await vad.dispose();
  }
}
