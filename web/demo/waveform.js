// A waveform of streamed mono audio on a canvas: each column shows the min and max of its samples,
// the time axis grows with the audio (at least `minSeconds` wide), and an optional playhead marks
// the sample being heard. Redraws at most once per animation frame.
//
// Samples are folded into a bounded number of min/max blocks as they arrive, so a chunk costs its
// own length and a redraw costs the canvas width plus the blocks, however many minutes came before.

import { oncePerFrame } from './next-frame.js';

const MAX_BLOCKS = 8192; // several blocks per column of any sensible canvas

/** Min/max per block of `blockSize` samples; the block doubles when the audio outgrows MAX_BLOCKS. */
export class Peaks {
  constructor() {
    this.blockSize = 1;
    this.lo = new Float32Array(MAX_BLOCKS).fill(Infinity);
    this.hi = new Float32Array(MAX_BLOCKS).fill(-Infinity);
    this.count = 0;
  }

  add(samples, offset) {
    const end = offset + samples.length;
    while (Math.ceil(end / this.blockSize) > MAX_BLOCKS) this.coarsen();
    const { lo, hi, blockSize } = this;
    for (let i = 0; i < samples.length; i++) {
      const b = Math.floor((offset + i) / blockSize);
      const v = samples[i];
      if (v < lo[b]) lo[b] = v;
      if (v > hi[b]) hi[b] = v;
    }
    this.count = Math.max(this.count, Math.ceil(end / blockSize));
  }

  /** Merges neighbouring blocks in pairs: half as many blocks, twice as long. */
  coarsen() {
    const { lo, hi } = this;
    const half = Math.ceil(this.count / 2);
    for (let j = 0; j < half; j++) {
      lo[j] = Math.min(lo[2 * j], lo[2 * j + 1] ?? Infinity);
      hi[j] = Math.max(hi[2 * j], hi[2 * j + 1] ?? -Infinity);
    }
    lo.fill(Infinity, half);
    hi.fill(-Infinity, half);
    this.count = half;
    this.blockSize *= 2;
  }

  /** [min, max] per column over `columns` columns spanning `span` samples (Infinity: no audio there). */
  columns(columns, span) {
    const lo = new Float32Array(columns).fill(Infinity);
    const hi = new Float32Array(columns).fill(-Infinity);
    const blocksPerColumn = span / columns / this.blockSize;
    for (let x = 0; x < columns; x++) {
      const first = Math.floor(x * blocksPerColumn);
      const last = Math.min(this.count, Math.max(first + 1, Math.floor((x + 1) * blocksPerColumn)));
      for (let b = first; b < last; b++) {
        if (this.lo[b] < lo[x]) lo[x] = this.lo[b];
        if (this.hi[b] > hi[x]) hi[x] = this.hi[b];
      }
    }
    return { lo, hi };
  }
}

export class Waveform {
  constructor(canvas, { sampleRate, minSeconds = 3 } = {}) {
    this.canvas = canvas;
    this.schedule = oncePerFrame(() => this.draw());
    this.reset({ sampleRate, minSeconds });
  }

  /** Clears the audio; `sampleRate` and `minSeconds` (the shortest time axis) change when given. */
  reset({ sampleRate = this.sampleRate, minSeconds = this.minSeconds } = {}) {
    this.sampleRate = sampleRate;
    this.minSeconds = minSeconds;
    this.minSamples = Math.round(minSeconds * sampleRate);
    this.peaks = new Peaks();
    this.length = 0;
    this.playhead = null;
    this.schedule();
  }

  /** Adds samples that start at `offset`. */
  add(samples, offset) {
    this.peaks.add(samples, offset);
    this.length = Math.max(this.length, offset + samples.length);
    this.schedule();
  }

  /** The playing sample, or null to hide the playhead. */
  setPlayhead(sample) {
    this.playhead = sample;
    this.schedule();
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
    const span = Math.max(this.length, this.minSamples, 1);
    const { lo, hi } = this.peaks.columns(width, span);
    let peak = 0.05; // quieter audio is not blown up to full height
    for (let x = 0; x < width; x++) {
      if (Number.isFinite(lo[x])) peak = Math.max(peak, Math.abs(lo[x]), Math.abs(hi[x]));
    }
    const scale = (0.48 * height) / peak;
    ctx.fillStyle = '#3b5bdb';
    for (let x = 0; x < width; x++) {
      if (!Number.isFinite(lo[x])) continue;
      // Whole pixels: a quiet column stays a crisp line rather than a blurred half-pixel one.
      const top = Math.floor(height / 2 - hi[x] * scale);
      ctx.fillRect(x, top, 1, Math.max(1, Math.ceil(height / 2 - lo[x] * scale) - top));
    }
    if (this.playhead !== null && this.playhead >= 0 && this.playhead <= this.length) {
      ctx.fillStyle = '#e03131';
      ctx.fillRect(Math.round((this.playhead / span) * width), 0, 2, height);
    }
  }
}
