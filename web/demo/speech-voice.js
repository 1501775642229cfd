// Voices for the speech demo: the default clip (fetched network first and kept in this origin's
// Cache so that the default voice is there offline too), stored voice files (the bytes
// voiceFrom() returns, as they are), and telling a voice file from an audio clip.

const CLIP_CACHE = 'weft-demo-voices-v1';
const VOICE_MAGIC = 'WEFTVOX1'; // how a stored voice begins (the core checks the rest)
export const VOICE_EXTENSION = '.weftvoice';

/** The default clip's bytes as a Blob: the network first, this origin's Cache when offline. */
export async function fetchClip(url) {
  const cache = await openCache();
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const blob = await response.blob();
    await cache?.put(url, new Response(blob, { headers: { 'Content-Type': blob.type || 'audio/wav' } })).catch(() => {});
    return blob;
  } catch (error) {
    const cached = await cache?.match(url);
    if (cached) return cached.blob();
    throw error;
  }
}

async function openCache() {
  try {
    return globalThis.caches ? await caches.open(CLIP_CACHE) : null;
  } catch {
    return null; // storage disabled: the default voice is just not kept offline
  }
}

/** Whether these bytes are a stored voice (rather than an audio file). */
export function isVoiceFile(bytes) {
  return bytes.length >= VOICE_MAGIC.length && String.fromCharCode(...bytes.subarray(0, VOICE_MAGIC.length)) === VOICE_MAGIC;
}

/** A stored voice read back from a file the user kept; throws when it is not one. */
export async function readVoiceFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!isVoiceFile(bytes)) throw new Error(`${file.name} is not a Weft voice file (make one with "Download this voice")`);
  return bytes;
}

/** A file name for a voice: its label made safe, with the voice extension. */
export function voiceFileName(label) {
  const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'voice';
  return `${base}${VOICE_EXTENSION}`;
}
