// Tokenizer parity: Weft (WASM, in Node) against reference ids and decodes computed at fixture
// time with Hugging Face `tokenizers` / `sentencepiece` (tests/fixtures_py/weft_fixtures/tokenizer_refs.py).
// Lines are fed as raw bytes, so invalid UTF-8 goes through the core's U+FFFD rule.
import { readFileSync } from 'node:fs';
import { loadTokenizer } from '../../web/tokenizer.js';
import { MODELS } from '../paths.mjs';

export const TOKENIZER_DIR = process.env.WEFT_TOKENIZER_DIR ?? `${MODELS}/tokenizers`;
export const TOKENIZERS = {
  gpt2: 'gpt2.json', mistral: 'mistral.json', bert: 'bert.json', t5: 't5.json', albert: 'albert.model',
  llama: 'llama.model', tinybpe: 'tinybpe.model', gpt2_added: 'gpt2_added.json', mistral_added: 'mistral_added.json',
  bert_added: 'bert_added.json', llama3: 'llama3.json', qwen3: 'qwen3.json', gemma3: 'gemma3.json',
};

/** The corpus as raw byte lines (subarrays of one buffer) and as decoded strings. */
export function readCorpus() {
  const bytes = readFileSync(`${TOKENIZER_DIR}/corpus.txt`);
  const lines = [];
  for (let start = 0, i = bytes.indexOf(10); i >= 0; start = i + 1, i = bytes.indexOf(10, start)) {
    lines.push(bytes.subarray(start, i));
  }
  const decoder = new TextDecoder();
  return { lines, texts: lines.map((l) => decoder.decode(l)) };
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function tokenizerParity(name, corpus = readCorpus()) {
  const tok = await loadTokenizer(`${TOKENIZER_DIR}/${TOKENIZERS[name]}`);
  const ref = JSON.parse(readFileSync(`${TOKENIZER_DIR}/refs/${name}.json`, 'utf8'));
  let exact = 0, decodeExact = 0, refRoundTrip = 0, roundTrip = 0;
  const mismatches = [];
  corpus.lines.forEach((line, i) => {
    const ids = tok.encodeView(line);
    if (same(ids, ref.ids[i])) exact++;
    else if (mismatches.length < 3) mismatches.push({ line: i, got: [...ids].slice(0, 12), want: ref.ids[i].slice(0, 12) });
    const decoded = tok.decode(ref.ids[i]);
    if (decoded === ref.decoded[i]) decodeExact++;
    else if (mismatches.length < 3) mismatches.push({ line: i, decoded: decoded.slice(0, 80), want: ref.decoded[i].slice(0, 80) });
    if (ref.decoded[i] === corpus.texts[i]) {
      refRoundTrip++;
      if (decoded === corpus.texts[i]) roundTrip++;
    }
  });
  tok.dispose();
  const lines = corpus.lines.length;
  return { tokenizer: name, lines, exact, decode_exact: decodeExact, ref_round_trips: refRoundTrip, round_trips: roundTrip,
    ok: exact === lines && decodeExact === lines && roundTrip === refRoundTrip, mismatches };
}
