"""The rules that keep a graph's integer inputs on the GPU under onnxruntime's WebGPU provider
(weft_models.common.device_inputs), on small hand-built graphs run by onnxruntime."""
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

from weft_models.common.device_inputs import device_input_readers, shapes_from_lookups


def _lookup_graph():
    """ids [n, s] -> table lookup [n, s, 3], reshaped by a Shape of the ids to [n * s, 3]."""
    table = helper.make_tensor("table", TensorProto.FLOAT, [5, 3], np.arange(15, dtype=np.float32))
    nodes = [
        helper.make_node("Shape", ["ids"], ["ids_shape"], name="shape_of_ids", start=0, end=-1),
        helper.make_node("Gather", ["table", "ids"], ["rows"], name="lookup"),
        helper.make_node("Constant", [], ["minus_one"], value=helper.make_tensor("m", TensorProto.INT64, [1], [-1])),
        helper.make_node("Constant", [], ["three"], value=helper.make_tensor("t", TensorProto.INT64, [1], [3])),
        helper.make_node("Concat", ["minus_one", "three"], ["target"], axis=0),
        helper.make_node("Reshape", ["rows", "target"], ["flat"]),
        helper.make_node("Cast", ["ids_shape"], ["n"], to=TensorProto.FLOAT),
    ]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("ids", TensorProto.INT64, ["n", "s"])],
                              [helper.make_tensor_value_info("flat", TensorProto.FLOAT, ["ns", 3]),
                               helper.make_tensor_value_info("n", TensorProto.FLOAT, [1])], [table])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def _run(model, ids):
    s = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return s.run(None, {"ids": ids})


def test_a_shape_of_the_ids_moves_onto_the_lookup_with_the_same_values():
    model = _lookup_graph()
    ids = np.array([[1, 4, 0], [2, 2, 3]], np.int64)
    before = _run(model, ids)
    assert device_input_readers(model, {}) == ["Shape shape_of_ids reads ids (input 0)"]
    assert shapes_from_lookups(model) == 1
    onnx.checker.check_model(model, full_check=True)  # still topologically sorted and typed
    assert device_input_readers(model, {}) == []
    shape = next(n for n in model.graph.node if n.op_type == "Shape")
    assert shape.input[0] == "rows"
    assert {a.name: a.i for a in shape.attribute} == {"start": 0, "end": 1}  # -1 of rank 2
    for a, b in zip(before, _run(model, ids)):
        np.testing.assert_array_equal(a, b)


def test_other_readers_are_named_and_the_allowed_operator_is_not():
    model = _lookup_graph()
    model.graph.node.append(helper.make_node("Cast", ["ids"], ["ids_f"], name="cast_ids", to=TensorProto.FLOAT))
    shapes_from_lookups(model)
    assert device_input_readers(model, {}) == ["Cast cast_ids reads ids (input 0)"]
    assert device_input_readers(model, {"ids": ("", "Cast")}) == []
