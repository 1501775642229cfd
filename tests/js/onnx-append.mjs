// Appends a Softmax node to an ONNX model's bytes, for tests. Protobuf merges a repeated message
// field that appears twice, so a ModelProto holding only graph { node, output } appended to a model
// adds that node and that graph output. Field numbers are from onnx.proto.

const varint = (n) => {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const field = (num, bytes) => [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
const str = (num, s) => field(num, [...new TextEncoder().encode(s)]);
const int = (num, n) => [...varint(num << 3), ...varint(n)];

// ValueInfoProto { name, type { tensor_type { elem_type: FLOAT, shape { dim { dim_param: "batch" } dim { dim_value } } } } }
function floatOutput(name, classes) {
  const shape = [...field(1, str(2, 'batch')), ...field(1, int(1, classes))];
  const tensor = [...int(1, 1), ...field(2, shape)];
  return [...str(1, name), ...field(2, field(1, tensor))];
}

/** Model bytes whose graph also outputs `output` = Softmax(`input`, axis 1), [batch, classes]. */
export function appendSoftmax(modelBytes, input, output, classes) {
  const axis = [...str(1, 'axis'), ...int(3, 1), ...int(20, 2)]; // AttributeProto name, i, type INT
  const node = [...str(1, input), ...str(2, output), ...str(3, `${output}_softmax`), ...str(4, 'Softmax'), ...field(5, axis)];
  const graph = [...field(1, node), ...field(12, floatOutput(output, classes))];
  const tail = Uint8Array.from(field(7, graph));
  const out = new Uint8Array(modelBytes.length + tail.length);
  out.set(modelBytes, 0);
  out.set(tail, modelBytes.length);
  return out;
}
