// Runs in the page: MusicGen through loadInWorker (worker-host.js) against the same generation in
// the page, then an abort mid-stream and a second generation in the same worker.
export async function musicWorkerRoutine(weft, { source, backend }) {
  const options = { text: 'lofi beat with soft piano', seconds: 2, doSample: true, topK: 250, temperature: 1, cfg: 3, seed: 11, returnCodes: true };
  const inPage = await weft.load(source, { backend });
  const page = await inPage.generate(options);
  await inPage.dispose();

  const remote = await weft.loadInWorker(source, { backend });
  const chunks = [];
  const first = await remote.generate({ ...options, onAudio: ({ audio, offset, final }) => chunks.push({ length: audio.length, offset, final, type: audio.constructor.name }) });

  const controller = new AbortController();
  let aborted = null;
  let chunksBeforeAbort = 0;
  try {
    await remote.generate({ ...options, seconds: 8, signal: controller.signal,
      onAudio: () => { chunksBeforeAbort += 1; controller.abort(); } });
  } catch (error) {
    aborted = { name: error.name, isReason: error === controller.signal.reason };
  }
  const liveAfterAbort = await remote.liveTensors();
  const again = await remote.generate(options);
  const backendUsed = remote.backend;
  await remote.dispose();

  const same = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  return {
    backendUsed, sampleRate: first.sampleRate, pageLength: page.audio.length, workerLength: first.audio.length,
    audioType: first.audio.constructor.name,
    sameAudio: same(first.audio, page.audio), sameAgain: same(again.audio, page.audio),
    sameCodes: JSON.stringify(Array.from(first.codes ?? [])) === JSON.stringify(Array.from(page.codes ?? [])) && page.codes != null,
    chunks, aborted, chunksBeforeAbort, liveAfterAbort,
  };
}
