"""Writes the graphs of `npm run bench -- matmul-nbits` (bench/matmul-nbits.mjs): one MatMul of a
musicgen-small shape with random weights, as fp32, as int8 (quantize_dynamic, as the int8 packages
are made) and as 4-bit MatMulNBits (onnxruntime's MatMulNBitsQuantizer, block size 32; once with
fp32 compute, once with accuracy_level 4, int8 compute, the level the CPU kernels are fastest at).

Usage: python tools/matmul_nbits_graphs.py OUT_DIR
Writes OUT_DIR/<shape>-<precision>.onnx and OUT_DIR/graphs.json (shapes and files).
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# [rows, K] x [K, N]: rows = CFG's 2 branches x 4 codebooks, one position per decoder step.
SHAPES = {
    "ffn-in-1024x4096": (8, 1024, 4096),
    "ffn-out-4096x1024": (8, 4096, 1024),
    "lm-head-1024x2048": (8, 1024, 2048),
}
BLOCK_SIZE = 32


def fp32_matmul(rows: int, k: int, n: int, seed: int) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    weight = (rng.standard_normal((k, n)) * (1.0 / np.sqrt(k))).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "weight"], ["y"])], "matmul",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [rows, 1, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [rows, 1, n])],
        [numpy_helper.from_array(weight, "weight")])
    # opset 21: MatMulNBits is a com.microsoft contrib op alongside it
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    onnx.checker.check_model(model)
    return model


def int8_matmul(src: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(src), str(out), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])


def nbits4_matmul(model: onnx.ModelProto, out: Path, accuracy_level: int | None) -> None:
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer
    config = DefaultWeightOnlyQuantConfig(block_size=BLOCK_SIZE, is_symmetric=True, accuracy_level=accuracy_level)
    quantizer = MatMulNBitsQuantizer(model, algo_config=config)
    quantizer.process()
    ops = [n.op_type for n in quantizer.model.model.graph.node]
    if ops != ["MatMulNBits"]:
        raise RuntimeError(f"{out}: expected one MatMulNBits node after 4-bit quantization, got {ops}")
    onnx.save(quantizer.model.model, str(out))


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    listing = []
    for i, (name, (rows, k, n)) in enumerate(SHAPES.items()):
        model = fp32_matmul(rows, k, n, seed=i)
        files = {"fp32": out / f"{name}-fp32.onnx", "int8": out / f"{name}-int8.onnx",
                 "nbits4": out / f"{name}-nbits4.onnx", "nbits4_acc4": out / f"{name}-nbits4-acc4.onnx"}
        onnx.save(model, str(files["fp32"]))
        int8_matmul(files["fp32"], files["int8"])
        nbits4_matmul(onnx.load(str(files["fp32"])), files["nbits4"], accuracy_level=None)
        nbits4_matmul(onnx.load(str(files["fp32"])), files["nbits4_acc4"], accuracy_level=4)
        listing.append({"name": name, "input": [rows, 1, k], "output": [rows, 1, n],
                        "files": {p: f.name for p, f in files.items()}})
    (out / "graphs.json").write_text(json.dumps({"block_size": BLOCK_SIZE, "graphs": listing}, indent=1))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: matmul_nbits_graphs.py OUT_DIR")
    main(sys.argv[1])
