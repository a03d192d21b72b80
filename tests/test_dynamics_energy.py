"""Fixed points and energy: stability checks, enumeration, energy descent, guarantees."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.analyse import NetsimWarning


def _dense_net(w, b, activation="sign"):
    net = ns.Network()
    n = len(b)
    for j in range(n):
        net.add_neuron(j, activation=activation, bias=float(b[j]))
    for j in range(n):
        for i in range(n):
            if w[j][i] != 0:
                net.connect(i, j, float(w[j][i]))
    return net


def _brute_fixed(w, b, activation):
    alphabet = (0.0, 1.0) if activation == "step" else (-1.0, 1.0)
    out = []
    for s in itertools.product(alphabet, repeat=len(b)):
        ok = True
        for j in range(len(b)):
            xi = b[j] + sum(w[j][i] * s[i] for i in range(len(b)))
            v = (1.0 if xi >= 0 else 0.0) if activation == "step" else (1.0 if xi >= 0 else -1.0)
            ok &= v == s[j]
        if ok:
            out.append(list(s))
    return out


@st.composite
def sparse_networks(draw):
    n = draw(st.integers(1, 7))
    w = [[0] * n for _ in range(n)]
    for j in range(n):
        for i in draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True)):
            w[j][i] = draw(st.sampled_from([-2, -1, 1, 2, 0.5]))
    b = [draw(st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0])) for _ in range(n)]
    return w, b, draw(st.sampled_from(["step", "sign"]))


@settings(max_examples=60)
@given(sparse_networks())
def test_fixed_point_search_and_sweep_match_brute_force(spec):
    w, b, activation = spec
    net = _dense_net(w, b, activation)
    expected = _brute_fixed(w, b, activation)  # itertools order = code order
    assert ns.fixed_points(net, method="sweep").tolist() == expected
    assert ns.fixed_points(net, method="search").tolist() == expected
    if expected:
        assert ns.is_fixed_point(net, np.array(expected)).all()


def test_search_handles_non_monotone_activations():
    ns.register_activation(
        "band_test", lambda xi: (np.abs(xi) < 1).astype(xi.dtype), values=(0.0, 1.0),
        replace=True,
    )
    rng = np.random.default_rng(3)
    net = ns.Network()
    n = 8
    for j in range(n):
        net.add_neuron(j, activation="band_test", bias=float(rng.integers(-1, 2)))
    for j in range(n):
        for i in rng.choice(n, size=3, replace=False).tolist():
            net.connect(i, j, float(rng.integers(-2, 3)))
    assert ns.fixed_points(net, method="search").tolist() == ns.fixed_points(
        net, method="sweep"
    ).tolist()


def test_fixed_point_search_scales_to_a_sparse_network_of_80():
    rng = np.random.default_rng(1)
    net = ns.Network()
    n = 80
    for k in range(n):
        net.add_neuron(k, activation="step", bias=float(rng.normal()))
    for k in range(n):
        for d in (1, 2, 5):
            net.connect((k + d) % n, k, float(rng.normal() * 2))
    found = ns.fixed_points(net)  # auto: the search, n > 20
    assert ns.is_fixed_point(net, found).all()


def test_fixed_point_search_frontier_limit():
    x = np.where(np.random.default_rng(0).random((3, 30)) < 0.5, -1, 1)
    with pytest.raises(ns.SizeLimitError, match="max_frontier=256"):
        ns.fixed_points(ns.hopfield(x), method="search", max_frontier=256)


def test_is_fixed_point_single_and_batch_and_clamp():
    net = ns.hopfield([[1, -1, 1, -1]])
    assert ns.is_fixed_point(net, [1, -1, 1, -1]) is True
    assert ns.is_fixed_point(net, [1, 1, 1, -1]) is False
    # y2 clamped at +1 is not updated; the others: ξ1 = ξ3 = 1/4, ξ4 = −1/4 — stable
    assert ns.is_fixed_point(net, [1, 1, 1, -1], clamp={"y2": 1}) is True
    assert ns.is_fixed_point(net, [1, 1, -1, -1], clamp={"y2": 1}) is False
    with pytest.raises(ns.ParameterError, match="4 values"):
        ns.is_fixed_point(net, [1, -1])


# --- energy ------------------------------------------------------------------------------


def test_energy_by_hand():
    # w_ab = w_ba = 2, b = (1, -1): E(+1,-1) = -1/2 * (2*1*-1*2) - (1 - (-1)*1...) computed:
    net = _dense_net([[0, 2], [2, 0]], [1.0, -1.0])
    y = np.array([1.0, -1.0])
    w = np.array([[0, 2], [2, 0]])
    b = np.array([1.0, -1.0])
    expected = -0.5 * y @ w @ y - b @ y
    assert ns.energy(net, y) == pytest.approx(expected) == pytest.approx(2.0 - 2.0)
    batch = ns.energy(net, np.array([[1, 1], [-1, -1]]))
    assert batch.tolist() == [-2.0, -2.0]


def test_energy_folds_constants_into_biases():
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("y", activation="step")
    net.connect("x", "y", 3.0)
    net.connect("y", "y", 0.0)
    # free neuron y with effective bias 3·x: E = −3·x·y
    assert ns.energy(net, [1.0, 1.0]) == -3.0
    assert ns.energy(net, [2.0, 1.0]) == -6.0


@st.composite
def symmetric_networks(draw):
    n = draw(st.integers(2, 7))
    w = np.zeros((n, n))
    for j in range(n):
        for i in range(j + 1, n):
            w[i, j] = w[j, i] = draw(st.integers(-3, 3))
        w[j, j] = draw(st.integers(0, 2))  # non-negative diagonal
    b = [draw(st.sampled_from([-1.0, 0.0, 0.5, 1.0])) for _ in range(n)]
    activation = draw(st.sampled_from(["step", "sign"]))
    alphabet = (0.0, 1.0) if activation == "step" else (-1.0, 1.0)
    start = [draw(st.sampled_from(alphabet)) for _ in range(n)]
    order = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=40))
    return w, b, activation, start, order


@settings(max_examples=80)
@given(symmetric_networks())
def test_energy_never_increases_under_sequential_updates(spec):
    w, b, activation, start, order = spec
    net = _dense_net(w.tolist(), b, activation)
    y = np.array(start, dtype=float)
    energies = [ns.energy(net, y)]
    for j in order:  # one neuron per step, as the sequential rule does
        xi = b[j] + w[j] @ y
        if activation == "step":
            y[j] = 1.0 if xi >= 0 else 0.0
        else:
            y[j] = 1.0 if xi >= 0 else -1.0
        energies.append(ns.energy(net, y))
    assert all(e2 <= e1 + 1e-12 for e1, e2 in itertools.pairwise(energies))


@settings(max_examples=40)
@given(symmetric_networks())
def test_symmetric_networks_reach_period_at_most_two(spec):
    w, b, activation, _start, _order = spec
    net = _dense_net(w.tolist(), b, activation)
    if net.graph.number_of_edges() < len(b):  # every neuron needs an input to be free
        for j in range(len(b)):
            if not net.graph.in_degree(j):
                net.connect(j, j, 0.0)
    check = ns.check_energy(net)
    assert check.sequential_fixed_point and check.parallel_period_at_most_2
    assert max(ns.attractors(net).periods) <= 2
    assert all(a.is_fixed_point for a in ns.attractors(net, "sequential").attractors)


def test_energy_trace_of_a_recall_is_non_increasing():
    rng = np.random.default_rng(0)
    x = np.where(rng.random((3, 40)) < 0.5, -1.0, 1.0)
    net = ns.hopfield(x)
    probe = x[0] * np.where(rng.random(40) < 0.2, -1, 1)
    run = ns.recall(net, probe, x, order="random", seed=1)
    e = ns.energy_trace(net, run)
    assert e.shape == (run.trace.shape[0],)
    assert np.all(np.diff(e) <= 1e-12)
    with pytest.raises(ns.ParameterError, match="record=True"):
        ns.energy_trace(net, type("Run", (), {"trace": None})())


def test_check_energy_warns_for_asymmetric_weights():
    net = _dense_net([[0, 1], [-1, 0]], [0.0, 0.0])
    with pytest.warns(NetsimWarning, match="not symmetric"):
        check = ns.check_energy(net)
    assert not check.symmetric and not check.sequential_fixed_point
    assert not check.parallel_period_at_most_2
    assert "not guaranteed" in str(check)
    with pytest.warns(NetsimWarning):
        ns.energy(net, [1, 1])


def test_check_energy_negative_diagonal_and_continuous_units():
    net = _dense_net([[-1, 1], [1, 0]], [0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check = ns.check_energy(net)
    assert check.symmetric and not check.diagonal_nonnegative
    assert not check.sequential_fixed_point and check.parallel_period_at_most_2
    # a negative self-weight really makes the sequential rule oscillate
    single = _dense_net([[-1]], [0.0])
    assert [a.size for a in ns.attractors(single, "sequential").attractors] == [2]
    tanh = _dense_net([[0, 1], [1, 0]], [0.0, 0.0], activation="tanh")
    assert not ns.check_energy(tanh).threshold_units


def test_energy_trace_of_an_engine_run():
    rng = np.random.default_rng(3)
    x = np.where(rng.random((2, 24)) < 0.5, -1.0, 1.0)
    net = ns.hopfield(x)
    probes = x * np.where(rng.random((2, 24)) < 0.25, -1, 1)
    run = net.run(probes, rule="sequential", order="random", seed=0, record=True)
    e = ns.energy_trace(net, run)
    assert e.shape == run.trace.shape[:2]
    assert np.all(np.diff(e, axis=0) <= 1e-12)


def test_all_neurons_clamped_leaves_one_state():
    net = _dense_net([[0, 1], [1, 0]], [0.0, 0.0])
    result = ns.attractors(net, clamp={0: 1, 1: -1})
    assert result.n_states == 1 and result.attractors[0].labels == [""]
    assert "(no free neurons)" in result.table()
    assert ns.fixed_points(net, clamp={0: 1, 1: -1}, method="search").tolist() == [[1.0, -1.0]]
    assert ns.fixed_points(net, clamp={0: 1, 1: 1}, method="sweep").tolist() == [[1.0, 1.0]]
