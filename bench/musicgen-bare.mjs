// The peer for the MusicGen benchmark: the smallest correct greedy CFG loop one can write by hand
// against a Weft MusicGen package's graphs (text_encoder → decoder_cross_kv → decoder_step over
// the prompt on an empty cache → one decoder_step run per column, the cache's recent tier merged
// into the long one by decoder_cache_merge every `cache_merge_every` positions), with the codebook
// delay pattern, then one encodec_decode of all frames.

import { readFileSync } from 'node:fs';

const SPECIAL_FREE = -1;

/** Opens the five sessions the loop needs, and reads the sizes it needs from weft.json. */
export async function openBareSessions(ort, dir, sessionOptions = {}) {
  const names = ['text_encoder', 'decoder_cross_kv', 'decoder_step', 'decoder_cache_merge', 'encodec_decode'];
  const sessions = {};
  for (const name of names) {
    sessions[name] = await ort.InferenceSession.create(`${dir}/${name}.onnx`, { graphOptimizationLevel: 'all', ...sessionOptions });
  }
  const { generator, dims } = JSON.parse(readFileSync(`${dir}/weft.json`, 'utf8'));
  sessions.sizes = { mergeEvery: generator.cache_merge_every, codebooks: dims.codebooks, special: generator.special_token };
  return sessions;
}

export async function releaseBareSessions(sessions) {
  for (const [name, s] of Object.entries(sessions)) if (name !== 'sizes') await s.release();
}

const int64 = (ort, values, dims) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);

/**
 * Greedy CFG generation of `steps` decoder steps for one description (`textIds`), text only.
 * `stepStamps` (an array), when given, gets performance.now() as each decoder step ends.
 * Returns { tokens: [steps][codebooks] (raw picks), codes: [codebooks][frames], audio, decoderMs } (decoderMs covers prefill + steps).
 */
export async function bareMusicgenLoop(ort, sessions, { textIds, steps, guidance = 3.0, stepStamps }) {
  const { codebooks, special, mergeEvery } = sessions.sizes;
  const L = textIds.length;
  const enc = await sessions.text_encoder.run({
    input_ids: int64(ort, textIds, [1, L]), attention_mask: int64(ort, new Array(L).fill(1), [1, L]),
  });
  const hiddenCond = enc.last_hidden_state;
  const H = hiddenCond.dims[2];
  const hidden = new Float32Array(2 * L * H);
  hidden.set(hiddenCond.data); // null branch: zero states, zero mask
  const mask = int64(ort, [...new Array(L).fill(1), ...new Array(L).fill(0)], [2, L]);
  const cross = await sessions.decoder_cross_kv.run({
    encoder_hidden_states: new ort.Tensor('float32', hidden, [2, L, H]), encoder_attention_mask: mask,
  });
  // Delay pattern for an empty prompt: total = 1 + steps columns; special where s <= q or in the
  // trailing triangle, free elsewhere.
  const total = 1 + steps;
  const seq = Array.from({ length: codebooks }, (_, q) => Int32Array.from({ length: total }, (_, s) => (
    s <= q || s >= total - codebooks + 1 + q ? special : SPECIAL_FREE)));
  const tokens = [];
  const pick = (logits) => {
    const V = logits.dims[2];
    const d = logits.data;
    const out = [];
    for (let q = 0; q < codebooks; q += 1) {
      let best = 0;
      let bestValue = -Infinity;
      for (let v = 0; v < V; v += 1) {
        const c = d[q * V + v];
        const n = d[(codebooks + q) * V + v];
        const g = n + (c - n) * guidance;
        if (g > bestValue) { bestValue = g; best = v; }
      }
      out.push(best);
    }
    return out;
  };
  const place = (tok, at) => {
    stepStamps?.push(performance.now());
    tokens.push(tok);
    if (at < total) for (let q = 0; q < codebooks; q += 1) if (seq[q][at] === SPECIAL_FREE) seq[q][at] = tok[q];
  };
  const started = performance.now();
  let pos = 1;
  const prefixIds = [];
  for (let b = 0; b < 2; b += 1) for (let q = 0; q < codebooks; q += 1) prefixIds.push(...seq[q].subarray(0, pos));
  const layers = Object.keys(cross).length / 2;
  const [, heads, , headDim] = cross['cross.0.key'].dims;
  // The cache in two tiers: past (starting with the one masked placeholder position) and recent.
  const tier = (prefix, length) => {
    const t = {};
    for (let l = 0; l < layers; l += 1) {
      for (const kv of ['key', 'value']) {
        t[`${prefix}.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(2 * heads * length * headDim), [2, heads, length, headDim]);
      }
    }
    return t;
  };
  const renamed = (results, from, to) => {
    const t = {};
    for (const [name, v] of Object.entries(results)) {
      if (name.startsWith(`${from}.`)) t[to + name.slice(from.length)] = v;
      else v.dispose?.();
    }
    return t;
  };
  const disposeAll = (t) => { for (const v of Object.values(t)) v.dispose?.(); };
  let past = tier('past_key_values', 1);
  let recent = tier('recent', 0);
  let recentLength = pos;
  let out = await sessions.decoder_step.run({
    input_ids: int64(ort, prefixIds, [2 * codebooks, pos]), encoder_attention_mask: mask, ...cross, ...past, ...recent,
  });
  place(pick(out.logits), pos);
  disposeAll(recent);
  recent = renamed(out, 'present', 'recent');
  while (tokens.length < steps) {
    if (recentLength >= mergeEvery) {
      const merged = renamed(await sessions.decoder_cache_merge.run({ ...past, ...recent }), 'merged', 'past_key_values');
      disposeAll(past);
      disposeAll(recent);
      past = merged;
      recent = tier('recent', 0);
      recentLength = 0;
    }
    const ids = [];
    for (let b = 0; b < 2; b += 1) for (let q = 0; q < codebooks; q += 1) ids.push(seq[q][pos]);
    pos += 1;
    out = await sessions.decoder_step.run({
      input_ids: int64(ort, ids, [2 * codebooks, 1]), encoder_attention_mask: mask, ...cross, ...past, ...recent,
    });
    place(pick(out.logits), pos);
    disposeAll(recent);
    recent = renamed(out, 'present', 'recent');
    recentLength += 1;
  }
  const decoderMs = performance.now() - started;
  disposeAll(past);
  disposeAll(recent);
  for (const t of Object.values(cross)) t.dispose?.();
  // Revert the delay: codes[q][t] = seq[q][t + 1 + q], T = total - codebooks frames.
  const frames = total - codebooks;
  const codes = Array.from({ length: codebooks }, (_, q) => Array.from(seq[q].subarray(1 + q, 1 + q + frames)));
  const decoded = await sessions.encodec_decode.run({ audio_codes: int64(ort, codes.flat(), [1, 1, codebooks, frames]) });
  const audio = decoded.audio_values.data;
  decoded.audio_values.dispose?.();
  return { tokens, codes, audio, decoderMs };
}
