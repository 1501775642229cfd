// A waveform of streamed mono audio on a canvas: each column shows the min and max of its samples,
// the time axis grows with the audio (at least `minSeconds` wide), and an optional playhead marks
// the sample being heard. Redraws at most once per animation frame.

export class Waveform {
  constructor(canvas, { sampleRate, minSeconds = 3 } = {}) {
    this.canvas = canvas;
    this.sampleRate = sampleRate;
    this.minSamples = Math.round(minSeconds * sampleRate);
    this.parts = [];
    this.length = 0;
    this.playhead = null;
    this.pending = false;
    this.reset();
  }

  reset() {
    this.parts = [];
    this.length = 0;
    this.playhead = null;
    this.schedule();
  }

  /** Adds samples that start at `offset` (streamed frames arrive in order). */
  add(samples, offset) {
    this.parts.push({ samples, offset });
    this.length = Math.max(this.length, offset + samples.length);
    this.schedule();
  }

  /** The playing sample, or null to hide the playhead. */
  setPlayhead(sample) {
    this.playhead = sample;
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  /** [min, max] per column over `columns` columns spanning `span` samples. */
  extremes(columns, span) {
    const lo = new Float32Array(columns).fill(Infinity);
    const hi = new Float32Array(columns).fill(-Infinity);
    const perColumn = span / columns;
    for (const { samples, offset } of this.parts) {
      for (let i = 0; i < samples.length; i++) {
        const c = Math.floor((offset + i) / perColumn);
        if (c >= columns) break;
        const v = samples[i];
        if (v < lo[c]) lo[c] = v;
        if (v > hi[c]) hi[c] = v;
      }
    }
    return { lo, hi };
  }

  draw() {
    const { canvas } = this;
    const ctx = canvas.getContext('2d');
    const width = canvas.width;
    const height = canvas.height;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#ddd';
    ctx.fillRect(0, height / 2, width, 1);
    const span = Math.max(this.length, this.minSamples);
    const { lo, hi } = this.extremes(width, span);
    const peak = Math.max(1e-6, ...hi.map(Math.abs).filter(Number.isFinite), ...lo.map(Math.abs).filter(Number.isFinite));
    const scale = (0.48 * height) / Math.max(peak, 0.05);
    ctx.fillStyle = '#3b5bdb';
    for (let x = 0; x < width; x++) {
      if (!Number.isFinite(lo[x])) continue;
      const top = height / 2 - hi[x] * scale;
      ctx.fillRect(x, top, 1, Math.max(1, (hi[x] - lo[x]) * scale));
    }
    if (this.playhead !== null && this.playhead >= 0 && this.playhead <= this.length) {
      ctx.fillStyle = '#e03131';
      ctx.fillRect(Math.round((this.playhead / span) * width), 0, 2, height);
    }
  }
}
