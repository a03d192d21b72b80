"""n-input gates and the course's two-layer construction of any Boolean function."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim import zoo
from netsim.boolean import truth_table


def all_inputs(n: int) -> np.ndarray:
    return np.array(list(itertools.product([0, 1], repeat=n)), dtype=float)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6])
def test_n_input_gates_on_every_row(n):
    x = all_inputs(n)
    ones = x.sum(axis=1)
    expected = {"and": ones == n, "or": ones >= 1, "nand": ones < n, "nor": ones == 0}
    for kind, want in expected.items():
        net = zoo.gate(kind, n_inputs=n)
        assert net.inputs == tuple(f"x{i + 1}" for i in range(n))
        assert net.predict(x)[:, 0].tolist() == want.astype(float).tolist()
    # the course's AND: weights 1, bias −n; OR: bias −1
    assert zoo.gate("and", n_inputs=n).neuron("y").bias == -n
    assert zoo.gate("or", n_inputs=n).neuron("y").bias == -1


def test_gate_defaults_and_errors():
    assert zoo.GATES["and"] == (-2.0, (1.0, 1.0)) and zoo.GATES["not"] == (0.0, (-1.0,))
    assert zoo.gate("not", n_inputs=1).predict([[0], [1]]).ravel().tolist() == [1, 0]
    with pytest.raises(ns.ParameterError, match="gate 'not' has one input"):
        zoo.gate("not", n_inputs=3)
    with pytest.raises(ns.ParameterError, match="n_inputs must be an integer"):
        zoo.gate("and", n_inputs=0)
    with pytest.raises(ns.ParameterError, match="did you mean 'nand'"):
        zoo.gate("nadn")


def test_xor_construction_by_hand():
    net = ns.boolean_network([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]])
    assert net.hidden == ("h_01", "h_10")
    # N_01: weights −1 (x1 = 0), +1 (x2 = 1), bias −1; output OR: weights 1, bias −1
    assert (net.weight("x1", "h_01"), net.weight("x2", "h_01"), net.neuron("h_01").bias) == (
        -1.0, 1.0, -1.0)
    assert (net.weight("h_01", "y"), net.weight("h_10", "y"), net.neuron("y").bias) == (
        1.0, 1.0, -1.0)
    assert {net.neuron(j).activation for j in net.hidden + net.outputs} == {"step"}
    assert net.predict(all_inputs(2)).ravel().tolist() == [0, 1, 1, 0]


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 6).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.booleans(), min_size=2**n, max_size=2**n))))
def test_every_row_of_random_functions(case):
    n, values = case
    x = all_inputs(n)
    table = np.hstack([x, np.array(values, dtype=float)[:, None]])
    net = ns.boolean_network(table)
    assert len(net.hidden) == sum(values)  # one hidden neuron per true row
    assert net.predict(x)[:, 0].tolist() == [float(v) for v in values]
    for h in net.hidden:  # N_v: bias −(number of ones of v), weights ±1
        bits = h[2:]
        assert net.neuron(h).bias == -bits.count("1")
        assert [net.weight(f"x{i + 1}", h) for i in range(n)] == [
            1.0 if b == "1" else -1.0 for b in bits]


def test_function_mapping_and_several_outputs():
    net = ns.boolean_network(lambda a, b, c: (a and b) or c, n_inputs=3)
    x = all_inputs(3)
    want = [float((a and b) or c) for a, b, c in x.astype(int)]
    assert net.predict(x)[:, 0].tolist() == want
    # half adder: sum and carry share the hidden neurons
    adder = ns.boolean_network(lambda a, b: (a ^ b, a & b), n_inputs=2,
                               outputs=["s", "c"])
    assert adder.predict(all_inputs(2)).tolist() == [[0, 0], [1, 0], [1, 0], [0, 1]]
    assert len(adder.hidden) == 3
    # a partial mapping: rows not listed are 0
    net = ns.boolean_network({(1, 1): 1}, inputs=["p", "q"])
    assert net.inputs == ("p", "q")
    assert net.predict(all_inputs(2)).ravel().tolist() == [0, 0, 0, 1]
    # the constant 0 function: no hidden neuron, the output stays 0
    zero = ns.boolean_network(lambda a, b, c: 0, n_inputs=3)
    assert zero.hidden == () and zero.predict(all_inputs(3)).ravel().tolist() == [0] * 8
    assert truth_table(lambda a: 1 - a, 1).tolist() == [[0, 1], [1, 0]]


@pytest.mark.parametrize("table, match", [
    ([[0, 0, 1], [0, 0, 0]], "lists the input 0 0 twice"),
    ([[0, 2, 1]], "must be 0 or 1, got 2"),
    ([[1]], "needs at least one input column"),
    ([], "2-D array"),
])
def test_bad_tables(table, match):
    with pytest.raises(ns.ParameterError, match=match):
        ns.boolean_network(table)


def test_bad_function_arguments():
    with pytest.raises(ns.ParameterError, match="needs n_inputs"):
        ns.boolean_network(lambda a: a)
    with pytest.raises(ns.SizeLimitError, match="at most 20"):
        ns.boolean_network(lambda *a: 0, n_inputs=30)
    with pytest.raises(ns.ParameterError, match="2 input names needed"):
        ns.boolean_network([[0, 0, 1]], inputs=["a"])


def test_sizes_that_memory_cannot_hold_are_refused_before_building():
    rows = ((np.arange(2**16)[:, None] >> np.arange(16)) & 1).astype(np.int8)
    wide = np.hstack([rows, np.zeros((2**16, 184), np.int8), np.ones((2**16, 1), np.int8)])
    with pytest.raises(ns.SizeLimitError, match="boolean_network asks for 13,172,736 connections"):
        ns.boolean_network(wide)
