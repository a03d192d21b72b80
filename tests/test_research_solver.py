"""Solver-based attractor search (OR-Tools CP-SAT) against the exhaustive analysis and
against the textbook definitions evaluated with exact rationals."""

from __future__ import annotations

import itertools
import sys
from fractions import Fraction
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns

pytest.importorskip("ortools")

from netsim.analyse.solver import (
    KEEP,
    ThresholdUnit,
    enumerate_cycles,
    integer_row,
    threshold_units,
)

L = 5  # cycles compared up to this length


def exhaustive_cycles(net, clamp=None, max_period=L):
    """{(period, labels)} of the exhaustive analysis, cycles up to max_period."""
    result = ns.attractors(net, clamp=clamp)
    return {tuple(a.labels) for a in result.attractors if a.period <= max_period}


def solver_cycles(net, clamp=None, max_period=L):
    result = ns.attractors(net, clamp=clamp, method="solver", max_period=max_period)
    assert result.complete
    return {tuple(a.labels) for a in result.attractors}


# --- agreement with the exhaustive analysis ---------------------------------------------


@st.composite
def small_networks(draw):
    n = draw(st.integers(1, 12))
    kind = draw(st.sampled_from(["step", "sign", "sign-"]))
    density = draw(st.sampled_from([0.2, 0.4, 0.7, 1.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    w = rng.integers(-3, 4, size=(n, n)) * (rng.random((n, n)) < density)
    halves = draw(st.booleans())  # biases on half-integers never tie
    bias = rng.integers(-3, 4, size=n) + (0.5 if halves else 0.0)
    params = {"zero": -1.0} if kind == "sign-" else {}
    act = "step" if kind == "step" else "sign"
    return ns.from_matrix(w, bias=bias, activation=act, **params)


@settings(max_examples=60)
@given(small_networks())
def test_solver_finds_exactly_the_exhaustive_cycles(net):
    free = [j for j in net.neurons if any(True for _ in net.graph.predecessors(j))]
    if len(free) == 0:
        return
    assert solver_cycles(net) == exhaustive_cycles(net)


@settings(max_examples=25)
@given(st.integers(2, 12), st.sampled_from([1, 2, 3]), st.sampled_from(["pm1", "gaussian"]),
       st.sampled_from(["sign", "step"]), st.integers(0, 10**6))
def test_random_threshold_networks_agree(n, k, weights, act, seed):
    net = ns.random_threshold_network(n, min(k, n - 1), weights=weights, activation=act,
                                      seed=seed)
    assert solver_cycles(net) == exhaustive_cycles(net)


@settings(max_examples=20)
@given(small_networks(), st.data())
def test_clamps_agree(net, data):
    ids = list(net.neurons)
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
    act = net.neuron(ids[0]).activation
    values = (0.0, 1.0) if act == "step" else (-1.0, 1.0)
    clamp = {c: data.draw(st.sampled_from(values)) for c in chosen}
    assert solver_cycles(net, clamp) == exhaustive_cycles(net, clamp)


def test_oscillator_by_hand():
    net = ns.Network()
    net.add_neuron("a", activation="sign")
    net.add_neuron("b", activation="sign")
    net.connect("a", "b", 1.0)
    net.connect("b", "a", -1.0)
    result = ns.attractors(net, method="solver", max_period=3)
    assert result.attractors == [] and result.complete  # the only cycle has length 4
    result = ns.attractors(net, method="solver", max_period=4)
    [cycle] = result.attractors
    assert cycle.labels == ["--", "+-", "++", "-+"]  # smallest state first, visiting order
    assert cycle.states.tolist() == [[-1, -1], [1, -1], [1, 1], [-1, 1]]
    assert result.summary()["attractors_by_period"] == {"4": 1}


def test_constants_are_folded_in():
    # y copies the input x (no incoming connections: keeps its initial value or a clamp)
    net = ns.Network()
    net.add_input("x", initial=1.0)
    net.add_neuron("y", activation="step", bias=-0.5)
    net.connect("x", "y", 1.0)
    assert [a.labels for a in ns.attractors(net, method="solver").attractors] == [["1"]]
    result = ns.attractors(net, clamp={"x": 0.0}, method="solver")
    assert [a.labels for a in result.attractors] == [["0"]]
    assert result.fixed_points.tolist() == [[0.0, 0.0]]
    assert result.summary()["constants"] == {"x": 0.0}


def test_ties_follow_the_neurons_convention():
    # ξ = 0 exactly for every state: sign(0) decides
    for zero, expected in ((1.0, ["+"]), (-1.0, ["-"])):
        net = ns.Network()
        net.add_neuron("a", activation="sign", zero=zero)
        net.add_neuron("b", activation="sign")
        net.connect("b", "a", 0.5)
        net.connect("a", "a", 0.0)  # a zero weight is no connection for the solver
        net.set_neuron("b", bias=0.0)
        result = ns.attractors(net, clamp={"b": 0.0}, method="solver", max_period=2)
        assert [a.labels for a in result.attractors] == [expected]


# --- three-valued sign (zero=0) and "keep": the textbook definitions, exactly ----------


def brute_cycles(units, max_period):
    """Every cycle up to max_period by following every state (plain Python, exact)."""

    def step(y):
        out = []
        for k, u in enumerate(units):
            xi = u.offset + sum(c * y[s] for c, s in zip(u.coefficients, u.sources, strict=True))
            if xi > 0:
                out.append(u.values[-1])
            elif xi < 0:
                out.append(u.values[0])
            else:
                out.append(y[k] if u.tie == KEEP else u.tie)
        return tuple(out)

    cycles = set()
    for y in itertools.product(*(u.values for u in units)):
        seen = [y]
        for _ in range(max_period):
            seen.append(step(seen[-1]))
        if y in seen[1:]:
            p = seen[1:].index(y) + 1
            cyc = seen[:p]
            if min(cyc) == y:
                cycles.add(tuple(cyc))
    return cycles


@st.composite
def unit_systems(draw):
    n = draw(st.integers(1, 7))
    kind = draw(st.sampled_from(["keep01", "keep-+", "ternary", "mixed"]))
    units = []
    for _ in range(n):
        k = kind if kind != "mixed" else draw(st.sampled_from(["keep01", "keep-+", "ternary",
                                                                "step", "sign-"]))
        values, tie = {
            "keep01": ((0, 1), KEEP), "keep-+": ((-1, 1), KEEP), "ternary": ((-1, 0, 1), 0),
            "step": ((0, 1), 1), "sign-": ((-1, 1), -1),
        }[k]
        sources = tuple(sorted(draw(st.sets(st.integers(0, n - 1), max_size=n))))
        coefs = tuple(draw(st.integers(-2, 2)) for _ in sources)
        units.append(ThresholdUnit(values, sources, coefs, draw(st.integers(-2, 2)), tie))
    return units


@settings(max_examples=60)
@given(unit_systems())
def test_keep_and_three_valued_units_match_brute_force(units):
    found = set()
    for p in range(1, 5):
        cycles, complete = enumerate_cycles(units, p)
        assert complete
        assert len(cycles) == len(set(cycles))  # each cycle once
        assert all(len(c) == p for c in cycles)
        found |= set(cycles)
    assert found == brute_cycles(units, 4)


def test_sign_zero_network_is_three_valued():
    # a neuron with no effective input sits at 0 (sign with zero=0); b follows a
    net = ns.Network()
    net.add_neuron("a", activation="sign", zero=0.0)
    net.add_neuron("b", activation="sign", zero=0.0)
    net.add_neuron("c", activation="sign", initial=1.0)
    net.connect("c", "a", 0.0 + 1.0)
    net.connect("a", "b", 2.0)
    net.set_neuron("a", bias=-1.0)  # ξ_a = c − 1 = 0 → a = 0 → b = 0
    result = ns.attractors(net, method="solver", max_period=2)
    assert [a.labels for a in result.attractors] == [["00"]]
    assert result.fixed_points.tolist() == [[0.0, 0.0, 1.0]]


# --- exact integers from stored floats --------------------------------------------------


def _sign(x):
    return (x > 0) - (x < 0)


@settings(max_examples=200)
@given(
    st.lists(
        st.one_of(
            st.integers(-5, 5).map(float),
            st.tuples(st.integers(-9, 9), st.integers(1, 12)).map(lambda t: t[0] / t[1]),
            st.floats(-4, 4, allow_nan=False, allow_subnormal=False).map(lambda v: round(v, 3)),
        ),
        min_size=1,
        max_size=6,
    ),
    st.data(),
)
def test_integer_rows_keep_the_exact_sign(values, data):
    exact = [Fraction(v) for v in values]
    try:
        ints, off = integer_row(exact[:-1], exact[-1])
    except ns.ParameterError:
        return
    for _ in range(10):
        y = data.draw(st.lists(st.sampled_from([-1, 0, 1]), min_size=len(ints),
                               max_size=len(ints)))
        want = exact[-1] + sum(c * v for c, v in zip(exact, y, strict=False))
        got = off + sum(c * v for c, v in zip(ints, y, strict=True))
        assert _sign(want) == _sign(got)


def test_hebb_one_over_n_is_exact():
    # 1/6 is not a binary fraction: the stored floats are split into k/6 plus a remainder
    patterns = [[1, -1, 1, -1, 1, 1], [1, 1, -1, -1, 1, -1]]
    net = ns.hopfield(patterns)
    units = threshold_units(net).units
    assert max(abs(c) for u in units for c in u.coefficients) < 2**40
    assert solver_cycles(net) == exhaustive_cycles(net)


def test_weights_without_small_integer_form_are_refused():
    w = [0.7234567891234567, 0.000123456789123456, 0.3141592653589777, 1e-9 + 0.61]
    with pytest.raises(ns.ParameterError, match="no exact integer form"):
        integer_row([Fraction(x) for x in w], Fraction(0.1234567890123))


# --- larger networks: the engine confirms what the solver finds ------------------------

LETTERS = {
    "A": ["...##...", "..#..#..", ".#....#.", "#......#", "########", "#......#", "#......#",
          "#......#"],
    "C": [".######.", "#......#", "#.......", "#.......", "#.......", "#.......", "#......#",
          ".######."],
    "H": ["#......#", "#......#", "#......#", "########", "#......#", "#......#", "#......#",
          "#......#"],
    "T": ["########", "...##...", "...##...", "...##...", "...##...", "...##...", "...##...",
          "...##..."],
}


def test_hopfield_letters_fixed_points():
    patterns = np.array([[1.0 if c == "#" else -1.0 for c in "".join(rows)]
                         for rows in LETTERS.values()])
    net = ns.hopfield(patterns)  # 64 neurons
    result = ns.attractors(net, method="solver", max_period=1)
    fp = result.fixed_points
    assert result.complete and len(fp) == 25
    assert ns.is_fixed_point(net, fp).all()
    for x in patterns:  # every letter and its negative is stored
        assert (fp == x).all(axis=1).any() and (fp == -x).all(axis=1).any()


def test_sparse_random_network_of_200_neurons():
    net = ns.random_threshold_network(200, 2, seed=0)
    result = ns.attractors(net, method="solver", max_period=4)
    assert result.complete
    assert result.periods == [3, 3]
    # the engine confirms each cycle: a copy whose neurons are all inputs starts there
    probe = net.copy()
    probe.set_inputs(net.neurons)
    for a in result.attractors:
        run = probe.run(a.states[0], rule="parallel", steps=a.period, record=True)
        assert np.array_equal(run.trace[: a.period], a.states)
        assert np.array_equal(run.trace[a.period], a.states[0])


# --- arguments and errors --------------------------------------------------------------


def test_bad_arguments():
    net = ns.hopfield([[1, -1, 1]])
    with pytest.raises(ns.ParameterError, match="max_period"):
        ns.attractors(net, method="solver", max_period=0)
    with pytest.raises(ns.ParameterError, match="max_period applies to method='solver'"):
        ns.attractors(net, max_period=2)
    with pytest.raises(ns.ParameterError, match="did you mean 'solver'"):
        ns.attractors(net, method="solve")
    with pytest.raises(ns.ParameterError, match="parallel rule"):
        ns.attractors(net, rule="sequential", method="solver")
    with pytest.raises(ns.ParameterError, match="did you mean 'time_limit'"):
        ns.attractors(net, method="solver", time_limt=3)
    with pytest.raises(ns.ParameterError, match="time_limit"):
        ns.attractors(net, method="solver", time_limit=-1)
    with pytest.raises(ns.NeuronNotFoundError, match="'y0', which is not in the network"):
        ns.attractors(net, method="solver", clamp={"y0": 1})


def test_non_threshold_neurons_are_refused():
    net = ns.mlp("2-2-1", activation="sigmoid", seed=0)
    with pytest.raises(ns.NetworkError, match=r"step and sign.*'sigmoid'"):
        ns.attractors(net, method="solver")
    net = ns.Network()
    net.add_neuron("a", activation="step", potential="distance")
    net.connect("a", "a", 1.0)
    with pytest.raises(ns.NetworkError, match="weighted-sum"):
        ns.attractors(net, method="solver")


def test_stopped_search_is_flagged():
    net = ns.hopfield([[1, -1, 1, -1, 1, -1]])
    with pytest.warns(ns.NetsimWarning, match="incomplete"):
        result = ns.attractors(net, method="solver", max_period=1, max_solutions=1)
    assert not result.complete and len(result.attractors) == 1
    assert "INCOMPLETE" in result.table()


def test_missing_ortools_names_the_extra():
    net = ns.hopfield([[1, -1, 1]])
    with mock.patch.dict(sys.modules, {"ortools.sat.python": None}), pytest.raises(
        ns.NetsimError, match=r"pip install netsim\[solver\]"
    ):
        ns.attractors(net, method="solver")


# --- the yeast cell-cycle network (Li et al. 2004), ties kept --------------------------

# Li, Long, Lu, Ouyang & Tang, "The yeast cell-cycle network is robustly designed",
# PNAS 101 (2004): 11 proteins, activation +1, inhibition −1, −1 self-loops for the
# self-degrading ones; S_i(t+1) = 1 if Σ > 0, 0 if Σ < 0, S_i(t) if Σ = 0.
YEAST = ["Cln3", "MBF", "SBF", "Cln1_2", "Cdh1", "Swi5", "Cdc20_Cdc14", "Clb5_6", "Sic1",
         "Clb1_2", "Mcm1_SFF"]
YEAST_EDGES = """Cln3 SBF +  Cln3 MBF +  SBF Cln1_2 +  MBF Clb5_6 +  Cln1_2 Sic1 -
Cln1_2 Cdh1 -  Sic1 Clb5_6 -  Clb5_6 Sic1 -  Clb5_6 Cdh1 -  Clb1_2 Mcm1_SFF +
Clb1_2 Sic1 -  Clb1_2 SBF -  Clb1_2 MBF -  Sic1 Clb1_2 -  Mcm1_SFF Clb1_2 +
Mcm1_SFF Cdc20_Cdc14 +  Cdc20_Cdc14 Clb5_6 -  Clb1_2 Swi5 -  Cdc20_Cdc14 Sic1 +
Cdc20_Cdc14 Cdh1 +  Cdc20_Cdc14 Swi5 +  Cdh1 Clb1_2 -  Swi5 Sic1 +  Mcm1_SFF Swi5 +
Clb1_2 Cdc20_Cdc14 +  Cdc20_Cdc14 Clb1_2 -  Clb1_2 Cdh1 -  Cln3 Cln3 -  Cln1_2 Cln1_2 -
Cdc20_Cdc14 Cdc20_Cdc14 -  Swi5 Swi5 -  Mcm1_SFF Mcm1_SFF -  Clb5_6 Clb1_2 +
Clb5_6 Mcm1_SFF +"""


def yeast_network():
    words = YEAST_EDGES.split()
    w = np.zeros((11, 11))
    for src, dst, sign in zip(words[::3], words[1::3], words[2::3], strict=True):
        w[YEAST.index(dst), YEAST.index(src)] = 1.0 if sign == "+" else -1.0
    return ns.from_matrix(w, activation="step", ids=YEAST)


def test_yeast_cell_cycle_fixed_points_with_ties_kept():
    from dataclasses import replace

    net = yeast_network()
    # zero="keep" on the neurons comes with the execution core; until then the units
    # of the network get the tie rule directly
    units = [replace(u, tie=KEEP) for u in threshold_units(net).units]
    fixed, complete = enumerate_cycles(units, 1)
    assert complete and len(fixed) == 7  # Li et al.: seven fixed points
    g1 = tuple(int(n in ("Cdh1", "Sic1")) for n in YEAST)
    assert (g1,) in fixed
    # the G1 basin: 1764 of the 2048 states (Li et al.), by following every state
    def step(y):
        out = []
        for k, u in enumerate(units):
            xi = u.offset + sum(c * y[s] for c, s in zip(u.coefficients, u.sources, strict=True))
            out.append(1 if xi > 0 else 0 if xi < 0 else y[k])
        return tuple(out)

    reached = {}
    for y in itertools.product((0, 1), repeat=11):
        for _ in range(50):
            y = step(y)
        reached[y] = reached.get(y, 0) + 1
    assert reached[g1] == 1764 and set(reached) == {c[0] for c in fixed}
    for p in (2, 3, 4):  # no cycles
        assert enumerate_cycles(units, p) == ([], True)
