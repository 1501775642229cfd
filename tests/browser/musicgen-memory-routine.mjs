// Runs in the page: ten MusicGen generations back to back (streamed text, continuation) and the
// core heap / live ORT tensors after each, plus where the KV caches lived mid-generation.
export async function musicgenMemoryRoutine(weft, { source, backend, prompt }) {
  const core = await weft.loadCore();
  const model = await weft.load(source, { backend });
  try {
    const heaps = [];
    const tensors = [];
    let locations = [];
    // Three warm-up rounds let reusable scratch buffers (tokenizer input, plan strings) reach
    // their size; the ten measured generations follow.
    for (let i = -3; i < 10; i += 1) {
      const options = {
        text: (i + 3) % 2 ? 'calm piano' : 'upbeat electronic beat', maxNewFrames: 16, seed: i + 3,
        stream: { window: 6, context: 2, lookahead: 2, crossfade: 1 },
      };
      const continuation = (i + 3) % 3 === 2;
      // Locations are read at the last chunk of the first continuation: its long prompt has been
      // merged into the long cache tier by then, so every slot has been written by a run.
      if (continuation && i < 0) options.onAudio = () => { locations = model.stateLocations(); };
      if (continuation) await model.continue(prompt, 32000, options);
      else await model.generate(options);
      if (i < 0) continue;
      heaps.push(core.heapBytesInUse());
      tensors.push(model.liveTensors());
    }
    return { backend: model.backend, heaps, tensors, locations };
  } finally {
    await model.dispose();
  }
}
