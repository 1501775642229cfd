"""What every model family uses: the manifest writer, validation metrics and bands, input sets
for any graph, ONNX export helpers, sanitizing, and torch thread control."""
