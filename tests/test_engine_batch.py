"""Batches give exactly the per-sample runs; the sequential fast path equals a naive loop."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.core import layer_stages, parallel_stage

DISCRETE = ("step", "sign")
CONTINUOUS = ("identity", "tanh", "sigmoid", "relu")


@st.composite
def networks(draw, activations=DISCRETE, integer_weights=True):
    n = draw(st.integers(2, 6))
    k = draw(st.integers(0, min(3, n)))
    net = ns.Network()
    for j in range(n):
        act = draw(st.sampled_from(activations))
        bias = draw(st.integers(-2, 2)) if integer_weights else draw(
            st.floats(-2, 2, allow_nan=False))
        init = draw(st.sampled_from([0.0, 1.0, -1.0]))
        net.add_neuron(j, activation=act, bias=float(bias), initial=init)
    edges = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                         max_size=n * n))
    for i, j in sorted(edges):
        w = draw(st.integers(-3, 3)) if integer_weights else draw(
            st.floats(-2, 2, allow_nan=False))
        net.connect(i, j, float(w))
    net.set_inputs(range(k))
    net.set_outputs(range(n - 1, n))
    batch = draw(st.integers(1, 4))
    x = np.array(draw(st.lists(st.lists(st.sampled_from([-1.0, 0.0, 1.0]), min_size=k,
                                        max_size=k), min_size=batch, max_size=batch)))
    return net, x.reshape(batch, k)


RULES = [("parallel", "cyclic"), ("sequential", "cyclic"), ("sequential", "random"),
         ("sequential", "random-replacement"), ("layered", "cyclic")]


def _check_stacked(batch_run, singles, exact=True):
    same = np.array_equal if exact else (lambda a, b: np.allclose(a, b, rtol=1e-9, atol=1e-12))
    assert same(batch_run.state, np.stack([s.state for s in singles]))
    assert same(batch_run.output, np.stack([s.output for s in singles]))
    assert batch_run.steps.tolist() == [s.steps for s in singles]
    assert batch_run.converged.tolist() == [s.converged for s in singles]
    assert batch_run.period.tolist() == [s.period or 0 for s in singles]
    assert batch_run.transient.tolist() == [-1 if s.transient is None else s.transient
                                            for s in singles]
    if batch_run.trace is not None:
        for b, s in enumerate(singles):
            rows = batch_run.trace[: len(s.trace), b]
            assert same(rows, s.trace)
            assert (batch_run.trace[len(s.trace):, b] == s.state).all()


@settings(max_examples=40)
@given(networks(), st.sampled_from(RULES), st.integers(0, 3))
def test_batch_equals_per_sample_discrete(case, rule_order, seed):
    net, x = case
    rule, order = rule_order
    if rule == "layered" and net.is_recurrent:
        rule = "parallel"
    opts = dict(rule=rule, order=order, seed=seed, max_steps=60, record=True)
    batch_run = net.run(x, **opts)
    singles = [net.run(row, **opts) for row in x]
    _check_stacked(batch_run, singles)


@settings(max_examples=25)
@given(networks(CONTINUOUS, integer_weights=False), st.sampled_from(RULES))
def test_batch_equals_per_sample_continuous_fixed_steps(case, rule_order):
    net, x = case
    rule, order = rule_order
    if rule == "layered" and net.is_recurrent:
        rule = "parallel"
    opts = dict(rule=rule, order=order, seed=1, steps=7, record=True)
    batch_run = net.run(x, **opts)
    singles = [net.run(row, **opts) for row in x]
    assert np.allclose(batch_run.trace, np.stack([s.trace for s in singles], axis=1),
                       rtol=1e-9, atol=1e-12)


def naive_sequential(net, x, order, seed, steps):
    """One neuron per step straight from the definition (no skipping, fresh sums)."""
    prog = net.compile()
    y = prog.initial_state(np.atleast_2d(np.asarray(x, dtype=float)))[0]
    upd = prog.updated
    n = len(upd)
    rng = np.random.default_rng(seed)
    trace = [y.copy()]
    sel: list[int] = []
    for t in range(steps):
        if t % n == 0:
            if order == "cyclic":
                sel = upd.tolist()
            elif order == "random":
                sel = upd[rng.permutation(n)].tolist()
            else:
                sel = upd[rng.integers(0, n, size=n)].tolist()
        j = sel[t % n]
        a, e = prog.indptr[j], prog.indptr[j + 1]
        xi = prog.bias[j] + float(np.dot(prog.weights[a:e], y[prog.sources[a:e]]))
        y[j] = prog.activations[prog.activation_ids[j]](np.array([xi]))[0]
        trace.append(y.copy())
    return np.array(trace)


@settings(max_examples=40)
@given(networks(), st.sampled_from(["cyclic", "random", "random-replacement"]),
       st.integers(0, 5))
def test_sequential_skipping_is_exact(case, order, seed):
    net, x = case
    if not len(net.compile().updated):
        return
    steps = 5 * len(net.compile().updated) + 1
    for row in x:
        run = net.run(row, rule="sequential", order=order, seed=seed, steps=steps,
                      record=True)
        assert np.array_equal(run.trace, naive_sequential(net, row, order, seed, steps))


@pytest.mark.parametrize("order", ["cyclic", "random", "random-replacement"])
def test_sequential_skipping_exact_on_float_hopfield(order):
    rng = np.random.default_rng(4)
    n = 40
    patterns = rng.choice([-1.0, 1.0], size=(3, n))
    w = patterns.T @ patterns / n
    np.fill_diagonal(w, 0)
    net = ns.Network()
    for j in range(n):
        net.add_neuron(j, activation="sign")
    t, s = np.nonzero(w)
    net.connect_many(zip(s.tolist(), t.tolist(), w[t, s].tolist(), strict=True))
    net.set_inputs(range(n))
    x = patterns[1] * np.where(rng.random(n) < 0.2, -1, 1)
    run = net.run(x, rule="sequential", order=order, seed=2, steps=4 * n, record=True)
    assert np.array_equal(run.trace, naive_sequential(net, x, order, 2, 4 * n))


@pytest.mark.parametrize("order", ["cyclic", "random", "random-replacement"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sequential_exact_near_capacity_with_ties(order, seed):
    """Integer Hebbian weights (ties at ξ = 0) and many patterns: many changes."""
    rng = np.random.default_rng(seed)
    n = 48
    patterns = rng.choice([-1.0, 1.0], size=(10, n))
    w = patterns.T @ patterns  # integers: ξ = 0 happens
    np.fill_diagonal(w, 0)
    net = ns.Network()
    for j in range(n):
        net.add_neuron(j, activation="sign" if seed != 2 else "step")
    t, s = np.nonzero(w)
    net.connect_many(zip(s.tolist(), t.tolist(), w[t, s].tolist(), strict=True))
    net.set_inputs(range(n))
    x = rng.choice([-1.0, 1.0, 0.0], size=n)
    steps = 6 * n
    run = net.run(x, rule="sequential", order=order, seed=seed, steps=steps, record=True)
    assert np.array_equal(run.trace, naive_sequential(net, x, order, seed, steps))
    until = net.run(x, rule="sequential", order=order, seed=seed)
    assert until.converged or order != "cyclic" or until.period


@settings(max_examples=30)
@given(networks(CONTINUOUS, integer_weights=False),
       st.sampled_from(["cyclic", "random", "random-replacement"]), st.integers(0, 3))
def test_sequential_continuous_matches_naive(case, order, seed):
    net, x = case
    n_upd = len(net.compile().updated)
    if not n_upd:
        return
    steps = 4 * n_upd + 1
    for row in x:
        run = net.run(row, rule="sequential", order=order, seed=seed, steps=steps,
                      record=True)
        ref = naive_sequential(net, row, order, seed, steps)
        assert np.allclose(run.trace, ref, rtol=1e-9, atol=1e-9)


@st.composite
def mixed_networks(draw):
    """Random networks mixing activations, per-neuron parameters, potentials, groups."""
    n = draw(st.integers(2, 7))
    k = draw(st.integers(0, 2))
    net = ns.Network()
    for j in range(n):
        kind = draw(st.sampled_from(["sigmoid", "sign", "step", "tanh", "identity", "softmax",
                                     "relu", "gaussian"]))
        params = {}
        if kind == "sigmoid":
            params["steepness"] = draw(st.sampled_from([0.5, 1.0, 3.0]))
        if kind == "sign":
            params["zero"] = draw(st.sampled_from([-1.0, 0.0, 1.0]))
        potential = draw(st.sampled_from(["weighted_sum", "weighted_sum", "distance"]))
        group = draw(st.sampled_from(["g1", "g2"])) if kind == "softmax" else None
        net.add_neuron(j, activation=kind, potential=potential, group=group,
                       bias=draw(st.sampled_from([-1.0, 0.0, 0.5])),
                       initial=draw(st.sampled_from([0.0, 1.0])), **params)
    edges = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                         max_size=2 * n))
    for i, j in sorted(edges):
        net.connect(i, j, draw(st.sampled_from([-1.5, -0.5, 0.0, 1.0, 2.0])))
    net.set_inputs(range(k))
    net.set_outputs(range(n))
    x = np.array(draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=k, max_size=k)))
    return net, x


@settings(max_examples=60)
@given(mixed_networks())
def test_plans_match_the_reference_evaluation(case):
    """One parallel step, and a layered run, equal compile.evaluate_stage's results."""
    from netsim.core import evaluate_stage

    net, x = case
    try:
        prog = net.compile()
    except ns.NetworkError:  # e.g. a softmax group spread over layers
        return
    state = prog.initial_state(x[None, :])
    if len(prog.updated):
        stage = parallel_stage(prog)
        _xi, y = evaluate_stage(prog, stage, state)
        expected = state.copy()
        expected[:, stage.targets] = y
        got = net.run(x, rule="parallel", steps=1).state
        assert np.allclose(got, expected[0], rtol=1e-12, atol=1e-12, equal_nan=True)
    if not prog.is_recurrent:
        ref = state.copy()
        for stage in layer_stages(prog):
            _xi, y = evaluate_stage(prog, stage, ref)
            ref[:, stage.targets] = y
        got = net.run(x).state
        assert np.allclose(got, ref[0], rtol=1e-12, atol=1e-12, equal_nan=True)
