// The host side of runs kept on the WebGPU device (a plan that updates a slot in place): each
// host input lives in a device buffer made once and rewritten with queue.writeBuffer only when
// its bytes change, and host outputs come back through one persistent read buffer. A step then
// creates no GPU buffer: fed CPU tensors, onnxruntime-web stages every input through a new
// MAP_WRITE buffer and every output through a new MAP_READ one.

import { arrayFor, elementCount, webgpuDevice } from './tensors.js';

const COMPARE_LIMIT = 1 << 16; // bytes: larger inputs are rewritten without comparing

export class DeviceIo {
  constructor(ort) {
    this.ort = ort;
    this.device = webgpuDevice(ort, 'a run kept on the GPU');
    this.inputs = new Map(); // input name -> { buffer, size, last }
    this.readBuffer = null;
  }

  /** A gpu-buffer tensor holding `data` (a typed array) as `dtype` of `dims`. */
  input(name, dtype, data, dims) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const size = roundUp(Math.max(bytes.length, 4), 16);
    let held = this.inputs.get(name);
    if (!held || held.size < size) {
      held?.buffer.destroy();
      const usage = globalThis.GPUBufferUsage;
      held = { buffer: this.device.createBuffer({ size, usage: usage.STORAGE | usage.COPY_DST | usage.COPY_SRC }), size, last: null };
      this.inputs.set(name, held);
    }
    if (!sameBytes(held.last, bytes)) {
      // writeBuffer takes whole 4-byte words; it copies at once, so a view of the core's memory is fine
      const words = bytes.length % 4 ? padded(bytes) : bytes;
      this.device.queue.writeBuffer(held.buffer, 0, words);
      held.last = bytes.length <= COMPARE_LIMIT ? bytes.slice() : null;
    }
    return this.ort.Tensor.fromGpuBuffer(held.buffer, { dataType: dtype, dims });
  }

  /** Copies a gpu-buffer tensor's data to the host through the persistent read buffer. */
  async download(tensor) {
    const Ctor = arrayFor(tensor.type);
    const bytes = elementCount(tensor.dims) * Ctor.BYTES_PER_ELEMENT;
    const size = roundUp(Math.max(bytes, 4), 16);
    if (!this.readBuffer || this.readBuffer.size < size) {
      this.readBuffer?.destroy();
      const usage = globalThis.GPUBufferUsage;
      this.readBuffer = this.device.createBuffer({ size, usage: usage.MAP_READ | usage.COPY_DST });
    }
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(tensor.gpuBuffer, 0, this.readBuffer, 0, roundUp(bytes, 4));
    this.device.queue.submit([encoder.finish()]);
    await this.readBuffer.mapAsync(globalThis.GPUMapMode.READ, 0, size);
    try {
      return new Ctor(this.readBuffer.getMappedRange(0, size).slice(0, bytes));
    } finally {
      this.readBuffer.unmap();
    }
  }

  dispose() {
    for (const { buffer } of this.inputs.values()) buffer.destroy();
    this.inputs.clear();
    this.readBuffer?.destroy();
    this.readBuffer = null;
  }
}

function roundUp(n, m) {
  return Math.ceil(n / m) * m;
}

function padded(bytes) {
  const out = new Uint8Array(roundUp(bytes.length, 4));
  out.set(bytes);
  return out;
}

function sameBytes(a, b) {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
