// Plays audio as it streams in: each chunk becomes an AudioBufferSourceNode scheduled on the
// AudioContext clock at its place in the output (offset / sampleRate after the first chunk).
// A chunk that arrives late shifts the rest of the timeline instead of overlapping.

const LEAD_S = 0.15; // headroom before the first chunk plays

export class StreamPlayer {
  /** leadS: headroom before the first chunk plays; latencyHint: the AudioContext's. */
  constructor(sampleRate, { leadS = LEAD_S, latencyHint = 'playback' } = {}) {
    this.sampleRate = sampleRate;
    this.leadS = leadS;
    this.latencyHint = latencyHint;
    this.context = null;
    this.sources = new Set();
    this.origin = null;
  }

  /** Call from a user gesture (autoplay rules); returns false when audio output is unavailable. */
  start() {
    this.stop();
    try {
      this.context ??= new AudioContext({ sampleRate: this.sampleRate, latencyHint: this.latencyHint });
      this.context.resume();
    } catch {
      this.context = null;
    }
    this.origin = null;
    return !!this.context;
  }

  /**
   * Schedules `samples` (mono Float32Array) that start at sample `offset` of the output; returns
   * when they start on the context's clock (seconds), or null when nothing was scheduled.
   */
  push(samples, offset) {
    const context = this.context;
    if (!context || samples.length === 0) return null;
    const now = context.currentTime;
    if (this.origin === null) this.origin = now + this.leadS - offset / this.sampleRate;
    let when = this.origin + offset / this.sampleRate;
    if (when < now + 0.02) {
      this.origin += now + 0.05 - when;
      when = now + 0.05;
    }
    const buffer = context.createBuffer(1, samples.length, this.sampleRate);
    buffer.copyToChannel(samples, 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    source.onended = () => this.sources.delete(source);
    source.start(when);
    this.sources.add(source);
    return when;
  }

  /** The output sample playing now (from the first chunk's schedule), or null before any. */
  position() {
    if (!this.context || this.origin === null) return null;
    return (this.context.currentTime - this.origin) * this.sampleRate;
  }

  stop() {
    for (const source of this.sources) source.stop();
    this.sources.clear();
  }
}
