// Audio through the JS API on the WASM core, against fixtures written by independent tools
// (build/models/fixtures/audio, tests/fixtures_py/weft_fixtures/audio.py): WAV files from sox /
// soundfile / Python's wave decoded by libsndfile, and torchaudio.functional.resample outputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeWav, deinterleave, encodeWav, loadCore, resample, toMono } from '../../web/weft.js';
import { FIXTURES, readFloat32 } from '../../tools/paths.mjs';

const DIR = `${FIXTURES}/audio`;
const cases = JSON.parse(readFileSync(`${DIR}/cases.json`, 'utf8'));
const file = (name) => new Uint8Array(readFileSync(`${DIR}/${name}`));
const TOLERANCE = 1e-6; // docs/AUDIO.md: max abs difference vs torchaudio

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test('decodeWav equals libsndfile on every fixture file, bit for bit', async () => {
  assert.ok(cases.wav.length >= 20);
  for (const c of cases.wav) {
    const a = await decodeWav(file(c.file));
    assert.deepEqual({ rate: a.sampleRate, channels: a.channels, frames: a.frames, encoding: a.encoding },
      { rate: c.rate, channels: c.channels, frames: c.frames, encoding: c.encoding }, c.file);
    const want = readFloat32(`${DIR}/${c.ref}`);
    assert.ok(Buffer.from(a.samples.buffer).equals(Buffer.from(want.buffer)), `${c.file}: samples differ`);
  }
});

test('decodeWav accepts ArrayBuffer and other views of the bytes', async () => {
  const bytes = file('sox_pcm24_2ch_48000.wav');
  const want = await decodeWav(bytes);
  const fromBuffer = await decodeWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const fromView = await decodeWav(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  assert.deepEqual(fromBuffer.samples, want.samples);
  assert.deepEqual(fromView.samples, want.samples);
});

test('decodeWav refuses unsupported and damaged files with the core\'s message', async () => {
  assert.ok(cases.bad.length >= 15);
  for (const c of cases.bad) {
    await assert.rejects(decodeWav(file(c.file)), (e) => e.message.startsWith('weft: WAV: ') && e.message.includes(c.error),
      `${c.file}: expected an error containing "${c.error}"`);
  }
  await assert.rejects(decodeWav('not bytes'), /decodeWav: expected a Uint8Array or ArrayBuffer/);
});

test('resample equals torchaudio.functional.resample within the stated tolerance', async () => {
  let worst = 0;
  for (const c of cases.resample) {
    const x = readFloat32(`${DIR}/${c.input}`);
    const options = { lowpassFilterWidth: c.lowpass_filter_width, rolloff: c.rolloff,
      window: c.resampling_method === 'sinc_interp_kaiser' ? 'kaiser' : 'hann', ...(c.beta === null ? {} : { beta: c.beta }) };
    const y = await resample(x, c.from, c.to, options);
    assert.equal(y.length, c.output_length, c.output);
    const d = maxAbsDiff(y, readFloat32(`${DIR}/${c.output}`));
    assert.ok(d <= TOLERANCE, `${c.output}: max abs diff ${d}`);
    worst = Math.max(worst, d);
  }
});

test('the prompt path (decode, toMono, resample to 32 kHz) matches soundfile + torch + torchaudio', async () => {
  const a = await decodeWav(file(cases.pipeline.file));
  const mono = await toMono(a.samples, a.channels);
  assert.ok(Buffer.from(mono.buffer).equals(Buffer.from(readFloat32(`${DIR}/${cases.mixdown.output}`).buffer)));
  const y = await resample(mono, a.sampleRate, cases.pipeline.to);
  assert.ok(maxAbsDiff(y, readFloat32(`${DIR}/${cases.pipeline.output}`)) <= TOLERANCE);
  // Interleaved stereo in, interleaved stereo out: each channel as if resampled alone.
  const both = await resample(a.samples, a.sampleRate, 32000, { channels: 2 });
  const [l, r] = deinterleave(a.samples, 2);
  const [bl, br] = deinterleave(both, 2);
  assert.deepEqual(bl, await resample(l, a.sampleRate, 32000));
  assert.deepEqual(br, await resample(r, a.sampleRate, 32000));
  // Planar channel arrays are accepted as input too.
  assert.deepEqual(await toMono([l, r]), mono);
});

test('encodeWav round-trips: float32 bit-exact, pcm16 to the nearest 1/32768 with clipping', async () => {
  const x = new Float32Array([0, 0.5, -0.5, 1, -1, 1.5, -1.5, 0.25 + 0.5 / 32768, 0.123456789, -0.999]);
  const f32 = await encodeWav(x, 44100, { channels: 2, format: 'float32' });
  assert.ok(f32 instanceof Uint8Array);
  const a = await decodeWav(f32);
  assert.deepEqual({ rate: a.sampleRate, ch: a.channels, frames: a.frames, enc: a.encoding }, { rate: 44100, ch: 2, frames: 5, enc: 'float32' });
  assert.deepEqual(a.samples, x);
  const p16 = await decodeWav(await encodeWav(x, 32000));
  assert.equal(p16.encoding, 'pcm16');
  assert.deepEqual([...p16.samples].map((v) => v * 32768), [0, 16384, -16384, 32767, -32768, 32767, -32768, 8192, 4045, -32735]);
  // Planar input: channels from the array count.
  const planar = await decodeWav(await encodeWav([new Float32Array([0.25, 0.5]), new Float32Array([-0.25, -0.5])], 8000, { format: 'float32' }));
  assert.deepEqual(planar.samples, new Float32Array([0.25, -0.25, 0.5, -0.5]));
});

test('bad arguments are refused with messages naming them, and nothing leaks', async () => {
  const core = await loadCore();
  const x = new Float32Array([0.1, 0.2, 0.3]);
  await decodeWav(file('bad_ms-adpcm.wav')).catch(() => {}); // warm up allocations before measuring
  const before = core.heapBytesInUse();
  await assert.rejects(encodeWav(new Float32Array([0.1, NaN]), 8000), /encodeWav: sample 1 \(frame 1, channel 0\) is NaN/);
  await assert.rejects(encodeWav(x, 8000, { channels: 2 }), /3 samples is not a whole number of 2-channel frames/);
  await assert.rejects(encodeWav(x, 8000, { format: 'mp3' }), /format 'mp3' is not supported; expected 'pcm16' or 'float32'/);
  await assert.rejects(encodeWav(x, 0), /encodeWav: sampleRate: expected an integer from 1/);
  await assert.rejects(resample(x, 44100.5, 32000), /resample: fromRate: expected an integer from 1 to 1000000, got 44100.5/);
  await assert.rejects(resample(x, 44100, 32000, { rolloff: 0 }), /resample: rolloff is 0/);
  await assert.rejects(resample(x, 44100, 32000, { window: 'blackman' }), /window 'blackman' is not supported/);
  await assert.rejects(resample(x, 44100, 32000, { lowpass_filter_width: 6 }), /unknown option 'lowpass_filter_width'/);
  await assert.rejects(toMono(x, 0), /mixdown: channels: expected an integer from 1 to 64, got 0/);
  await assert.rejects(toMono([new Float32Array(2), new Float32Array(3)]), /channel 1 has 3 samples, channel 0 has 2/);
  for (const c of cases.bad) await decodeWav(file(c.file)).catch(() => {});
  assert.equal(core.heapBytesInUse(), before);
});
