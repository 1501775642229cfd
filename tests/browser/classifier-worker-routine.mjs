// Runs a classification inside a module Worker through the ready worker host (loadInWorker): the
// page decodes the image with createImageBitmap and the bitmap is posted to the worker.
export async function classifyInWorker(weft, { source, image }) {
  const classifier = await weft.loadInWorker(source, { backend: 'wasm' });
  try {
    const bitmap = await createImageBitmap(await (await fetch(image)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const top = await classifier.classify(bitmap, { topK: 3 });
    return { top };
  } finally {
    await classifier.dispose();
  }
}
