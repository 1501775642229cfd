// Tokenizers through the JS API on the WASM core, against references from Hugging Face
// `tokenizers` / `sentencepiece` (build/models/tokenizers/refs, written at fixture time).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadCore, loadTokenizer } from '../../web/weft.js';
import { PAIR_TOKENIZERS, TOKENIZER_DIR, TOKENIZERS, pairParity, readCorpus, tokenizerParity } from '../../tools/parity/tokenizers.mjs';

const corpus = readCorpus();

for (const name of Object.keys(TOKENIZERS)) {
  test(`${name}: every corpus line encodes and decodes exactly as the reference`, async () => {
    const r = await tokenizerParity(name, corpus);
    assert.ok(r.lines >= 20000);
    assert.deepEqual({ exact: r.exact, decode: r.decode_exact, rt: r.round_trips },
      { exact: r.lines, decode: r.lines, rt: r.ref_round_trips }, JSON.stringify(r.mismatches));
  });
}

for (const name of Object.keys(PAIR_TOKENIZERS)) {
  test(`${name}: pairs of lines give the reference ids and type ids (whole and truncated)`, async () => {
    const r = await pairParity(name, corpus);
    assert.ok(r.pairs >= 3000);
    assert.deepEqual({ exact: r.exact, truncated: r.truncated_exact }, { exact: r.pairs, truncated: r.truncated },
      JSON.stringify(r.mismatches));
  });
}

test('encode(text, {pair}) equals encodePair(text, pair).ids; without specials only the texts with their type ids', async () => {
  const tok = await loadTokenizer(`${TOKENIZER_DIR}/bert.json`);
  const { ids, typeIds } = tok.encodePair('hello world', new TextEncoder().encode('bar baz'));
  assert.deepEqual([...tok.encode('hello world', { pair: 'bar baz' })], [...ids]);
  assert.equal(ids.length, typeIds.length);
  const plain = tok.encodePair('hello world', 'bar baz', { addSpecialTokens: false });
  assert.deepEqual([...plain.ids], [...tok.encode('hello world', { addSpecialTokens: false }), ...tok.encode('bar baz', { addSpecialTokens: false })]);
  assert.deepEqual([...plain.typeIds], [0, 0, 1, 1, 1]);  // Hugging Face: encode("hello world", "bar baz", add_special_tokens=False)
  tok.dispose();
});

test('no special tokens, truncation and padding equal the references', async () => {
  for (const name of ['gpt2', 'mistral', 'bert', 't5', 'llama3', 'qwen3', 'gemma3']) {
    const tok = await loadTokenizer(`${TOKENIZER_DIR}/${TOKENIZERS[name]}`);
    const ref = JSON.parse(readFileSync(`${TOKENIZER_DIR}/refs/${name}.extra.json`, 'utf8'));
    ref.no_special.forEach((want, i) => assert.deepEqual([...tok.encode(corpus.lines[i], { addSpecialTokens: false })], want, `${name} ${i}`));
    tok.setTruncation(16);
    tok.setPadding(24);
    ref.trunc16_pad24.forEach((want, i) => assert.deepEqual([...tok.encode(corpus.texts[i])], want, `${name} ${i}`));
    tok.dispose();
  }
});

test('encode returns an owned Int32Array; encodeView aliases WASM memory; strings and bytes agree', async () => {
  const tok = await loadTokenizer(`${TOKENIZER_DIR}/t5.json`);
  const ids = tok.encode('Hello world');
  assert.ok(ids instanceof Int32Array);
  const view = tok.encodeView('Hello world');
  assert.deepEqual([...view], [...ids]);
  assert.notEqual(view.buffer, ids.buffer);
  // Invalid UTF-8 bytes encode like their TextDecoder string (U+FFFD per maximal subpart).
  const bytes = new Uint8Array([0x61, 0xf0, 0x9f, 0x98, 0x62, 0xff, 0xed, 0xa0, 0x80]);
  assert.deepEqual([...tok.encode(bytes)], [...tok.encode(new TextDecoder().decode(bytes))]);
  assert.equal(tok.decode(tok.encode('a lone \ud800 surrogate')), tok.decode(tok.encode('a lone \ufffd surrogate')));
  assert.equal(tok.idToToken(tok.tokenToId('▁the')), '▁the');
  assert.equal(tok.tokenToId('no such token'), -1);
  assert.deepEqual(tok.encodeBatch(['a', 'b']).map((x) => [...x]), [[...tok.encode('a')], [...tok.encode('b')]]);
  tok.dispose();
});

test('malformed files give JS Errors naming the problem, without leaking', async () => {
  const core = await loadCore();
  const model = readFileSync(`${TOKENIZER_DIR}/albert.model`);
  const cases = [
    [() => core.Tokenizer.fromSentencePiece(model.subarray(0, model.length >> 1)), /sentencepiece model: .*runs past the end/],
    [() => core.Tokenizer.fromSentencePiece(new Uint8Array(0)), /empty input/],
    [() => core.Tokenizer.fromJson('{"model": {"type": "Foo"}}'), /unknown model type 'Foo'/],
    [() => core.Tokenizer.fromJson('{"model": {"type": "BPE", "vocab": {"a": 0}}}'), /missing field 'merges'/],
    [() => core.Tokenizer.fromJson('{"model": {"type": "BPE", "vocab": {"a": 0, "ab": 1}, "merges": ["a b"]}}'), /names unknown token 'b'/],
    [() => core.Tokenizer.fromJson('{"model": '), /invalid JSON/],
    [() => core.Tokenizer.fromJson(42), /expected a Uint8Array, ArrayBuffer or string/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e) => e instanceof Error && /^weft: /.test(e.message) && re.test(e.message));
  const before = core.heapBytesInUse();
  for (let i = 0; i < 50; i++) for (const [fn] of cases) assert.throws(fn);
  assert.ok(core.heapBytesInUse() - before < 4096, 'heap grew on throwing calls');
  const tok = await loadTokenizer(`${TOKENIZER_DIR}/bert.json`);
  assert.throws(() => tok.idToToken(1e9), /outside the vocabulary/);
  assert.throws(() => tok.decode([1e9]), /outside the vocabulary/);
  tok.dispose();
});

test('the toy package ships a 512-id byte-level BPE that matches Hugging Face tokenizers', async () => {
  const { MODELS } = await import('../../tools/paths.mjs');
  const tok = await loadTokenizer(`${MODELS}/toy/tokenizer.json`);
  const manifest = JSON.parse(readFileSync(`${MODELS}/toy/weft.json`, 'utf8'));
  assert.equal(tok.vocabSize, 512);
  assert.equal(tok.vocabSize, manifest.dims.vocab);
  const ref = JSON.parse(readFileSync(`${MODELS}/fixtures/toy_tokenizer_refs.json`, 'utf8'));
  ref.ids.forEach((want, i) => {
    assert.deepEqual([...tok.encode(corpus.lines[i])], want, `line ${i}`);
    assert.equal(tok.decode(want), ref.decoded[i], `line ${i}`);
  });
  tok.dispose();
});

test('the toy generator takes text: encoded by its shipped tokenizer exactly as Hugging Face does', async () => {
  const { load } = await import('../../web/weft.js');
  const { MODELS } = await import('../../tools/paths.mjs');
  const { Tokenizer: NativeTokenizer } = await import('@anush008/tokenizers');
  const reference = NativeTokenizer.fromFile(`${MODELS}/toy/tokenizer.json`);
  const model = await load(`${MODELS}/toy`, { ort: await import('onnxruntime-node'), backend: 'cpu' });
  try {
    assert.ok(model.tokenizer, 'the toy package declares its tokenizer');
    const text = 'Weft runs models on device';
    const ids = (await reference.encode(text)).getIds();
    const fromText = await model.generate({ text, maxNewTokens: 12 });
    const fromIds = await model.generate({ prompt: ids, maxNewTokens: 12 });
    assert.deepEqual([...fromText.tokens], [...fromIds.tokens]);
    assert.equal(fromText.text, (await reference.decode([...fromText.tokens], true)));
    await assert.rejects(model.generate({ text, prompt: ids }), /either prompt \(ids\) or text/);
  } finally {
    await model.dispose();
  }
  const bare = await load(`${MODELS}/toy-nan`, { ort: await import('onnxruntime-node'), backend: 'cpu' });
  try {
    await assert.rejects(bare.generate({ text: 'hi' }), /has no tokenizer/);
  } finally {
    await bare.dispose();
  }
});

test('loadTokenizer tells tokenizer.json bytes (BOM, leading whitespace) from a .model', async () => {
  const core = await loadCore();
  const looksLikeJson = (bytes) => core.Tokenizer.looksLikeJson(bytes);
  const json = readFileSync(`${TOKENIZER_DIR}/t5.json`);
  const want = [...(await loadTokenizer(json)).encode('Hello world')];
  for (const head of ['\ufeff', '\n', ' \r\n\t', '\ufeff\n  ']) {
    const bytes = new Uint8Array([...new TextEncoder().encode(head), ...json]);
    assert.ok(looksLikeJson(bytes), JSON.stringify(head));
    const tok = await loadTokenizer(bytes);
    assert.deepEqual([...tok.encode('Hello world')], want);
    tok.dispose();
  }
  for (const name of ['albert', 'llama', 'tinybpe']) {
    const bytes = readFileSync(`${TOKENIZER_DIR}/${name}.model`);
    assert.equal(looksLikeJson(bytes), false, name);
    const tok = await loadTokenizer(new Uint8Array(bytes));
    assert.equal(tok.info.format, 'sentencepiece');
    tok.dispose();
  }
  assert.equal(looksLikeJson(new Uint8Array([0x0a, 0x7b, 0x0a, 0x05])), false);
  assert.equal(looksLikeJson(new Uint8Array([0x7b, 0x0a, 0x05])), false);  // '{' then a protobuf-like byte
  await assert.rejects(loadTokenizer(new Uint8Array([0x0a, 0x7b, 0x0a, 0x05])), /sentencepiece model/);
});

test('SentencePiece BPE .model: LLaMA pieces, byte fallback and decode', async () => {
  const tok = await loadTokenizer(`${TOKENIZER_DIR}/llama.model`);
  assert.equal(tok.info.model, 'BPE');
  assert.equal(tok.vocabSize, 32000);
  assert.deepEqual([...tok.encode('Hello world')], [15043, 3186]);
  const emoji = [...tok.encode('\u{1fae8}')];  // not a piece: four <0xNN> byte pieces after "▁"
  assert.deepEqual(emoji.slice(1).map((id) => tok.idToToken(id)), ['<0xF0>', '<0x9F>', '<0xAB>', '<0xA8>']);
  assert.equal(tok.decode(emoji), '\u{1fae8}');
  assert.equal(tok.decode([tok.tokenToId('<0xE2>'), tok.tokenToId('<0x82>'), tok.tokenToId('▁a')]), '\ufffd\ufffd a');
  assert.equal(tok.decode([1, 15043, 2]), 'Hello');  // <s> and </s> are control pieces
  tok.dispose();
});

test('a text over the core limit is refused with its size and the limit', async () => {
  const core = await loadCore();
  const limit = core.Tokenizer.maxInputBytes();
  assert.equal(limit, 256 * 2 ** 20);
  const tok = await loadTokenizer(`${TOKENIZER_DIR}/llama.model`);
  const big = new Uint8Array(limit + 1).fill(0x61);
  assert.throws(() => tok.encode(big), new RegExp(`input of ${limit + 1} bytes is over the limit of ${limit} bytes \\(256 MiB\\)`));
  assert.throws(() => tok.encode('a'.repeat(limit + 7)), new RegExp(`input of ${limit + 7} bytes is over the limit`));
  assert.deepEqual([...tok.encode('Hello world')], [15043, 3186]);  // still usable
  tok.dispose();
});
