// The classifier demo: pick or drop an image; the model runs in this tab (nothing is uploaded).
import { load } from '../weft.js';

const $ = (id) => document.getElementById(id);
const modelUrl = new URL(new URLSearchParams(location.search).get('model') ?? '/build/models/classifier-resnet18/', location.href);
$('model-url').textContent = modelUrl.pathname;

let classifier = null;
let loadedBackend = null;

async function ensureModel() {
  const wanted = $('backend').value;
  if (classifier && loadedBackend === wanted) return classifier;
  await classifier?.dispose();
  classifier = null;
  $('status').textContent = 'loading…';
  classifier = await load(modelUrl.href, { backend: wanted });
  loadedBackend = wanted;
  $('status').textContent = `ready on ${classifier.backend}`;
  return classifier;
}

async function classifyFile(file) {
  const results = $('results');
  delete results.dataset.done;
  results.textContent = '';
  try {
    const model = await ensureModel();
    $('preview').src = URL.createObjectURL(file);
    $('preview').style.display = '';
    const r = await model.classifyDetailed(file, { topK: Number($('top-k').value) || 5 });
    for (const { label, score } of r.top) {
      const li = document.createElement('li');
      li.textContent = `${label} ${(100 * score).toFixed(2)}%`;
      results.append(li);
    }
    const s = r.stats;
    $('timing').textContent = `${s.width}x${s.height} · preprocess ${s.preprocessMs.toFixed(1)} ms · model ${s.runMs.toFixed(1)} ms · total ${s.totalMs.toFixed(1)} ms · ${model.backend}`;
  } catch (error) {
    $('timing').textContent = `error: ${error.message}`;
  }
  results.dataset.done = '1';
}

$('file').addEventListener('change', () => { if ($('file').files[0]) classifyFile($('file').files[0]); });
for (const type of ['dragover', 'drop']) {
  document.addEventListener(type, (e) => {
    e.preventDefault();
    if (type === 'drop' && e.dataTransfer.files[0]) classifyFile(e.dataTransfer.files[0]);
  });
}
$('backend').addEventListener('change', () => ensureModel().catch((e) => { $('status').textContent = e.message; }));
ensureModel().catch((e) => { $('status').textContent = `error: ${e.message}`; });
