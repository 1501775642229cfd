// Runs in a Chromium page: Weft's classify() vs a plain onnxruntime-web loop with the
// preprocessing people write in JS (canvas resize, center crop, normalize), same backend.
// images/s = 1000 / the median time of one image (decode excluded: both start from an ImageBitmap).
export async function benchClassifierPage(weft, { packages, image, iterations = 21 }) {
  const ort = await import('onnxruntime-web');
  const blob = await (await fetch(image)).blob();
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const out = {};
  for (const [precision, source] of Object.entries(packages)) {
    const classifier = await weft.load(source, { backend: 'wasm' });
    const { resize, crop, mean, std } = classifier.preprocess;
    const manifest = await (await fetch(`${source}/weft.json`)).json();
    const session = await ort.InferenceSession.create(`${source}/${manifest.components.classifier.file}`, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const plain = async () => {
      const scale = resize / Math.min(bitmap.width, bitmap.height);
      const w = Math.round(bitmap.width * scale); const h = Math.round(bitmap.height * scale);
      const canvas = new OffscreenCanvas(crop, crop);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bitmap, (crop - w) / 2, (crop - h) / 2, w, h);
      const px = ctx.getImageData(0, 0, crop, crop).data;
      const x = new Float32Array(3 * crop * crop);
      for (let i = 0; i < crop * crop; i += 1) for (let c = 0; c < 3; c += 1) x[c * crop * crop + i] = (px[i * 4 + c] / 255 - mean[c]) / std[c];
      const r = await session.run({ pixel_values: new ort.Tensor('float32', x, [1, 3, crop, crop]) });
      const logits = r.logits.data;
      let best = 0; for (let i = 1; i < logits.length; i += 1) if (logits[i] > logits[best]) best = i;
      return best;
    };
    const weftOnce = () => classifier.classify(bitmap);
    const ms = async (fn) => { const t = performance.now(); await fn(); return performance.now() - t; };
    await weftOnce(); await plain(); // warm-up
    // Alternating single images, so load from anything else on the machine hits both sides alike.
    const times = { weft: [], plain: [] };
    for (let i = 0; i < iterations; i += 1) {
      times.weft.push(await ms(weftOnce));
      times.plain.push(await ms(plain));
    }
    await session.release();
    await classifier.dispose();
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    out[precision] = { weft: 1000 / median(times.weft), plain: 1000 / median(times.plain), images: iterations };
  }
  return { ...out, image: { width: bitmap.width, height: bitmap.height } };
}
