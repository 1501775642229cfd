// Runs a classification inside a module Worker (the page only posts the image's URL).
export async function classifyInWorker(_weft, { source, image }) {
  const worker = new Worker('/tests/browser/classifier-worker.mjs', { type: 'module' });
  try {
    return await new Promise((resolve, reject) => {
      worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ source, image });
    });
  } finally {
    worker.terminate();
  }
}
