"""The NumPy sampler against published SplitMix64 values and SAMPLING.md's rules."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from weft_fixtures.sampling_reference import (SplitMix64, candidates, draw_tokens, sample,
                                            weft_exp)

V = 16


def test_splitmix64_matches_vigna_reference():
    rng = SplitMix64(1234567)
    assert [rng.next_u64() for _ in range(5)] == [
        6457827717110365317, 3203168211198807973, 9817491932198370423,
        4593380528125082431, 16408922859458223821]


def test_seed_is_taken_modulo_2_64_and_may_be_a_string():
    a, b, c = SplitMix64(2 ** 64 + 5), SplitMix64(5), SplitMix64("5")
    assert a.next_u64() == b.next_u64() == c.next_u64()
    assert SplitMix64(-1).state == 2 ** 64 - 1


def test_uniform_is_53_bits_in_unit_interval():
    rng = SplitMix64(0)
    for _ in range(1000):
        u = rng.uniform()
        assert 0.0 <= u < 1.0 and (u * 2 ** 53).is_integer()


def test_weft_exp():
    assert weft_exp(np.array([0.0]))[0] == 1.0
    assert weft_exp(np.array([-745.01, -1e300]))[0] == 0.0
    assert weft_exp(np.array([-745.0]))[0] > 0.0  # the smallest subnormal, not 0
    xs = -np.linspace(0, 700, 10001)
    rel = np.abs(weft_exp(xs) / np.exp(xs) - 1)
    assert rel.max() < 4e-16  # within ~2 ulp of libm; exactness is against C++, not libm


def test_greedy_picks_lowest_index_on_ties():
    row = np.zeros(V, np.float32)
    row[[5, 2, 9]] = 3.0
    rng = SplitMix64(0)
    state = rng.state
    assert sample(row, {"do_sample": False}, rng) == 2
    assert sample(row, {"do_sample": True, "temperature": 0.0}, rng) == 2
    assert rng.state == state  # greedy draws no uniform


def test_sampling_draws_exactly_one_uniform():
    rng, twin = SplitMix64(9), SplitMix64(9)
    sample(np.zeros(V, np.float32), {"do_sample": True}, rng)
    twin.next_u64()
    assert rng.state == twin.state


def test_top_k_ties_keep_more_than_k():
    row = np.full(V, -1.0, np.float32)
    row[[1, 2]] = 2.0
    row[[4, 6, 8]] = 1.0  # the 3rd largest (1.0) is tied three ways
    keep, _ = candidates(row, {"do_sample": True, "top_k": 3})
    assert keep.tolist() == [1, 2, 4, 6, 8]
    keep, _ = candidates(row, {"do_sample": True, "top_k": 2})
    assert keep.tolist() == [1, 2]


def test_top_p_keeps_at_least_one_and_min_p_keeps_the_max():
    row = np.arange(V, dtype=np.float32)
    keep, _ = candidates(row, {"do_sample": True, "top_p": 1e-12})
    assert keep.tolist() == [V - 1]
    keep, _ = candidates(row, {"do_sample": True, "min_p": 1.0})
    assert keep.tolist() == [V - 1]


def test_top_p_boundary_includes_the_crossing_token():
    row = np.log(np.array([0.5, 0.3, 0.2] + [1e-30] * (V - 3))).astype(np.float32)
    keep, _ = candidates(row, {"do_sample": True, "top_p": 0.75})
    assert keep.tolist() == [0, 1]


def test_repetition_penalty_hf_rule():
    row = np.zeros(V, np.float32)
    row[0], row[3] = 1.0, 3.0
    # positive logits are divided: 3/1.5 = 2 still beats 1; 3/4 = 0.75 does not
    assert sample(row, {"repetition_penalty": 1.5}, SplitMix64(0), context=[3, 3]) == 3
    assert sample(row, {"repetition_penalty": 4.0}, SplitMix64(0), context=[3]) == 0
    # negative logits are multiplied, so penalty < 1 makes them less negative
    row[:] = -1.0
    row[4] = -2.0
    assert sample(row, {"repetition_penalty": 0.25}, SplitMix64(0), context=[4]) == 4


def test_non_finite_logits_are_an_error_naming_the_index():
    row = np.zeros(V, np.float32)
    row[11] = np.nan
    with pytest.raises(ValueError, match="logit 11 is nan"):
        sample(row, {}, SplitMix64(0))
    row[11], row[2] = 0.0, np.inf
    with pytest.raises(ValueError, match="logit 2 is inf"):
        sample(row, {"do_sample": True}, SplitMix64(0))


def test_draw_is_inverse_cdf_over_kept_tokens():
    """Two equal tokens: u < 0.5 picks the first, u >= 0.5 the second."""
    row = np.full(V, -1e4, np.float32)
    row[[3, 7]] = 0.0
    seeds_u = []
    for seed in range(20):
        u = SplitMix64(seed).uniform()
        tok = sample(row, {"do_sample": True}, SplitMix64(seed))
        assert tok == (3 if u < 0.5 else 7)
        seeds_u.append(u)
    assert min(seeds_u) < 0.5 <= max(seeds_u)


def test_draw_tokens_contract():
    rows = [[0.0, 1.0, 1.0], [5.0, 0.0, 0.0]]
    cases = [{"seed": 0, "params": {"do_sample": False}},
             {"seed": "0", "params": {"do_sample": False, "repetition_penalty": 100.0}}]
    assert draw_tokens(rows, cases) == [[1, 0], [1, 0]]


def test_fixture_numpy_tokens_reproduce(built_models):
    data = json.loads((built_models / "fixtures" / "toy_sampled.json").read_text())
    assert len(data["rows"]) >= 32 and len(data["cases"]) >= 16
    assert all(isinstance(c["seed"], int) and c["seed"] < 2 ** 53 or isinstance(c["seed"], str)
               for c in data["cases"])
    assert draw_tokens(data["rows"], data["cases"]) == data["numpy_tokens"]
    rows = np.array(data["rows"], np.float64)
    assert np.isfinite(rows).all()
    # every JSON number is exactly a float32 value: readers narrow double -> float losslessly
    assert np.array_equal(rows, rows.astype(np.float32).astype(np.float64))
    assert math.isfinite(rows.sum())
