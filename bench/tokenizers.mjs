// `npm run bench -- tokenizers`: tokens/s of Weft (WASM in Node), @huggingface/tokenizers (JS) and
// native Hugging Face tokenizers (@anush008/tokenizers, one thread) side by side in one process,
// on the parity corpus (as strings). Runs are interleaved round by round; the best round counts.
import { readFileSync } from 'node:fs';
import { loadTokenizer } from '../web/tokenizer.js';
import { TOKENIZER_DIR, TOKENIZERS, readCorpus } from '../tools/parity/tokenizers.mjs';

const ROUNDS = Number(process.env.WEFT_BENCH_ROUNDS ?? 3);
const BATCH = 256;

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
  const { Tokenizer: JsTokenizer } = await import('@huggingface/tokenizers');
  const { Tokenizer: NativeTokenizer } = await import('@anush008/tokenizers');
  const { texts } = readCorpus();
  for (const [name, file] of Object.entries(TOKENIZERS)) {
    const path = `${TOKENIZER_DIR}/${file}`;
    const weft = await loadTokenizer(path);
    const isJson = file.endsWith('.json');
    const js = isJson ? new JsTokenizer(JSON.parse(readFileSync(path, 'utf8')), {}) : null;
    const native = isJson ? NativeTokenizer.fromFile(path) : null;
    const runs = {
      weft: () => timeIt(() => texts.reduce((n, t) => n + weft.encodeView(t).length, 0)),
      js: js && (() => timeIt(() => texts.reduce((n, t) => n + js.encode(t).ids.length, 0))),
      native: native && (() => timeAsync(async () => {
        let n = 0;
        for (let i = 0; i < texts.length; i += BATCH) {
          for (const e of await native.encodeBatch(texts.slice(i, i + BATCH))) n += e.getIds().length;
        }
        return n;
      })),
    };
    const best = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, run] of Object.entries(runs)) {
        if (!run) continue;
        const r = await run();
        if (!best[k] || r.s < best[k].s) best[k] = r;
      }
    }
    const rate = (r) => (r ? Math.round(r.tokens / r.s) : null);
    const line = {
      tokenizer: name, lines: texts.length, tokens: best.weft.tokens,
      weft_tokens_per_s: rate(best.weft), js_tokens_per_s: rate(best.js), native_tokens_per_s: rate(best.native),
      weft_vs_js: best.js ? +(best.js.s / best.weft.s).toFixed(2) : null,
      weft_vs_native: best.native ? +(best.native.s / best.weft.s).toFixed(2) : null,
      ...(isJson ? {} : { note: 'a .model file: the JS and native Hugging Face tokenizers load tokenizer.json only (see t5, the same model)' }),
    };
    console.log(JSON.stringify(line));
    weft.dispose();
  }
}
