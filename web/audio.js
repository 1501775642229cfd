// Audio helpers from the Weft core: WAV decoding and encoding, mixdown to mono and resampling with
// torchaudio.functional.resample's semantics (docs/AUDIO.md). Samples are float32 and INTERLEAVED
// (frame-major, as WAV stores them); planar channel arrays (what AudioBuffer.getChannelData gives)
// are accepted wherever samples go in, and deinterleave() turns a result back into them.
// Every function returns arrays the caller owns (never views of WASM memory).
import { loadCore } from './core-loader.js';

/** Writes planar channels (equal lengths) into `out` frame-major; returns `out`. */
export function interleaveInto(out, planes) {
  const C = planes.length;
  if (C === 1) out.set(planes[0]);
  else planes.forEach((c, ch) => { for (let f = 0; f < c.length; f++) out[f * C + ch] = c[f]; });
  return out;
}

/** Interleaved Float32Array + channel count from interleaved samples or an array of planar channels. */
function interleavedOf(samples, channels, what) {
  if (Array.isArray(samples) && samples.length > 0 && typeof samples[0] !== 'number') {
    const planes = samples.map((c, i) => {
      if (!ArrayBuffer.isView(c) && !Array.isArray(c)) throw new Error(`weft: ${what}: channel ${i} is not an array of samples`);
      return c;
    });
    const frames = planes[0].length;
    planes.forEach((c, i) => {
      if (c.length !== frames) throw new Error(`weft: ${what}: channel ${i} has ${c.length} samples, channel 0 has ${frames}`);
    });
    if (channels !== undefined && channels !== planes.length) {
      throw new Error(`weft: ${what}: ${planes.length} channel arrays given but channels is ${channels}`);
    }
    return { data: interleaveInto(new Float32Array(frames * planes.length), planes), channels: planes.length };
  }
  if (samples instanceof Float32Array) return { data: samples, channels: channels ?? 1 };
  if (ArrayBuffer.isView(samples) || Array.isArray(samples)) return { data: Float32Array.from(samples), channels: channels ?? 1 };
  throw new Error(`weft: ${what}: expected a Float32Array, an array of numbers or an array of channel arrays`);
}

/**
 * Decodes a WAV file (PCM 8/16/24/32-bit, IEEE float 32/64-bit, plain or WAVE_FORMAT_EXTENSIBLE).
 * @returns {Promise<{sampleRate: number, channels: number, frames: number, encoding: string, samples: Float32Array}>}
 */
export async function decodeWav(bytes, { core } = {}) {
  core ??= await loadCore();
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  else if (ArrayBuffer.isView(bytes) && !(bytes instanceof Uint8Array)) {
    bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return core.audioDecodeWav(bytes);
}

/**
 * Encodes samples as a WAV file: format 'pcm16' (x * 32768 rounded half to even, clipped) or
 * 'float32' (bit-exact). samples: interleaved (give channels) or an array of channel arrays.
 */
export async function encodeWav(samples, sampleRate, { channels, format = 'pcm16', core } = {}) {
  core ??= await loadCore();
  const x = interleavedOf(samples, channels, 'encodeWav');
  return core.audioEncodeWav(x.data, x.channels, sampleRate, format);
}

/** The mean of the channels of each frame (audiocraft's convert_audio_channels to mono). */
export async function toMono(samples, channels, { core } = {}) {
  core ??= await loadCore();
  const x = interleavedOf(samples, channels, 'toMono');
  return core.audioMixdown(x.data, x.channels);
}

const RESAMPLE_OPTIONS = ['lowpassFilterWidth', 'rolloff', 'window', 'beta', 'precision'];

/**
 * torchaudio.functional.resample(samples, fromRate, toRate): windowed sinc, ceil(to * n / from)
 * output frames. options: channels (interleaved input; the output is interleaved too),
 * lowpassFilterWidth (6), rolloff (0.99), window ('hann' | 'kaiser'), beta, precision ('float32':
 * torchaudio on float32 waveforms, the default; 'float64': torchaudio on float64 ones).
 */
export async function resample(samples, fromRate, toRate, { channels, core, ...options } = {}) {
  for (const key of Object.keys(options)) {
    if (!RESAMPLE_OPTIONS.includes(key)) {
      throw new Error(`weft: resample: unknown option '${key}'; known: channels, ${RESAMPLE_OPTIONS.join(', ')}`);
    }
  }
  core ??= await loadCore();
  const x = interleavedOf(samples, channels, 'resample');
  return core.audioResample(x.data, fromRate, toRate, x.channels, options);
}

/** Interleaved samples -> one Float32Array per channel (for AudioBuffer.copyToChannel). */
/**
 * A clip given as a Float32Array (mono) or an array of channel Float32Arrays, with its sample rate,
 * checked for a call (`what`, e.g. "continue()"; `noun` names the clip in errors); returns
 * { channels, sampleRate }.
 */
export function clipChannels(audio, sampleRate, name, what, noun = 'audio') {
  const channels = audio instanceof Float32Array ? [audio] : audio;
  if (!Array.isArray(channels) || channels.length === 0 || channels.some((c) => !(c instanceof Float32Array))) {
    throw new TypeError(`weft: ${name}: ${what} takes the ${noun} as a Float32Array (mono) or an array of channel Float32Arrays, got ${audio?.constructor?.name ?? typeof audio}`);
  }
  if (channels.some((c) => c.length !== channels[0].length)) {
    throw new Error(`weft: ${name}: the ${noun}'s channels differ in length (${channels.map((c) => c.length).join(', ')} samples)`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new TypeError(`weft: ${name}: ${what} needs the ${noun}'s sample rate as a positive integer (Hz), got ${sampleRate}`);
  }
  return { channels, sampleRate };
}

/** Interleaves the channels straight into a generator's input view, then ends the input. */
export function pushClip(generator, channels) {
  const n = channels[0].length * channels.length;
  interleaveInto(generator.pushView(n), channels);
  generator.push(n);
  generator.finish();
}

export function deinterleave(samples, channels) {
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`weft: deinterleave: channels is ${channels}, expected >= 1`);
  if (samples.length % channels !== 0) {
    throw new Error(`weft: deinterleave: ${samples.length} samples is not a whole number of ${channels}-channel frames`);
  }
  const frames = samples.length / channels;
  return Array.from({ length: channels }, (_, ch) => {
    const out = new Float32Array(frames);
    for (let f = 0; f < frames; f++) out[f] = samples[f * channels + ch];
    return out;
  });
}
