// Runs in a Chromium page: every kind of bad image given to classify(), and the error each gives;
// then one good image, to show the classifier is still usable and nothing was left allocated.
export async function classifyBadImages(weft, { source, image }) {
  const classifier = await weft.load(source, { backend: 'wasm' });
  const attempt = async (what) => {
    try {
      await classifier.classify(await what());
      return 'no error';
    } catch (error) {
      return String(error?.message ?? error);
    }
  };
  try {
    const errors = {
      notAnImage: await attempt(() => new Blob([new TextEncoder().encode('this is not a PNG')], { type: 'image/png' })),
      text: await attempt(() => 'cat.png'),
      zeroCanvas: await attempt(() => new OffscreenCanvas(0, 0)),
      zeroImageData: await attempt(() => ({ data: new Uint8ClampedArray(0), width: 0, height: 0 })),
      // Refused from its size: the 400 MB of RGBA are never drawn, read or copied.
      huge: await attempt(() => new OffscreenCanvas(10000, 10000)),
    };
    const bitmap = await createImageBitmap(await (await fetch(image)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const top = await classifier.classify(bitmap, { topK: 1 });
    return { errors, top, liveTensors: classifier.liveTensors() };
  } finally {
    await classifier.dispose();
  }
}
