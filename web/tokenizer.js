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

const isJsonSpace = (b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * Whether bytes look like a JSON object: after an optional UTF-8 BOM and whitespace, '{', then
 * (after whitespace) '"' or '}'. A SentencePiece .model (protobuf) starts with the tag byte 0x0A
 * and a length, so it never passes both checks in practice, while a tokenizer.json saved with a
 * BOM or a leading newline does.
 */
export function looksLikeJson(bytes) {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && isJsonSpace(bytes[i])) i++;
  if (bytes[i++] !== 0x7b) return false;
  while (i < bytes.length && isJsonSpace(bytes[i])) i++;
  return bytes[i] === 0x22 || bytes[i] === 0x7d;
}

/**
 * Loads a tokenizer from a path / URL or bytes. format: 'json' (tokenizer.json) or
 * 'sentencepiece' (.model); guessed from the name (.json / .model), else from the bytes
 * (looksLikeJson), when absent.
 */
export async function loadTokenizer(source, { format, core, fetch } = {}) {
  const bytes = await readSource(source, fetch);
  core ??= await loadCore();
  format ??= typeof source === 'string' && source.endsWith('.model') ? 'sentencepiece'
    : typeof source === 'string' && source.endsWith('.json') ? 'json'
      : looksLikeJson(bytes) ? 'json' : 'sentencepiece';
  const native = format === 'sentencepiece' ? core.Tokenizer.fromSentencePiece(bytes) : core.Tokenizer.fromJson(bytes);
  return new Tokenizer(native);
}

export class Tokenizer {
  constructor(native) {
    this.native = native;
    this.info = JSON.parse(native.infoJson());
  }

  /** Ids as a view of WASM memory, valid until the next call into the core. */
  encodeView(text, { addSpecialTokens = true } = {}) {
    const n = this.#write(text);
    return this.native.encode(n, addSpecialTokens);
  }

  /** Ids as an Int32Array the caller owns. */
  encode(text, options) {
    return this.encodeView(text, options).slice();
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

  #write(text) {
    if (text instanceof Uint8Array) {
      this.native.inputView(text.length).set(text);
      return text.length;
    }
    if (typeof text !== 'string') throw new TypeError('weft: tokenizer input must be a string or a Uint8Array');
    // Past the core's limit (maxInputBytes, 256 MiB) at 3 bytes per UTF-16 unit: measure the real
    // UTF-8 size, which the core then accepts or refuses with both numbers.
    if (text.length * 3 > this.native.constructor.maxInputBytes()) return this.#write(encoder.encode(text));
    const view = this.native.inputView(text.length * 3);  // UTF-8 needs at most 3 bytes per UTF-16 unit
    return encoder.encodeInto(text, view).written;
  }
}
