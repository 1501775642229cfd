"""MusicGen's delay pattern: codebook q is delayed by q steps behind one leading start step
(checked against transformers' build_delay_pattern_mask; the core's DelayPattern is described
in docs/MUSICGEN.md)."""
from __future__ import annotations

import numpy as np

FREE = -1


def pattern_mask(prompt: np.ndarray, total: int, special: int) -> np.ndarray:
    """prompt codes [nq, Tp] -> [nq, total]: prompt cells, `special` where the pattern is empty
    (the leading triangle and the trailing one), FREE where the model must predict."""
    nq, tp = prompt.shape
    m = np.full((nq, total), FREE, np.int64)
    for q in range(nq):
        for s in range(total):
            t = s - 1 - q
            if 0 <= t < tp:
                m[q, s] = prompt[q, t]
            elif s <= q or s >= total - nq + 1 + q:
                m[q, s] = special
    return m


def first_free(mask: np.ndarray) -> int:
    free = np.nonzero(mask[0] == FREE)[0]
    return int(free[0]) if free.size else mask.shape[1]


def revert(seq: np.ndarray, special: int) -> np.ndarray:
    """[nq, S] delayed -> codes [nq, T] (T = S - nq): codes[q, t] = seq[q, t + 1 + q]."""
    nq, s = seq.shape
    t = s - nq
    return np.stack([seq[q, 1 + q:1 + q + t] for q in range(nq)])
