// `npm run parity -- musicgen-audiocraft`: Weft's MusicGen under semantics 'audiocraft' against
// audiocraft's own MusicGen.generate / generate_continuation (build/models/musicgen-audiocraft,
// written by tests/fixtures_py/weft_fixtures/musicgen_audiocraft_refs.py): an LM of audiocraft's
// builders in its release format, exported with its base folder (`--checkpoint state_dict.bin
// --base base/`). Greedy text, continuation, continuation from codes, a batch of three
// descriptions of different lengths, 35 s and 60 s (windows), and sampled runs with Weft's
// draws substituted for audiocraft's (top-k, top-p 0.9 / 1.0, cfg 0.5, 35 s, a top-p batch).
import { load } from '../../web/weft.js';
import { MODELS, readFloat32, readJson } from '../paths.mjs';

export const AUDIOCRAFT_DIR = `${MODELS}/musicgen-audiocraft`;

/** Options of a refs.json case for Weft. */
function optionsOf(c) {
  return {
    texts: c.texts, seconds: c.seconds, cfg: c.cfg, doSample: c.use_sampling, topK: c.top_k, topP: c.top_p,
    temperature: c.temperature, seed: c.seed ?? 0, maxDuration: c.max_duration, extendStride: c.extend_stride,
    semantics: 'audiocraft', returnCodes: true,
  };
}

/** Per item, frames after the prompt that equal the reference up to the first that does not. */
function matchedFrames(got, want, promptFrames) {
  let matched = 0;
  want.forEach((item, b) => {
    const codes = got[b];
    for (let t = promptFrames; t < item[0].length; t += 1) {
      if (!item.every((row, q) => codes[q][t] === row[t])) break;
      matched += 1;
    }
  });
  return matched;
}

async function runCase(model, c, prompt, done) {
  const options = optionsOf(c);
  if (c.prompt === 'prompt.f32') return { r: await model.continue(prompt, 32000, options), promptFrames: Math.ceil(prompt.length / 640) };
  if (c.prompt?.case) {
    const codes = done[c.prompt.case][0].map((row) => row.slice(0, c.prompt.frames));
    return { r: await model.continue({ codes }, options), promptFrames: c.prompt.frames };
  }
  return { r: await model.generate(options), promptFrames: 0 };
}

export async function musicgenAudiocraftParity(emit, loadOptions = { backend: 'cpu' }) {
  const refs = readJson(`${AUDIOCRAFT_DIR}/refs.json`);
  const prompt = readFloat32(`${AUDIOCRAFT_DIR}/prompt.f32`);
  const model = await load(`${AUDIOCRAFT_DIR}/package`, loadOptions);
  try {
    const done = Object.fromEntries(refs.cases.map((c) => [c.name, c.codes]));
    for (const c of refs.cases) {
      const idsEqual = c.texts.every((t, i) => JSON.stringify(Array.from(model.tokenizer.encode(t))) === JSON.stringify(c.text_ids[i]));
      const { r, promptFrames } = await runCase(model, c, prompt, done);
      const got = c.texts.length === 1 ? [r.codes] : r.codes;
      const frames = c.codes.reduce((n, item) => n + item[0].length - promptFrames, 0);
      const matched = matchedFrames(got, c.codes, promptFrames);
      emit({
        model: 'musicgen-audiocraft', case: c.name, runtime: model.backend, semantics: 'audiocraft', items: c.texts.length,
        seconds: c.seconds, sampled: c.use_sampling, ...(c.use_sampling ? { top_k: c.top_k, top_p: c.top_p, seed: c.seed } : {}),
        cfg: c.cfg, windows: r.stats.windows, decoder_steps: r.steps, frames, matched, text_ids_equal: idsEqual,
      }, matched === frames && idsEqual);
    }
  } finally {
    await model.dispose();
  }
}
