"""Every run error is a clear one-line NetsimError."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns


@pytest.fixture
def net():
    n = ns.Network(name="two")
    n.add_input("x1")
    n.add_input("x2")
    n.add_output("y", activation="step")
    n.connect("x1", "y", 1.0)
    n.connect("x2", "y", 1.0)
    return n


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([1.0], r"has 2 input neurons \('x1', 'x2'\), but the input has 1 value"),
        ([[1.0, 2.0, 3.0]], "a sample has 3 values"),
        (np.ones((2, 2, 2)), "give shape"),
        ([1.0, np.nan], "neuron 'x2' is not finite: nan"),
        ([[0, 0], [1.0, np.inf]], "input sample 1, neuron 'x2' is not finite"),
        (["a", "b"], "inputs must be numbers"),
        (np.zeros((0, 2)), "batch of inputs is empty"),
    ],
)
def test_bad_inputs(net, inputs, message):
    with pytest.raises(ns.ParameterError, match=message):
        net.run(inputs)


def test_layered_on_recurrent_names_the_cycle():
    net = ns.Network(name="loop")
    for n in ("a", "b", "c"):
        net.add_neuron(n)
    net.connect("a", "b")
    net.connect("b", "c")
    net.connect("c", "a")
    with pytest.raises(ns.CycleError, match="'loop' has the cycle") as info:
        net.run([], rule="layered")
    assert set(info.value.cycle) == {"a", "b", "c"}
    assert "->" in str(info.value)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (dict(rule="paralel"), ns.ParameterError,
         "unknown rule 'paralel'; allowed: layered, parallel, sequential \\(did you mean"),
        (dict(rule=3), ns.ParameterError, "unknown rule 3"),
        (dict(order="randomly"), ns.ParameterError, "unknown order 'randomly'; allowed"),
        (dict(steps=-1), ns.ParameterError,
         "steps must be an integer between 0 and 10+ or None, got -1"),
        (dict(steps=2.5), ns.ParameterError, "steps must be an integer"),
        (dict(steps=True), ns.ParameterError, "steps must be an integer"),
        (dict(max_steps=-5), ns.ParameterError, "max_steps must be an integer between 0 and 10+"),
        (dict(max_steps="9"), ns.ParameterError, "max_steps must be an integer"),
        (dict(tol=-1.0), ns.ParameterError, "tol must be a finite number >= 0"),
        (dict(tol=float("nan")), ns.ParameterError, "tol must be"),
        (dict(seed=-2), ns.ParameterError, "seed must be an integer >= 0"),
        (dict(record="yes"), ns.ParameterError,
         "record must be True, False, 'step', 'sweep' or None, got 'yes'"),
        (dict(dtype=np.int32), ns.ParameterError, "dtype must be float64 or float32"),
    ],
)
def test_bad_options(net, options, error, message):
    with pytest.raises(error, match=message):
        net.run([0, 1], **options)


def test_errors_are_also_builtin_errors(net):
    with pytest.raises(ValueError):
        net.run([1.0])


def test_history_needs_a_trace(net):
    run = net.run([0, 1])
    with pytest.raises(ns.ParameterError, match="record=True"):
        run.history("y")
    assert net.run([0, 1], record=True).history("y").tolist() == [0.0, 1.0]


def test_huge_finite_inputs_are_accepted_quietly(net, recwarn):
    run = net.run([[1e200, -1e200], [1e300, 1.0]])
    assert run.output.shape == (2, 1)
    assert not [w for w in recwarn if "overflow" in str(w.message)]
