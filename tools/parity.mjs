// `npm run parity -- <target>`: prints one JSON line per check; exits non-zero on any mismatch.
// Targets: toy, toy-sampled, silero-vad (no target: all of them).
import { FIXTURES, MODELS } from './paths.mjs';
import { RUNTIMES, runtimeLabel, sileroOn, toyGreedyOn } from './parity/runtimes.mjs';
import { sampledParity } from './parity/sampled.mjs';
import { runSileroPlain } from './parity/silero-plain.mjs';
import { readFloat32 } from './paths.mjs';

let failed = false;
const emit = (line, ok) => {
  console.log(JSON.stringify(line));
  if (!ok) failed = true;
};

const TARGETS = {
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

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(TARGETS)) {
  if (!TARGETS[name]) {
    console.error(`unknown parity target '${name}'; known: ${Object.keys(TARGETS).join(', ')}`);
    process.exit(2);
  }
  await TARGETS[name]();
}
process.exit(failed ? 1 : 0);
