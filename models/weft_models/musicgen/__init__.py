"""The musicgen family: build (presets, Hugging Face and audiocraft checkpoints), export (the
components, Weft's own decoder graphs and transformers.js' merged decoder), manifest, check (per
component vs transformers, and the onnxruntime greedy loop of pipeline.py vs its `generate`),
quantize (int8 / fp16 / sanitize a package), cli."""
