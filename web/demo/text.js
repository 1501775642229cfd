// The text demo: the toy decoder generating in the page, on WebGPU or WASM, tokens shown as they come.
import { load, loadTokenizer } from '../weft.js';

const $ = (id) => document.getElementById(id);
const modelUrl = new URL(new URLSearchParams(location.search).get('model') ?? '/build/models/toy/', location.href);
$('model-url').textContent = modelUrl.pathname;

let model = null;
let loadedBackend = null;
// The package's tokenizer.json (the toy ships a 512-id byte-level BPE); without one, each UTF-8
// byte of the prompt is a token id.
const tokenizerPromise = loadTokenizer(new URL('tokenizer.json', modelUrl).href).catch(() => null);
let controller = null;

async function ensureModel() {
  const wanted = $('backend').value;
  if (model && loadedBackend === wanted) return model;
  await model?.dispose();
  model = null;
  $('status').textContent = 'loading…';
  model = await load(modelUrl.href, {
    backend: wanted,
    onProgress: (p) => { if (p.phase === 'download' && p.total) $('status').textContent = `downloading ${p.file} ${Math.round((100 * p.loaded) / p.total)}%`; },
  });
  loadedBackend = wanted;
  $('status').textContent = `ready on ${model.backend}`;
  return model;
}

function showToken(id, tokenizer) {
  const span = document.createElement('span');
  const text = tokenizer ? tokenizer.decode([id]) : id < 128 && id >= 32 ? String.fromCharCode(id) : null;
  span.textContent = text != null ? `${id} '${text}'` : String(id);
  $('tokens').append(span);
}

$('controls').addEventListener('submit', async (event) => {
  event.preventDefault();
  controller = new AbortController();
  $('generate').disabled = true;
  $('stop').disabled = false;
  $('tokens').replaceChildren();
  $('stats').textContent = '…';
  try {
    const generator = await ensureModel();
    const tokenizer = await tokenizerPromise;
    const text = $('prompt').value;
    const prompt = tokenizer ? Array.from(tokenizer.encode(text)) : Array.from(new TextEncoder().encode(text));
    const started = performance.now();
    let count = 0;
    const result = await generator.generate({
      prompt,
      maxNewTokens: Number($('max-new').value),
      doSample: Number($('temperature').value) > 0,
      temperature: Number($('temperature').value),
      topK: Number($('top-k').value),
      topP: Number($('top-p').value),
      seed: Number($('seed').value),
      signal: controller.signal,
      onToken: (id) => {
        showToken(id, tokenizer);
        count += 1;
        $('stats').textContent = `${count} tokens · ${((count * 1000) / (performance.now() - started)).toFixed(1)} steps/s · backend ${generator.backend}`;
      },
    });
    $('stats').textContent = `${result.tokens.length} tokens · ${result.stats.tokensPerSecond.toFixed(1)} steps/s · backend ${generator.backend} · core ${result.stats.coreMs.toFixed(2)} ms in total`;
    $('stats').dataset.done = 'true';
  } catch (error) {
    $('stats').textContent = error.name === 'AbortError' ? 'stopped' : `error: ${error.message}`;
    $('stats').dataset.done = 'error';
  } finally {
    $('generate').disabled = false;
    $('stop').disabled = true;
  }
});

$('stop').addEventListener('click', () => controller?.abort());
ensureModel().catch((error) => { $('status').textContent = `error: ${error.message}`; });
