// Pocket TTS parity for Weft's pocket_tts generator against the package's own pipeline
// (parity/refs.json beside the package, written by tests/fixtures_py/weft_fixtures/pocket_tts_refs.py):
// the voice made from the same clip, then speak() per text at temperature 0 and at the default
// temperature with the same seed. Runs unchanged in Node and in a page.

/** One line per case: frames, max |Weft - package| over the audio, whether the lengths (EOS frames) agree. */
export async function runPocketTtsParity(weft, { source, refs, voiceClip, voiceConditioning, refsUrl, loadOptions = {} }) {
  if (refsUrl) ({ refs, voiceClip, voiceConditioning } = await fetchReferences(refsUrl));
  const tts = await weft.load(source, loadOptions);
  try {
    const voice = await tts.voiceFrom(voiceClip, tts.sampleRate);
    const lines = [voiceLine(voice, voiceConditioning, refs.model_dim, tts.backend)];
    for (const c of refs.cases) {
      const r = await tts.speak({ text: refs.texts[c.text], voice, temperature: c.temperature, seed: refs.seed, eosThreshold: c.eos_threshold });
      const want = c.want;
      const n = Math.min(want.length, r.audio.length);
      let maxAbs = want.length === r.audio.length ? 0 : Infinity;
      for (let i = 0; i < n; i += 1) maxAbs = Math.max(maxAbs, Math.abs(r.audio[i] - want[i]));
      lines.push({
        pipeline: 'speak', text: c.text, temperature: c.temperature, ...(c.eos_threshold !== undefined ? { eos_threshold: c.eos_threshold } : {}), frames: r.audio.length / 1920,
        reference_frames: want.length / 1920, max_abs: maxAbs, eos_frame_equal: want.length === r.audio.length,
        chunks: r.stats.chunks, chunks_capped: r.stats.chunksCapped, backend: tts.backend,
      });
    }
    return lines;
  } finally {
    await tts.dispose();
  }
}

function voiceLine(voice, want, modelDim, backend) {
  const got = new Float32Array(voice.buffer.slice(voice.byteOffset + 48, voice.byteOffset + voice.byteLength));
  let maxAbs = got.length === want.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(got.length, want.length); i += 1) maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
  return { pipeline: 'voice', positions: got.length / modelDim, reference_positions: want.length / modelDim, max_abs: maxAbs, backend };
}

/** The references over HTTP (in a page): refs.json and the float32 files it names. */
async function fetchReferences(url) {
  const f32 = async (name) => new Float32Array(await (await fetch(`${url}/${name}`)).arrayBuffer());
  const refs = await (await fetch(`${url}/refs.json`)).json();
  for (const c of refs.cases) c.want = await f32(c.audio);
  return { refs, voiceClip: await f32(refs.voice), voiceConditioning: await f32(refs.voice_conditioning) };
}
