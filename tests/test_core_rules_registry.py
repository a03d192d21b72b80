"""Rules live in a registry with declared capabilities; the run loop reads only those."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim.core import derived
from netsim.core.backend import get_backend
from netsim.simulate.rules import RULE_REGISTRY, Parallel, RuleInfo, register_rule


def _oscillator():
    net = ns.Network()
    net.add_neuron("a", activation="sign", initial=1.0)
    net.add_neuron("b", activation="sign", initial=1.0)
    net.connect("a", "b", -1.0)
    net.connect("b", "a", -1.0)
    return net


def test_builtin_rules_declare_their_capabilities():
    assert ns.RULES == ("layered", "parallel", "sequential")
    layered, parallel, seq = (RULE_REGISTRY.get(n) for n in ns.RULES)
    assert layered.needs_acyclic and layered.unit == "pass" and not layered.compares_states
    assert not parallel.needs_acyclic and parallel.unit == "step" and not parallel.takes_order
    assert seq.unit == "sweep" and seq.takes_order and seq.compares_states


def test_a_new_rule_is_one_class_and_one_registration():
    class Synchronous(Parallel):
        name = "test-synchronous"

    register_rule(RuleInfo("test-synchronous", lambda _order: Synchronous()))
    try:
        net = _oscillator()
        got = net.run([], rule="test-synchronous")
        ref = net.run([], rule="parallel")
        assert got.rule == "test-synchronous"
        assert (got.converged, got.period, got.steps) == (ref.converged, ref.period, ref.steps)
        np.testing.assert_array_equal(got.state, ref.state)
    finally:
        RULE_REGISTRY.remove("test-synchronous")
    with pytest.raises(ns.ParameterError, match="unknown rule 'test-synchronous'"):
        _oscillator().run([], rule="test-synchronous")


def test_needs_acyclic_is_checked_from_the_declaration():
    class Acyclic(Parallel):
        name = "test-acyclic"

    register_rule(RuleInfo("test-acyclic", lambda _order: Acyclic(), needs_acyclic=True))
    try:
        with pytest.raises(ns.CycleError, match="cycle"):
            _oscillator().run([], rule="test-acyclic")
        assert ns.mlp("2-2-1", seed=0).run([0, 1], rule="test-acyclic").converged
    finally:
        RULE_REGISTRY.remove("test-acyclic")


def test_bad_unit_is_refused():
    with pytest.raises(ns.ParameterError, match="unit must be"):
        register_rule(RuleInfo("test-bad", lambda _order: Parallel(), unit="epoch"))
    assert "test-bad" not in RULE_REGISTRY


def test_derived_objects_live_beside_the_program_not_in_it():
    net = ns.mlp("2-3-1", seed=0)
    prog = net.compile()
    net.run([0.5, 0.5], rule="parallel")
    assert not hasattr(prog, "_derived") and not hasattr(prog, "_stages")
    assert derived(prog, ("plan", "parallel"), lambda: None) is not None
    new = prog.with_values(prog.weights * 2, prog.bias)
    assert derived(new, ("plan", "parallel"), lambda: "fresh") == "fresh"  # nothing shared


def test_the_array_backend_seam_is_numpy_and_scipy_today():
    backend = get_backend()
    m = backend.csr(np.array([2.0]), np.array([1]), np.array([0, 1]), (1, 2))
    assert backend.issparse(m) and backend.name == "numpy"
    np.testing.assert_array_equal(backend.to_numpy(m @ np.array([1.0, 3.0])), [6.0])
