// `npm run bench -- audio`: stereo 44.1 kHz -> mono 32 kHz (a MusicGen prompt's preparation) with
// Weft (WASM core: toMono + torchaudio-equivalent resample) and with wave-resampler (plain JS,
// its 'sinc' method with default settings, after a JS mean of the channels), in one process, runs
// interleaved round by round, best round counts. A second line times a 10-minute 48 kHz stereo clip
// through Weft alone (the longest prompt the demo accepts).
import { resample, toMono } from '../web/audio.js';
import { loadCore } from '../web/core-loader.js';

const ROUNDS = Number(process.env.WEFT_BENCH_ROUNDS ?? 3);

/** Deterministic stereo test signal: a few sines plus noise from a 32-bit LCG, interleaved. */
function stereoSignal(rate, seconds) {
  const frames = Math.round(rate * seconds);
  const out = new Float32Array(frames * 2);
  let s = 12345;
  for (let f = 0; f < frames; f++) {
    const t = f / rate;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const noise = (s / 4294967296 - 0.5) * 0.1;
    out[2 * f] = 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 9000 * t) + noise;
    out[2 * f + 1] = 0.3 * Math.sin(2 * Math.PI * 330 * t) + 0.2 * Math.sin(2 * Math.PI * 15000 * t) - noise;
  }
  return out;
}

function jsMean(interleaved) {
  const out = new Float32Array(interleaved.length / 2);
  for (let f = 0; f < out.length; f++) out[f] = (interleaved[2 * f] + interleaved[2 * f + 1]) / 2;
  return out;
}

async function timeIt(fn) {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return { out, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

export async function benchAudio() {
  const { default: waveResampler } = await import('wave-resampler');  // CommonJS
  const core = await loadCore();
  const seconds = 60;
  const x = stereoSignal(44100, seconds);
  const runs = {
    weft: async () => resample(await toMono(x, 2, { core }), 44100, 32000, { core }),
    peer: async () => waveResampler.resample(jsMean(x), 44100, 32000, { method: 'sinc' }),
  };
  const best = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, run] of Object.entries(runs)) {
      const r = await timeIt(run);
      if (!best[k] || r.s < best[k].s) best[k] = r;
    }
  }
  console.log(JSON.stringify({
    bench: 'audio', task: 'stereo 44.1 kHz -> mono 32 kHz', seconds,
    output_samples: { weft: best.weft.out.length, peer: best.peer.out.length },
    weft_ms: +(best.weft.s * 1e3).toFixed(1), peer: 'wave-resampler 1.0.0 (sinc)', peer_ms: +(best.peer.s * 1e3).toFixed(1),
    weft_vs_peer: +(best.peer.s / best.weft.s).toFixed(2),
  }));

  const long = stereoSignal(48000, 600);
  let longBest = null;
  for (let round = 0; round < Math.min(ROUNDS, 2); round++) {
    const r = await timeIt(async () => resample(await toMono(long, 2, { core }), 48000, 32000, { core }));
    if (!longBest || r.s < longBest.s) longBest = r;
  }
  console.log(JSON.stringify({
    bench: 'audio', task: 'stereo 48 kHz -> mono 32 kHz', seconds: 600, output_samples: longBest.out.length,
    weft_ms: +(longBest.s * 1e3).toFixed(1), weft_x_realtime: +(600 / longBest.s).toFixed(0),
  }));
}
