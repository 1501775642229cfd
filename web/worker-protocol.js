// What crosses between a page (worker-client.js) and a worker (worker-host.js), shared by both
// ends: functions and AbortSignals travel as markers, typed arrays as compact copies or moved
// buffers, errors keep their name and message, objects with methods stay behind as handles.

export const CALLBACK = '__weftCallback';
export const SIGNAL = '__weftSignal';
export const ROOT = 0;

const toMove = new WeakSet();

/**
 * Marks a typed array (or ArrayBuffer) given as an argument to be moved into the worker instead
 * of copied: the caller's buffer is detached afterwards. Returns its argument.
 */
export function transfer(value) {
  if (!(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value)) {
    throw new TypeError(`weft: transfer() takes a typed array or an ArrayBuffer, got ${value?.constructor?.name ?? typeof value}`);
  }
  toMove.add(value);
  return value;
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Prepares data for postMessage; returns [value, transferList]. A view on part of a larger buffer
 * (a WASM heap, a shared buffer) is copied to its own buffer first, because posting a view clones
 * its whole buffer. Own buffers move when `moveAll` is set or the caller marked them.
 */
export function packData(value, { moveAll = false } = {}) {
  const moved = new Set();
  const walk = (v, depth) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const whole = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.buffer instanceof ArrayBuffer;
      if (!whole) return moveAll || toMove.has(v) ? keep(v.slice()) : v.slice();
      return moveAll || toMove.has(v) ? keep(v) : v;
    }
    if (v instanceof ArrayBuffer) return moveAll || toMove.has(v) ? (moved.add(v), v) : v;
    if (depth > 8) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (isPlainObject(v)) {
      const out = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, depth + 1);
      return out;
    }
    return v;
  };
  const keep = (view) => {
    if (!view.buffer.resizable) moved.add(view.buffer);
    return view;
  };
  const packed = walk(value, 0);
  return [packed, [...moved]];
}

/** True for objects that must stay in the worker and be called remotely (they have methods). */
export function isHandle(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  return methodNames(value).length > 0;
}

/** Names of the callable members of `object`, own and inherited (not Object.prototype's). */
export function methodNames(object) {
  const names = new Set();
  for (let o = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || name.startsWith('_')) continue;
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (typeof d.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/** The data members of `object` (fields and getters) that can be copied out: a snapshot. */
export function dataProperties(object) {
  const out = {};
  for (let o = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || name.startsWith('_') || name in out) continue;
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (typeof d.value === 'function') continue;
      let value;
      try {
        value = d.get ? d.get.call(object) : d.value;
      } catch {
        continue;
      }
      if (isData(value, 0)) out[name] = value;
    }
  }
  return out;
}

function isData(v, depth) {
  if (v === null || v === undefined) return true;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') return true;
  if (t !== 'object' || depth > 8) return false;
  if (ArrayBuffer.isView(v)) return true;
  if (Array.isArray(v)) return v.every((x) => isData(x, depth + 1));
  return isPlainObject(v) && Object.values(v).every((x) => isData(x, depth + 1));
}

/** An error as plain data (Embind and DOM errors included). */
export function packError(error) {
  return {
    name: typeof error?.name === 'string' ? error.name : 'Error',
    message: String(error?.message ?? error),
    stack: typeof error?.stack === 'string' ? error.stack : undefined,
  };
}

const ERROR_TYPES = { TypeError, RangeError, SyntaxError, ReferenceError };

/** The page-side error for a packed one: same name and message; the worker's stack kept aside. */
export function unpackError(data) {
  let error;
  if (data.name === 'AbortError' || data.name === 'TimeoutError') {
    error = new DOMException(data.message, data.name);
  } else {
    error = new (ERROR_TYPES[data.name] ?? Error)(data.message);
    if (!(data.name in ERROR_TYPES) && data.name !== 'Error') error.name = data.name;
  }
  if (data.stack) Object.defineProperty(error, 'workerStack', { value: data.stack });
  return error;
}
