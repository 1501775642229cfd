// `npm run bench -- tokenizers`: tokens/s of Weft (WASM in Node), the JS peer and native Hugging
// Face tokenizers (@anush008/tokenizers, one thread) side by side in one process, on two corpora
// (as strings): the parity corpus, and the same lines dense in characters that start added tokens
// (`<`, curly quotes, dashes, `▁`, ZWJ, `[`). The JS peer is @huggingface/tokenizers for a
// tokenizer.json and @sctg/sentencepiece-js (sentencepiece compiled to WASM) for a .model. Runs are
// interleaved round by round; the best round counts. WEFT_BENCH_TOKENIZERS=a,b limits the files,
// WEFT_BENCH_LINES=n the corpus to its first n lines.
import { readFileSync } from 'node:fs';
import { loadTokenizer } from '../web/tokenizer.js';
import { TOKENIZER_DIR, TOKENIZERS, readCorpus } from '../tools/parity/tokenizers.mjs';

const ROUNDS = Number(process.env.WEFT_BENCH_ROUNDS ?? 3);
const BATCH = 256;
const ADDED_PREFIXES = [' <', ' \u201c', '\u2014', ' \u2581', '\u200d', ' <|', '</', ' [', '\u2019 ', ' \u2013', '\u2581\u2581'];

/** The corpus with each space replaced by one of ADDED_PREFIXES in turn. */
export function addedTokenDense(texts) {
  let k = 0;
  return texts.map((t) => t.replace(/ /g, () => ADDED_PREFIXES[k++ % ADDED_PREFIXES.length]));
}

/** The JS peer of a file: @huggingface/tokenizers (tokenizer.json) or @sctg/sentencepiece-js (.model). */
async function jsPeer(path) {
  if (path.endsWith('.json')) {
    const { Tokenizer } = await import('@huggingface/tokenizers');
    const tok = new Tokenizer(JSON.parse(readFileSync(path, 'utf8')), {});
    return (t) => tok.encode(t).ids.length;
  }
  const { SentencePieceProcessor } = await import('@sctg/sentencepiece-js');
  const sp = new SentencePieceProcessor();
  await sp.loadFromB64StringModel(readFileSync(path).toString('base64'));
  return (t) => sp.encodeIds(t).length;
}

function timeIt(fn) {
  const t0 = process.hrtime.bigint();
  const tokens = fn();
  return { tokens, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}
async function timeAsync(fn) {
  const t0 = process.hrtime.bigint();
  const tokens = await fn();
  return { tokens, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

export async function benchTokenizers() {
  process.env.TOKENIZERS_PARALLELISM = 'false';  // native: one thread, like the other two
  const { Tokenizer: NativeTokenizer } = await import('@anush008/tokenizers');
  const texts = readCorpus().texts.slice(0, Number(process.env.WEFT_BENCH_LINES ?? Infinity));
  const corpora = { corpus: texts, added_dense: addedTokenDense(texts) };
  const only = process.env.WEFT_BENCH_TOKENIZERS?.split(',');
  for (const [name, file] of Object.entries(TOKENIZERS)) {
    if (only && !only.includes(name)) continue;
    const path = `${TOKENIZER_DIR}/${file}`;
    const weft = await loadTokenizer(path);
    const js = await jsPeer(path);
    const native = file.endsWith('.json') ? NativeTokenizer.fromFile(path) : null;
    for (const [corpus, lines] of Object.entries(corpora)) {
      const runs = {
        weft: () => timeIt(() => lines.reduce((n, t) => n + weft.encodeView(t).length, 0)),
        js: () => timeIt(() => lines.reduce((n, t) => n + js(t), 0)),
        native: native && (() => timeAsync(async () => {
          let n = 0;
          for (let i = 0; i < lines.length; i += BATCH) {
            for (const e of await native.encodeBatch(lines.slice(i, i + BATCH))) n += e.getIds().length;
          }
          return n;
        })),
      };
      console.log(JSON.stringify(benchLine(name, corpus, lines.length, await bestOf(runs), file)));
    }
    weft.dispose();
  }
}

async function bestOf(runs) {
  const best = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, run] of Object.entries(runs)) {
      if (!run) continue;
      const r = await run();
      if (!best[k] || r.s < best[k].s) best[k] = r;
    }
  }
  return best;
}

function benchLine(name, corpus, lines, best, file) {
  const rate = (r) => (r ? Math.round(r.tokens / r.s) : null);
  return {
    tokenizer: name, corpus, lines, tokens: best.weft.tokens,
    weft_tokens_per_s: rate(best.weft), js_tokens_per_s: rate(best.js), native_tokens_per_s: rate(best.native),
    weft_vs_js: +(best.js.s / best.weft.s).toFixed(2),
    weft_vs_native: best.native ? +(best.native.s / best.weft.s).toFixed(2) : null,
    ...(file.endsWith('.json') ? {} : { js_peer: '@sctg/sentencepiece-js', note: 'no native Hugging Face peer for a .model' }),
  };
}
