"""Sampled attractor search against the exhaustive analysis, sample by sample."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.analyse.sampled import wilson_interval


def _labels_by_code(exhaustive):
    return {a.index: tuple(a.labels) for a in exhaustive.attractors}


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 10), st.sampled_from([1, 2, 3]), st.sampled_from(["sign", "step"]),
       st.integers(0, 10**6))
def test_every_sample_reaches_its_exhaustive_attractor(n, k, act, seed):
    # ±1 weights: ties (ξ = 0) are frequent, decided by the tie rule
    net = ns.random_threshold_network(n, min(k, n - 1), activation=act, seed=seed)
    exhaustive = ns.attractors(net)
    found = ns.attractors(net, method="sample", samples=200, seed=seed)
    assert found.unresolved == 0
    space = exhaustive.space
    # the start states are the engine's: recover their codes from the analysis seed
    starts = np.random.default_rng(seed).random((200, space.n)) < 0.5
    codes = starts.astype(np.int64) @ (1 << np.arange(space.n - 1, -1, -1))
    want = [tuple(exhaustive.attractors[exhaustive.attractor_of[c]].labels) for c in codes]
    got = [tuple(found.attractors[a].labels) for a in found.attractor_of]
    assert got == want
    assert found.transient.tolist() == exhaustive.transient[codes].tolist()


def test_all_states_given_give_the_exact_basins():
    net = ns.random_threshold_network(10, 2, weights="gaussian", seed=5)
    exhaustive = ns.attractors(net)
    every = exhaustive.space.states(np.arange(exhaustive.n_states))
    found = ns.attractors(net, method="sample", states=every)
    assert found.samples == 1024
    got = {tuple(a.labels): a.count for a in found.attractors}
    assert got == {tuple(a.labels): a.basin for a in exhaustive.attractors}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_basin_fractions_within_their_intervals(seed):
    # Gaussian weights: several attractors of various basin sizes
    net = ns.random_threshold_network(16, 2, weights="gaussian", seed=seed)
    exhaustive = ns.attractors(net)
    found = ns.attractors(net, method="sample", samples=4000, seed=seed)
    truth = {tuple(a.labels): a.basin / exhaustive.n_states for a in exhaustive.attractors}
    for a in found.attractors:
        assert a.interval == wilson_interval(a.count, 4000)
        # a 95 % interval misses one time in twenty by design: check the 99.9 % one
        lo, hi = wilson_interval(a.count, 4000, z=3.2905)
        assert lo <= truth[tuple(a.labels)] <= hi
    assert sum(a.count for a in found.attractors) == 4000


def test_clamped_sampling_matches_the_clamped_analysis():
    net = ns.hopfield([[1, -1, 1, -1, 1, 1, -1, -1], [1, 1, 1, 1, -1, -1, -1, -1]])
    clamp = {"y1": 1.0, "y8": -1.0}
    exhaustive = ns.attractors(net, clamp=clamp)
    found = ns.attractors(net, clamp=clamp, method="sample", samples=500, seed=0)
    assert {tuple(a.labels) for a in found.attractors} <= {
        tuple(a.labels) for a in exhaustive.attractors}
    assert (found.attractors[0].states[:, 0] == 1).all()
    assert (found.attractors[0].states[:, 7] == -1).all()


def test_sequential_sampling_reaches_fixed_points():
    net = ns.hopfield([[1, -1, 1, -1, 1, -1, 1, -1], [1, 1, 1, 1, -1, -1, -1, -1]])
    found = ns.attractors(net, rule="sequential", method="sample", samples=300, seed=0)
    assert found.unresolved == 0 and set(found.periods) == {1}
    fixed = {tuple(r) for r in ns.fixed_points(net).tolist()}
    assert all(tuple(a.states[0].tolist()) in fixed for a in found.attractors)


def test_large_sparse_network():
    # 2000 neurons, far beyond the exhaustive analysis; every attractor found is checked
    # by running it (bias 1/2: no ties, so the engine's fast path)
    net = ns.random_threshold_network(2000, 2, bias=0.5, seed=0)
    found = ns.attractors(net, method="sample", samples=20, seed=0, max_steps=200)
    assert found.samples == 20 and found.unresolved + sum(
        a.count for a in found.attractors) == 20
    assert found.attractors and "sampled" in found.table()
    for a in found.attractors:
        trace = net.run(initial_state=a.states[0], rule="parallel", steps=a.period,
                        record=True).trace
        np.testing.assert_array_equal(trace[:a.period], a.states)
        np.testing.assert_array_equal(trace[a.period], a.states[0])
        codes = [int("".join("1" if b else "0" for b in row), 2) for row in a.bits]
        assert codes[0] == min(codes)  # the cycle starts at its smallest state


def test_wilson_interval_by_hand():
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    assert wilson_interval(5, 5)[1] == 1.0


def test_sample_errors():
    net = ns.hopfield([[1, -1, 1]])
    with pytest.raises(ns.ParameterError, match="samples must be"):
        ns.attractors(net, method="sample", samples=0)
    with pytest.raises(ns.ParameterError, match="max_period applies to method='solver'"):
        ns.attractors(net, method="sample", max_period=3)
    with pytest.raises(ns.ParameterError, match="samples applies to method='sample'"):
        ns.attractors(net, method="solver", samples=3)
    with pytest.raises(ns.ParameterError, match=r"shape \(K, 3\)"):
        ns.attractors(net, method="sample", states=[[1, 1]])
    with pytest.raises(ns.ParameterError, match="outside the alphabet"):
        ns.attractors(net, method="sample", states=[[1, 0, 1]])
