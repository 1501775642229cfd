"""MusicGen export and validation: build (configs, checkpoints), export (components and Weft's
own decoder graphs), validate (per component vs PyTorch), and the ORT-driven greedy loop that is
compared with transformers' own `generate`."""
