"""PyTorch helpers shared by the families: parameter counts and intra-op thread control."""
from __future__ import annotations

import contextlib


def param_count(model) -> int:
    return sum(p.numel() for p in model.parameters())


@contextlib.contextmanager
def threads_for(model, small: int = 5_000_000):
    """One intra-op thread for small models, restored afterwards. A toy-sized matmul gains
    nothing from threads, and on a busy 2-core machine torch's spinning workers lose their
    time slices: we measured 1 ms vs 25-50 ms per toy forward with another build running."""
    if param_count(model) >= small:
        yield
        return
    import torch
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(saved)


def dynamic_shapes(axes: list[dict], module) -> dict:
    """torch.export's dynamic_shapes from each input's symbolic axes ({axis: name}), keyed like
    the module's forward signature: the remaining inputs go to a var-positional parameter as a
    tuple."""
    import inspect
    out, k = {}, 0
    for p in inspect.signature(module.forward).parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            if k < len(axes):
                out[p.name] = tuple(axes[k:])
            k = len(axes)
        elif k < len(axes):
            out[p.name] = axes[k]
            k += 1
    return out
