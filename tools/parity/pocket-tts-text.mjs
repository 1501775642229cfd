// Pocket TTS text parity: Weft's chunks (WASM core in Node, core.PocketTtsText) against pocket-tts
// 4.0.1's split_into_best_sentences + prepare_text_prompt + tokenizer, computed at fixture time
// (tests/fixtures_py/weft_fixtures/pocket_tts_text.py -> build/models/pocket_tts_text/), for the
// SentencePiece .model and the tokenizer.json, under each config's text rules.
import { readFileSync } from 'node:fs';
import { loadCore } from '../../web/core-loader.js';
import { MODELS } from '../paths.mjs';

export const TEXT_DIR = `${MODELS}/pocket_tts_text`;
export const TEXT_TOKENIZERS = { 'tokenizer.model': 'fromSentencePiece', 'tokenizer.json': 'fromJson' };
const KIND = { 'tokenizer.model': 'model', 'tokenizer.json': 'json' };

export function readTextRefs() {
  return {
    paragraphs: JSON.parse(readFileSync(`${TEXT_DIR}/paragraphs.json`, 'utf8')),
    refs: JSON.parse(readFileSync(`${TEXT_DIR}/refs.json`, 'utf8')),
  };
}

/** Weft's result for one paragraph in the references' shape: {chunks} or {error: 'empty'}. */
function weftChunks(text, paragraph, rules, maxTokens) {
  try {
    return JSON.parse(text.chunksJson(paragraph, rules, maxTokens));
  } catch (e) {
    if (/text is empty/.test(e.message)) return { error: 'empty' };
    return { error: e.message };
  }
}

const sameTexts = (a, b) => (a.error || b.error ? a.error === b.error
  : a.chunks.length === b.chunks.length && a.chunks.every((c, i) => c.text === b.chunks[i].text
    && c.frames_after_eos_guess === b.chunks[i].frames_after_eos_guess));
const sameIds = (a, b) => sameTexts(a, b) && (a.error !== undefined
  || a.chunks.every((c, i) => c.ids.length === b.chunks[i].ids.length && c.ids.every((x, k) => x === b.chunks[i].ids[k])));

/**
 * One line per rule set for a tokenizer file: paragraphs compared, chunks_equal (texts and
 * frames-after-EOS guesses), ids_equal (that and every id). `only`: paragraph indices to use.
 */
export async function pocketTtsTextParity(file, { paragraphs, refs } = readTextRefs(), only = null) {
  const core = await loadCore();
  const text = core.PocketTtsText[TEXT_TOKENIZERS[file]](readFileSync(`${TEXT_DIR}/${file}`));
  const lines = [];
  try {
    for (const [name, rules] of Object.entries(refs.rule_sets)) {
      const want = refs.refs[KIND[file]][name];
      let n = 0, chunksEqual = 0, idsEqual = 0;
      const mismatches = [];
      for (const i of only ?? paragraphs.keys()) {
        const got = weftChunks(text, paragraphs[i], rules, refs.max_tokens);
        n++;
        if (sameTexts(got, want[i])) chunksEqual++;
        if (sameIds(got, want[i])) idsEqual++;
        else if (mismatches.length < 3) mismatches.push({ paragraph: i, got, want: want[i] });
      }
      lines.push({ pipeline: 'text', tokenizer: file, rules: name, paragraphs: n, chunks_equal: chunksEqual,
        ids_equal: idsEqual, mismatches });
    }
  } finally {
    text.delete();
  }
  return lines;
}
