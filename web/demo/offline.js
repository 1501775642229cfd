// Registers the demo's service worker (sw.js) and waits until it controls this page, so that
// everything fetched afterwards (the worker, the library, the core, onnxruntime-web) is kept for
// offline use. Resolves to a short status; the demo works online without it.

export async function enableOffline({ timeoutMs = 5000 } = {}) {
  if (!('serviceWorker' in navigator)) return 'offline use unavailable (no service workers here)';
  const script = new URL('sw.js', import.meta.url);
  try {
    await navigator.serviceWorker.register(script, { scope: new URL('../../', script).pathname });
  } catch (error) {
    return `offline use unavailable (${error.message})`;
  }
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => {
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
      setTimeout(resolve, timeoutMs);
    });
  }
  return navigator.serviceWorker.controller ? 'works offline after this visit' : 'offline use pending (reload once)';
}
