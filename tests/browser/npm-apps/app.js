// The browser app the package test builds with Vite and with webpack, unchanged and with no
// configuration: it imports 'weft' as any app would and exposes its checks to the test.
import { load, loadInWorker } from 'weft';

/** Greedy tokens of the toy decoder for each prompt of the parity fixture. */
async function toyGreedy({ source, fixture, backend }) {
  const model = await load(source, { kind: 'decoder', backend });
  try {
    return { backend: model.backend, tokens: await greedy(model, fixture) };
  } finally {
    await model.dispose();
  }
}

async function greedy(model, fixture) {
  const out = [];
  for (const [i, prompt] of fixture.prompts.entries()) {
    const { tokens } = await model.generate({ prompt, maxNewTokens: fixture.tokens[i].length, doSample: false, eosTokenId: null });
    out.push(Array.from(tokens));
  }
  return out;
}

/** A short MusicGen-tiny generation: its sample rate, sample count and streamed sample count. */
async function musicgen({ source, backend, seconds }) {
  const mg = await load(source, { kind: 'musicgen', backend });
  try {
    let streamed = 0;
    const { audio, sampleRate, frames } = await mg.generate({ text: 'calm piano', seconds, seed: 3, onAudio: (c) => { streamed += c.audio.length; } });
    return { backend: mg.backend, sampleRate, frames, samples: audio.length, streamed, finite: audio.every(Number.isFinite) };
  } finally {
    await mg.dispose();
  }
}

/** The toy decoder in a worker: the one loadInWorker starts, or one of the app's own importing 'weft/worker'. */
async function inWorker({ source, fixture, backend, own }) {
  const worker = own ? new Worker(new URL('./own-worker.js', import.meta.url), { type: 'module' }) : undefined;
  const remote = await loadInWorker(source, { kind: 'decoder', backend, worker });
  try {
    return { backend: remote.backend, kind: remote.kind, tokens: await greedy(remote, fixture) };
  } finally {
    await remote.dispose();
    worker?.terminate();
  }
}

globalThis.weftChecks = { toyGreedy, musicgen, inWorker };
document.title = 'ready';
