// Image classification through Weft: logits for each image URL, decoded by the platform
// (fetch -> Blob -> createImageBitmap). Runs in a page or a worker.
export async function runClassifierWeft(weft, { source, images, loadOptions = {} }) {
  const classifier = await weft.load(source, loadOptions);
  try {
    const logits = [];
    const top = [];
    for (const url of images) {
      const blob = await (await fetch(url)).blob();
      const r = await classifier.classifyDetailed(blob, { topK: 1 });
      logits.push(Array.from(r.logits));
      top.push(r.top[0]);
    }
    return { logits, top, backend: classifier.backend };
  } finally {
    await classifier.dispose();
  }
}
