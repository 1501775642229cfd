// Turns whatever image a caller has into RGBA bytes, in a page, a worker or Node. The size is
// known first so the core can refuse an empty or huge image before any pixel is copied.
// Decoding never converts colour spaces or premultiplies alpha: the bytes are the file's, as
// PIL reads them. PNG and JPEG bytes (and, in Node, file paths) are decoded too: in Node by the
// host (node-host.js), elsewhere by createImageBitmap.

import { fileHost, isLocalFile } from './host.js';

const DECODE = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };

/** Returns { width, height, read: async () => Uint8Array|Uint8ClampedArray (RGBA), close() }. */
export async function openImage(image, { width, height } = {}) {
  const what = describe(image);
  if (isBytes(image?.data) && Number.isInteger(image.width) && Number.isInteger(image.height)) {
    return fixed(image.width, image.height, bytesOf(image.data)); // ImageData or {data, width, height}
  }
  if (isBytes(image) || image instanceof ArrayBuffer) {
    const bytes = bytesOf(image);
    const format = imageFormat(bytes);
    if (format) return encoded(bytes, format);
    if (!Number.isInteger(width) || !Number.isInteger(height)) {
      throw new TypeError(`weft: classify: ${bytes.length} bytes that are not a PNG or JPEG image; as RGBA bytes they need `
        + `integer {width, height} options, got ${width}x${height}`);
    }
    return fixed(width, height, bytes);
  }
  if (typeof image === 'string' && isLocalFile(image)) return openFile(image);
  if (typeof Blob !== 'undefined' && image instanceof Blob && typeof createImageBitmap === 'undefined') {
    const bytes = new Uint8Array(await image.arrayBuffer()); // Node has Blob but no createImageBitmap
    const format = imageFormat(bytes);
    if (!format) throw new Error(`weft: classify: the ${image.type || 'blob'} is not a PNG or JPEG image`);
    return encoded(bytes, format);
  }
  if (typeof Blob !== 'undefined' && image instanceof Blob) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(image, DECODE);
    } catch (error) {
      throw new Error(`weft: classify: could not decode the ${image.type || 'blob'} as an image (${error.message})`, { cause: error });
    }
    return drawable(bitmap, bitmap.width, bitmap.height, () => bitmap.close());
  }
  if (typeof HTMLImageElement !== 'undefined' && image instanceof HTMLImageElement) {
    await image.decode().catch((error) => {
      throw new Error(`weft: classify: the <img> could not be decoded (${error.message})`, { cause: error });
    });
    return drawable(image, image.naturalWidth, image.naturalHeight);
  }
  const drawables = ['ImageBitmap', 'HTMLCanvasElement', 'OffscreenCanvas', 'VideoFrame', 'HTMLVideoElement'];
  for (const name of drawables) {
    if (typeof globalThis[name] !== 'undefined' && image instanceof globalThis[name]) {
      const w = image.displayWidth ?? image.videoWidth ?? image.width;
      const h = image.displayHeight ?? image.videoHeight ?? image.height;
      return drawable(image, w, h);
    }
  }
  throw new TypeError(`weft: classify: expected an image (HTMLImageElement, ImageBitmap, ImageData, Blob, canvas, `
    + `PNG/JPEG bytes, a file path in Node, or RGBA bytes with {width, height}), got ${what}`);
}

// PNG and JPEG by their signatures; anything else is taken as raw RGBA.
function imageFormat(bytes) {
  const starts = (sig) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  return null;
}

// Encoded bytes: decoded by the host in Node (node-host.js), by createImageBitmap elsewhere.
async function encoded(bytes, format) {
  const host = await fileHost();
  if (host?.openEncodedImage) return { ...(await host.openEncodedImage(bytes, format)), close() {} };
  return openImage(new Blob([bytes], { type: `image/${format}` }));
}

async function openFile(path) {
  const host = await fileHost();
  let bytes;
  try {
    bytes = new Uint8Array(await host.fs.readFile(path));
  } catch (error) {
    throw new Error(`weft: classify: could not read the image file '${path}' (${error.message})`, { cause: error });
  }
  const format = imageFormat(bytes);
  if (!format) throw new Error(`weft: classify: the file '${path}' is not a PNG or JPEG image`);
  return encoded(bytes, format);
}

function fixed(width, height, data) {
  return {
    width, height, close() {},
    async read() {
      if (data.length !== width * height * 4) {
        throw new Error(`weft: classify: ${data.length} bytes are neither a PNG or JPEG image nor RGBA of a ${width}x${height} image `
          + `(expected ${width * height * 4})`);
      }
      return data;
    },
  };
}

// One canvas reused for images up to this size: creating a canvas costs more than drawing and
// reading a 640x480 image (3 ms vs 1 ms in Chromium). Larger images get their own, freed after.
const REUSED_CANVAS_PIXELS = 4 * 1024 * 1024;
let scratch = null;

function drawable(source, width, height, close = () => {}) {
  return {
    width, height, close,
    async read() {
      if (typeof OffscreenCanvas === 'undefined') throw new Error('weft: classify: decoding images needs OffscreenCanvas (a browser or worker)');
      let ctx;
      if (width * height <= REUSED_CANVAS_PIXELS) {
        scratch ??= new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
        if (scratch.canvas.width !== width || scratch.canvas.height !== height) {
          scratch.canvas.width = width;
          scratch.canvas.height = height;
        } else {
          scratch.clearRect(0, 0, width, height); // transparent pixels of the image stay transparent
        }
        ctx = scratch;
      } else {
        ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      }
      ctx.drawImage(source, 0, 0);
      return ctx.getImageData(0, 0, width, height).data; // a copy: the canvas can be reused at once
    },
  };
}

const isBytes = (v) => v instanceof Uint8Array || v instanceof Uint8ClampedArray;
const bytesOf = (v) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);
const describe = (v) => (v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v);
