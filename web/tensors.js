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

/** Reads a tensor's data wherever it lives (CPU, or a GPU buffer that must be downloaded). */
export async function tensorData(tensor) {
  return tensor.location === 'cpu' || tensor.location === undefined ? tensor.data : tensor.getData();
}
