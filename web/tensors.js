// dtype names (as onnxruntime spells them) → typed array constructors used for host data.
const ARRAYS = {
  float32: Float32Array,
  float16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export function arrayFor(dtype) {
  const ctor = ARRAYS[dtype];
  if (!ctor) throw new Error(`weft: unsupported tensor dtype '${dtype}'`);
  return ctor;
}

export function elementCount(shape) {
  return shape.reduce((n, d) => n * d, 1);
}

/** A zero-filled CPU tensor (also used for tensors that are empty along one axis). */
export function zerosTensor(ort, dtype, shape) {
  const Ctor = arrayFor(dtype);
  return new ort.Tensor(dtype, new Ctor(elementCount(shape)), shape);
}

/** onnxruntime-web's WebGPU device, which `purpose` needs (an error when it is not initialised). */
export function webgpuDevice(ort, purpose) {
  const device = ort.env.webgpu?.device;
  if (!device) throw new Error(`weft: ${purpose} needs onnxruntime-web's WebGPU device, which is not initialised`);
  return device;
}

/**
 * A zero-filled tensor in a GPU buffer of onnxruntime-web's WebGPU device (WebGPU zero-fills new
 * buffers), for state a graph updates in place: the runtime binds it as input and output.
 */
export function gpuZerosTensor(ort, dtype, shape) {
  const bytes = elementCount(shape) * arrayFor(dtype).BYTES_PER_ELEMENT;
  const device = webgpuDevice(ort, 'an in-place state slot');
  const usage = globalThis.GPUBufferUsage;
  const buffer = device.createBuffer({ size: Math.ceil(bytes / 16) * 16, usage: usage.STORAGE | usage.COPY_SRC | usage.COPY_DST });
  return ort.Tensor.fromGpuBuffer(buffer, { dataType: dtype, dims: shape, dispose: () => buffer.destroy() });
}

/** Reads a tensor's data wherever it lives (CPU, or a GPU buffer that must be downloaded). */
export async function tensorData(tensor) {
  return tensor.location === 'cpu' || tensor.location === undefined ? tensor.data : tensor.getData();
}
