// Pocket TTS text front end through the WASM core (core.PocketTtsText) against pocket-tts 4.0.1's
// own chunks and ids (build/models/pocket_tts_text, written at fixture time): every fourth
// paragraph here, all of them in `npm run parity -- pocket-tts-text`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadCore } from '../../web/weft.js';
import { TEXT_DIR, TEXT_TOKENIZERS, pocketTtsTextParity, readTextRefs } from '../../tools/parity/pocket-tts-text.mjs';

const data = readTextRefs();
const subset = [...data.paragraphs.keys()].filter((i) => i % 4 === 0);

for (const file of Object.keys(TEXT_TOKENIZERS)) {
  test(`${file}: chunks, frames-after-EOS guesses and ids equal the package's under every rule set`, async () => {
    const lines = await pocketTtsTextParity(file, data, subset);
    assert.ok(lines.length >= 2);
    for (const line of lines) {
      assert.equal(line.paragraphs, subset.length);
      assert.deepEqual({ chunks: line.chunks_equal, ids: line.ids_equal }, { chunks: subset.length, ids: subset.length },
        `${line.rules}: ${JSON.stringify(line.mismatches).slice(0, 2000)}`);
    }
  });
}

test('one call from tokenizer bytes equals the object; prepareJson is prepare_text_prompt', async () => {
  const core = await loadCore();
  const bytes = readFileSync(`${TEXT_DIR}/tokenizer.json`);
  const text = core.PocketTtsText.fromJson(bytes);
  const rules = data.refs.rule_sets.english;
  const paragraph = data.paragraphs[4];
  assert.equal(core.pocketTtsChunksJson(bytes, paragraph, rules, 50), text.chunksJson(paragraph, JSON.stringify(rules), 50));
  const sp = core.PocketTtsText.fromSentencePiece(readFileSync(`${TEXT_DIR}/tokenizer.model`));
  assert.equal(core.pocketTtsChunksJson(new Uint8Array(readFileSync(`${TEXT_DIR}/tokenizer.model`)), paragraph, rules, 50),
    sp.chunksJson(paragraph, rules, 50));
  text.delete();
  sp.delete();
  // Values from pocket-tts 4.0.1's prepare_text_prompt.
  assert.deepEqual(JSON.parse(core.PocketTtsText.prepareJson('  ßtraße  ', undefined)), { text: 'SStraße.', frames_after_eos_guess: 3 });
  assert.deepEqual(JSON.parse(core.PocketTtsText.prepareJson('One two three four', { pad_with_spaces_for_short_inputs: true })),
    { text: '        One two three four.', frames_after_eos_guess: 3 });
});

test('empty text, unknown rule keys and bad arguments are JS Errors naming the problem', async () => {
  const core = await loadCore();
  const text = core.PocketTtsText.fromSentencePiece(readFileSync(`${TEXT_DIR}/tokenizer.model`));
  assert.throws(() => text.chunksJson(' \n\t', {}, 50), /weft: pocket_tts: text is empty/);
  assert.throws(() => text.chunksJson('Hi.', { remove_semicolon: true }, 50), /weft: rules\.remove_semicolon: unknown key/);
  assert.throws(() => text.chunksJson('Hi.', { replace_characters: { ab: '' } }, 50), /rules\.replace_characters\.ab: a key of replace_characters must be one character/);
  assert.throws(() => text.chunksJson('Hi.', '{"remove_semicolons": ', 50), /rules: invalid JSON/);
  assert.throws(() => text.chunksJson('Hi.', {}, 0), /maxTokens: expected an integer >= 1/);
  assert.throws(() => text.chunksJson(42, {}, 50), /text: expected a Uint8Array, ArrayBuffer or string/);
  assert.equal(JSON.parse(text.chunksJson('Hi there.', null, 50)).chunks.length, 1);
  text.delete();
});
