// Runs in the page: the same toy generation in the page and through loadInWorker (worker-host.js),
// a mid-way abort, a bad option, dispose, a worker that cannot start, and Silero VAD samples moved
// into the worker with transfer().
export async function workerRoutine(weft, { source, vadSource, samples, backend }) {
  const options = { prompt: [5, 6, 7], maxNewTokens: 24, doSample: true, temperature: 0.9, topK: 40, seed: 7 };
  const inPage = await weft.load(source, { backend });
  const pageTokens = Array.from((await inPage.generate(options)).tokens);
  await inPage.dispose();

  const phases = [];
  const remote = await weft.loadInWorker(source, { backend, onProgress: (p) => phases.push(p.phase) });
  const streamed = [];
  const first = await remote.generate({ ...options, onToken: (token, index) => streamed.push([token, index]) });

  const controller = new AbortController();
  let seen = 0;
  let aborted = null;
  try {
    await remote.generate({ prompt: [1, 2, 3], maxNewTokens: 120, signal: controller.signal,
      onToken: () => { seen += 1; if (seen === 5) controller.abort(); } });
  } catch (error) {
    aborted = { name: error.name, isReason: error === controller.signal.reason };
  }
  const liveAfterAbort = await remote.liveTensors();
  const again = Array.from((await remote.generate(options)).tokens);

  let badOption = null;
  try {
    await remote.generate({ prompt: [1], maxNewTokens: 3, doSample: true, temperature: -1 });
  } catch (error) {
    badOption = { name: error.name, message: error.message };
  }
  const props = { name: remote.name, backend: remote.backend, generatorType: remote.info?.generator?.type };
  await remote.dispose();
  let afterDispose = null;
  try {
    await remote.generate(options);
  } catch (error) {
    afterDispose = error.message;
  }

  let crashed = null;
  try {
    await weft.loadInWorker(source, { workerUrl: new URL('/web/no-such-worker-host.js', location.href) });
  } catch (error) {
    crashed = error.message;
  }

  const vadPage = await weft.load(vadSource, { backend });
  const pageProbabilities = Array.from((await vadPage.process(samples.slice())).results);
  await vadPage.dispose();
  const vad = await weft.loadInWorker(vadSource, { backend });
  const copied = samples.slice();
  const viaCopy = Array.from((await vad.process(copied)).results);
  const moved = samples.slice();
  const result = await vad.process(weft.transfer(moved));
  const live = await vad.stream(); // an object with methods stays in the worker as a handle
  const streamedVad = [...await live.push(samples.slice(0, 8000)), ...await live.push(samples.slice(8000)), ...await live.end()];
  await vad.dispose();

  return {
    pageTokens, workerTokens: Array.from(first.tokens), tokensType: first.tokens.constructor.name, streamed,
    steps: first.steps, phases, aborted, seen, liveAfterAbort, again, badOption, props, afterDispose, crashed,
    pageProbabilities, viaCopy, viaTransfer: Array.from(result.results), resultsType: result.results.constructor.name,
    copiedLength: copied.length, movedByteLength: moved.byteLength, streamedVad,
  };
}
