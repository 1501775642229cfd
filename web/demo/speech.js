// The speech demo: Pocket TTS in a Web Worker. Type text, speak with the default voice or one
// cloned from a recording or a dropped clip, hear each frame as soon as it is decoded, see the
// waveform; keep a voice as a file and load it back. Nothing leaves the device (see the page's
// Content-Security-Policy).

import { decodeClip, Recorder } from './clip-input.js';
import { enableOffline } from './offline.js';
import { fetchClip, isVoiceFile, readVoiceFile, voiceFileName } from './speech-voice.js';
import { StreamPlayer } from './stream-player.js';
import { Waveform } from './waveform.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const modelUrl = new URL(params.get('model') ?? '/build/models/pocket-tts-tiny/', location.href);
const defaultClipUrl = new URL(params.get('voice') ?? '/build/models/fixtures/speech16k.wav', location.href);
$('model-url').textContent = modelUrl.pathname;

let lib = null; // { loadInWorker, decodeWav, deinterleave, encodeWav }, imported once the service worker is in control
let tts = null;
let loadedBackend = null;
let loading = null;
let voice = null; // { bytes, label, kind: 'default' | 'clone' | 'file' }
let voiceWork = null; // the voice being made, if any
let controller = null;
let player = null;
let waveform = null;
const urls = {};
const recorder = new Recorder();

function setButtons() {
  const speaking = !!controller;
  const making = !!voiceWork;
  $('speak').disabled = speaking || making || !tts || !voice;
  $('stop').disabled = !speaking && !(player?.sources.size > 0);
  $('record').disabled = speaking || making || !tts;
  $('backend').disabled = speaking || making;
  $('default-voice').disabled = speaking || making || !tts || voice?.kind === 'default';
  $('clip-file').disabled = speaking || making || !tts;
  $('voice-file').disabled = speaking || making;
}

/** A blob URL for `key` (the previous one revoked). */
function blobUrl(key, blob) {
  if (urls[key]) URL.revokeObjectURL(urls[key]);
  urls[key] = URL.createObjectURL(blob);
  return urls[key];
}

async function ensureModel() {
  const wanted = $('backend').value;
  if (tts && loadedBackend === wanted) return tts;
  if (loading) return loading;
  loading = (async () => {
    const previous = tts;
    tts = null;
    setButtons();
    await previous?.dispose();
    $('status').textContent = 'loading…';
    tts = await lib.loadInWorker(modelUrl.href, {
      backend: wanted,
      kind: 'pocket_tts',
      onProgress: (p) => {
        if (p.phase === 'download' && p.total) {
          $('status').textContent = `${p.cached ? 'reading from the offline cache' : 'downloading'} ${p.file} ${Math.round((100 * p.loaded) / p.total)}%`;
        }
      },
    });
    loadedBackend = wanted;
    if (player?.sampleRate !== tts.sampleRate) player = new StreamPlayer(tts.sampleRate, { leadS: 0.1, latencyHint: 'interactive' });
    waveform ??= new Waveform($('waveform'), { sampleRate: tts.sampleRate });
    $('status').textContent = `ready on ${tts.backend}`;
    setButtons();
    return tts;
  })();
  try {
    return await loading;
  } finally {
    loading = null;
  }
}

function setVoice(bytes, label, kind) {
  voice = { bytes, label, kind };
  const info = $('voice-info');
  info.textContent = label;
  info.dataset.kind = kind;
  info.dataset.bytes = String(bytes.length);
  const link = $('voice-download');
  link.href = blobUrl('voice', new Blob([bytes], { type: 'application/octet-stream' }));
  link.download = voiceFileName(kind === 'default' ? 'default-voice' : label);
  link.hidden = false;
  setButtons();
}

/** Runs `make` (→ { bytes, label, kind }) as the voice work; errors show in the voice line. */
async function makeVoice(pending, make) {
  if (voiceWork) return;
  const info = $('voice-info');
  const before = voice;
  info.textContent = pending;
  delete info.dataset.kind;
  voiceWork = make();
  setButtons();
  try {
    const made = await voiceWork;
    setVoice(made.bytes, made.label, made.kind);
  } catch (error) {
    info.textContent = `${error.message}${before ? ` — still speaking as: ${before.label}` : ''}`;
    info.dataset.kind = before?.kind ?? 'error';
  } finally {
    voiceWork = null;
    setButtons();
  }
}

/** A voice cloned from an audio Blob (a recording, a file, the default clip). */
async function voiceFromBlob(blob, label, kind) {
  const model = await ensureModel();
  const clip = await decodeClip(blob, lib, { rate: model.sampleRate });
  const bytes = await model.voiceFrom(clip.channels, clip.sampleRate);
  return { bytes, label: `${label} (${clip.seconds.toFixed(1)} s${clip.channels.length > 1 ? `, ${clip.channels.length} channels mixed down` : ''})`, kind };
}

function useDefaultVoice() {
  const name = defaultClipUrl.pathname.split('/').pop();
  return makeVoice(`default voice: making it from ${name}…`, async () => voiceFromBlob(await fetchClip(defaultClipUrl.href), `default voice, from ${name}`, 'default'));
}

function cloneFrom(blob, label) {
  return makeVoice(`cloning ${label}…`, () => voiceFromBlob(blob, `cloned from ${label}`, 'clone'));
}

/** A dropped or picked file: a stored voice is loaded as it is, anything else cloned as a clip. */
async function useFile(file) {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (isVoiceFile(head)) {
    return makeVoice(`loading ${file.name}…`, async () => ({ bytes: await readVoiceFile(file), label: `voice file ${file.name}`, kind: 'file' }));
  }
  return cloneFrom(file, file.name);
}

function speakOptions() {
  const temperature = $('temperature').value.trim();
  return {
    text: $('text').value,
    voice: voice.bytes,
    seed: Number($('seed').value),
    ...(temperature === '' ? {} : { temperature: Number(temperature) }),
  };
}

/** What the page saw of the stream: frames, samples, first arrival, playback schedule. */
function streamSink(started, audible, signal) {
  const stream = { frames: 0, samples: 0, firstChunkMs: null, scheduled: 0, firstLeadMs: null };
  stream.onAudio = ({ audio, offset, sampleRate }) => {
    if (signal.aborted) return; // a frame already on its way when Stop was pressed: not played
    stream.frames += 1;
    stream.samples = Math.max(stream.samples, offset + audio.length);
    stream.firstChunkMs ??= performance.now() - started;
    const when = player.push(audio, offset);
    if (when !== null) {
      stream.scheduled += 1;
      stream.firstLeadMs ??= 1000 * (when - player.context.currentTime); // how long after arrival it plays
    }
    waveform.add(audio, offset);
    $('progress').textContent = `speaking: ${(stream.samples / sampleRate).toFixed(2)} s in ${stream.frames} frames${audible ? '' : ' (no audio output here)'}`;
    $('progress').dataset.frames = String(stream.frames);
  };
  return stream;
}

function showResult(result, stream, doneMs, backend) {
  const stats = $('stats');
  Object.assign(stats.dataset, {
    frames: stream.frames, scheduled: stream.scheduled, samples: result.samples, firstChunkMs: stream.firstChunkMs?.toFixed(1),
    firstLeadMs: stream.firstLeadMs?.toFixed(1), doneMs: doneMs.toFixed(1), ttfaMs: result.timeToFirstAudioMs.toFixed(1),
    rtf: result.realTimeFactor.toFixed(3), hash: hashSamples(result.audio),
  });
  stats.textContent = `${(result.samples / result.sampleRate).toFixed(2)} s of speech · ${result.stats.chunks} chunk(s), `
    + `${result.stats.frames} frames · first audio after ${Math.round(result.timeToFirstAudioMs)} ms · `
    + `${result.realTimeFactor.toFixed(2)}× real time · backend ${backend}`;
}

/** FNV-1a over the samples' bytes: lets a reader tell two results apart (or see they are the same). */
function hashSamples(samples) {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

async function speak() {
  controller = new AbortController();
  setButtons();
  const stats = $('stats');
  delete stats.dataset.done;
  stats.textContent = '…';
  $('progress').textContent = '';
  $('download').hidden = true;
  const audible = player.start();
  waveform.reset();
  const started = performance.now();
  const stream = streamSink(started, audible, controller.signal);
  followPlayback();
  try {
    const model = await ensureModel();
    const result = await model.speak({ ...speakOptions(), signal: controller.signal, onAudio: stream.onAudio });
    showResult(result, stream, performance.now() - started, model.backend);
    await offerDownload(result).catch((error) => console.warn(`no WAV download: ${error.message}`));
    stats.dataset.done = 'true';
  } catch (error) {
    player.stop();
    stats.textContent = error.name === 'AbortError' ? 'stopped' : `error: ${error.message}`;
    stats.dataset.done = error.name === 'AbortError' ? 'stopped' : 'error';
  } finally {
    controller = null;
    setButtons();
  }
}

async function offerDownload(result) {
  const bytes = await lib.encodeWav(result.audio, result.sampleRate, { channels: 1, format: 'pcm16' });
  $('download').href = blobUrl('speech', new Blob([bytes], { type: 'audio/wav' }));
  $('download').hidden = false;
}

/** Moves the waveform's playhead with playback; keeps Stop usable while audio still plays. */
function followPlayback() {
  const tick = () => {
    const at = player.position();
    const playing = player.sources.size > 0;
    waveform.setPlayhead(playing || controller ? at : null);
    setButtons();
    if (playing || controller) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function toggleRecording() {
  try {
    if (recorder.recording) {
      $('record').textContent = '● Record a voice';
      await cloneFrom(await recorder.stop(), 'your recording');
    } else {
      await recorder.start();
      $('record').textContent = '■ Stop recording';
      $('voice-info').textContent = 'recording… (speak for 5 to 10 seconds)';
      delete $('voice-info').dataset.kind; // the line shows the recording now, not a voice
    }
  } catch (error) {
    $('voice-info').textContent = `microphone: ${error.message}${voice ? ` — still speaking as: ${voice.label}` : ''}`;
    $('voice-info').dataset.kind = voice?.kind ?? 'error';
  }
  setButtons();
}

function wireControls() {
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!$('speak').disabled) speak();
  });
  $('stop').addEventListener('click', () => {
    controller?.abort();
    player.stop();
    setButtons();
  });
  $('record').addEventListener('click', toggleRecording);
  $('default-voice').addEventListener('click', useDefaultVoice);
  for (const id of ['clip-file', 'voice-file']) {
    $(id).addEventListener('change', () => {
      const file = $(id).files[0];
      $(id).value = ''; // the same file can be picked again
      if (file) useFile(file);
    });
  }
  for (const type of ['dragover', 'drop']) {
    document.addEventListener(type, (event) => {
      event.preventDefault();
      if (type === 'drop' && event.dataTransfer.files[0] && !controller && !voiceWork) useFile(event.dataTransfer.files[0]);
    });
  }
  $('backend').addEventListener('change', () => ensureModel().catch((e) => { $('status').textContent = `error: ${e.message}`; }));
}

wireControls();
(async () => {
  $('offline').textContent = `(${await enableOffline()})`;
  const [{ loadInWorker }, { decodeWav, deinterleave, encodeWav }] = await Promise.all([import('../worker-client.js'), import('../audio.js')]);
  lib = { loadInWorker, decodeWav, deinterleave, encodeWav };
  await ensureModel();
  await useDefaultVoice();
})().catch((error) => { $('status').textContent = `error: ${error.message}`; });
