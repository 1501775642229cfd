// `npm run parity -- pocket-tts`: Weft's Pocket TTS (voice from a clip; speech at temperature 0
// and at the default temperature with the core's noise injected into the package) against
// pocket-tts's own generate_audio, on onnxruntime-node, Chromium wasm and Chromium WebGPU; and
// the core's normal draws against their NumPy reproduction.
import * as weft from '../../web/weft.js';
import { FIXTURES, MODELS, readFloat32, readJson } from '../paths.mjs';
import { runPocketTtsParity } from './pocket-tts-weft.mjs';
import { inChromium, nodeLoadOptions } from './runtimes.mjs';

export const POCKET_TTS_RUNTIMES = ['node', 'chromium-wasm', 'chromium-webgpu'];
const PACKAGE = 'pocket-tts-tiny';
// Audio agreement bounds per runtime (float32 graphs; WebGPU kernels round differently).
const BOUND = { node: 1e-4, 'chromium-wasm': 1e-4, 'chromium-webgpu': 1e-3 };

function references(dir) {
  const refs = readJson(`${FIXTURES}/pocket_tts/refs.json`);
  for (const c of refs.cases) c.want = readFloat32(`${FIXTURES}/pocket_tts/${c.audio}`);
  return refs;
}

async function runOn(runtime) {
  const dir = `${MODELS}/${PACKAGE}`;
  if (runtime.startsWith('chromium-')) {
    return inChromium({
      module: '/tools/parity/pocket-tts-weft.mjs',
      exportName: 'runPocketTtsParity',
      args: {
        source: `/build/models/${PACKAGE}`,
        refsUrl: `/build/models/fixtures/pocket_tts`,
        loadOptions: { backend: runtime.slice('chromium-'.length) },
      },
    });
  }
  return runPocketTtsParity(weft, {
    source: dir, refs: references(dir), voiceClip: readFloat32(`${FIXTURES}/pocket_tts/voice.f32`),
    voiceConditioning: readFloat32(`${FIXTURES}/pocket_tts/voice_cond.f32`), loadOptions: await nodeLoadOptions(runtime),
  });
}

/** The core's normal draws against NumPy's (sampling_reference.Normal). */
export async function normalParity() {
  const refs = readJson(`${FIXTURES}/pocket_tts/refs.json`);
  const want = readFloat32(`${FIXTURES}/pocket_tts/${refs.normal.file}`);
  const core = await weft.loadCore();
  const got = core.normalDraws(String(refs.normal.seed), refs.normal.scale, refs.normal.count);
  let equal = 0;
  for (let i = 0; i < want.length; i += 1) if (Object.is(got[i], want[i])) equal += 1;
  return { noise: 'numpy', draws: want.length, equal };
}

export async function pocketTtsParity(emit, runtimes = POCKET_TTS_RUNTIMES) {
  const n = await normalParity();
  emit(n, n.equal === n.draws);
  for (const runtime of runtimes) {
    for (const line of await runOn(runtime)) {
      const ok = line.pipeline === 'voice' ? line.max_abs <= BOUND[runtime] : line.eos_frame_equal && line.max_abs <= BOUND[runtime];
      emit({ ...line, runtime }, ok);
    }
  }
}
