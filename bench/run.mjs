// `npm run bench -- <name>`: side-by-side benchmarks printing JSON lines. Names: overhead, tokenizers, classifier, musicgen, musicgen-gpu, musicgen-cache, audio, pocket-tts, matmul-nbits.
import { benchOverhead } from './overhead.mjs';
import { benchTokenizers } from './tokenizers.mjs';
import { benchClassifier } from './classifier.mjs';
import { benchMusicgen } from './musicgen.mjs';
import { benchMusicgenGpu } from './musicgen-gpu.mjs';
import { benchAudio } from './audio.mjs';
import { benchPocketTts } from './pocket-tts.mjs';
import { benchMatmulNbits } from './matmul-nbits.mjs';
import { benchMusicgenCache } from './musicgen-cache.mjs';

const BENCHES = { tokenizers: benchTokenizers, overhead: benchOverhead };
BENCHES.classifier = benchClassifier;
BENCHES.musicgen = benchMusicgen;
BENCHES['musicgen-gpu'] = benchMusicgenGpu;
BENCHES.audio = benchAudio;
BENCHES['pocket-tts'] = benchPocketTts;
BENCHES['matmul-nbits'] = benchMatmulNbits;
BENCHES['musicgen-cache'] = benchMusicgenCache;
const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  if (!BENCHES[name]) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  await BENCHES[name]();
}
