"""``ns.zoo``: the shared textbook networks compute what the textbook says."""

from __future__ import annotations

import numpy as np
import pytest
from _cli import run_cli

import netsim as ns
from netsim import zoo

PAIRS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def test_xor_truth_table_and_hidden_gates():
    net = zoo.xor()
    assert net.inputs == ("x1", "x2") and net.outputs == ("y",)
    run = net.run(PAIRS)
    assert run.output[:, 0].tolist() == [0, 1, 1, 0]
    assert run.state[:, net.neurons.index("h1")].tolist() == [0, 1, 1, 1]  # OR
    assert run.state[:, net.neurons.index("h2")].tolist() == [1, 1, 1, 0]  # NAND
    assert net.layers() == [["x1", "x2"], ["h1", "h2"], ["y"]]


@pytest.mark.parametrize(("kind", "table"), [
    ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0]), ("nor", [1, 0, 0, 0]),
])
def test_two_input_gates(kind, table):
    net = zoo.gate(kind)
    assert net.name == kind and net.inputs == ("x1", "x2")
    assert net.predict(PAIRS)[:, 0].tolist() == table


def test_not_gate_and_unknown_gate():
    assert zoo.gate("not").predict([[0], [1]])[:, 0].tolist() == [1, 0]
    with pytest.raises(ns.ParameterError, match=r"gate must be one of 'and', .* got 'xor'"):
        zoo.gate("xor")


def test_xor_is_and_of_or_and_nand():
    x = PAIRS
    both = zoo.gate("and").predict(np.column_stack([zoo.gate("or").predict(x),
                                                    zoo.gate("nand").predict(x)]))
    assert both.tolist() == zoo.xor().predict(x).tolist()


def test_mutual_inhibition_cycle_and_fixed_point():
    net = zoo.mutual_inhibition()
    parallel = net.run([], rule="parallel", record=True)
    assert parallel.trace.tolist() == [[1, 1], [-1, -1], [1, 1]] and parallel.period == 2
    sequential = net.run([], rule="sequential")
    assert sequential.converged and sequential.state.tolist() == [-1, 1]


def test_pair_weights_and_options():
    net = zoo.pair(0.5, -2.0, activation="step", bias=0.25, name=None)
    assert net.name is None and net.neurons == ["a", "b"]
    assert net.connections == [("a", "b", 0.5), ("b", "a", -2.0)]
    assert {net.neuron(j).activation for j in "ab"} == {"step"}
    assert {net.neuron(j).bias for j in "ab"} == {0.25}
    assert (net.inputs, net.outputs) == ((), ())


@pytest.mark.parametrize(("s", "r", "stored"), [(1, 0, ["10"]), (0, 1, ["01"]),
                                                (1, 1, ["00"]), (0, 0, ["01", "10"])])
def test_sr_latch_sets_resets_and_holds(s, r, stored):
    result = ns.attractors(zoo.sr_latch(), "sequential", clamp={"s": s, "r": r})
    assert sorted(a.labels[0] for a in result.attractors) == stored
    assert all(a.is_fixed_point for a in result.attractors)


def test_elman_is_recurrent_with_context_units():
    net = zoo.elman()
    assert net.is_recurrent
    assert net.weight("h1", "c1") == net.weight("h2", "c2") == 1.0
    assert net.has_connection("h2", "h2")
    assert net.run([0.5], rule="parallel", max_steps=5).state.shape == (6,)


def test_jordan_state_unit_remembers_the_output():
    """s(t+1) = y(t) + 0.5·s(t) under the parallel rule (s is an identity neuron)."""
    net = zoo.jordan()
    assert net.is_recurrent
    run = net.run([1.0], rule="parallel", steps=4, record=True)
    order = list(net.neurons)
    y, s = run.trace[:, order.index("y")], run.trace[:, order.index("s")]
    np.testing.assert_allclose(s[1:], y[:-1] + 0.5 * s[:-1], rtol=0, atol=1e-15)


@pytest.mark.parametrize("build", [zoo.xor, zoo.mutual_inhibition, zoo.elman, zoo.jordan,
                                   zoo.sr_latch, lambda: zoo.gate("and"),
                                   lambda: zoo.pair(1.0, 1.0)])
def test_every_call_builds_a_fresh_network(build):
    first, second = build(), build()
    assert first is not second and ns.to_dict(first) == ns.to_dict(second)
    first.set_weight(*first.connections[0][:2], 9.0)
    assert ns.to_dict(first) != ns.to_dict(second)


@pytest.mark.parametrize("name", zoo.NAMED)
def test_build_by_name_and_cli_writes_it(name, tmp_path, capsys):
    path = tmp_path / "net.json"
    code, out, err = run_cli(capsys, "new", "zoo", name, "-o", path)
    assert (code, err) == (0, "")
    assert out.startswith(f"wrote {path}")
    assert ns.load(path) == zoo.build(name)


def test_unknown_zoo_name_is_one_line_with_a_suggestion(tmp_path, capsys):
    with pytest.raises(ns.ParameterError, match="did you mean 'xor'"):
        zoo.build("xr")
    code, out, err = run_cli(capsys, "new", "zoo", "xr", "-o", tmp_path / "x.json")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "did you mean 'xor'" in err and not (tmp_path / "x.json").exists()
