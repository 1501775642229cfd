// A ready module worker that hosts any Weft task (exported as 'weft/worker'). loadInWorker()
// (worker-client.js) starts it by itself; a worker of your own becomes one with
// `import 'weft/worker'`, handed over as loadInWorker(url, { worker }). The task runs here, off the page's main
// thread; the page gets a proxy with the same methods. Nothing here knows any task: objects with
// methods stay here as numbered handles, data is posted back (result buffers moved, not copied),
// function arguments become callbacks posted to the page, AbortSignals follow the page's aborts.

import * as weft from './weft.js';
import {
  CALLBACK, ROOT, SIGNAL, dataProperties, isHandle, methodNames, packData, packError,
} from './worker-protocol.js';

/** Handle 0: loading. Import maps do not reach workers, so the page names onnxruntime-web's URL. */
const root = {
  async load(source, { ortUrl, ...options } = {}) {
    const ort = ortUrl ? await import(/* webpackIgnore: true */ /* @vite-ignore */ ortUrl) : undefined;
    return weft.load(source, ort ? { ...options, ort } : options);
  },
};

const handles = new Map([[ROOT, { object: root, children: new Set() }]]);
let nextHandle = 1;
const running = new Map(); // call id → AbortController of that call

function register(object, parent) {
  const target = nextHandle++;
  handles.set(target, { object, children: new Set() });
  handles.get(parent)?.children.add(target);
  return { target, methods: methodNames(object), props: dataProperties(object) };
}

function release(target) {
  const entry = handles.get(target);
  if (!entry || target === ROOT) return;
  handles.delete(target);
  for (const child of entry.children) release(child);
}

/** Rebuilds the arguments: callback markers become functions posting to the page, signal markers a live signal. */
function unpackArgs(id, args, controller) {
  const revive = (v, key) => {
    if (v && typeof v === 'object' && CALLBACK in v) {
      const name = v[CALLBACK];
      return (...cbArgs) => {
        // Copied, not moved: the task may keep using what it hands to a callback.
        const [packed] = packData(cbArgs);
        self.postMessage({ op: 'callback', id, key: name, args: packed });
      };
    }
    if (v && typeof v === 'object' && SIGNAL in v) return controller.signal;
    return key === undefined && v && Object.getPrototypeOf(v) === Object.prototype
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x, k)]))
      : v;
  };
  return args.map((a) => revive(a, undefined));
}

async function call({ id, target, method, args }) {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const entry = handles.get(target);
    if (!entry) throw new Error(`weft: worker: this object was released (call to ${method}() after dispose?)`);
    const fn = entry.object[method];
    if (typeof fn !== 'function') throw new TypeError(`weft: worker: the object has no method '${method}'`);
    const value = await fn.apply(entry.object, unpackArgs(id, args, controller));
    if (isHandle(value)) {
      self.postMessage({ op: 'return', id, handle: register(value, target) });
    } else {
      const [packed, moved] = packData(value, { moveAll: true });
      try {
        self.postMessage({ op: 'return', id, value: packed }, moved);
      } catch (error) {
        throw new Error(`weft: worker: the result of ${method}() cannot be sent to the page: ${error.message}`, { cause: error });
      }
    }
    if (method === 'dispose') release(target);
  } catch (error) {
    self.postMessage({ op: 'throw', id, error: packError(error) });
  } finally {
    running.delete(id);
  }
}

self.onmessage = ({ data }) => {
  if (data.op === 'call') call(data);
  else if (data.op === 'abort') running.get(data.id)?.abort(new DOMException('The operation was aborted.', 'AbortError'));
};
