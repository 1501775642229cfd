// Counts what a page asks of its WebGPU device: buffers created (by usage), queue.writeBuffer,
// buffer-to-buffer copies (those into MAP_READ buffers are readbacks), compute dispatches,
// mapAsync and submits. `instrumentWebGpu` is handed to page.addInitScript, so it wraps the
// prototypes before any page script (onnxruntime-web included) asks for a device; it must stay
// self-contained (Playwright sends its source text). The page reads the running totals with
// `globalThis.__webgpuCounters.snapshot()`; the other exports turn snapshots into figures.

/** Page init script: wraps GPU* prototypes and installs globalThis.__webgpuCounters. */
export function instrumentWebGpu() {
  if (!globalThis.GPUDevice || globalThis.__webgpuCounters) return;
  // GPUBufferUsage bits, spelled out: the init script runs before anything else is defined.
  const MAP_READ = 0x1;
  const MAP_WRITE = 0x2;
  const UNIFORM = 0x40;
  const STORAGE = 0x80;
  const c = {
    devices: 0,
    buffers_created: 0, buffers_created_bytes: 0, buffers_destroyed: 0,
    storage_buffers: 0, storage_bytes: 0, uniform_buffers: 0, uniform_bytes: 0,
    staging_read_buffers: 0, staging_read_bytes: 0, staging_write_buffers: 0, staging_write_bytes: 0,
    other_buffers: 0, other_bytes: 0,
    write_buffer_calls: 0, write_buffer_bytes: 0,
    copies: 0, copy_bytes: 0, copies_to_map_read: 0, copies_to_map_read_bytes: 0,
    dispatches: 0, submits: 0, command_buffers: 0,
    map_async_calls: 0, readbacks: 0, readback_bytes: 0,
  };
  const sizes = new Map(); // created buffer size -> count, to name what dominates
  const wrap = (proto, name, count) => {
    const original = proto[name];
    if (typeof original !== 'function') return;
    proto[name] = function wrapped(...args) {
      count(this, args);
      return original.apply(this, args);
    };
  };
  const usageOf = (buffer) => buffer?.usage ?? 0;
  const kindOf = (usage) => (usage & MAP_READ ? 'staging_read' : usage & MAP_WRITE ? 'staging_write'
    : usage & STORAGE ? 'storage' : usage & UNIFORM ? 'uniform' : 'other');
  wrap(GPUAdapter.prototype, 'requestDevice', () => { c.devices += 1; });
  wrap(GPUDevice.prototype, 'createBuffer', (_device, [descriptor]) => {
    const size = Number(descriptor.size);
    const kind = kindOf(descriptor.usage);
    c.buffers_created += 1;
    c.buffers_created_bytes += size;
    c[`${kind}_buffers`] += 1;
    c[`${kind}_bytes`] += size;
    const key = `${kind}:${size}`;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  });
  wrap(GPUBuffer.prototype, 'destroy', () => { c.buffers_destroyed += 1; });
  wrap(GPUQueue.prototype, 'writeBuffer', (_queue, [, , data, dataOffset = 0, size]) => {
    // Offsets and size count elements for a typed array, bytes for an ArrayBuffer.
    const unit = data.BYTES_PER_ELEMENT ?? 1;
    const length = ArrayBuffer.isView(data) ? data.byteLength / unit : data.byteLength;
    c.write_buffer_calls += 1;
    c.write_buffer_bytes += (size ?? length - dataOffset) * unit;
  });
  wrap(GPUQueue.prototype, 'submit', (_queue, [buffers]) => {
    c.submits += 1;
    c.command_buffers += buffers.length;
  });
  wrap(GPUCommandEncoder.prototype, 'copyBufferToBuffer', (_encoder, args) => {
    // (src, srcOffset, dst, dstOffset, size?) or the newer (src, dst, size?)
    const short = typeof args[1] === 'object';
    const [src, dst] = short ? [args[0], args[1]] : [args[0], args[2]];
    const size = Number((short ? args[2] : args[4]) ?? src.size - (short ? 0 : Number(args[1])));
    c.copies += 1;
    c.copy_bytes += size;
    if (usageOf(dst) & MAP_READ) {
      c.copies_to_map_read += 1;
      c.copies_to_map_read_bytes += size;
    }
  });
  wrap(GPUComputePassEncoder.prototype, 'dispatchWorkgroups', () => { c.dispatches += 1; });
  wrap(GPUComputePassEncoder.prototype, 'dispatchWorkgroupsIndirect', () => { c.dispatches += 1; });
  wrap(GPUBuffer.prototype, 'mapAsync', (buffer, [mode, offset = 0, size]) => {
    c.map_async_calls += 1;
    if (mode & 0x1) { // GPUMapMode.READ
      c.readbacks += 1;
      c.readback_bytes += Number(size ?? buffer.size - offset);
    }
  });
  globalThis.__webgpuCounters = {
    snapshot: () => ({ ...c }),
    createdSizes: () => Object.fromEntries(sizes),
  };
}

/** b - a, field by field. */
export function countersDelta(a, b) {
  return Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]));
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Per field, the median (or mean) of a list of deltas. */
export function summarize(deltas, how = 'median') {
  const keys = Object.keys(deltas[0] ?? {});
  const pick = how === 'median' ? median : (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return Object.fromEntries(keys.map((k) => [k, +pick(deltas.map((d) => d[k])).toFixed(2)]));
}

/** Each field divided by n. */
export function perUnit(counts, n) {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, +(v / n).toFixed(2)]));
}

/** The fields of the printed per_step record, from a counters record (a delta, median or mean). */
export function perStepRecord(x) {
  return {
    buffers_created: x.buffers_created, buffers_created_bytes: x.buffers_created_bytes,
    staging_buffers: x.staging_read_buffers + x.staging_write_buffers,
    storage_buffers: x.storage_buffers, uniform_buffers: x.uniform_buffers,
    buffers_destroyed: x.buffers_destroyed,
    write_buffer_calls: x.write_buffer_calls, write_buffer_bytes: x.write_buffer_bytes,
    dispatches: x.dispatches, submits: x.submits, copies: x.copies, copy_bytes: x.copy_bytes,
    readbacks: x.readbacks, readback_bytes: x.readback_bytes,
  };
}
