// The MusicGen demo: record or drop a clip, optionally describe the music, and generate or continue
// in a Web Worker (the page stays responsive), hearing and seeing the audio as it streams in, with
// a progress bar and the time left; download the result as WAV. Nothing leaves the device (see
// the page's Content-Security-Policy).

import { decodeClip, Recorder } from './clip-input.js';
import { GenerationProgress } from './generation-progress.js';
import { enableOffline } from './offline.js';
import { StreamPlayer } from './stream-player.js';
import { Waveform } from './waveform.js';

const $ = (id) => document.getElementById(id);
const SAMPLE_RATE = 32000; // MusicGen's output rate; the player's context runs at it
const modelUrl = new URL(new URLSearchParams(location.search).get('model') ?? '/build/models/musicgen-tiny/', location.href);
$('model-url').textContent = modelUrl.pathname;

let lib = null; // { loadInWorker, decodeWav, deinterleave, encodeWav }, imported once the service worker is in control
let model = null;
let loadedBackend = null;
let loading = null;
let clip = null;
let controller = null;
let downloadUrl = null;
const player = new StreamPlayer(SAMPLE_RATE);
const recorder = new Recorder();
const progress = new GenerationProgress($('progress-bar'), $('progress-text'));
const resultWaveform = new Waveform($('result-waveform'), { sampleRate: SAMPLE_RATE });
const clipWaveform = new Waveform($('clip-waveform'), { sampleRate: SAMPLE_RATE });

function setBusy(busy) {
  $('generate').disabled = busy || !model;
  $('continue').disabled = busy || !model || !clip;
  $('stop').disabled = !busy;
  $('record').disabled = busy;
}

async function ensureModel() {
  const wanted = $('backend').value;
  if (model && loadedBackend === wanted) return model;
  if (loading) return loading;
  loading = (async () => {
    const previous = model;
    model = null;
    setBusy(false);
    await previous?.dispose();
    $('status').textContent = 'loading…';
    const loaded = await lib.loadInWorker(modelUrl.href, {
      backend: wanted,
      onProgress: (p) => {
        if (p.phase === 'download' && p.total) {
          $('status').textContent = `${p.cached ? 'reading from the offline cache' : 'downloading'} ${p.file} ${Math.round((100 * p.loaded) / p.total)}%`;
        }
      },
    });
    model = loaded;
    loadedBackend = wanted;
    $('status').textContent = `ready on ${model.backend}`;
    setBusy(false);
    return model;
  })();
  try {
    return await loading;
  } finally {
    loading = null;
  }
}

function samplingOptions() {
  const number = (id) => Number($(id).value);
  return {
    text: $('text').value.trim() || undefined,
    seconds: number('seconds'),
    doSample: $('do-sample').value === 'true',
    temperature: number('temperature'),
    topK: number('top-k'),
    topP: number('top-p'),
    cfg: number('cfg'),
    seed: number('seed'),
  };
}

/** The streaming callbacks of one run: audio to the player, the waveform and the progress bar. */
function streamOptions(stream, playing, started) {
  return {
    onProgress: progress.onProgress,
    onAudio: (chunk) => {
      const { audio, offset } = chunk;
      stream.chunks += 1;
      stream.samples = Math.max(stream.samples, offset + audio.length);
      stream.firstMs ??= performance.now() - started;
      player.push(audio, offset);
      resultWaveform.add(audio, offset);
      progress.onAudio(chunk);
      $('progress').textContent = `streaming: ${(stream.samples / SAMPLE_RATE).toFixed(2)} s received in ${stream.chunks} chunks${playing ? '' : ' (no audio output here)'}`;
    },
  };
}

async function run(kind) {
  controller = new AbortController();
  setBusy(true);
  const stats = $('stats');
  delete stats.dataset.done;
  $('download').hidden = true;
  $('progress').textContent = '';
  const playing = player.start();
  const started = performance.now();
  const stream = { chunks: 0, samples: 0, firstMs: null };
  stats.textContent = '…';
  const sampling = samplingOptions();
  resultWaveform.reset({ minSeconds: sampling.seconds > 0 ? sampling.seconds : 1 });
  $('progress-bar').hidden = false;
  progress.start();
  try {
    const mg = await ensureModel();
    progress.start(); // again: the time left is measured from when generation starts, not loading
    const options = { ...sampling, signal: controller.signal, ...streamOptions(stream, playing, started) };
    const result = kind === 'continue'
      ? await mg.continue(clip.channels, clip.sampleRate, options)
      : await mg.generate(options);
    const doneMs = performance.now() - started;
    Object.assign(stats.dataset, {
      chunks: stream.chunks, firstChunkMs: stream.firstMs?.toFixed(1), doneMs: doneMs.toFixed(1), samples: result.audio.length,
    });
    stats.textContent = `${(result.audio.length / result.sampleRate).toFixed(2)} s of audio · ${result.steps} steps · `
      + `${result.stepsPerSecond.toFixed(1)} steps/s · first audio after ${Math.round(result.timeToFirstAudioMs)} ms · backend ${mg.backend}`;
    await offerDownload(result);
    stats.dataset.done = 'true';
  } catch (error) {
    player.stop();
    stats.textContent = error.name === 'AbortError' ? 'stopped' : `error: ${error.message}`;
    stats.dataset.done = error.name === 'AbortError' ? 'stopped' : 'error';
  } finally {
    controller = null;
    setBusy(false);
  }
}

async function offerDownload(result) {
  const bytes = await lib.encodeWav(result.audio, result.sampleRate, { channels: 1, format: 'pcm16' });
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
  $('download').href = downloadUrl;
  $('download').hidden = false;
}

async function useClip(blob) {
  $('clip-info').textContent = 'decoding…';
  try {
    clip = await decodeClip(blob, lib);
    const clipPlayer = $('clip-player');
    if (clipPlayer.src) URL.revokeObjectURL(clipPlayer.src);
    clipPlayer.src = URL.createObjectURL(blob);
    clipPlayer.hidden = false;
    showClip(clip);
    $('clip-info').textContent = `clip: ${clip.seconds.toFixed(2)} s, ${clip.channels.length} channel(s) at ${clip.sampleRate} Hz`;
    $('clip-info').dataset.seconds = clip.seconds.toFixed(3);
    if (Number($('seconds').value) <= clip.seconds) $('seconds').value = String(Math.ceil(clip.seconds) + 2);
  } catch (error) {
    clip = null;
    $('clip-waveform').hidden = true;
    $('clip-info').textContent = `error: ${error.message}`;
  }
  setBusy(false);
}

/** The prompt's waveform: its channels mixed to mono, the whole clip across the canvas. */
function showClip({ channels, sampleRate, seconds }) {
  const mono = new Float32Array(channels[0].length);
  for (const channel of channels) {
    for (let i = 0; i < mono.length; i++) mono[i] += channel[i] / channels.length;
  }
  clipWaveform.reset({ sampleRate, minSeconds: seconds });
  clipWaveform.add(mono, 0);
  $('clip-waveform').hidden = false;
}

$('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  run('generate');
});
$('continue').addEventListener('click', () => run('continue'));
$('stop').addEventListener('click', () => {
  controller?.abort();
  player.stop();
});
$('record').addEventListener('click', async () => {
  try {
    if (recorder.recording) {
      $('record').textContent = '● Record';
      await useClip(await recorder.stop());
    } else {
      await recorder.start();
      $('record').textContent = '■ Stop recording';
      $('clip-info').textContent = 'recording…';
    }
  } catch (error) {
    $('clip-info').textContent = `microphone: ${error.message}`;
  }
});
$('file').addEventListener('change', () => { if ($('file').files[0]) useClip($('file').files[0]); });
for (const type of ['dragover', 'drop']) {
  document.addEventListener(type, (event) => {
    event.preventDefault();
    if (type === 'drop' && event.dataTransfer.files[0]) useClip(event.dataTransfer.files[0]);
  });
}
$('backend').addEventListener('change', () => ensureModel().catch((e) => { $('status').textContent = `error: ${e.message}`; }));

(async () => {
  $('offline').textContent = `(${await enableOffline()})`;
  const [{ loadInWorker }, { decodeWav, deinterleave, encodeWav }] = await Promise.all([import('../worker-client.js'), import('../audio.js')]);
  lib = { loadInWorker, decodeWav, deinterleave, encodeWav };
  await ensureModel();
})().catch((error) => { $('status').textContent = `error: ${error.message}`; });
