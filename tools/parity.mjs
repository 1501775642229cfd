// `npm run parity -- <target>`: prints one JSON line per check; exits non-zero on any mismatch.
// Targets: toy, toy-sampled, silero-vad, tokenizers, pocket-tts-text (no target: all of them).
import { FIXTURES, MODELS } from './paths.mjs';
import { RUNTIMES, runtimeLabel, sileroOn, toyGreedyOn } from './parity/runtimes.mjs';
import { sampledParity } from './parity/sampled.mjs';
import { runSileroPlain } from './parity/silero-plain.mjs';
import { PAIR_TOKENIZERS, TOKENIZERS, pairParity, readCorpus, tokenizerParity } from './parity/tokenizers.mjs';
import { TEXT_TOKENIZERS, pocketTtsTextParity, readTextRefs } from './parity/pocket-tts-text.mjs';
import { readFloat32 } from './paths.mjs';
import { classifierParityAll } from './parity/classifier.mjs';
import { musicgenExportParity } from './parity/musicgen.mjs';
import { musicgenWeftParity } from './parity/musicgen-runtimes.mjs';
import { musicgenPeerParity } from './parity/musicgen-peer.mjs';
import { musicgenAudiocraftParity } from './parity/musicgen-audiocraft.mjs';
import { pocketTtsParity } from './parity/pocket-tts.mjs';

let failed = false;
const emit = (line, ok) => {
  console.log(JSON.stringify(line));
  if (!ok) failed = true;
};

const TARGETS = {
  // every arch x fp32/int8 in Chromium wasm vs PyTorch + torchvision; WEFT_CLASSIFIER_ARCHS=a,b narrows it
  classifier: () => classifierParityAll(emit, process.env.WEFT_CLASSIFIER_ARCHS?.split(',')),
  async toy() {
    for (const runtime of RUNTIMES) {
      const r = await toyGreedyOn(runtime);
      emit({ model: 'toy', runtime: runtimeLabel(runtime), backend: r.backend, steps: r.steps, matched: r.matched,
        ...(r.divergences.length ? { divergences: r.divergences } : {}) }, r.matched === r.steps);
    }
  },
  async 'toy-sampled'() {
    const r = await sampledParity();
    emit({ model: 'toy', seeds: r.seeds, cases: r.cases, steps: r.steps, matched: r.matched,
      ...(r.mismatches.length ? { mismatches: r.mismatches.slice(0, 5) } : {}) }, r.matched === r.steps);
  },
  async 'silero-vad'() {
    const samples = readFloat32(`${FIXTURES}/speech16k.f32`);
    const plain = await runSileroPlain(`${MODELS}/silero-vad/silero_vad_v5.onnx`, samples);
    const weft = await sileroOn('chromium-wasm');
    let maxAbs = weft.probabilities.length === plain.length ? 0 : Infinity;
    plain.forEach((p, i) => { maxAbs = Math.max(maxAbs, Math.abs(p - weft.probabilities[i])); });
    emit({ model: 'silero-vad-v5', runtime: 'chromium-wasm', chunks: plain.length, max_abs_diff: maxAbs,
      speech_chunks: plain.filter((p) => p > 0.5).length }, maxAbs <= 1e-5);
  },
};

// One JSON line per tokenizer over the whole corpus (tools/parity/tokenizers.mjs).
TARGETS.tokenizers = async () => {
  const corpus = readCorpus();
  for (const name of Object.keys(TOKENIZERS)) {
    const { ok, mismatches, ...line } = await tokenizerParity(name, corpus);
    emit({ ...line, ...(mismatches.length ? { mismatches } : {}) }, ok);
  }
  for (const name of Object.keys(PAIR_TOKENIZERS)) {
    const { ok, mismatches, ...line } = await pairParity(name, corpus);
    emit({ ...line, ...(mismatches.length ? { mismatches } : {}) }, ok);
  }
};

// Pocket TTS text front end: one JSON line per tokenizer file and rule set (tools/parity/pocket-tts-text.mjs).
TARGETS['pocket-tts-text'] = async () => {
  const refs = readTextRefs();
  for (const file of Object.keys(TEXT_TOKENIZERS)) {
    for (const { mismatches, ...line } of await pocketTtsTextParity(file, refs)) {
      emit({ ...line, ...(mismatches.length ? { mismatches } : {}) }, line.ids_equal === line.paragraphs);
    }
  }
};

// MusicGen export: components vs transformers and the ORT greedy loop vs generate (Python).
TARGETS['musicgen-export'] = async () => musicgenExportParity(emit);

// MusicGen in Weft: greedy codes of generate / continue vs transformers' generate, per runtime.
TARGETS.musicgen = async () => {
  for (const line of await musicgenWeftParity()) emit(line, line.matched === line.steps);
  const peer = await musicgenPeerParity();
  emit(peer, peer.matched === peer.steps);
};

// MusicGen in Weft under audiocraft semantics vs audiocraft's own generate (windows, codes, sampling).
TARGETS['musicgen-audiocraft'] = async () => musicgenAudiocraftParity(emit);

// Pocket TTS in Weft: voice, speech at temperature 0 and at the default temperature vs pocket-tts.
TARGETS['pocket-tts'] = async () => pocketTtsParity(emit);

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(TARGETS)) {
  if (!TARGETS[name]) {
    console.error(`unknown parity target '${name}'; known: ${Object.keys(TARGETS).join(', ')}`);
    process.exit(2);
  }
  await TARGETS[name]();
}
process.exit(failed ? 1 : 0);
