// The task for manifests whose generator type is "pocket_tts": streaming text-to-speech with
// voice cloning (docs/POCKET_TTS.md). The core chunks and tokenizes the text, restores the voice
// for every chunk, draws the noise and decides where speech ends; this file turns the JS call into
// core options, pushes voices and clips, and hands each decoded frame to onAudio.

import { clipChannels, pushClip } from './audio.js';
import { runSteps } from './step-loop.js';
import { Task, coreOptions } from './task.js';

export class SpeechSynthesizer extends Task {
  static generatorType = 'pocket_tts';
  static jsOptions = ['voice', 'signal', 'onAudio', 'keepAudio'];
  /** speak() and voiceFrom() set these from their voice / audio arguments. */
  static derivedOptions = ['voiceBytes', 'voiceSamples', 'voiceSampleRate', 'voiceChannels'];

  constructor(model) {
    super(model);
    this.sampleRate = model.info.generator.sample_rate;
  }

  /**
   * Speaks `text`. options: { text, voice (bytes from voiceFrom), temperature, seed, eosThreshold,
   * framesAfterEos, maxTokensPerChunk, signal, onAudio, keepAudio (default true; false: only
   * onAudio receives the audio, for very long texts) }. Each decoded frame reaches
   * onAudio({ audio, offset, sampleRate }) as soon as it exists.
   */
  async speak(options = {}) {
    const model = this.model;
    model.assertUsable();
    const { signal, onAudio, keepAudio = true } = options;
    signal?.throwIfAborted();
    if (typeof options.text !== 'string') throw new TypeError(`weft: ${model.name}: speak() needs options.text, a string`);
    const voice = options.voice == null ? null : voiceBytes(options.voice, model.name);
    const generator = model.createGenerator(coreOptions(this, options, { voiceBytes: voice?.length }));
    const started = performance.now();
    try {
      if (voice) pushBytes(generator, voice);
      const parts = [];
      let offset = 0;
      let firstAudio = null;
      const { runMs } = await runSteps(model, generator, {
        signal,
        onAccept: (count) => {
          firstAudio ??= performance.now() - started;
          const audio = generator.results().slice(0, count);
          if (keepAudio) parts.push(audio);
          onAudio?.({ audio, offset, sampleRate: this.sampleRate });
          offset += count;
        },
      });
      const totalMs = performance.now() - started;
      const stats = JSON.parse(generator.statsJson());
      return {
        audio: keepAudio ? concat(parts, offset) : new Float32Array(0),
        sampleRate: this.sampleRate,
        samples: offset,
        timeToFirstAudioMs: firstAudio ?? totalMs,
        realTimeFactor: offset / this.sampleRate / (totalMs / 1000),
        stats: { coreMs: stats.core_ms, runMs, totalMs, runs: stats.steps, chunks: stats.chunks, frames: stats.frames, chunksCapped: stats.chunks_capped },
      };
    } finally {
      generator.delete();
    }
  }

  /**
   * A voice from a clip of speech (a Float32Array, mono, or an array of channel Float32Arrays)
   * recorded at `sampleRate`: bytes to pass as speak({ voice }) and to store (they hold the voice
   * encoder's output, so speaking with them later needs no encoding).
   */
  async voiceFrom(audio, sampleRate, { signal } = {}) {
    const model = this.model;
    model.assertUsable();
    signal?.throwIfAborted();
    const clip = clipChannels(audio, sampleRate, model.name, 'voiceFrom()', 'voice clip');
    const derived = { voiceSamples: clip.channels[0].length, voiceSampleRate: clip.sampleRate, voiceChannels: clip.channels.length };
    const generator = model.createGenerator(coreOptions(this, {}, derived));
    try {
      pushClip(generator, clip.channels);
      let bytes = null;
      await runSteps(model, generator, {
        signal,
        onAccept: (count) => {
          const words = generator.results();
          bytes = new Uint8Array(words.buffer.slice(words.byteOffset, words.byteOffset + 4 * count));
        },
      });
      return bytes;
    } finally {
      generator.delete();
    }
  }
}

function voiceBytes(voice, name) {
  if (voice instanceof Uint8Array) return voice;
  if (voice instanceof ArrayBuffer) return new Uint8Array(voice);
  if (ArrayBuffer.isView(voice)) return new Uint8Array(voice.buffer, voice.byteOffset, voice.byteLength);
  throw new TypeError(`weft: ${name}: options.voice must be the bytes voiceFrom() returned (a Uint8Array or ArrayBuffer), got ${voice?.constructor?.name ?? typeof voice}`);
}

/** A stored voice's bytes, copied as they are into the core's float32 input view. */
function pushBytes(generator, bytes) {
  const words = bytes.length / 4;
  const view = generator.pushView(words);
  new Uint8Array(view.buffer, view.byteOffset, bytes.length).set(bytes);
  generator.push(words);
  generator.finish();
}

function concat(parts, total) {
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
