"""Derrida maps (damage spreading) against hand-computed and annealed-theory values."""

from __future__ import annotations

from math import comb, exp, factorial

import numpy as np
import pytest

import netsim as ns


def flip_probability(k: int) -> float:
    """P(one flipped input flips a ±1 threshold unit with k inputs, h = 0, sgn(0) = +1).

    With the other k − 1 terms summing to R, the output flips iff R ∈ {−1, 0}.
    """
    m = k - 1
    return comb(m, m // 2) / 2**m if m % 2 == 0 else comb(m, (m - 1) // 2) / 2**m


def annealed_delta(mean_k: float) -> float:
    """δ = Σ_k Poisson(k; K) · k · p(k): the annealed Derrida coefficient."""
    return sum(exp(-mean_k) * mean_k**k / factorial(k) * k * flip_probability(k)
               for k in range(1, 80))


def test_copy_pair_by_hand():
    net = ns.from_matrix([[0, 1], [1, 0]], activation="sign")
    curve = ns.derrida(net, pairs=30)
    assert curve.distances.tolist() == [1, 2] and curve.after.tolist() == [1.0, 2.0]
    assert curve.coefficient == 1.0 and curve.sem.tolist() == [0.0, 0.0]
    x, y = curve.normalized
    assert x.tolist() == [0.5, 1.0] and y.tolist() == [0.5, 1.0]


def test_frozen_network_heals_everything():
    # every neuron is driven by a strong bias: any damage is gone after one step
    net = ns.from_matrix(np.ones((5, 5)) - np.eye(5), bias=10.0, activation="step")
    curve = ns.derrida(net, [0, 1, 3, 5], pairs=20)
    assert curve.after.tolist() == [0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize(("k", "expected"), [(1, 1.0), (2, 1.0), (3, 1.5)])
def test_fixed_in_degree_matches_k_times_flip_probability(k, expected):
    assert k * flip_probability(k) == expected
    net = ns.random_threshold_network(200, k, seed=k)
    curve = ns.derrida(net, [1], pairs=300, seed=1)
    assert abs(curve.coefficient - expected) < 5 * curve.sem[0] + 0.02


def test_derrida_coefficient_crosses_one_near_the_annealed_critical_connectivity():
    # Annealed theory (Rohlf & Bornholdt 2002): δ(K) = 1 at K_c ≈ 1.849 for Poisson
    # in-degrees, ±1 weights, h = 0; the measured δ crosses 1 between K = 1.5 and 2.3.
    k_c = 1.5 + 0.8 * (1 - annealed_delta(1.5)) / (annealed_delta(2.3) - annealed_delta(1.5))
    assert abs(annealed_delta(1.849) - 1) < 1e-3 and 1.8 < k_c < 1.9
    measured = {}
    for mean_k in (1.5, 2.3):
        nets = [ns.random_threshold_network(200, mean_k, in_degree="poisson", seed=s)
                for s in range(3)]
        measured[mean_k] = ns.derrida(nets, [1], pairs=300, seed=2).coefficient
    assert measured[1.5] < 0.95 and measured[2.3] > 1.05
    crossing = 1.5 + 0.8 * (1 - measured[1.5]) / (measured[2.3] - measured[1.5])
    assert 1.65 < crossing < 2.1


def test_default_distances_and_plot():
    net = ns.random_threshold_network(40, 2, seed=0)
    curve = ns.derrida(net, pairs=20)
    assert curve.distances[0] == 1 and curve.distances[-1] == 40 and len(curve.distances) == 20
    assert curve.n == 40 and (curve.after <= 40).all()
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = curve.plot()
    assert ax.get_xlabel().startswith("normalised distance")


def test_derrida_errors():
    net = ns.random_threshold_network(6, 2, seed=0)
    with pytest.raises(ns.ParameterError, match="between 0 and 6"):
        ns.derrida(net, [7])
    with pytest.raises(ns.ParameterError, match="pairs must be"):
        ns.derrida(net, pairs=0)
    with pytest.raises(ns.ParameterError, match="a Network or a non-empty sequence"):
        ns.derrida([])
    with pytest.raises(ns.ParameterError, match="needs distance 1"):
        _ = ns.derrida(net, [2], pairs=5).coefficient
    with pytest.raises(ns.NetworkError, match="continuous activation"):
        ns.derrida(ns.mlp("2-2", seed=0))
