// transformers.js' own MusicGen calls on a loaded peer ({T, model, tokenizer}): used by the Node
// peer (transformers-js-musicgen.mjs) and by benchmark pages alike, so nothing here imports Node.

/** Text ids as transformers.js' tokenizer gives them (BigInt-free numbers). */
export function peerTextIds(peer, text) {
  return peer.tokenizer(text).input_ids.tolist()[0].map(Number);
}

/**
 * transformers.js' own token loop: MusicgenForConditionalGeneration.generate is the generic
 * PreTrainedModel.generate (CFG, delay pattern, greedy / sampling) followed by its delay-pattern
 * filter and encodec_decode; this runs the first two and stops before the audio.
 * Returns codes [1, codebooks, frames] as transformers.js' Tensor.
 */
async function generateCodes(peer, text, { maxNewTokens, guidanceScale, doSample = false, topK, streamer }) {
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens > peer.model.config.decoder.num_codebooks)) {
    throw new Error(`transformers.js peer: maxNewTokens must be an integer > ${peer.model.config.decoder.num_codebooks}, got ${maxNewTokens}`);
  }
  const inputs = peer.tokenizer(text);
  const options = {
    ...inputs, max_new_tokens: maxNewTokens, do_sample: doSample, guidance_scale: guidanceScale, streamer,
    ...(topK ? { top_k: topK } : {}),
  };
  const sequences = await peer.T.PreTrainedModel.prototype.generate.call(peer.model, options);
  return peer.model._apply_and_filter_by_delay_pattern_mask(sequences);
}

/** Greedy codes (do_sample false, CFG by guidance_scale) as number[codebooks][frames]. */
export async function peerGreedyCodes(peer, text, { maxNewTokens, guidanceScale = 3.0 }) {
  const codes = await generateCodes(peer, text, { maxNewTokens, guidanceScale });
  const [, nq, frames] = codes.dims;
  const flat = Array.from(codes.data, Number);
  return Array.from({ length: nq }, (_, q) => flat.slice(q * frames, (q + 1) * frames));
}

/**
 * A streamer for generate that pushes performance.now() to `stamps` on every put: once before
 * the first decoder step (after the text encoder), then once as each decoder step ends.
 */
export function stampingStreamer(peer, stamps) {
  return new (class extends peer.T.BaseStreamer {
    put() { stamps.push(performance.now()); }
    end() {}
  })();
}

/**
 * Decoder speed of transformers.js' generate: a streamer stamps the time of every put (one
 * before the first decoder step, after the text encoder, then one per step), so the rate counts
 * decoder steps only. Returns {steps, seconds, stepsPerSecond, totalSeconds, frames}.
 */
export async function peerTimedGenerate(peer, text, { maxNewTokens, guidanceScale = 3.0, doSample = false, topK } = {}) {
  const stamps = [];
  const streamer = stampingStreamer(peer, stamps);
  const t0 = performance.now();
  const codes = await generateCodes(peer, text, { maxNewTokens, guidanceScale, doSample, topK, streamer });
  const totalSeconds = (performance.now() - t0) / 1000;
  const steps = stamps.length - 1;
  const seconds = (stamps.at(-1) - stamps[0]) / 1000;
  return { steps, seconds, stepsPerSecond: steps / seconds, totalSeconds, frames: codes.dims[2] };
}

/** The audio transformers.js' full generate returns (its encodec_decode run); `streamer` is handed to generate. */
export async function peerGenerateAudio(peer, text, { maxNewTokens, guidanceScale = 3.0, doSample = false, streamer } = {}) {
  const inputs = peer.tokenizer(text);
  const audio = await peer.model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: doSample, guidance_scale: guidanceScale, streamer });
  return { samples: audio.data, dims: audio.dims, samplingRate: peer.model.config.audio_encoder.sampling_rate };
}
