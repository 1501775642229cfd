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

// Pair sequences (post-processor $B): encode(a, b) of line pairs (2i, 2i + 1), ids and type ids,
// then the first ones truncated to 12 ids (longest_first), against Hugging Face's encode(a, b).
export const PAIR_TOKENIZERS = { bert: 'bert.json', t5: 't5.json', gemma3: 'gemma3.json', gpt2_roberta: 'gpt2_roberta.json' };
const PAIR_TRUNCATION = 12;

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

export async function pairParity(name, corpus = readCorpus()) {
  const tok = await loadTokenizer(`${TOKENIZER_DIR}/${PAIR_TOKENIZERS[name]}`);
  const ref = JSON.parse(readFileSync(`${TOKENIZER_DIR}/refs/${name}.pairs.json`, 'utf8'));
  const count = (ids, typeIds, mismatches) => {
    let exact = 0;
    ids.forEach((want, i) => {
      const got = tok.encodePair(corpus.lines[2 * i], corpus.lines[2 * i + 1]);
      if (same(got.ids, want) && same(got.typeIds, typeIds[i])) exact++;
      else if (mismatches.length < 3) mismatches.push({ pair: i, got: [...got.ids].slice(0, 12), want: want.slice(0, 12) });
    });
    return exact;
  };
  const mismatches = [];
  const exact = count(ref.ids, ref.type_ids, mismatches);
  tok.setTruncation(PAIR_TRUNCATION);
  const truncatedExact = count(ref.truncated_ids, ref.truncated_type_ids, mismatches);
  tok.dispose();
  return { tokenizer: name, pairs: ref.ids.length, exact, truncated: ref.truncated_ids.length, truncated_exact: truncatedExact,
    ok: exact === ref.ids.length && truncatedExact === ref.truncated_ids.length, mismatches };
}
