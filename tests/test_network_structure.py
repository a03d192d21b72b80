"""Structure of a network: recurrence, cycles, layers (computed and user-given)."""

from __future__ import annotations

import itertools

import pytest

import netsim as ns


def chain(*ids, **kwargs) -> ns.Network:
    net = ns.Network(**kwargs)
    for n in ids:
        net.add_neuron(n)
    for a, b in itertools.pairwise(ids):
        net.connect(a, b, 1.0)
    return net


def test_layers_longest_path_with_shortcut():
    # x -> h -> y and a shortcut x -> y: y is at depth 2, not 1
    net = chain("x", "h", "y")
    net.connect("x", "y", 1.0)
    assert net.layers() == [["x"], ["h"], ["y"]]
    assert net.layer_numbers() == {"x": 0, "h": 1, "y": 2}
    assert not net.is_recurrent and net.find_cycle() is None


def test_layers_each_in_neuron_order_and_isolated_neurons_in_layer_0():
    net = ns.Network()
    for n in ("b2", "a", "b1", "lonely", "c"):
        net.add_neuron(n)
    net.connect("a", "b1")
    net.connect("a", "b2")
    net.connect("b1", "c")
    assert net.layers() == [["a", "lonely"], ["b2", "b1"], ["c"]]


def test_layers_of_empty_network():
    assert ns.Network().layers() == []


def test_user_layers_consistent_are_kept():
    net = chain("x", "h", "y")
    net.set_neuron("h", layer=2)
    net.set_neuron("y", layer=5)
    assert net.layer_numbers() == {"x": 0, "h": 2, "y": 5}
    layers = net.layers()
    assert layers == [["x"], [], ["h"], [], [], ["y"]]


def test_user_layers_partial_propagate_to_successors():
    # only h is numbered; y has no number and sits one after its deepest predecessor
    net = chain("x", "h", "y")
    net.set_neuron("h", layer=3)
    assert net.layer_numbers() == {"x": 0, "h": 3, "y": 4}


def test_user_layer_on_source_neuron():
    net = chain("x", "y")
    net.set_neuron("x", layer=1)
    assert net.layer_numbers() == {"x": 1, "y": 2}


@pytest.mark.parametrize("given", [0, 1])
def test_user_layers_inconsistent_raise_naming_both_neurons(given):
    net = chain("x", "h", "y")
    net.set_neuron("y", layer=given)  # h is in layer 1: y must be >= 2
    with pytest.raises(ns.NetworkError) as exc:
        net.layers()
    msg = str(exc.value)
    assert f"neuron 'y' has layer {given}" in msg and "predecessor 'h'" in msg
    assert "layer 1" in msg and "\n" not in msg
    assert not isinstance(exc.value, ns.CycleError)


def test_user_layer_inconsistent_with_another_user_layer():
    net = chain("x", "h", "y")
    net.set_neuron("h", layer=4)
    net.set_neuron("y", layer=3)
    with pytest.raises(ns.NetworkError, match="neuron 'y' has layer 3 but its predecessor 'h'"):
        net.layer_numbers()


def test_cycle_error_names_the_cycle():
    net = chain("x", "a", "b", "c", "y", name="loop")
    net.connect("c", "a", -1.0)
    assert net.is_recurrent
    cycle = net.find_cycle()
    assert sorted(cycle) == ["a", "b", "c"]
    # consecutive entries are connected, and the last closes the loop
    for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True):
        assert net.has_connection(u, v)
    with pytest.raises(ns.CycleError) as exc:
        net.layers()
    err = exc.value
    assert isinstance(err, ns.NetworkError) and isinstance(err, ValueError)
    assert err.cycle == cycle
    msg = str(err)
    assert "layers()" in msg and "'loop'" in msg and "\n" not in msg
    path = " -> ".join(repr(n) for n in [*cycle, cycle[0]])
    assert path in msg


def test_self_loop_is_a_cycle_of_one():
    net = chain("x", "y")
    net.connect("y", "y", 0.5)
    assert net.is_recurrent
    assert net.find_cycle() == ["y"]
    with pytest.raises(ns.CycleError, match="'y' -> 'y'"):
        net.require_acyclic("the layered rule")


def test_require_acyclic_passes_on_dag():
    chain("a", "b").require_acyclic("anything")
