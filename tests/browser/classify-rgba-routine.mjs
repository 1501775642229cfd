// In a page: a classifier package run on raw RGBA images fetched from URLs; the full score vector
// and the top label of each, and the backend.
export async function runClassifyRgba(weft, { source, images, loadOptions = {} }) {
  const classifier = await weft.load(source, loadOptions);
  try {
    const results = [];
    for (const { url, width, height } of images) {
      const rgba = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const r = await classifier.classifyDetailed(rgba, { width, height, topK: 1 });
      results.push({ scores: Array.from(r.logits), label: r.top[0].label });
    }
    return { results, backend: classifier.backend };
  } finally {
    await classifier.dispose();
  }
}
