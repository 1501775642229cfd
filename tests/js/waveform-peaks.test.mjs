// The demo waveform's min/max blocks (web/demo/waveform.js) against min/max taken directly over
// the raw samples of each column: the blocks may be coarsened as audio streams in, but every
// column must still show exactly its samples' extremes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Peaks } from '../../web/demo/waveform.js';

/** Column x spans samples [floor(x·span/columns), floor((x+1)·span/columns)) when blocks are 1 sample. */
function rawColumns(samples, columns, span, blockSize) {
  const lo = new Float32Array(columns).fill(Infinity);
  const hi = new Float32Array(columns).fill(-Infinity);
  const perBlock = span / columns / blockSize;
  for (let x = 0; x < columns; x++) {
    const first = Math.floor(x * perBlock) * blockSize;
    const last = Math.max(first + blockSize, Math.floor((x + 1) * perBlock) * blockSize);
    for (let i = first; i < Math.min(last, samples.length); i++) {
      lo[x] = Math.min(lo[x], samples[i]);
      hi[x] = Math.max(hi[x], samples[i]);
    }
  }
  return { lo, hi };
}

function noise(n, seed) {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * (1 + (i % 977) / 300);
  }
  return out;
}

test('streamed chunks coarsened past the block limit give each column its samples\' min and max', () => {
  const samples = noise(32000 * 40 + 123, 7); // 40 s at 32 kHz: far past the block limit at 1 sample per block
  const peaks = new Peaks();
  for (let offset = 0; offset < samples.length; offset += 6400) peaks.add(samples.subarray(offset, offset + 6400), offset);
  assert.ok(peaks.blockSize > 1, `blocks must have grown, got ${peaks.blockSize}`);
  for (const [columns, span] of [[820, samples.length], [820, 32000 * 300], [333, samples.length + 5000]]) {
    const got = peaks.columns(columns, span);
    const want = rawColumns(samples, columns, span, peaks.blockSize);
    assert.deepEqual(got.lo, want.lo, `min per column, ${columns} columns over ${span} samples`);
    assert.deepEqual(got.hi, want.hi, `max per column, ${columns} columns over ${span} samples`);
  }
});

test('a short clip keeps one sample per block and leaves columns past its end empty', () => {
  const samples = noise(1000, 3);
  const peaks = new Peaks();
  peaks.add(samples, 0);
  assert.equal(peaks.blockSize, 1);
  const { lo, hi } = peaks.columns(100, 2000);
  assert.equal(lo[0], Math.min(...samples.subarray(0, 20)));
  assert.equal(hi[49], Math.max(...samples.subarray(980, 1000)));
  assert.equal(lo[50], Infinity);
  assert.equal(hi[99], -Infinity);
});
