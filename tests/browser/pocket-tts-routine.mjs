// Runs in the page: Pocket TTS on one backend. A voice from a clip; the same speech one-shot, frame
// by frame (onAudio) and with keepAudio false; an abort mid-stream (tensors and core heap after it,
// then the same speech again); and the same voice and speech through the worker host.

const same = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

function concat(frames) {
  const out = new Float32Array(frames.reduce((n, f) => n + f.audio.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f.audio, at);
    at += f.audio.length;
  }
  return out;
}

async function streamed(tts, options) {
  const frames = [];
  const started = performance.now();
  const result = await tts.speak({
    ...options,
    onAudio: ({ audio, offset, sampleRate }) => frames.push({ audio: audio.slice(), offset, sampleRate, atMs: performance.now() - started }),
  });
  return { frames, result, doneMs: performance.now() - started };
}

async function abortMidway(weft, tts, options) {
  const core = await weft.loadCore();
  const baseline = core.heapBytesInUse();
  const controller = new AbortController();
  let seen = 0;
  let aborted = null;
  try {
    await tts.speak({ ...options, signal: controller.signal, onAudio: () => { seen += 1; if (seen === 2) controller.abort(); } });
  } catch (error) {
    aborted = { name: error.name, isReason: error === controller.signal.reason };
  }
  return { aborted, seen, liveTensors: tts.liveTensors(), heapBefore: baseline, heapAfter: core.heapBytesInUse() };
}

async function inWorker(weft, { source, backend, clip, clipRate, options }) {
  const remote = await weft.loadInWorker(source, { backend, kind: 'pocket_tts' });
  try {
    const voice = await remote.voiceFrom(clip, clipRate);
    const result = await remote.speak({ ...options, voice });
    return { voice, audio: result.audio, backend: remote.backend, liveTensors: await remote.liveTensors() };
  } finally {
    await remote.dispose();
  }
}

export async function pocketTtsRoutine(weft, { source, backend, clip, clipRate, clipSeconds, text, seed }) {
  const part = clip.slice(0, Math.round(clipSeconds * clipRate));
  const tts = await weft.load(source, { backend, kind: 'pocket_tts' });
  try {
    const voice = await tts.voiceFrom(part, clipRate);
    const options = { text, voice, seed };
    const oneShot = await tts.speak(options);
    const live = await streamed(tts, options);
    const quiet = await tts.speak({ ...options, keepAudio: false, onAudio: () => {} });
    const abort = await abortMidway(weft, tts, options);
    const again = await tts.speak(options);
    const worker = await inWorker(weft, { source, backend, clip: part, clipRate, options: { text, seed } });
    const frames = live.frames;
    return {
      backend: tts.backend, sampleRate: tts.sampleRate, voiceBytes: voice.length, samples: oneShot.samples, oneShotLength: oneShot.audio.length,
      stats: oneShot.stats, ttfaMs: live.result.timeToFirstAudioMs, rtf: live.result.realTimeFactor,
      frameLengths: [...new Set(frames.map((f) => f.audio.length))],
      offsetsContiguous: frames.every((f, i) => f.offset === (i === 0 ? 0 : frames[i - 1].offset + frames[i - 1].audio.length)),
      frameRates: [...new Set(frames.map((f) => f.sampleRate))],
      firstFrameMs: frames[0]?.atMs, lastFrameMs: frames.at(-1)?.atMs, doneMs: live.doneMs, frameCount: frames.length,
      streamEqualsOneShot: same(concat(frames), oneShot.audio), streamedResultEqual: same(live.result.audio, oneShot.audio),
      quiet: { audioLength: quiet.audio.length, samples: quiet.samples },
      abort, liveAfterRuns: tts.liveTensors(), againEqual: same(again.audio, oneShot.audio),
      worker: { backend: worker.backend, sameVoice: same(worker.voice, voice), sameAudio: same(worker.audio, oneShot.audio), liveTensors: worker.liveTensors },
    };
  } finally {
    await tts.dispose();
  }
}
