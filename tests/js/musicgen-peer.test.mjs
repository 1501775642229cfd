// transformers.js' own MusicGen loop on the tiny package's files against transformers (PyTorch)
// generate: greedy, text only, CFG 3.0, >= 64 frames. The reference
// (fixtures/musicgen_tiny_generate.json) is written by tests/fixtures_py/weft_fixtures/musicgen.py
// from transformers' generate on the same seeded model; nothing of it comes from the ONNX files.
//
// One known difference of the two loops: transformers forces the pad token into the last
// nq - 1 columns of its delay pattern (build_delay_pattern_mask's upper triangle) and later
// steps read those pads; transformers.js fills only the start triangle and feeds its own
// predictions there. So transformers.js must equal (a) transformers' codes of a run nq - 1 steps
// longer (no forced end pads inside the frames compared) on every cell, and (b) transformers'
// codes of the same length on every cell predicted before the first forced end pad was read.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, MODELS, readJson } from '../../tools/paths.mjs';
import { loadPeer, peerGreedyCodes, peerTextIds, peerTimedGenerate } from '../../tools/peers/transformers-js-musicgen.mjs';

const PKG = `${MODELS}/musicgen-tiny`;
const ref = readJson(`${FIXTURES}/musicgen_tiny_generate.json`);

for (const device of ['cpu', 'wasm']) {
  test(`transformers.js (${device}) on the package: greedy codes equal transformers' generate`, async () => {
    const peer = await loadPeer(PKG, { device, threads: 1 });
    const seen = [];
    const n = ref.max_new_tokens;
    for (const { text, input_ids: ids, codes, codes_no_end_pad: longer } of ref.cases) {
      assert.deepEqual(peerTextIds(peer, text), ids, `tokenizer ids for ${JSON.stringify(text)}`);
      const got = await peerGreedyCodes(peer, text, { maxNewTokens: n, guidanceScale: ref.guidance_scale });
      const nq = got.length;
      assert.equal(nq, 4);
      assert.ok(got[0].length >= 64, `${got[0].length} frames`);
      for (let q = 0; q < nq; q++) {
        assert.equal(got[q].length, codes[q].length, `codebook ${q} frames`);
        const bad = got[q].findIndex((c, t) => c !== longer[q][t]);
        assert.equal(bad, -1, `${JSON.stringify(text)} codebook ${q}: frame ${bad} is ${got[q][bad]}, transformers ${longer[q][bad]}`);
        // Cell (q, t) is predicted at pattern column t + 1 + q from the columns before it; the
        // first forced end pad sits at column n + 1 - nq + 1 (codebook 0).
        const readsEndPad = (t) => t + 1 + q > n + 2 - nq;
        const same = got[q].findIndex((c, t) => !readsEndPad(t) && c !== codes[q][t]);
        assert.equal(same, -1, `${JSON.stringify(text)} codebook ${q}: frame ${same} is ${got[q][same]}, transformers ${codes[q][same]}`);
      }
      seen.push(JSON.stringify(got));
    }
    // The references are not degenerate: different texts, different music.
    assert.notEqual(seen[0], seen[1]);
    assert.ok(new Set(ref.cases[0].codes[0]).size > 8, 'reference codes nearly constant');
  });
}

test('transformers.js timing counts decoder steps of its own generate', async () => {
  const peer = await loadPeer(PKG, { device: 'cpu', threads: 1 });
  const r = await peerTimedGenerate(peer, ref.cases[0].text, { maxNewTokens: 12 });
  assert.equal(r.steps, 12);
  assert.equal(r.frames, 12 - 3);
  assert.ok(r.seconds > 0 && r.seconds <= r.totalSeconds);
});

test('transformers.js peer: bad packages and options get clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-mg-peer-'));
  try {
    cpSync(PKG, dir, { recursive: true });
    rmSync(join(dir, 'tokenizer_config.json'));
    await assert.rejects(loadPeer(dir), /lacks tokenizer_config\.json/);
    await assert.rejects(loadPeer(PKG, { dtype: 'q8' }), /needs an int8 package/);
    await assert.rejects(loadPeer(PKG, { device: 'webgpu' }), /device must be one of cpu, wasm/);
    const peer = await loadPeer(PKG);
    await assert.rejects(peerGreedyCodes(peer, 'x', { maxNewTokens: 3 }), /maxNewTokens must be an integer > 4/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
