"""Glauber (finite-temperature) updates of a batch in lockstep, against a plain loop.

The documented use of the generator: each sweep's order is drawn first
(``rng.permutation``), then one uniform draw per sample and step (the stream of
``rng.random(B)`` per step); the selected neuron takes its high value where the draw
is below ``σ((hi − lo)·ξ/T)``. On a dense network the core takes windows of steps as
one product; with integer weights every potential is exact in any order of summation,
so the run must equal the plain loop's exactly, records and change counts included.
"""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns


def _plain_glauber(w, bias, low, high, y0, temperature, seed, sweeps):
    """Step-by-step Glauber sweeps in random order; the state after every step."""
    rng = np.random.default_rng(seed)
    y = y0.copy()
    n = y.shape[1]
    states = []
    for _ in range(sweeps):
        order = np.arange(n)[rng.permutation(n)]
        for j in order.tolist():
            u = rng.random(y.shape[0])
            xi = y @ w[j] + bias[j]
            with np.errstate(over="ignore"):
                p_high = 1.0 / (1.0 + np.exp(-(high - low) * xi / temperature))
            y[:, j] = np.where(u < p_high, high, low)
            states.append(y.copy())
    return np.array(states)


@pytest.mark.parametrize(("activation", "low"), [("sign", -1.0), ("step", 0.0)])
@pytest.mark.parametrize("temperature", [0.3, 2.0, 50.0])
@pytest.mark.parametrize("batch", [1, 5])
def test_dense_glauber_batch_equals_the_plain_loop(activation, low, temperature, batch):
    rng = np.random.default_rng(7)
    n = 40
    w = rng.integers(-3, 4, size=(n, n)).astype(float)
    w = w + w.T
    np.fill_diagonal(w, 0.0)
    bias = rng.integers(-2, 3, size=n).astype(float)
    net = ns.from_matrix(w, activation=activation, bias=bias)
    y0 = rng.choice([low, 1.0], size=(batch, n))
    sweeps = 4
    run = net.run(initial_state=y0, rule="sequential", order="random", seed=3,
                  steps=sweeps * n, temperature=temperature, record=True)
    want = _plain_glauber(w, bias, low, 1.0, y0, temperature, 3, sweeps)
    np.testing.assert_array_equal(run.trace[1:], want)
    np.testing.assert_array_equal(run.state, want[-1])
    # the same through glauber(): one row per sweep
    g = ns.glauber(net, y0, temperature=temperature, sweeps=sweeps, seed=3)
    np.testing.assert_array_equal(g.trace[1:], want[n - 1 :: n])
