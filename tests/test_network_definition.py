"""Unit tests of the definition layer: neurons, connections, roles, repr, len.

Every bad input must raise the documented NetsimError subclass, which is also the
matching built-in, with a one-line message naming the neuron / field / value.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import netsim as ns
from netsim.network import Neuron, check_neuron_id
from netsim.zoo import xor


def assert_one_line(exc: pytest.ExceptionInfo, *fragments: str) -> None:
    message = str(exc.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


# --- errors: every class is a NetsimError and its built-in -------------------------


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (ns.ParameterError, ValueError),
        (ns.NetworkError, ValueError),
        (ns.NeuronNotFoundError, KeyError),
        (ns.UnknownFunctionError, ValueError),
        (ns.CycleError, ValueError),
        (ns.NotDifferentiableError, ValueError),
        (ns.FormatError, ValueError),
        (ns.DataError, ValueError),
        (ns.SizeLimitError, ValueError),
        (ns.RenderError, RuntimeError),
    ],
)
def test_error_classes_derive_from_root_and_builtin(cls, builtin):
    assert issubclass(cls, ns.NetsimError)
    assert issubclass(cls, builtin)


def test_neuron_not_found_message_is_not_quoted_like_keyerror():
    net = xor()
    with pytest.raises(ns.NeuronNotFoundError) as exc:
        net.neuron("hh1")
    assert str(exc.value).startswith("network 'xor' has no neuron 'hh1'")
    assert "did you mean 'h1'" in str(exc.value)


# --- add_neuron ---------------------------------------------------------------------


def test_add_neuron_defaults():
    net = ns.Network()
    net.add_neuron("a")
    n = net.neuron("a")
    assert n == Neuron(id="a")
    assert (n.activation, n.potential, n.bias, n.initial) == ("identity", "weighted_sum", 0, 0)
    assert (n.layer, n.label, n.group) == (None, None, None)
    assert n.activation_params == {} and n.potential_params == {}


def test_add_neuron_all_attributes_stored_as_node_attributes():
    net = ns.Network()
    net.add_neuron(
        "a",
        activation={"name": "sigmoid", "steepness": 2},
        potential={"name": "distance", "p": 1},
        bias=-0.5,
        initial=1,
        layer=3,
        label="A",
        group="g",
    )
    data = net.graph.nodes["a"]
    assert data["activation"] == "sigmoid"
    assert data["activation_params"] == {"steepness": 2.0}
    assert isinstance(data["activation_params"]["steepness"], float)
    assert data["potential"] == "distance" and data["potential_params"] == {"p": 1.0}
    assert data["bias"] == -0.5 and data["initial"] == 1.0
    assert data["layer"] == 3 and data["label"] == "A" and data["group"] == "g"


def test_add_neuron_keyword_params_and_registry_entry():
    net = ns.Network()
    net.add_neuron("a", activation="sigmoid", steepness=3)
    net.add_neuron("b", activation=ns.get_activation("tanh"))
    net.add_neuron("c", activation={"name": "scaled_tanh", "a": 2.0}, b=0.5)
    assert net.neuron("a").activation_params == {"steepness": 3.0}
    assert net.neuron("b").activation == "tanh"
    assert net.neuron("c").activation_params == {"a": 2.0, "b": 0.5}


def test_integer_ids_and_numpy_integers_are_plain_ints():
    net = ns.Network()
    net.add_neuron(np.int64(0))
    net.add_neuron(1)
    net.add_neuron("1")  # a different neuron from 1
    net.connect(np.int32(0), np.int64(1), 0.5)
    net.set_inputs([np.int64(0)])
    assert len(net) == 3
    assert all(type(n) in (int, str) for n in net.neurons)
    assert type(net.inputs[0]) is int
    assert all(type(u) is int and type(v) is int for u, v, _ in net.connections)
    assert net.weight(0, 1) == 0.5


@pytest.mark.parametrize("bad", [1.0, True, None, "", (1, 2), [1]])
def test_bad_neuron_ids(bad):
    net = ns.Network()
    with pytest.raises(ns.ParameterError) as exc:
        net.add_neuron(bad)
    assert_one_line(exc, "neuron id")
    assert isinstance(exc.value, ValueError)


def test_float_id_equal_to_an_int_id_is_refused_on_lookup():
    net = ns.Network()
    net.add_neuron(1)
    net.add_neuron(2)
    with pytest.raises(ns.ParameterError, match=r"got float 1\.0"):
        net.connect(1.0, 2)
    with pytest.raises(ns.ParameterError, match="got bool True"):
        net.neuron(True)
    assert net.graph.number_of_edges() == 0


def test_check_neuron_id():
    assert check_neuron_id("a") == "a"
    assert type(check_neuron_id(np.int16(4))) is int
    with pytest.raises(ns.ParameterError, match="group must be a string or an integer"):
        check_neuron_id(2.5, "group")


def test_duplicate_neuron():
    net = xor()
    with pytest.raises(ns.NetworkError) as exc:
        net.add_neuron("h1")
    assert_one_line(exc, "'h1'", "already exists")
    with pytest.raises(ns.NetworkError):
        net.add_input("x1")
    assert net.inputs == ("x1", "x2")  # a failed add_input leaves the roles alone


@pytest.mark.parametrize(
    ("kwargs", "fragments", "cls"),
    [
        ({"activation": "sigmod"}, ["neuron 'a'", "'sigmod'", "did you mean 'sigmoid'"],
         ns.UnknownFunctionError),
        ({"potential": "dist"}, ["neuron 'a'", "unknown potential 'dist'"],
         ns.UnknownFunctionError),
        ({"activation": "sigmoid", "steepness": -1},
         ["neuron 'a'", "'steepness'", "> 0", "-1"], ns.ParameterError),
        ({"activation": "sigmoid", "stepness": 2},
         ["neuron 'a'", "no parameter 'stepness'", "did you mean 'steepness'"],
         ns.ParameterError),
        ({"potential": {"name": "distance", "p": 0.5}}, ["neuron 'a'", "'p'", ">= 1", "0.5"],
         ns.ParameterError),
        ({"activation": {"steepness": 2}}, ["neuron 'a'", "'name'"], ns.ParameterError),
        ({"bias": float("nan")}, ["neuron 'a'", "bias", "finite"], ns.ParameterError),
        ({"bias": "1"}, ["neuron 'a'", "bias"], ns.ParameterError),
        ({"initial": float("inf")}, ["neuron 'a'", "initial"], ns.ParameterError),
        ({"layer": -1}, ["neuron 'a'", "layer", "-1"], ns.ParameterError),
        ({"layer": 1.5}, ["neuron 'a'", "layer"], ns.ParameterError),
        ({"layer": True}, ["neuron 'a'", "layer"], ns.ParameterError),
        ({"label": 3}, ["neuron 'a'", "label"], ns.ParameterError),
        ({"group": 1.5}, ["neuron 'a'", "group"], ns.ParameterError),
    ],
)
def test_add_neuron_bad_attributes(kwargs, fragments, cls):
    net = ns.Network()
    with pytest.raises(cls) as exc:
        net.add_neuron("a", **kwargs)
    assert_one_line(exc, *fragments)
    assert "a" not in net  # nothing half-added


def test_sign_parameter_error_lists_allowed_values():
    net = ns.Network()
    with pytest.raises(ns.ParameterError) as exc:
        net.add_neuron("a", activation="sign", zero=0.5)
    assert_one_line(exc, "'zero'", "one of -1, 0, 1", "0.5")


# --- set_neuron ---------------------------------------------------------------------


def test_set_neuron_changes_only_what_is_given():
    net = xor()
    net.set_neuron("h1", bias=5, label="first")
    n = net.neuron("h1")
    assert (n.activation, n.bias, n.label) == ("step", 5.0, "first")


def test_set_neuron_params_merge_without_activation_and_replace_with_it():
    net = ns.Network()
    net.add_neuron("a", activation="scaled_tanh", a=2.0)
    net.set_neuron("a", b=0.5)  # merged into the existing parameters
    assert net.neuron("a").activation_params == {"a": 2.0, "b": 0.5}
    net.set_neuron("a", activation="scaled_tanh", b=0.25)  # replaced
    assert net.neuron("a").activation_params == {"b": 0.25}
    net.set_neuron("a", activation="relu")
    assert net.neuron("a").activation == "relu"
    assert net.neuron("a").activation_params == {}


def test_set_neuron_potential_and_clearing_optional_fields():
    net = ns.Network()
    net.add_neuron("a", layer=2, group="g", label="x")
    net.set_neuron("a", potential={"name": "distance", "p": 3}, layer=None, group=None,
                   label=None)
    n = net.neuron("a")
    assert (n.potential, n.potential_params) == ("distance", {"p": 3.0})
    assert (n.layer, n.group, n.label) == (None, None, None)
    net.set_neuron("a", bias=1.0)  # potential params are kept
    assert net.neuron("a").potential_params == {"p": 3.0}


def test_set_neuron_keeps_foreign_node_attributes():
    net = ns.Network()
    net.add_neuron("a")
    net.graph.nodes["a"]["pos"] = (1, 2)
    net.set_neuron("a", bias=2)
    assert net.graph.nodes["a"]["pos"] == (1, 2)


def test_set_neuron_bad_input_changes_nothing():
    net = xor()
    before = net.copy()
    with pytest.raises(ns.NeuronNotFoundError):
        net.set_neuron("zz", bias=1)
    with pytest.raises(ns.ParameterError) as exc:
        net.set_neuron("h1", steepness=2)  # step's only parameter is zero
    assert_one_line(exc, "neuron 'h1'", "'steepness'", "accepted: 'zero'")
    with pytest.raises(ns.ParameterError):
        net.set_neuron("h1", bias=float("nan"))
    with pytest.raises(ns.UnknownFunctionError):
        net.set_neuron("h1", activation="nope")
    assert net == before


# --- remove_neuron, connections -----------------------------------------------------


def test_remove_neuron_drops_connections_and_roles():
    net = xor()
    net.set_outputs(["y", "x1"])
    net.remove_neuron("x1")
    assert "x1" not in net
    assert net.inputs == ("x2",) and net.outputs == ("y",)
    assert not any("x1" in (u, v) for u, v, _ in net.connections)
    with pytest.raises(ns.NeuronNotFoundError):
        net.remove_neuron("x1")


def test_connect_disconnect_weight():
    net = xor()
    assert net.weight("x1", "h2") == -2.0
    assert net.has_connection("x1", "h2") and not net.has_connection("h2", "x1")
    net.set_weight("x1", "h2", 0.25)
    assert net.weight("x1", "h2") == 0.25
    net.disconnect("x1", "h2")
    assert not net.has_connection("x1", "h2")
    net.connect("x1", "h2")  # default weight 1
    assert net.weight("x1", "h2") == 1.0
    net.connect("y", "y", 0.5)  # a self-loop is a legal (recurrent) connection
    assert net.is_recurrent


def test_connection_errors():
    net = xor()
    with pytest.raises(ns.NetworkError) as exc:
        net.connect("x1", "h1", 1.0)
    assert_one_line(exc, "'x1' -> 'h1'", "already exists")
    with pytest.raises(ns.NeuronNotFoundError) as exc:
        net.connect("x1", "h9")
    assert_one_line(exc, "'h9'")
    with pytest.raises(ns.ParameterError) as exc:
        net.connect("h1", "h2", float("inf"))
    assert_one_line(exc, "weight of 'h1' -> 'h2'", "finite")
    with pytest.raises(ns.NetworkError) as exc:
        net.disconnect("y", "h1")
    assert_one_line(exc, "no connection 'y' -> 'h1'")
    with pytest.raises(ns.NetworkError):
        net.weight("y", "h1")
    with pytest.raises(ns.NetworkError):
        net.set_weight("y", "h1", 1.0)
    with pytest.raises(ns.ParameterError):
        net.set_weight("x1", "h1", "heavy")
    assert net.weight("x1", "h1") == 2.0


def test_connect_many_is_all_or_nothing():
    net = xor()
    before = net.copy()
    with pytest.raises(ns.NetworkError, match="'x1' -> 'y' already exists"):
        net.connect_many([("x1", "y", 1.0), ("x1", "y", 2.0)])
    with pytest.raises(ns.NeuronNotFoundError):
        net.connect_many([("x1", "y", 1.0), ("x1", "nope", 2.0)])
    with pytest.raises(ns.ParameterError, match="triples"):
        net.connect_many([("x1", "y")])
    with pytest.raises(ns.ParameterError, match="'x2' -> 'y'"):
        net.connect_many([("x1", "y", 1.0), ("x2", "y", float("nan"))])
    assert net == before
    net.connect_many([("x1", "y", 1.5), ("x2", "y", np.float32(0.5))])
    assert net.weight("x1", "y") == 1.5 and net.weight("x2", "y") == 0.5


def test_connections_list():
    net = xor()
    conns = net.connections
    assert len(conns) == 6
    assert ("h1", "y", 1.0) in conns and ("x2", "h2", -2.0) in conns


# --- roles --------------------------------------------------------------------------


def test_roles_ordered_and_overlapping():
    net = xor()
    assert net.neurons == ["x1", "x2", "h1", "h2", "y"]
    assert net.inputs == ("x1", "x2") and net.outputs == ("y",)
    assert net.hidden == ("h1", "h2")
    net.set_inputs(["x2", "x1"])
    net.set_outputs(["y", "x2"])  # a neuron may be input and output
    assert net.inputs == ("x2", "x1") and net.outputs == ("y", "x2")
    assert [net.role(n) for n in ("x1", "x2", "h1", "y")] == ["input", "both", "hidden", "output"]
    assert net.hidden == ("h1", "h2")
    net.set_inputs([])
    assert net.inputs == () and net.role("x1") == "hidden"


def test_role_errors():
    net = xor()
    with pytest.raises(ns.NetworkError) as exc:
        net.set_inputs(["x1", "x1"])
    assert_one_line(exc, "inputs", "'x1'", "more than once")
    with pytest.raises(ns.NeuronNotFoundError):
        net.set_outputs(["y", "z"])
    with pytest.raises(ns.ParameterError):
        net.set_inputs("x1")  # a bare id, not a sequence
    with pytest.raises(ns.NeuronNotFoundError):
        net.role("q")
    assert net.inputs == ("x1", "x2") and net.outputs == ("y",)


# --- repr, len, iteration, name ---------------------------------------------------


def test_repr_len_iter_contains():
    net = xor()
    assert repr(net) == (
        "<Network 'xor': 5 neurons (2 inputs, 1 output), 6 connections, feed-forward>"
    )
    assert len(net) == 5 and list(net) == net.neurons
    assert "h1" in net and "h9" not in net and [1] not in net
    net.connect("y", "h1", 1.0)
    assert repr(net).endswith("7 connections, recurrent>")
    empty = ns.Network()
    assert repr(empty) == "<Network: 0 neurons (0 inputs, 0 outputs), 0 connections, feed-forward>"
    assert len(empty) == 0


def test_network_name_and_description_validated():
    with pytest.raises(ns.ParameterError):
        ns.Network(name=3)
    with pytest.raises(ns.ParameterError):
        ns.Network(description=["x"])
    net = ns.Network("a", description="d")
    with pytest.raises(ns.ParameterError, match="name must be a string"):
        net.name = 3
    with pytest.raises(ns.ParameterError, match="description must be a string"):
        net.description = 3
    assert (net.name, net.description) == ("a", "d")
    net.name, net.description = None, None
    assert repr(net).startswith("<Network: 0 neurons")


def test_graph_is_a_live_networkx_digraph():
    net = xor()
    assert isinstance(net.graph, nx.DiGraph)
    assert nx.shortest_path(net.graph, "x1", "y") == ["x1", "h1", "y"]
    net.graph.add_edge("x1", "y", weight=0.5)  # edits through networkx are the network
    assert net.weight("x1", "y") == 0.5
