"""Exhaustive attractor analysis checked against a brute-force simulation of every state."""

from __future__ import annotations

import itertools
from unittest import mock

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.analyse import MAX_PARALLEL, attractors, state_graph_dot, state_space, statespace
from netsim.zoo import pair

# --- brute-force reference: the textbook definitions, plain Python ----------------------


def _act(kind: str, xi: float) -> float:
    if kind == "step":
        return 1.0 if xi >= 0 else 0.0
    return 1.0 if xi >= 0 else -1.0  # sign with sign(0) = +1


def _update(w, b, kind, y, j):
    return _act(kind, b[j] + sum(w[j][i] * y[i] for i in range(len(y))))


def _parallel_next(w, b, kind, y, free):
    out = list(y)
    for j in free:
        out[j] = _update(w, b, kind, y, j)
    return tuple(out)


def _brute_parallel(w, b, kind, states, free):
    """attractors as {frozenset(states): (period, basin)}, transient per state."""
    attractors: dict[frozenset, list] = {}
    transient = {}
    for s in states:
        seen = [s]
        while True:
            nxt = _parallel_next(w, b, kind, seen[-1], free)
            if nxt in seen:
                start = seen.index(nxt)
                cycle = frozenset(seen[start:])
                entry = attractors.setdefault(cycle, [len(seen) - start, 0])
                entry[1] += 1
                transient[s] = start
                break
            seen.append(nxt)
    return attractors, transient


def _build(w, b, kind, inputs=()):
    net = ns.Network()
    n = len(b)
    for j in range(n):
        if j in inputs:
            net.add_input(f"n{j}")
        else:
            net.add_neuron(f"n{j}", activation=kind, bias=b[j])
    for j in range(n):
        for i in range(n):
            if w[j][i] != 0 and j not in inputs:
                net.connect(f"n{i}", f"n{j}", w[j][i])
    return net


@st.composite
def networks(draw, max_n=5):
    n = draw(st.integers(1, max_n))
    kind = draw(st.sampled_from(["step", "sign"]))
    w = [[draw(st.integers(-2, 2)) for _ in range(n)] for _ in range(n)]
    for j in range(n):  # every neuron gets at least one input so that it is free
        if all(v == 0 for v in w[j]):
            w[j][(j + 1) % n] = 1
    b = [draw(st.sampled_from([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0])) for _ in range(n)]
    return w, b, kind


def _labels(space, states):
    free = space.free.tolist()
    out = []
    for s in states:
        vals = np.array([s[j] for j in free])
        out.append(space.label(int(space.codes(vals[None, :])[0])))
    return out


@settings(max_examples=60)
@given(networks())
def test_parallel_matches_brute_force(spec):
    w, b, kind = spec
    net = _build(w, b, kind)
    result = attractors(net, "parallel")
    space = result.space
    alphabet = space.alphabet
    n = len(b)
    states = list(itertools.product(alphabet, repeat=n))
    brute, transient = _brute_parallel(w, b, kind, states, range(n))
    ours = {frozenset(a.labels): (a.period, a.basin) for a in result.attractors}
    theirs = {frozenset(_labels(space, c)): tuple(v) for c, v in brute.items()}
    assert ours == theirs
    assert sum(result.basin_sizes) == 2**n
    for s in states:
        code = int(space.codes(np.array(s)[None, :])[0])
        assert result.transient[code] == transient[s]
    # garden of Eden: no state maps onto it
    images = {_parallel_next(w, b, kind, s, range(n)) for s in states}
    for s in states:
        code = int(space.codes(np.array(s)[None, :])[0])
        assert result.garden_of_eden[code] == (s not in images)
    # cycle order follows the dynamics
    for a in result.attractors:
        vals = a.values
        for k in range(a.period):
            nxt = _parallel_next(w, b, kind, tuple(vals[k]), range(n))
            assert nxt == tuple(vals[(k + 1) % a.period])


def _brute_sequential(w, b, kind, states, free):
    succ = {}
    for s in states:
        outs = set()
        for j in free:
            v = _update(w, b, kind, s, j)
            if v != s[j]:
                t = list(s)
                t[j] = v
                outs.add(tuple(t))
        succ[s] = outs
    reach = {}
    for s in states:
        seen, todo = {s}, [s]
        while todo:
            for t in succ[todo.pop()]:
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        reach[s] = seen
    # terminal SCC: every state reachable from s can reach s back
    terminal = {frozenset(reach[s]) for s in states if all(s in reach[t] for t in reach[s])}
    strong = {a: 0 for a in terminal}
    weak = {a: 0 for a in terminal}
    for s in states:
        hits = [a for a in terminal if reach[s] & a]
        for a in hits:
            weak[a] += 1
        if len(hits) == 1:
            strong[hits[0]] += 1
    fixed = {s for s in states if not succ[s]}
    return terminal, strong, weak, fixed


@settings(max_examples=60)
@given(networks())
def test_sequential_matches_brute_force(spec):
    w, b, kind = spec
    net = _build(w, b, kind)
    result = attractors(net, "sequential")
    space = result.space
    n = len(b)
    states = list(itertools.product(space.alphabet, repeat=n))
    terminal, strong, weak, fixed = _brute_sequential(w, b, kind, states, range(n))
    ours = {frozenset(a.labels): (a.basin, a.reach) for a in result.attractors}
    theirs = {
        frozenset(_labels(space, a)): (strong[a], weak[a]) for a in terminal
    }
    assert ours == theirs
    assert sorted(result.fixed_points.tolist()) == sorted(
        int(space.codes(np.array(s)[None, :])[0]) for s in fixed
    )
    # the fixed points are the same under both rules
    assert result.fixed_points.tolist() == attractors(net, "parallel").fixed_points.tolist()
    # many attractors: strong basins come from backward label propagation instead
    with mock.patch.object(statespace, "MAX_REACH_ATTRACTORS", -1):
        again = attractors(net, "sequential")
    assert [(a.codes, a.basin) for a in again.attractors] == [
        (a.codes, a.basin) for a in result.attractors
    ]
    assert all(a.reach is None for a in again.attractors)
    assert np.array_equal(again.attractor_of, result.attractor_of)


@settings(max_examples=40)
@given(networks(max_n=4), st.data())
def test_clamped_input_matches_brute_force(spec, data):
    w, b, kind = spec
    n = len(b)
    w = [[*row, data.draw(st.integers(-2, 2))] for row in w] + [[0] * (n + 1)]
    b = [*b, 0.0]
    net = _build(w, b, kind, inputs=(n,))
    value = data.draw(st.sampled_from([0.0, 1.0, -1.0]))
    result = attractors(net, "parallel", clamp={f"n{n}": value})
    assert result.space.constants == {f"n{n}": value}
    space = result.space
    states = [(*s, value) for s in itertools.product(space.alphabet, repeat=n)]
    brute, _ = _brute_parallel(w, b, kind, states, range(n))
    ours = {frozenset(a.labels): (a.period, a.basin) for a in result.attractors}
    theirs = {frozenset(_labels(space, c)): tuple(v) for c, v in brute.items()}
    assert ours == theirs


# --- hand-checked cases -----------------------------------------------------------------


def test_mutual_inhibition_oscillates_with_period_two_in_parallel():
    result = attractors(pair(-1.0, -1.0), "parallel")
    cycles = [a for a in result.attractors if a.period == 2]
    assert len(cycles) == 1
    assert set(cycles[0].labels) == {"++", "--"}
    assert cycles[0].basin == 2
    assert sorted(result.space.label(c) for c in result.fixed_points) == ["+-", "-+"]


def test_mutual_inhibition_has_no_cycle_under_the_sequential_rule():
    result = attractors(pair(-1.0, -1.0), "sequential")
    assert [a.labels for a in result.attractors] == [["-+"], ["+-"]]
    assert all(a.is_fixed_point for a in result.attractors)
    assert [a.reach for a in result.attractors] == [3, 3]
    assert [a.basin for a in result.attractors] == [1, 1]  # -- and ++ can reach both
    assert int(np.count_nonzero(result.attractor_of < 0)) == 2


def test_excite_inhibit_pair_is_a_four_cycle():
    result = attractors(pair(1.0, -1.0), "parallel")
    (att,) = result.attractors
    assert att.labels == ["--", "+-", "++", "-+"]
    assert att.period == 4 and att.basin == 4
    seq = attractors(pair(1.0, -1.0), "sequential")
    assert [a.size for a in seq.attractors] == [4]
    assert not seq.attractors[0].is_fixed_point


def test_binary_labels_and_transients():
    # b copies a, a is always 1 (bias): 00 -> 10 -> 11
    net = ns.Network()
    net.add_neuron("a", activation="step", bias=1.0)
    net.add_neuron("b", activation="step", bias=-0.5)
    net.connect("a", "b", 1.0)
    net.connect("b", "a", 0.0)
    result = attractors(net)
    assert [a.labels for a in result.attractors] == [["11"]]
    assert result.transient.tolist() == [2, 2, 1, 0]  # 01 -> 10 -> 11
    assert result.garden_of_eden.tolist() == [True, True, False, False]
    assert result.attractor("00").labels == ["11"]


def test_constants_default_to_initial_values():
    net = ns.Network()
    net.add_input("x", initial=1.0)
    net.add_neuron("y", activation="step", bias=-0.5)
    net.connect("x", "y", 1.0)
    net.connect("y", "y", 0.0)
    assert [a.labels for a in attractors(net).attractors] == [["1"]]
    assert [a.labels for a in attractors(net, clamp={"x": 0}).attractors] == [["0"]]


def test_clamping_a_recurrent_neuron_removes_it_from_the_state():
    result = attractors(pair(-1.0, -1.0), clamp={"a": 1.0})
    assert result.space.free_ids == ("b",)
    assert [a.labels for a in result.attractors] == [["-"]]


def test_state_graph_and_dot():
    result = attractors(pair(-1.0, -1.0), "sequential")
    g = result.graph()
    assert isinstance(g, nx.DiGraph)
    assert set(g.nodes) == {"--", "-+", "+-", "++"}
    assert g.edges["--", "+-"]["neuron"] == "a"
    assert g.nodes["+-"]["in_attractor"] and not g.nodes["++"]["in_attractor"]
    dot = state_graph_dot(g)
    assert '"--" -> "+-" [label=a]' in dot.source
    parallel = attractors(pair(-1.0, -1.0)).to_dot()
    assert '"++" -> "--"' in parallel.source


def test_summary_is_json_ready():
    import json

    text = json.dumps(attractors(pair(1.0, -1.0)).summary())
    assert '"period": 4' in text


# --- errors -------------------------------------------------------------------------


def test_size_limit_error_names_the_limit(monkeypatch):
    monkeypatch.setenv("NETSIM_MEMORY_LIMIT", str(2**30))  # the limit follows memory
    assert statespace.parallel_limit() == MAX_PARALLEL
    net = ns.Network("big")
    n = MAX_PARALLEL + 1
    for k in range(n):
        net.add_neuron(k, activation="step")
    for k in range(n):
        net.connect(k, (k + 1) % n, 1.0)
    with pytest.raises(ns.SizeLimitError, match=f"limited to {MAX_PARALLEL} free neurons"):
        attractors(net)
    with pytest.raises(ns.SizeLimitError, match="limited to 20 free neurons"):
        attractors(net, "sequential")
    # clamping brings it within the limit
    assert attractors(net, clamp={k: 0.0 for k in range(12)}).space.n == n - 12


def test_continuous_neuron_is_refused():
    net = pair(1.0, 1.0)
    net.set_neuron("b", activation="sigmoid")
    with pytest.raises(ns.NetworkError, match="neuron 'b' has the continuous activation 'sigmoid'"):
        attractors(net)


def test_mixed_alphabets_are_refused():
    net = pair(1.0, 1.0)
    net.set_neuron("b", activation="step")
    with pytest.raises(ns.NetworkError, match="one alphabet"):
        attractors(net)


def test_three_valued_sign_is_refused():
    net = pair(1.0, 1.0)
    net.set_neuron("a", activation="sign", zero=0.0)
    with pytest.raises(ns.NetworkError, match="two-valued"):
        attractors(net)


def test_bad_clamp_and_rule():
    with pytest.raises(ns.NeuronNotFoundError, match="did you mean 'a'"):
        attractors(pair(1.0, 1.0), clamp={"aa": 1})
    with pytest.raises(ns.ParameterError, match="finite"):
        attractors(pair(1.0, 1.0), clamp={"a": float("nan")})
    with pytest.raises(ns.ParameterError, match="rule must be"):
        attractors(pair(1.0, 1.0), rule="layered")


def test_state_space_codes_round_trip():
    space = state_space(pair(1.0, 1.0))
    assert space.label(2) == "+-" and space.code_of_label("+-") == 2
    assert space.codes([[1, -1]]).tolist() == [2]
    with pytest.raises(ns.ParameterError, match="outside the alphabet"):
        space.codes([[1, 0]])
