// `npm run parity -- musicgen`: Weft's MusicGen greedy codes vs transformers on onnxruntime-node,
// Chromium's wasm backend and Chromium's WebGPU backend (SwiftShader).
import * as weft from '../../web/weft.js';
import { FIXTURES, MODELS, readFloat32, readJson } from '../paths.mjs';
import { runMusicgenGreedy } from './musicgen-weft.mjs';
import { inChromium, nodeLoadOptions } from './runtimes.mjs';

export const MUSICGEN_RUNTIMES = ['node', 'chromium-wasm', 'chromium-webgpu'];

export async function musicgenGreedyOn(runtime) {
  if (runtime.startsWith('chromium-')) {
    return inChromium({
      module: '/tools/parity/musicgen-weft.mjs',
      exportName: 'runMusicgenGreedy',
      args: {
        source: '/build/models/musicgen-tiny',
        refs: { fetchJson: '/build/models/fixtures/musicgen_weft_refs.json' },
        prompt: { fetchFloat32: '/build/models/fixtures/musicgen_prompt.f32' },
        loadOptions: { backend: runtime.slice('chromium-'.length) },
      },
    });
  }
  return runMusicgenGreedy(weft, {
    source: `${MODELS}/musicgen-tiny`,
    refs: readJson(`${FIXTURES}/musicgen_weft_refs.json`),
    prompt: readFloat32(`${FIXTURES}/musicgen_prompt.f32`),
    loadOptions: await nodeLoadOptions(runtime),
  });
}

export async function musicgenWeftParity(runtimes = MUSICGEN_RUNTIMES) {
  const out = [];
  for (const runtime of runtimes) {
    for (const line of await musicgenGreedyOn(runtime)) {
      const { backend, ...rest } = line;
      out.push({ pipeline: rest.pipeline, runtime, cfg: rest.cfg, steps: rest.steps, matched: rest.matched, backend });
    }
  }
  return out;
}
