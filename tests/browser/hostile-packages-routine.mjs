// Runs in a Chromium page: loads a (hostile) package in the page or in a worker and reports the
// error or the tokens it generates; and reads names through the JS layer alone (openPackage's
// read(), no core in between) to show it refuses them on its own.
export async function tryLoad(weft, { source, options = {}, worker = false }) {
  try {
    const loadOptions = { backend: 'wasm', ...options };
    const model = worker ? await weft.loadInWorker(source, loadOptions) : await weft.load(source, loadOptions);
    try {
      const { tokens } = await model.generate({ prompt: [3, 1, 4], maxNewTokens: 4 });
      return { tokens: Array.from(tokens) };
    } finally {
      await model.dispose();
    }
  } catch (error) {
    return { error: error.message };
  }
}

export async function tryReads(_weft, { source, names }) {
  const { openPackage } = await import('/web/package-source.js');
  const pkg = await openPackage(source, { cache: false });
  const out = {};
  for (const name of names) {
    try {
      out[name] = `read ${(await pkg.read(name)).byteLength} bytes`;
    } catch (error) {
      out[name] = error.message;
    }
  }
  return out;
}
