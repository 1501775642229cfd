// File access for Node and Electron's main process (host.js): package files, tokenizers and the
// core's .wasm are read from disk instead of fetched; PNG and JPEG images are decoded with sharp
// (Node has no createImageBitmap).

export * as fs from 'node:fs/promises';
export * as path from 'node:path';
export { fileURLToPath } from 'node:url';

/** onnxruntime-web's Node build, the default runtime in Node when load() is given no `ort`. */
export const importOrtWeb = () => import('onnxruntime-web');

/**
 * PNG or JPEG bytes → { width, height, read: async () => RGBA Uint8Array }, decoded with sharp (8 bits a
 * channel, alpha 255 where the file has none). The size comes from the header, before any pixel is decoded.
 */
// sharp is an optional peer dependency: only Node apps that classify encoded images need it.
async function importSharp() {
  try {
    return (await import('sharp')).default;
  } catch (error) {
    throw new Error("weft: classify: decoding PNG or JPEG in Node needs the 'sharp' package (npm install sharp), or pass RGBA bytes with { width, height }", { cause: error });
  }
}

export async function openEncodedImage(bytes, format) {
  const sharp = await importSharp();
  const fail = (error) => {
    throw new Error(`weft: classify: could not decode the ${format.toUpperCase()} image (${error.message})`, { cause: error });
  };
  const { width, height } = await sharp(bytes).metadata().catch(fail);
  const read = async () => {
    const { data } = await sharp(bytes).ensureAlpha().toColourspace('srgb').raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true }).catch(fail);
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  };
  return { width, height, read };
}
