// Runs in the page: abort a generation mid-stream and report heap / tensor figures.
export async function abortRoutine(weft, { source, backend }) {
  const core = await weft.loadCore();
  const model = await weft.load(source, { backend });
  try {
    await model.generate({ prompt: [1, 2, 3], maxNewTokens: 8 });
    const baseline = core.heapBytesInUse();
    const controller = new AbortController();
    let seen = 0;
    let errorName = null;
    let locations = [];
    try {
      await model.generate({
        prompt: [1, 2, 3], maxNewTokens: 100, signal: controller.signal,
        onToken: () => { seen += 1; if (seen === 5) { locations = model.stateLocations(); controller.abort(); } },
      });
    } catch (error) {
      errorName = error.name;
    }
    return { backend: model.backend, locations, seen, errorName, baseline, after: core.heapBytesInUse(), liveTensors: model.liveTensors() };
  } finally {
    await model.dispose();
  }
}
