"""The decoder family: a GPT-style decoder with a flattened KV cache (the toy and its gpt2-small
preset): build, export, manifest, check (component + autoregressive reports), cli."""
