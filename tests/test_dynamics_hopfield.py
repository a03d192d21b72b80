"""Hopfield networks: builder, Hebb rule, recall, Glauber dynamics, capacity."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns


def _patterns(p: int, n: int, seed: int = 0) -> np.ndarray:
    return np.where(np.random.default_rng(seed).random((p, n)) < 0.5, -1.0, 1.0)


def test_builder_structure():
    x = [[1, -1, 1], [1, 1, -1]]
    net = ns.hopfield(x)
    assert net.neurons == ["y1", "y2", "y3"]
    assert net.inputs == net.outputs == ("y1", "y2", "y3")
    assert net.graph.number_of_edges() == 6  # every ordered pair, no self-loops
    assert all(net.neuron(n).activation == "sign" for n in net)
    assert all(net.neuron(n).bias == 0.0 for n in net)
    # w_21 = (1/3)(1·(−1) + 1·1) = 0, w_31 = (1/3)(1·1 + 1·(−1)) = 0, w_32 = (1/3)(−1 − 1)
    assert net.weight("y1", "y2") == 0.0
    assert net.weight("y2", "y3") == pytest.approx(-2 / 3)
    assert net.weight("y3", "y2") == pytest.approx(-2 / 3)
    custom = ns.hopfield(x, ids=["a", "b", "c"], normalize=False, zero=-1.0, name="h")
    assert custom.weight("b", "c") == -2.0
    assert custom.neuron("a").activation_params == {"zero": -1.0}


def test_builder_errors():
    with pytest.raises(ns.DataError, match="bipolar"):
        ns.hopfield([[0, 1, 1]])
    with pytest.raises(ns.ParameterError, match="rule must be one of hebb, pseudo-inverse"):
        ns.hopfield([[1, -1]], rule="storkey")
    with pytest.raises(ns.ParameterError, match="ids must name 2"):
        ns.hopfield([[1, -1]], ids=["a"])
    with pytest.raises(ns.DataError, match="non-empty"):
        ns.hopfield(np.zeros((0, 3)))


def test_hebb_on_an_existing_network():
    net = ns.Network()
    for k in range(3):
        net.add_neuron(k, activation="sign")
    net.connect(0, 0, 5.0)  # a self-loop is zeroed
    net.connect(0, 1, 9.0)  # an existing weight is replaced
    w = ns.hebb(net, [[1, -1, 1], [1, 1, 1]], normalize=False)
    # w_ji = Σ_k x_i x_j: w_10 = −1 + 1 = 0, w_20 = 1 + 1 = 2, w_21 = −1 + 1 = 0
    assert net.weight(0, 0) == 0.0
    assert net.weight(0, 1) == 0.0 and net.weight(1, 0) == 0.0
    assert net.weight(0, 2) == 2.0 and net.weight(2, 0) == 2.0
    assert w.tolist() == [[0, 0, 2], [0, 0, 0], [2, 0, 0]]
    ns.hebb(net, [[1, -1, 1]], add=True, normalize=False)
    assert net.weight(0, 2) == 3.0 and net.weight(0, 1) == -1.0
    with pytest.raises(ns.DataError, match="3 values"):
        ns.hebb(net, [[1, -1]])
    with pytest.raises(ns.NeuronNotFoundError):
        ns.hebb(net, [[1, -1]], neurons=[0, 7])


def test_recall_at_low_load_from_noisy_probes():
    n, p = 100, 5  # load 0.05
    x = _patterns(p, n, seed=1)
    net = ns.hopfield(x)
    rng = np.random.default_rng(2)
    flips = np.where(rng.random((p, n)) < 0.15, -1.0, 1.0)
    probes = x * flips
    for rule in ("sequential", "parallel"):
        r = ns.recall(net, probes, x, rule=rule, order="random", seed=3)
        assert np.array_equal(r.state, x), rule
        assert r.retrieved.tolist() == list(range(p))
        assert np.allclose(np.diagonal(r.final_overlaps), 1.0)
        assert r.converged.all() and (r.period == 1).all()
        # the overlap with the target pattern starts near 1 − 2·0.15 and ends at 1
        start = np.diagonal(r.overlaps[0])
        assert np.all(start < 1.0) and np.all(start > 0.5)
        assert r.overlaps.shape == (r.trace.shape[0], p, p)


def test_recall_single_probe_shapes_and_stored_patterns_are_fixed():
    x = _patterns(3, 40, seed=4)
    net = ns.hopfield(x)
    r = ns.recall(net, x[1], x)
    assert r.state.shape == (40,) and r.trace.shape[1:] == (40,)
    assert r.steps == 0 and r.converged and r.period == 1
    assert ns.is_fixed_point(net, x).all()


def test_recall_matches_the_engine():
    x = _patterns(4, 30, seed=5)
    net = ns.hopfield(x)
    probe = x[0] * np.where(np.random.default_rng(6).random(30) < 0.3, -1, 1)
    mine = ns.recall(net, probe, rule="sequential", order="cyclic")
    run = net.run(probe, rule="sequential", order="cyclic")
    assert np.array_equal(mine.state, run.state)
    mine = ns.recall(net, probe, rule="parallel")
    run = net.run(probe, rule="parallel", max_steps=200)
    assert np.array_equal(mine.state, run.state)


def test_parallel_recall_detects_a_two_cycle():
    net = ns.Network()
    net.add_neuron("a", activation="sign")
    net.add_neuron("b", activation="sign")
    net.connect("a", "b", -1.0)
    net.connect("b", "a", -1.0)
    r = ns.recall(net, [1, 1], rule="parallel")
    assert r.period == 2 and not r.converged
    assert r.trace.tolist() == [[1, 1], [-1, -1], [1, 1]]
    assert ns.recall(net, [1, 1], rule="sequential").state.tolist() == [-1, 1]


def test_pseudo_inverse_stores_correlated_patterns():
    rng = np.random.default_rng(7)
    base = _patterns(1, 60, seed=8)[0]
    # patterns that share 80 % of their bits: Hebb fails, the projection rule does not
    x = np.array([base * np.where(rng.random(60) < 0.1, -1, 1) for _ in range(6)])
    proj = ns.hopfield(x, rule="pseudo-inverse")
    assert ns.is_fixed_point(proj, x).all()
    hebb = ns.hopfield(x, rule="hebb")
    assert not ns.is_fixed_point(hebb, x).all()


def test_glauber_is_seeded_and_zero_temperature_is_deterministic():
    x = _patterns(2, 30, seed=9)
    net = ns.hopfield(x)
    probe = x[0] * np.where(np.random.default_rng(1).random(30) < 0.2, -1, 1)
    a = ns.glauber(net, probe, temperature=1.0, sweeps=5, seed=42)
    b = ns.glauber(net, probe, temperature=1.0, sweeps=5, seed=42)
    assert np.array_equal(a.trace, b.trace) and a.trace.shape == (6, 30)
    cold = ns.glauber(net, probe, temperature=0.0, sweeps=10, order="cyclic")
    assert np.array_equal(cold.state, ns.recall(net, probe, order="cyclic").state)
    # very hot: about half the bits are +1, whatever the start
    hot = ns.glauber(net, np.tile(x[0], (50, 1)), temperature=1e6, sweeps=2, seed=0)
    assert 0.4 < np.mean(hot.state == 1) < 0.6
    with pytest.raises(ns.ParameterError, match="temperature"):
        ns.glauber(net, probe, temperature=-1.0)


def test_glauber_binary_probability():
    # one step neuron with bias ξ: P(y = 1) = σ(ξ/T) (binary rule)
    net = ns.Network()
    net.add_neuron("a", activation="step", bias=0.5)
    net.connect("a", "a", 0.0)
    run = ns.glauber(net, np.zeros((20000, 1)), temperature=1.0, sweeps=1, seed=0)
    assert np.mean(run.state) == pytest.approx(1 / (1 + np.exp(-0.5)), abs=0.01)


def test_capacity_experiment_shows_the_breakdown():
    res = ns.capacity_experiment(n=120, loads=(0.05, 0.25), trials=1, seed=0)
    assert res.patterns.tolist() == [6, 30]
    assert res.error_rate[0] < 0.01 and res.recalled[0] == 1.0
    assert res.error_rate[1] > 0.05 and res.recalled[1] < 0.5
    assert res.breakdown() == 0.25
    assert "P/N" in res.table()


@pytest.mark.parametrize(("activation", "params"), [("step", {}), ("sign", {"zero": -1.0})])
def test_recall_matches_the_engine_with_ties_and_biases(activation, params):
    rng = np.random.default_rng(11)
    n = 12
    w = rng.integers(-2, 3, size=(n, n)).astype(float)
    w = w + w.T
    np.fill_diagonal(w, 0.0)
    net = ns.Network()
    for j in range(n):
        net.add_neuron(j, activation=activation, bias=float(rng.integers(-2, 3)), **params)
    net.connect_many((i, j, w[j, i]) for i in range(n) for j in range(n) if i != j)
    net.set_inputs(range(n))
    alphabet = (0.0, 1.0) if activation == "step" else (-1.0, 1.0)
    probes = rng.choice(alphabet, size=(20, n))
    for rule in ("sequential", "parallel"):
        mine = ns.recall(net, probes, rule=rule, order="cyclic")
        run = net.run(probes, rule=rule, order="cyclic", max_steps=1000)
        fixed = mine.period == 1  # (the two may stop at different points of a 2-cycle)
        assert fixed.sum() >= 5
        assert np.array_equal(mine.state[fixed], run.state[fixed]), rule
        assert np.array_equal(run.converged, fixed)
