"""`weft-models package`: a Weft package around existing .onnx files (no PyTorch source)."""
