"""The sequential rule's dense threshold path (float32-screened potentials, batched
flips) equals a plain per-neuron loop, including potentials exactly at the jump."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim.core import derived


def _network(weights, bias, activation):
    n = len(weights)
    net = ns.Network()
    for j in range(n):
        net.add_neuron(j, activation=activation, bias=float(bias[j]))
    tgt, src = np.nonzero(weights)
    net.connect_many(zip(src.tolist(), tgt.tolist(), weights[tgt, src].tolist(), strict=True))
    net.set_inputs(range(n))
    return net


def _reference(weights, bias, y, order_of_sweep, low, max_sweeps=200):
    """Per selected neuron: its potential from its row, the jump at 0, written at once."""
    y = y.copy()
    for s in range(max_sweeps):
        changed = False
        for j in order_of_sweep(s):
            v = 1.0 if bias[j] + weights[j] @ y >= 0 else low
            if v != y[j]:
                y[j], changed = v, True
        if not changed:
            return y, True
    return y, False


@pytest.mark.parametrize("activation,low", [("sign", -1.0), ("step", 0.0)])
@pytest.mark.parametrize("order", ["cyclic", "random"])
@pytest.mark.parametrize("seed", range(6))
def test_dense_threshold_sequential_matches_plain_loop(activation, low, order, seed):
    rng = np.random.default_rng(seed)
    n = 60
    # exact sums (integers, eighths) make potentials exactly 0 common: those are
    # decided on fresh sums; normal weights have no ties (any summation order agrees)
    if seed % 3 == 0:
        weights = rng.integers(-2, 3, size=(n, n)).astype(float)
        bias = rng.integers(-1, 2, size=n).astype(float)
    elif seed % 3 == 1:  # Hebbian, as in a Hopfield network (unnormalised: exact)
        pats = rng.choice([-1.0, 1.0], size=(6, n))
        weights = pats.T @ pats / 8
        bias = np.zeros(n)
    else:
        weights = rng.normal(size=(n, n))
        bias = rng.normal(size=n)
    weights = (weights + weights.T) / 2
    np.fill_diagonal(weights, 0.0)
    net = _network(weights, bias, activation)
    # zero weights are not connected: still dense enough for the dense path
    assert net.compile().n_connections >= 0.5 * n * n
    x = rng.choice([low, 1.0], size=(3, n))
    r = ns.run(net, x, rule="sequential", order=order, seed=seed, max_steps=200 * n)
    assert derived(net.compile(), "sequential", dict).dense32 is not None  # the path tested
    perm_rng = np.random.default_rng(seed)
    perms: list[np.ndarray] = []

    def order_of_sweep(s):
        if order == "cyclic":
            return range(n)
        while len(perms) <= s:
            perms.append(perm_rng.permutation(n))
        return perms[s]

    for b in range(len(x)):
        perms.clear()
        perm_rng = np.random.default_rng(seed)
        expected, converged = _reference(weights, bias, x[b], order_of_sweep, low)
        assert converged == bool(r.converged[b])
        if converged:
            np.testing.assert_array_equal(r.state[b], expected)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_weights_outside_float32_range_are_not_screened(scale):
    rng = np.random.default_rng(7)
    n = 40
    pats = rng.choice([-1.0, 1.0], size=(4, n))
    weights = pats.T @ pats / 8
    np.fill_diagonal(weights, 0.0)
    net = _network(weights * scale, np.zeros(n), "sign")
    x = rng.choice([-1.0, 1.0], size=n)
    r = ns.run(net, x, rule="sequential")
    assert derived(net.compile(), "sequential", dict).dense32 is None
    expected, converged = _reference(weights, np.zeros(n), x, lambda s: range(n), -1.0)
    assert converged and r.converged
    np.testing.assert_array_equal(r.state, expected)


def test_states_off_the_two_values_are_decided_in_float64():
    rng = np.random.default_rng(3)
    n = 30
    weights = rng.normal(size=(n, n))
    weights = (weights + weights.T) / 2
    np.fill_diagonal(weights, 0.0)
    net = _network(weights, np.zeros(n), "sign")
    x = rng.normal(size=n)  # not ±1: the first selection of each neuron sets it
    r = ns.run(net, x, rule="sequential")
    y = x.copy()
    for _sweep in range(100):
        before = y.copy()
        for j in range(n):
            y[j] = 1.0 if weights[j] @ y >= 0 else -1.0
        if np.array_equal(before, y):
            break
    np.testing.assert_array_equal(r.state, y)
