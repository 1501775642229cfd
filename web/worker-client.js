// The page side of the worker host: loadInWorker(url, options) loads a package inside a module
// Worker (worker-host.js) and returns a proxy with the task's methods, each returning a Promise.
// Callbacks in the options (onProgress, onAudio, onToken, …) are called here as the worker
// reports; an AbortSignal aborts that call in the worker; results come back with their buffers
// moved; errors keep the worker's name and message.

import { CALLBACK, ROOT, SIGNAL, packData, unpackError } from './worker-protocol.js';

export { transfer } from './worker-protocol.js';

const channels = new WeakMap();

/**
 * options: the options of load() that can cross into a worker (backend, precision, kind, coreUrl, verify,
 * cache, budgets, sessionOptions, onProgress, signal), plus
 *   worker: an existing Worker running worker-host.js (e.g. a module of yours that imports
 *           'weft/worker'; default: a new one, ended by dispose()),
 *   workerUrl: where worker-host.js is served (default: next to this file, as bundlers emit it),
 *   ortUrl: the onnxruntime-web ES module the worker imports (default: what 'onnxruntime-web/wasm'
 *           or '/webgpu', else 'onnxruntime-web', resolves to in this page through its import map;
 *           in a bundle the worker's own import decides).
 */
export async function loadInWorker(source, options = {}) {
  const { worker: given, workerUrl, ort, fetch, coreUrl, ...loadOptions } = options;
  if (ort !== undefined) throw new TypeError('weft: loadInWorker: an `ort` module object cannot cross into a worker; give `ortUrl` (the URL of an onnxruntime-web ES module) instead');
  if (fetch !== undefined) throw new TypeError('weft: loadInWorker: a `fetch` function cannot cross into a worker; the worker fetches with its own fetch()');
  if (!given && typeof Worker === 'undefined') {
    throw new Error('weft: loadInWorker needs Web Workers (a browser); in Node call load() directly');
  }
  const ortUrl = options.ortUrl ?? resolveOrt(options.backend);
  const worker = given ?? startWorker(workerUrl);
  const channel = channelFor(worker, { owned: !given, url: given ? '(given worker)' : String(workerUrl ?? 'weft/worker') });
  const base = globalThis.location?.href;
  const sent = { ...loadOptions, ...(ortUrl ? { ortUrl } : {}), ...(coreUrl ? { coreUrl: new URL(String(coreUrl), base).href } : {}) };
  try {
    return await channel.call(ROOT, 'load', [new URL(String(source), base).href, sent]);
  } catch (error) {
    if (!given) channel.end();
    throw error;
  }
}

/** The worker host; the literal new Worker(new URL(…)) is what lets bundlers emit it as a worker entry. */
function startWorker(workerUrl) {
  if (workerUrl) return new Worker(workerUrl, { type: 'module', name: 'weft' });
  return new Worker(new URL('./worker-host.js', import.meta.url), { type: 'module', name: 'weft' });
}

/** What this page's import map makes of onnxruntime-web (the build backend.js would pick), if anything. */
function resolveOrt(backend) {
  const names = [backend === 'wasm' ? 'onnxruntime-web/wasm' : 'onnxruntime-web/webgpu', 'onnxruntime-web'];
  for (const name of names) {
    try {
      if (typeof import.meta.resolve === 'function') return import.meta.resolve(name);
    } catch {
      // not mapped: try the next name; with none, the worker's own import (a bundler's) decides
    }
  }
  return undefined;
}

function channelFor(worker, settings) {
  let channel = channels.get(worker);
  if (!channel) {
    channel = new Channel(worker, settings);
    channels.set(worker, channel);
  }
  return channel;
}

/** One worker's calls in flight, its proxies, and what happens when it dies. */
class Channel {
  constructor(worker, { owned, url }) {
    this.worker = worker;
    this.owned = owned;
    this.url = url;
    this.pending = new Map();
    this.nextId = 1;
    this.proxies = 0;
    this.dead = null;
    worker.addEventListener('message', ({ data }) => this.receive(data));
    worker.addEventListener('error', (event) => {
      event.preventDefault?.();
      const reason = event.message || 'it failed to start or crashed (script not found, a syntax error, a failed import or out of memory; see the browser console)';
      this.fail(new Error(`weft: the worker ${this.url} stopped: ${reason}`));
    });
    worker.addEventListener('messageerror', () => this.fail(new Error(`weft: the worker ${this.url} sent a message that could not be read`)));
  }

  call(target, method, args) {
    if (this.dead) return Promise.reject(this.dead);
    const callbacks = new Map();
    let signal = null;
    const pack = (v, top) => {
      if (typeof v === 'function') {
        const key = String(callbacks.size);
        callbacks.set(key, v);
        return { [CALLBACK]: key };
      }
      if (typeof AbortSignal !== 'undefined' && v instanceof AbortSignal) {
        signal = v;
        return { [SIGNAL]: true };
      }
      if (top && v && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pack(x, false)]));
      }
      return v;
    };
    const packedArgs = args.map((a) => pack(a, true));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const [data, moved] = packData(packedArgs);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.worker.postMessage({ op: 'abort', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        this.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, {
        callbacks,
        resolve: (value) => { settle(); resolve(value); },
        // An aborted call rejects with the signal's reason, as it does in the page.
        reject: (error) => { settle(); reject(signal?.aborted && error.name === 'AbortError' ? signal.reason : error); },
        method,
      });
      try {
        this.worker.postMessage({ op: 'call', id, target, method, args: data }, moved);
      } catch (error) {
        this.pending.get(id).reject(new TypeError(`weft: ${method}(): an argument cannot be sent to the worker: ${error.message}`, { cause: error }));
      }
    });
  }

  receive(message) {
    const call = this.pending.get(message.id);
    if (!call) return;
    if (message.op === 'callback') {
      try {
        call.callbacks.get(message.key)?.(...message.args);
      } catch (error) {
        queueMicrotask(() => { throw error; }); // a throwing callback is the page's bug: report it, keep going
      }
    } else if (message.op === 'return') {
      call.resolve(message.handle ? this.proxy(message.handle) : message.value);
    } else if (message.op === 'throw') {
      call.reject(unpackError(message.error));
    }
  }

  /** The page-side stand-in for an object that stays in the worker. */
  proxy({ target, methods, props }) {
    this.proxies += 1;
    const proxy = { ...props };
    for (const method of methods) proxy[method] = (...args) => this.call(target, method, args);
    if (methods.includes('dispose')) {
      proxy.dispose = async () => {
        try {
          if (!this.dead) await this.call(target, 'dispose', []);
        } finally {
          this.proxies -= 1;
          if (this.owned && this.proxies === 0) this.end();
        }
      };
    }
    Object.defineProperty(proxy, 'worker', { value: this.worker });
    return proxy;
  }

  fail(error) {
    if (this.dead) return;
    this.dead = error;
    for (const call of [...this.pending.values()]) call.reject(error);
    this.worker.terminate();
  }

  end() {
    this.fail(new Error(`weft: the worker ${this.url} has been disposed`));
  }
}
