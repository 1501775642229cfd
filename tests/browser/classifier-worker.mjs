// Worker side: load the classifier, decode the image with createImageBitmap, classify.
// Import maps do not reach workers, so onnxruntime-web is passed in explicitly.
import * as ort from '/node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs';
import { load } from '/web/weft.js';

self.onmessage = async ({ data: { source, image } }) => {
  try {
    const classifier = await load(source, { ort, backend: 'wasm' });
    const bitmap = await createImageBitmap(await (await fetch(image)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const top = await classifier.classify(bitmap, { topK: 3 });
    await classifier.dispose();
    self.postMessage({ top });
  } catch (error) {
    self.postMessage({ error: String(error?.message ?? error) });
  }
};
