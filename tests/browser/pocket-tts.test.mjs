// Pocket TTS in headless Chromium. The speech demo page: the default voice made at load, Speak
// streams frames that are scheduled on the AudioContext as they arrive, the stats line, Stop
// mid-stream and Speak again, a voice cloned from a picked WAV and from the fake microphone, a
// voice file downloaded and loaded back, and the page again offline. In the page (wasm): speak()'s
// frames concatenate to the one-shot result, an abort leaves no live tensors, and the worker host
// gives the same voice and audio.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withPage } from '../../tools/browser.mjs';
import { inChromium } from '../../tools/parity/runtimes.mjs';
import { ROOT } from '../../tools/paths.mjs';

const FAKE_MICROPHONE = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'];
const FRAME = 1920; // samples per Pocket TTS frame at 24 kHz
const FRAME_MS = 80;
const STATS = /^\d+\.\d\d s of speech · \d+ chunk\(s\), \d+ frames · first audio after \d+ ms · \d+\.\d\d× real time · backend wasm$/;
// Long enough that it cannot end between the first frame and the Stop click, however fast the machine.
const LONG_TEXT = Array.from({ length: 200 }, (_, i) => `This is sentence number ${i + 1}, and it goes on for a while.`).join(' ');

async function waitReady(page) {
  await page.waitForFunction(() => /^ready on /.test(document.getElementById('status').textContent), null, { timeout: 120000 });
}

/** Waits until the voice line shows a voice of `kind`; returns its text and size. */
async function waitVoice(page, kind) {
  // Kind, text and size are read in the same evaluation, so a voice line that changes between
  // two reads cannot pair one voice's kind with another's text.
  const handle = await page.waitForFunction((k) => {
    const info = document.getElementById('voice-info');
    return info.dataset.kind === k && { text: info.textContent, bytes: Number(info.dataset.bytes) };
  }, kind, { timeout: 120000 });
  return handle.jsonValue();
}

/** Clicks Speak and waits for the run to end; returns the stats line and its figures. */
async function speak(page) {
  await page.evaluate(() => { delete document.getElementById('stats').dataset.done; });
  await page.click('#speak');
  await page.waitForFunction(() => document.getElementById('stats').dataset.done, null, { timeout: 120000 });
  return page.evaluate(() => {
    const { dataset, textContent } = document.getElementById('stats');
    const number = (key) => Number(dataset[key]);
    return { done: dataset.done, text: textContent, hash: dataset.hash, ...Object.fromEntries(
      ['frames', 'scheduled', 'samples', 'firstChunkMs', 'firstLeadMs', 'doneMs', 'ttfaMs', 'rtf'].map((k) => [k, number(k)])) };
  });
}

function assertStreamed(run) {
  assert.equal(run.done, 'true', run.text);
  assert.match(run.text, STATS);
  assert.ok(run.frames >= 2, `speech must arrive in several frames, got ${run.frames}`);
  assert.equal(run.samples, run.frames * FRAME);
  assert.equal(run.scheduled, run.frames, 'every frame must be scheduled on the AudioContext as it arrives');
  assert.ok(run.firstChunkMs < run.doneMs, `the first frame (${run.firstChunkMs} ms) must arrive before the end (${run.doneMs} ms)`);
  assert.ok(run.firstLeadMs <= 2 * FRAME_MS + 5, `the first frame must play within two frames of arriving, not ${run.firstLeadMs} ms later`);
  assert.ok(run.rtf > 0 && run.ttfaMs > 0);
}

/** Speak a long text, Stop after its first frame: the run ends as 'stopped' and no frame follows. */
async function stopMidway(page) {
  await page.fill('#text', LONG_TEXT);
  await page.evaluate(() => { delete document.getElementById('stats').dataset.done; });
  await page.click('#speak');
  await page.waitForFunction(() => Number(document.getElementById('progress').dataset.frames) >= 1, null, { timeout: 120000 });
  await page.click('#stop');
  await page.waitForFunction(() => document.getElementById('stats').dataset.done, null, { timeout: 120000 });
  assert.equal(await page.getAttribute('#stats', 'data-done'), 'stopped');
  assert.equal(await page.textContent('#stats'), 'stopped');
  const frames = Number(await page.getAttribute('#progress', 'data-frames'));
  await page.waitForTimeout(400); // longer than a few frames take: none may arrive after Stop
  assert.equal(Number(await page.getAttribute('#progress', 'data-frames')), frames);
  assert.ok(frames < 100, `stopped after ${frames} frames`);
  assert.equal(await page.isDisabled('#speak'), false, 'the page must stay usable after Stop');
}

async function downloadVoice(page, dir) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#voice-download')]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

async function recordVoice(page) {
  await page.click('#record');
  await page.waitForFunction(() => /^recording/.test(document.getElementById('voice-info').textContent));
  await page.waitForTimeout(1300); // how long to record, not a timing assertion
  await page.click('#record');
  return waitVoice(page, 'clone');
}

async function goOffline(page, server) {
  await page.context().setOffline(true);
  server.closeAllConnections();
  server.close();
  await page.reload();
  await waitReady(page);
  return waitVoice(page, 'default');
}

test('speech demo: default voice, streamed playback, Stop, clone, voice file round trip, offline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-speech-demo-'));
  try {
    const wav = join(dir, 'clip.wav'); // 1.5 s of stereo 44.1 kHz, made by sox (not by Weft)
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', wav, 'synth', '1.5', 'sine', '180-260', 'sine', '300', 'gain', '-6']);
    await withPage('/web/demo/speech.html', async (page, _url, errors, { server }) => {
      await waitReady(page);
      assert.match(await page.textContent('#offline'), /works offline/);
      const fallback = await waitVoice(page, 'default');
      assert.equal(fallback.text, 'default voice, from speech16k.wav (15.8 s)');
      assert.ok(await page.isDisabled('#default-voice'), 'the default voice is in use');

      const first = await speak(page);
      assertStreamed(first);
      await stopMidway(page);
      await page.fill('#text', await page.$eval('#text', (t) => t.defaultValue));
      const second = await speak(page);
      assertStreamed(second);
      assert.equal(second.hash, first.hash, 'the same text, voice and seed must speak the same samples after a Stop');

      const voiceFile = await downloadVoice(page, dir);
      assert.equal(readFileSync(voiceFile).subarray(0, 8).toString('latin1'), 'WEFTVOX1');
      assert.equal(readFileSync(voiceFile).length, fallback.bytes);

      await page.setInputFiles('#clip-file', wav);
      assert.equal((await waitVoice(page, 'clone')).text, 'cloned from clip.wav (1.5 s, 2 channels mixed down)');
      const cloned = await speak(page);
      assertStreamed(cloned);
      assert.notEqual(cloned.hash, first.hash, 'another voice must speak other samples');

      const recorded = await recordVoice(page);
      assert.match(recorded.text, /^cloned from your recording \([\d.]+ s(, 2 channels mixed down)?\)$/);
      assertStreamed(await speak(page));

      await page.setInputFiles('#voice-file', voiceFile);
      assert.equal((await waitVoice(page, 'file')).text, 'voice file default-voice.weftvoice');
      assert.equal((await speak(page)).hash, first.hash, 'the stored default voice must speak as the default voice did');
      mkdirSync(`${ROOT}build/screenshots`, { recursive: true });
      await page.screenshot({ path: `${ROOT}build/screenshots/speech-demo.png`, fullPage: true });

      assert.equal((await goOffline(page, server)).bytes, fallback.bytes);
      assert.equal((await speak(page)).hash, first.hash, 'offline, the default voice and speech must be the same');
      assert.deepEqual(errors, []);
    }, { args: FAKE_MICROPHONE });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Pocket TTS in Chromium (wasm): streamed frames equal the one-shot audio, abort leaves no live tensors, the worker agrees', async () => {
  const text = 'Weft speaks on this device. Each frame is played as soon as it exists. Nothing is uploaded.';
  const r = await inChromium({
    module: '/tests/browser/pocket-tts-routine.mjs', exportName: 'pocketTtsRoutine',
    args: { source: '/build/models/pocket-tts-tiny', backend: 'wasm', clip: { fetchFloat32: '/build/models/fixtures/speech16k.f32' },
      clipRate: 16000, clipSeconds: 3, text, seed: 7 },
  });
  console.log(JSON.stringify({ ttfaMs: r.ttfaMs, rtf: r.rtf, frames: r.frameCount, samples: r.samples, stats: r.stats }));
  assert.equal(r.backend, 'wasm');
  assert.equal(r.sampleRate, 24000);
  assert.ok(r.frameCount >= 2, `${r.frameCount} frames`);
  assert.deepEqual(r.frameLengths, [FRAME]);
  assert.deepEqual(r.frameRates, [24000]);
  assert.ok(r.offsetsContiguous, 'each frame must start where the previous one ended');
  assert.equal(r.oneShotLength, r.samples);
  assert.equal(r.frameCount * FRAME, r.samples);
  assert.ok(r.streamEqualsOneShot, 'the frames given to onAudio must concatenate to the one-shot audio');
  assert.ok(r.streamedResultEqual, 'and the streamed call returns that audio too');
  assert.ok(r.firstFrameMs < r.doneMs, `the first frame (${r.firstFrameMs} ms) must arrive before the end (${r.doneMs} ms)`);
  assert.deepEqual(r.quiet, { audioLength: 0, samples: r.samples });
  assert.deepEqual(r.abort.aborted, { name: 'AbortError', isReason: true });
  assert.equal(r.abort.seen, 2);
  assert.equal(r.abort.liveTensors, 0);
  assert.equal(r.abort.heapAfter, r.abort.heapBefore, 'the aborted request must free what it took from the core heap');
  assert.equal(r.liveAfterRuns, 0);
  assert.ok(r.againEqual, 'after the abort the same request must give the same audio');
  assert.deepEqual(r.worker, { backend: 'wasm', sameVoice: true, sameAudio: true, liveTensors: 0 });
});
