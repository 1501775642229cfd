// Where a Pocket TTS frame's time goes, per runtime: one flow_lm step on a cache of PAST positions,
// one mimi_decoder run of 1 frame and of 15 frames (per frame), and, on the same runtime, the same
// step in sherpa-onnx's layout (lm_main on its fixed 1000-position cache + one lm_flow run), so a
// gap to sherpa-onnx can be told apart: graphs and decoding granularity vs its onnxruntime build.
import { readFileSync } from 'node:fs';

const PAST = Number(process.env.WEFT_BENCH_SPLIT_PAST ?? 100);
const RUNS = Number(process.env.WEFT_BENCH_SPLIT_RUNS ?? 20);

async function session(ort, dir, file, options) {
  const m = JSON.parse(readFileSync(`${dir}/weft.json`, 'utf8'));
  const comp = Object.values(m.components).find((c) => c.file === file);
  const externalData = (comp?.external_data ?? []).map((e) => ({ path: e.file ?? e, data: new Uint8Array(readFileSync(`${dir}/${e.file ?? e}`)) }));
  return ort.InferenceSession.create(new Uint8Array(readFileSync(`${dir}/${file}`)), { graphOptimizationLevel: 'all', ...options, ...(externalData.length ? { externalData } : {}) });
}

async function meanMs(n, fn) {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1) await fn();
  return +((performance.now() - t0) / n).toFixed(2);
}

const zeros = (ort, dtype, dims) => {
  const n = dims.reduce((a, b) => a * b, 1);
  return new ort.Tensor(dtype, dtype === 'int64' ? new BigInt64Array(n) : new Float32Array(n), dims);
};

async function flowStepMs(ort, dir, d, options) {
  const s = await session(ort, dir, 'flow_lm.onnx', options);
  const feeds = { conditioning: zeros(ort, 'float32', [1, 0, d.model_dim]), previous_latent: zeros(ort, 'float32', [1, 1, d.latent_dim]), noise: zeros(ort, 'float32', [1, d.latent_dim]) };
  for (let l = 0; l < d.layers; l += 1) for (const k of ['key', 'value']) feeds[`past_key_values.${l}.${k}`] = zeros(ort, 'float32', [1, d.kv_heads, PAST, d.head_dim]);
  const ms = await meanMs(RUNS, () => s.run(feeds));
  await s.release();
  return ms;
}

async function decodeMs(ort, dir, m, frames, options) {
  const s = await session(ort, dir, 'mimi_decoder.onnx', options);
  const feeds = { latent: zeros(ort, 'float32', [1, frames, m.dims.latent_dim]) };
  for (const i of m.components.mimi_decoder.inputs.slice(1)) feeds[i.name] = zeros(ort, i.dtype, i.shape);
  const ms = await meanMs(Math.max(2, Math.round(RUNS / frames)), () => s.run(feeds));
  await s.release();
  return +(ms / frames).toFixed(2);
}

async function sherpaStepMs(ort, folder, d, options) {
  const file = (f) => new Uint8Array(readFileSync(`${folder}/${f}`));
  const main = await ort.InferenceSession.create(file('lm_main.onnx'), { graphOptimizationLevel: 'all', ...options });
  const flow = await ort.InferenceSession.create(file('lm_flow.onnx'), { graphOptimizationLevel: 'all', ...options });
  const feeds = { sequence: zeros(ort, 'float32', [1, 1, d.latent_dim]), text_embeddings: zeros(ort, 'float32', [1, 0, d.model_dim]),
    step: new ort.Tensor('int64', BigInt64Array.from([BigInt(PAST)]), [1]) };
  for (let l = 0; l < d.layers; l += 1) for (const k of ['key', 'value']) feeds[`cache.${l}.${k}`] = zeros(ort, 'float32', [1, d.kv_heads, 1000, d.head_dim]);
  const one = new ort.Tensor('float32', Float32Array.from([1]), [1, 1]);
  const zero = new ort.Tensor('float32', Float32Array.from([0]), [1, 1]);
  const x = zeros(ort, 'float32', [1, d.latent_dim]);
  const mainMs = await meanMs(RUNS, () => main.run(feeds));
  const c = (await main.run(feeds)).conditioning;
  const flowMs = await meanMs(RUNS, () => flow.run({ c, s: zero, t: one, x }));
  await main.release();
  await flow.release();
  return { mainMs, flowMs };
}

/** { flow_step_ms, mimi_1_frame_ms, mimi_15_frames_ms_per_frame, sherpa_lm_main_ms, sherpa_lm_flow_ms } on `ort`. */
export async function pocketTtsSplit(ort, dir, sherpaFolder, options = {}) {
  const m = JSON.parse(readFileSync(`${dir}/weft.json`, 'utf8'));
  const d = m.dims;
  const out = { past: PAST, flow_step_ms: await flowStepMs(ort, dir, d, options) };
  out.mimi_1_frame_ms = await decodeMs(ort, dir, m, 1, options);
  out.mimi_15_frames_ms_per_frame = await decodeMs(ort, dir, m, 15, options);
  if (sherpaFolder) {
    const s = await sherpaStepMs(ort, sherpaFolder, d, options);
    Object.assign(out, { sherpa_lm_main_ms: s.mainMs, sherpa_lm_flow_ms: s.flowMs });
  }
  return out;
}
