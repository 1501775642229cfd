// The MusicGen demo page (npm start's default) in headless Chromium: a clip recorded from a fake
// microphone and a WAV made by sox are continued, a description alone is generated, audio streams
// in chunks before the end, the download is a WAV that sox reads back at the expected length, and
// after going offline (network emulation and the server shut down) the reloaded page still
// generates. The prompt clip and the result are drawn as waveforms, and a progress bar counts the
// run to its total while it runs. Also: MusicGen in the worker host equals MusicGen in the page.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withPage } from '../../tools/browser.mjs';
import { inChromium } from '../../tools/parity/runtimes.mjs';
import { ROOT } from '../../tools/paths.mjs';

const FAKE_MICROPHONE = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'];
const RATE = 32000;
const FRAME = 640; // samples per MusicGen frame at 32 kHz (EnCodec hop)

/** sox's own reading of a WAV file: rate, channels, samples per channel, encoding. */
function soxInfo(path) {
  const ask = (flag) => execFileSync('soxi', [flag, path], { encoding: 'utf8' }).trim();
  return { rate: Number(ask('-r')), channels: Number(ask('-c')), samples: Number(ask('-s')), encoding: ask('-e'), bits: Number(ask('-b')) };
}

async function waitReady(page) {
  await page.waitForFunction(() => /^ready on /.test(document.getElementById('status').textContent), null, { timeout: 120000 });
}

/** Clicks `button`, waits for the run to end; returns the page's stream figures and stats text. */
async function runAndCollect(page, button) {
  await page.evaluate(() => { delete document.getElementById('stats').dataset.done; });
  await page.click(button);
  await page.waitForFunction(() => document.getElementById('stats').dataset.done, null, { timeout: 300000 });
  return page.evaluate(() => {
    const stats = document.getElementById('stats');
    return { done: stats.dataset.done, text: stats.textContent, chunks: Number(stats.dataset.chunks),
      firstChunkMs: Number(stats.dataset.firstChunkMs), doneMs: Number(stats.dataset.doneMs), samples: Number(stats.dataset.samples) };
  });
}

async function download(page, dir, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const path = join(dir, name);
  await file.saveAs(path);
  return soxInfo(path);
}

/**
 * Reads the canvas's pixels back: per column, how many rows hold the waveform's colour (blue:
 * neither the white background nor the grey axis nor the red playhead).
 */
async function waveformColumns(page, id) {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const rows = new Array(canvas.width).fill(0);
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < canvas.width; x++) {
        const i = 4 * (y * canvas.width + x);
        if (data[i + 2] > 150 && data[i] < 120) rows[x] += 1;
      }
    }
    return { rows, height: canvas.height, hidden: canvas.hidden };
  }, id);
}

/** Starts recording what the progress bar shows each time its text changes. */
async function watchProgress(page) {
  await page.evaluate(() => {
    window.progressSeen = [];
    const bar = document.getElementById('progress-bar');
    const text = document.getElementById('progress-text');
    window.progressObserver?.disconnect();
    window.progressObserver = new MutationObserver(() => {
      window.progressSeen.push({ value: bar.value, max: bar.max, text: text.textContent });
    });
    window.progressObserver.observe(text, { childList: true, characterData: true, subtree: true });
  });
}

/** The bar ended at its total, and at least two different values showed on the way there. */
async function assertProgressed(page) {
  await page.waitForTimeout(100); // the bar is written on the next animation frame
  const { seen, value, max, text } = await page.evaluate(() => {
    const bar = document.getElementById('progress-bar');
    return { seen: window.progressSeen, value: bar.value, max: bar.max, text: document.getElementById('progress-text').textContent };
  });
  assert.ok(max > 1, `the bar's total, got ${max}`);
  assert.equal(value, max, 'the bar must end at its total');
  assert.match(text, new RegExp(`^${max} / ${max} (frames|steps)`), text);
  const between = seen.filter((s) => s.value > 0 && s.value < s.max);
  assert.ok(new Set(between.map((s) => s.value)).size >= 2, `two different values before the end, saw ${JSON.stringify(seen)}`);
  assert.ok(between.every((s) => / left$/.test(s.text)), `each shows the time left: ${JSON.stringify(between)}`);
}

function assertStreamed(run, seconds) {
  assert.equal(run.done, 'true', run.text);
  assert.match(run.text, /\d+ steps · [\d.]+ steps\/s · first audio after \d+ ms · backend wasm$/);
  assert.ok(run.chunks >= 2, `audio must arrive in several chunks, got ${run.chunks}`);
  assert.ok(run.firstChunkMs < run.doneMs, `the first chunk (${run.firstChunkMs} ms) must arrive before the end (${run.doneMs} ms)`);
  assert.equal(run.samples, seconds * RATE, `${seconds} s at ${RATE} Hz`);
}

test('MusicGen demo: record, drop a WAV, continue, generate from text, download, then offline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-music-demo-'));
  try {
    // A 1.5 s stereo 44.1 kHz 16-bit clip, made by sox (not by Weft).
    const wav = join(dir, 'prompt.wav');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', wav, 'synth', '1.5', 'sine', '220', 'sine', '330', 'gain', '-6']);
    await withPage('/web/demo/', async (page, _url, errors, { server }) => {
      await waitReady(page);
      assert.match(await page.textContent('#offline'), /works offline/);
      await page.fill('#seconds', '2');

      // Recording from Chromium's fake microphone.
      await page.click('#record');
      await page.waitForFunction(() => document.getElementById('clip-info').textContent === 'recording…');
      await page.waitForTimeout(1300); // how long to record, not a timing assertion
      await page.click('#record');
      await page.waitForFunction(() => document.getElementById('clip-info').dataset.seconds);
      const recorded = Number(await page.getAttribute('#clip-info', 'data-seconds'));
      assert.ok(recorded > 0.5 && recorded < 2, `recorded ${recorded} s`);
      await page.waitForTimeout(100); // two animation frames for the waveform to be drawn
      const micWave = await waveformColumns(page, 'clip-waveform');
      assert.equal(micWave.hidden, false);
      assert.ok(micWave.rows.filter((n) => n > 0).length > 0.95 * micWave.rows.length, `the clip spans the prompt waveform: ${micWave.rows}`);
      await page.fill('#seconds', '2');
      const fromMic = await runAndCollect(page, '#continue');
      assertStreamed(fromMic, 2);
      assert.deepEqual(await download(page, dir, 'mic.wav'), { rate: RATE, channels: 1, samples: 2 * RATE, encoding: 'Signed Integer PCM', bits: 16 });

      // A dropped (picked) WAV file: stereo, 44.1 kHz, read by Weft's WAV reader.
      await page.evaluate(() => { delete document.getElementById('clip-info').dataset.seconds; });
      await page.setInputFiles('#file', wav);
      await page.waitForFunction(() => document.getElementById('clip-info').dataset.seconds);
      assert.equal(await page.textContent('#clip-info'), 'clip: 1.50 s, 2 channel(s) at 44100 Hz');
      // sox's sines drawn across the whole canvas, swinging: not a flat line.
      await page.waitForTimeout(100);
      const fileWave = await waveformColumns(page, 'clip-waveform');
      assert.ok(fileWave.rows.filter((n) => n > 0).length > 0.95 * fileWave.rows.length, 'the clip spans the prompt waveform');
      assert.ok(Math.max(...fileWave.rows) > 0.5 * fileWave.height && new Set(fileWave.rows).size > 10, JSON.stringify(fileWave.rows));
      await page.fill('#seconds', '2');
      const fromFile = await runAndCollect(page, '#continue');
      assertStreamed(fromFile, 2);
      assert.equal((await download(page, dir, 'file.wav')).samples, 2 * RATE);

      // Stop mid-stream; the next run (text alone) shows the page and its worker stay usable.
      await page.fill('#seconds', '20');
      await page.evaluate(() => { delete document.getElementById('stats').dataset.done; });
      await page.click('#generate');
      await page.waitForFunction(() => /^streaming: /.test(document.getElementById('progress').textContent), null, { timeout: 120000 });
      await page.click('#stop');
      await page.waitForFunction(() => document.getElementById('stats').dataset.done, null, { timeout: 120000 });
      assert.equal(await page.getAttribute('#stats', 'data-done'), 'stopped');
      assert.equal(await page.textContent('#stats'), 'stopped');

      // Text alone: the result waveform grows over the whole axis, the bar runs to its total.
      await page.fill('#seconds', '6'); // six streamed chunks: the bar moves several times
      await watchProgress(page);
      const fromText = await runAndCollect(page, '#generate');
      assertStreamed(fromText, 6);
      await assertProgressed(page);
      await page.waitForTimeout(100);
      const resultWave = await waveformColumns(page, 'result-waveform');
      assert.ok(resultWave.rows.filter((n) => n > 0).length > 0.95 * resultWave.rows.length, 'the result spans its waveform');
      // Songs longer than one generation window are the library's to accept or refuse.
      assert.ok(await page.$eval('#seconds', (input) => { input.value = '240'; return input.validity.valid; }), 'a 240 s request');
      await page.fill('#seconds', '2');
      assert.equal((await download(page, dir, 'text.wav')).samples, 6 * RATE);
      mkdirSync(`${ROOT}build/screenshots`, { recursive: true });
      await page.screenshot({ path: `${ROOT}build/screenshots/music-demo.png`, fullPage: true });

      // Offline: no network for the browser, and no server at all.
      await page.context().setOffline(true);
      server.closeAllConnections();
      server.close();
      await page.reload();
      await waitReady(page);
      await page.fill('#seconds', '2');
      const offline = await runAndCollect(page, '#generate');
      assertStreamed(offline, 2);
      assert.deepEqual(errors, []);
    }, { args: FAKE_MICROPHONE });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('MusicGen through the worker host equals MusicGen in the page; abort mid-stream keeps the worker usable', async () => {
  const r = await inChromium({ module: '/tests/browser/music-worker-routine.mjs', exportName: 'musicWorkerRoutine',
    args: { source: '/build/models/musicgen-tiny', backend: 'wasm' } });
  assert.equal(r.backendUsed, 'wasm');
  assert.equal(r.sampleRate, RATE);
  assert.equal(r.pageLength, 2 * RATE);
  assert.equal(r.workerLength, r.pageLength);
  assert.equal(r.audioType, 'Float32Array');
  assert.ok(r.sameAudio, 'the worker must produce the same samples as the page for the same seed');
  assert.ok(r.sameCodes, 'and the same codes');
  assert.ok(r.chunks.length >= 2 && r.chunks.at(-1).final && r.chunks.every((c) => c.type === 'Float32Array'), JSON.stringify(r.chunks));
  assert.equal(r.chunks.reduce((n, c) => n + c.length, 0) % FRAME, 0);
  assert.deepEqual(r.aborted, { name: 'AbortError', isReason: true });
  assert.ok(r.chunksBeforeAbort >= 1);
  assert.equal(r.liveAfterAbort, 0);
  assert.ok(r.sameAgain, 'after the abort the worker must still generate the same audio');
});
