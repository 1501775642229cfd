// The demo's service worker: keeps the app itself (pages, JS modules, the core's .js/.wasm,
// the onnxruntime-web files) in a Cache so that the demo opens offline after one online visit.
// Network first, so an online visit always gets current files. Model packages are not handled
// here: web/package-source.js keeps them in its own Cache, verified against the manifest.
// Registered with scope '/' (the server sends Service-Worker-Allowed) so that the worker host
// and onnxruntime-web's own workers, outside web/demo/, are served offline too.

const APP_CACHE = 'weft-demo-app-v1';
// The pages and what they import before the service worker controls them; the rest (the worker,
// the library, the core, onnxruntime-web) is kept as it is first fetched under its control.
const SHELL = ['./', './index.html', './music.js', './stream-player.js', './clip-input.js', './generation-progress.js', './next-frame.js', './offline.js', './demo.css',
  './text.html', './text.js', './classifier.html', './classifier.js', './speech.html', './speech.js', './speech-voice.js', './waveform.js'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(APP_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin || !isAppFile(request)) return;
  event.respondWith(networkFirst(request));
});

const APP_DESTINATIONS = new Set(['document', 'script', 'worker', 'sharedworker', 'style']);

function isAppFile(request) {
  return APP_DESTINATIONS.has(request.destination) || /\.(m?js|wasm|css|html)$/.test(new URL(request.url).pathname);
}

async function networkFirst(request) {
  const cache = await caches.open(APP_CACHE);
  try {
    const response = await fetch(request);
    if (response.status === 200) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    // Pages are looked up without their query (?model=…); everything else exactly.
    const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (cached) return cached;
    throw error;
  }
}
