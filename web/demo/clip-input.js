// The prompt clip: recorded from the microphone (MediaRecorder) or read from a file. WAV files go
// through Weft's own reader (exact samples at the file's rate; the model resamples); other formats,
// and recordings, are decoded by the browser (decodeAudioData) at `rate` (default 32 kHz, MusicGen's).

const DECODE_RATE = 32000;

/** → { channels: Float32Array[], sampleRate, seconds } */
export async function decodeClip(blob, { decodeWav, deinterleave }, { rate = DECODE_RATE } = {}) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const label = blob.name ?? 'the recording';
  let wavError = null;
  if (isWav(bytes)) {
    try {
      const wav = await decodeWav(bytes);
      return describe({ channels: deinterleave(wav.samples, wav.channels), sampleRate: wav.sampleRate });
    } catch (error) {
      wavError = error; // an encoding Weft does not read (e.g. A-law): perhaps the browser does
    }
  }
  try {
    const context = new OfflineAudioContext(1, 1, rate);
    const buffer = await context.decodeAudioData(bytes.buffer.slice(0));
    const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
    return describe({ channels, sampleRate: buffer.sampleRate });
  } catch (error) {
    throw new Error(`${label}: ${(wavError ?? error).message}`);
  }
}

function isWav(bytes) {
  const tag = (at) => String.fromCharCode(...bytes.subarray(at, at + 4));
  return bytes.length >= 12 && tag(0) === 'RIFF' && tag(8) === 'WAVE';
}

function describe({ channels, sampleRate }) {
  return { channels, sampleRate, seconds: channels[0].length / sampleRate };
}

/** Microphone capture: start() asks for the microphone, stop() → the recording as a Blob. */
export class Recorder {
  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    this.chunks = [];
    this.recorder = new MediaRecorder(this.stream);
    this.recorder.ondataavailable = (event) => { if (event.data.size) this.chunks.push(event.data); };
    this.stopped = new Promise((resolve) => { this.recorder.onstop = resolve; });
    this.recorder.start();
  }

  get recording() {
    return this.recorder?.state === 'recording';
  }

  async stop() {
    this.recorder.stop();
    await this.stopped;
    for (const track of this.stream.getTracks()) track.stop();
    return new Blob(this.chunks, { type: this.recorder.mimeType });
  }
}
