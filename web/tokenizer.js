// Tokenizers from the Weft core: Hugging Face tokenizer.json or SentencePiece .model, loaded from
// bytes (no filesystem in the core). Text is UTF-8-encoded by TextEncoder.encodeInto straight into
// WASM memory and the ids come back as a view of WASM memory: encodeView() returns that view
// (valid until the next call on any tokenizer), encode() one copy of it.
// Invalid UTF-8 given as bytes becomes U+FFFD per maximal ill-formed subpart (as TextDecoder does);
// lone surrogates in JS strings become U+FFFD (as TextEncoder does).
import { loadCore } from './core-loader.js';
import { fileHost, isLocalFile } from './host.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });  // keep a leading U+FEFF

async function readSource(source, fetchImpl = globalThis.fetch) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const text = String(source);
  if (isLocalFile(text)) {
    const { fs } = await fileHost();
    return new Uint8Array(await fs.readFile(text.startsWith('file:') ? new URL(text) : text));
  }
  const response = await fetchImpl(text);
  if (!response.ok) throw new Error(`weft: could not fetch ${text}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** 'json' for a .json name, 'sentencepiece' for a .model name, else undefined (the bytes decide). */
export function formatFromName(name) {
  if (typeof name !== 'string') return undefined;
  return name.endsWith('.model') ? 'sentencepiece' : name.endsWith('.json') ? 'json' : undefined;
}

/**
 * Loads a tokenizer from a path / URL or bytes. format: 'json' (tokenizer.json) or
 * 'sentencepiece' (.model); when absent, taken from the name (formatFromName), else from the
 * bytes by the core (Tokenizer::looksLikeJson: a BOM and whitespace may precede the JSON object).
 */
export async function loadTokenizer(source, { format, core, fetch } = {}) {
  const bytes = await readSource(source, fetch);
  core ??= await loadCore();
  format ??= formatFromName(source);
  if (format !== undefined && format !== 'json' && format !== 'sentencepiece') {
    throw new Error(`weft: loadTokenizer: format must be 'json' or 'sentencepiece' but got '${format}'`);
  }
  const native = format === 'sentencepiece' ? core.Tokenizer.fromSentencePiece(bytes)
    : format === 'json' ? core.Tokenizer.fromJson(bytes) : core.Tokenizer.fromBytes(bytes);
  return new Tokenizer(native);
}

export class Tokenizer {
  #inputView = (n) => this.native.inputView(n);
  #pairInputView = (n) => this.native.pairInputView(n);

  constructor(native) {
    this.native = native;
    this.info = JSON.parse(native.infoJson());
  }

  /**
   * Ids as a view of WASM memory, valid until the next call into the core. With `pair`, the two
   * texts joined by the post-processor (BERT: [CLS] text [SEP] pair [SEP]).
   */
  encodeView(text, { addSpecialTokens = true, pair } = {}) {
    const n = this.#write(text, this.#inputView);
    if (pair === undefined) return this.native.encode(n, addSpecialTokens);
    const m = this.#write(pair, this.#pairInputView);
    return this.native.encodePair(n, m, addSpecialTokens);
  }

  /** Ids as an Int32Array the caller owns. */
  encode(text, options) {
    return this.encodeView(text, options).slice();
  }

  /** A pair of texts: ids and the type id of each (0 for the first text's part, 1 for the second's as the file says). */
  encodePair(text, pair, { addSpecialTokens = true } = {}) {
    const ids = this.encodeView(text, { addSpecialTokens, pair }).slice();
    return { ids, typeIds: this.native.typeIdsView().slice() };
  }

  encodeBatch(texts, options) {
    return texts.map((t) => this.encode(t, options));
  }

  decode(ids, { skipSpecialTokens = true } = {}) {
    this.native.idsView(ids.length).set(ids);
    return decoder.decode(this.native.decode(ids.length, skipSpecialTokens));
  }

  idToToken(id) { return this.native.idToToken(id); }
  /** -1 when the token is not in the vocabulary. */
  tokenToId(token) { return this.native.tokenToId(token); }
  get vocabSize() { return this.native.vocabSize(); }
  isSpecial(id) { return this.native.isSpecial(id); }
  /** Truncate to maxLength ids (specials kept); 0 turns it off. */
  setTruncation(maxLength) { this.native.setTruncation(maxLength); this.info = JSON.parse(this.native.infoJson()); }
  /** Pad on the right to length ids (padId defaults to the file's pad token); 0 turns it off. */
  setPadding(length, padId = -1) { this.native.setPadding(length, padId); this.info = JSON.parse(this.native.infoJson()); }
  dispose() { this.native?.delete(); this.native = null; }

  #write(text, viewOf) {
    if (text instanceof Uint8Array) {
      viewOf(text.length).set(text);
      return text.length;
    }
    if (typeof text !== 'string') throw new TypeError('weft: tokenizer input must be a string or a Uint8Array');
    // Past the core's limit (maxInputBytes, 256 MiB) at 3 bytes per UTF-16 unit: measure the real
    // UTF-8 size, which the core then accepts or refuses with both numbers.
    if (text.length * 3 > this.native.constructor.maxInputBytes()) return this.#write(encoder.encode(text), viewOf);
    const view = viewOf(text.length * 3);  // UTF-8 needs at most 3 bytes per UTF-16 unit
    return encoder.encodeInto(text, view).written;
  }
}
