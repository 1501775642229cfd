// The peer for the Pocket TTS benchmark on onnxruntime-node: the runs Weft's pocket_tts generator
// makes (docs/POCKET_TTS.md), written by hand with plain session.run calls on a Weft package's
// graphs: one flow_lm run on the voice's conditioning whose K/V are kept; per chunk text_embedder,
// a flow_lm prefill from the voice K/V, then per frame one flow_lm step (noise in, latent and EOS
// logit out) and one mimi_decoder run whose fixed state restarts from zeros per chunk. The chunks'
// token ids and the noise are given (the caller draws them before timing).

import { readFileSync } from 'node:fs';

/** Opens the three sessions speech needs, and reads the sizes the loop needs from weft.json. */
export async function openBarePocket(ort, dir, sessionOptions = {}) {
  const m = JSON.parse(readFileSync(`${dir}/weft.json`, 'utf8'));
  const s = {};
  for (const name of ['text_embedder', 'flow_lm', 'mimi_decoder']) {
    s[name] = await ort.InferenceSession.create(`${dir}/${m.components[name].file}`, { graphOptimizationLevel: 'all', ...sessionOptions });
  }
  const g = m.generator;
  s.sizes = { layers: m.dims.layers, kvHeads: m.dims.kv_heads, headDim: m.dims.head_dim, latentDim: g.latent_dim, modelDim: g.model_dim,
    frameSamples: g.frame_samples, fadeIn: g.fade_in_samples, minFrames: g.min_frames_before_eos, eosThreshold: g.eos_threshold,
    tokensPerSecond: g.tokens_per_second, padding: g.gen_seconds_padding };
  s.mimiInputs = m.components.mimi_decoder.inputs.slice(1);
  return s;
}

export async function releaseBarePocket(s) {
  for (const name of ['text_embedder', 'flow_lm', 'mimi_decoder']) await s[name].release();
}

const f32 = (ort, data, dims) => new ort.Tensor('float32', data, dims);

function emptyKv(ort, z) {
  const kv = {};
  for (let l = 0; l < z.layers; l += 1) for (const k of ['key', 'value']) kv[`past_key_values.${l}.${k}`] = f32(ort, new Float32Array(0), [1, z.kvHeads, 0, z.headDim]);
  return kv;
}

const asPast = (out) => Object.fromEntries(Object.entries(out).filter(([n]) => n.startsWith('present.')).map(([n, t]) => [`past_key_values.${n.slice(8)}`, t]));

function zeroMimiState(ort, inputs) {
  const st = {};
  for (const i of inputs) {
    const n = i.shape.reduce((a, b) => a * b, 1);
    st[i.name] = i.dtype === 'int64' ? new ort.Tensor('int64', new BigInt64Array(n), i.shape) : f32(ort, new Float32Array(n), i.shape);
  }
  return st;
}

/** torch.linspace(0, 1, n)[i] in float32, as the generator's fade-in computes it. */
function linspace01(n, i) {
  const step = Math.fround(1 / (n - 1));
  return i < n / 2 ? Math.fround(i * step) : Math.fround(1 - Math.fround((n - 1 - i) * step));
}

/**
 * Speaks `chunks` ([{ ids, frames_after_eos_guess }]) with the stored voice's conditioning
 * (`voice`: Float32Array, `voicePositions` rows). `noise`: Float32Array, latent_dim values per
 * flow_lm run in run order. Returns { audio, frames, timeToFirstAudioMs, flowMs, decodeMs }.
 */
export async function barePocketSpeak(ort, s, { chunks, voice, voicePositions, noise, eosThreshold }) {
  const z = s.sizes;
  const started = performance.now();
  let drawn = 0;
  const nextNoise = () => f32(ort, noise.subarray(drawn, (drawn += z.latentDim)), [1, z.latentDim]);
  const emptyLatent = f32(ort, new Float32Array(0), [1, 0, z.latentDim]);
  const emptyCond = f32(ort, new Float32Array(0), [1, 0, z.modelDim]);
  const flow = (conditioning, previous, past) => s.flow_lm.run({ conditioning, previous_latent: previous, noise: nextNoise(), ...past });
  const voiceKv = asPast(await flow(f32(ort, voice, [1, voicePositions, z.modelDim]), emptyLatent, emptyKv(ort, z)));
  const parts = [];
  const t = { first: null, flowMs: 0, decodeMs: 0 };
  for (const chunk of chunks) {
    const T = chunk.ids.length;
    const emb = await s.text_embedder.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(chunk.ids, BigInt), [1, T]) });
    let past = asPast(await flow(emb.embeddings, emptyLatent, voiceKv));
    let previous = f32(ort, new Float32Array(z.latentDim).fill(NaN), [1, 1, z.latentDim]);
    let state = zeroMimiState(ort, s.mimiInputs);
    const maxFrames = Math.ceil((T / z.tokensPerSecond + z.padding) * 12.5);
    let eosStep = null;
    for (let step = 0; ; ) {
      const f0 = performance.now();
      const out = await flow(emptyCond, previous, past);
      t.flowMs += performance.now() - f0;
      past = asPast(out);
      const eos = out.eos_logit.data[0] > eosThreshold;
      if (eos && eosStep === null && step >= z.minFrames) eosStep = step;
      if (eosStep !== null && step >= eosStep + chunk.frames_after_eos_guess) break;
      previous = f32(ort, out.next_latent.data, [1, 1, z.latentDim]);
      step += 1;
      const d0 = performance.now();
      const dec = await s.mimi_decoder.run({ latent: previous, ...state });
      t.decodeMs += performance.now() - d0;
      state = Object.fromEntries(s.mimiInputs.map((i) => [i.name, dec[i.name.replace('mimi_state', 'mimi_state_out')]]));
      const audio = dec.audio.data;
      if (step === 1) for (let i = 0; i < Math.min(z.fadeIn, audio.length); i += 1) audio[i] = Math.fround(audio[i] * linspace01(z.fadeIn, i));
      t.first ??= performance.now() - started;
      parts.push(audio);
      if (step >= maxFrames) break;
    }
  }
  const audio = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (audio.set(p, at), at + p.length), 0);
  return { audio, frames: parts.length, timeToFirstAudioMs: t.first, flowMs: t.flowMs, decodeMs: t.decodeMs };
}
