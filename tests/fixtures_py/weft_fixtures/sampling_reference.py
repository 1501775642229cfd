"""NumPy reference of docs/SAMPLING.md, bit-exact with the C++ sampler.

Every floating-point step is an IEEE-754 double operation in the order SAMPLING.md writes it.
Elementwise NumPy ufuncs (+ - * /, floor, ldexp) are correctly rounded per element and never
fused, so they are safe to vectorise. Sums are not: `np.sum` adds pairwise, so every sum here is
`np.cumsum` (a strict left-to-right accumulate), matching the C++ loops.
"""
from __future__ import annotations

import math

import numpy as np

MASK64 = (1 << 64) - 1
LN2_HI = 0.6931471803691238
LN2_LO = 1.9082149292705877e-10
LOG2E = 1.4426950408889634
# 1/j! for j = 0..13, each the double nearest the reciprocal: 1.0 / j! in double arithmetic
# (j! < 2^53 is exact as a double, so one correctly rounded division).
INV_FACT = [1.0 / float(math.factorial(j)) for j in range(14)]

DEFAULTS = {"do_sample": False, "temperature": 1.0, "top_k": 0, "top_p": 1.0, "min_p": 0.0,
            "repetition_penalty": 1.0}


class SplitMix64:
    """Vigna's SplitMix64; Python ints masked to 64 bits stand in for uint64 wrap-around."""

    def __init__(self, seed: int | str):
        self.state = int(seed) & MASK64  # any integer, taken modulo 2^64 (str: JSON-safe seeds)

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self) -> float:
        # (z >> 11) < 2^53 converts to double exactly; the power-of-two scale is exact too.
        return float(self.next_u64() >> 11) * 2.0 ** -53


def weft_exp(x: np.ndarray) -> np.ndarray:
    """exp for x <= 0, vectorised; each element follows SAMPLING.md's operation order."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # only for x < -745, discarded below
        k = np.floor(x * LOG2E + 0.5)
        r = (x - k * LN2_HI) - k * LN2_LO
        p = np.full_like(x, INV_FACT[13])
        for j in range(12, -1, -1):  # Horner: p = p * r + 1/j!  (two roundings, never fused)
            p = p * r + INV_FACT[j]
    # Clamp k before the int cast only where the result is discarded anyway (x < -745).
    small = x < -745.0
    out = np.ldexp(p, np.where(small, 0, k).astype(np.int64))
    return np.where(small, 0.0, out)


def _check_finite(row: np.ndarray) -> None:
    bad = np.flatnonzero(~np.isfinite(row))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"logit {i} is {row[i]} (NaN or infinite logits cannot be sampled)")


def _params(params: dict) -> dict:
    p = {**DEFAULTS, **(params or {})}
    if p["temperature"] < 0 or p["repetition_penalty"] <= 0 or p["top_k"] < 0:
        raise ValueError(f"invalid sampling parameters: {p}")
    return p


def apply_repetition_penalty(l: np.ndarray, context, rp: float) -> np.ndarray:
    if rp == 1.0 or not context:
        return l
    l = l.copy()
    for t in sorted(set(int(t) for t in context)):  # each distinct id once (HF rule)
        l[t] = l[t] / rp if l[t] > 0 else l[t] * rp
    return l


def candidates(logits, params: dict, context=()) -> tuple[np.ndarray, np.ndarray] | int:
    """Steps 1-8. Greedy: the token (int). Sampling: (kept ids ascending, their weights e_i)."""
    p = _params(params)
    l = np.asarray(logits, dtype=np.float32).astype(np.float64)
    _check_finite(l)
    l = apply_repetition_penalty(l, context, p["repetition_penalty"])
    if not p["do_sample"] or p["temperature"] == 0:
        return int(np.argmax(l))  # argmax returns the first (lowest) index of the maximum
    z = l / p["temperature"]
    keep = np.arange(z.size)
    k = int(p["top_k"])
    if 0 < k < z.size:
        t = np.sort(z)[::-1][k - 1]           # k-th largest, duplicates counted
        keep = np.flatnonzero(z >= t)          # ties with the k-th value all survive
    zk = z[keep]
    e = weft_exp(zk - np.max(zk))
    s = np.cumsum(e)[-1]
    prob = e / s
    top_p = p["top_p"]
    if 0 < top_p < 1:
        order = np.argsort(-prob, kind="stable")  # descending p; stable = ties by ascending id
        c = np.cumsum(prob[order])
        hit = np.flatnonzero(c >= top_p)
        n = int(hit[0]) + 1 if hit.size else order.size
        sel = np.sort(order[:n])
        keep, e, prob = keep[sel], e[sel], prob[sel]
    min_p = p["min_p"]
    if 0 < min_p <= 1:
        sel = prob >= min_p * np.max(prob)
        keep, e, prob = keep[sel], e[sel], prob[sel]
    return keep, e


def sample(logits, params: dict, rng: SplitMix64, context=()) -> int:
    """One token. Draws exactly one uniform when sampling, none when greedy."""
    c = candidates(logits, params, context)
    if isinstance(c, int):
        return c
    keep, e = c
    cum = np.cumsum(e)                   # C, accumulated in ascending id order
    target = rng.uniform() * cum[-1]
    hit = np.flatnonzero(cum > target)
    return int(keep[hit[0]]) if hit.size else int(keep[-1])


def draw_tokens(rows, cases) -> list[list[int]]:
    """The shared contract with `weft-sample`: per case a fresh PRNG, one token per row in order,
    repetition-penalty context = the tokens drawn so far in that case."""
    rows = [np.asarray(r, dtype=np.float32) for r in rows]
    out = []
    for case in cases:
        rng = SplitMix64(case["seed"])
        drawn: list[int] = []
        for row in rows:
            drawn.append(sample(row, case.get("params", {}), rng, drawn))
        out.append(drawn)
    return out


def main() -> None:
    """stdin {"rows", "cases"} -> stdout {"tokens"}: the same CLI contract as weft-sample."""
    import json
    import sys
    req = json.load(sys.stdin)
    json.dump({"tokens": draw_tokens(req["rows"], req["cases"])}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()


# 1/(2j+1) for j = 0..11, each one correctly rounded division (docs/SAMPLING.md, "Normal draws").
INV_ODD = [1.0 / float(2 * j + 1) for j in range(12)]
SQRT_HALF = 0.7071067811865476


def weft_log(x: float) -> float:
    """log(x) for x > 0 in SAMPLING.md's operation order (Python floats are IEEE doubles)."""
    m, e = math.frexp(x)
    if m < SQRT_HALF:
        m, e = m * 2.0, e - 1
    f = m - 1.0
    u = f / (2.0 + f)
    u2 = u * u
    p = INV_ODD[11]
    for j in range(10, -1, -1):
        p = p * u2 + INV_ODD[j]
    k = float(e)
    return k * LN2_HI + (k * LN2_LO + 2.0 * u * p)


class Normal:
    """Marsaglia's polar method on SplitMix64, pairs with a kept spare, as the C++ NormalSampler."""

    def __init__(self, rng: SplitMix64):
        self.rng, self.spare = rng, None

    def next(self) -> float:
        if self.spare is not None:
            z, self.spare = self.spare, None
            return z
        while True:
            a = 2.0 * self.rng.uniform() - 1.0
            b = 2.0 * self.rng.uniform() - 1.0
            s = a * a + b * b
            if 0.0 < s < 1.0:
                break
        f = math.sqrt(-2.0 * weft_log(s) / s)
        self.spare = b * f
        return a * f

    def fill(self, scale: float, n: int) -> np.ndarray:
        return np.array([scale * self.next() for _ in range(n)], dtype=np.float64).astype(np.float32)
