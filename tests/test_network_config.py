"""Configuration order, change tracking, conversion to/from networkx, copy and equality."""

from __future__ import annotations

import copy

import networkx as nx
import numpy as np
import pytest

import netsim as ns


def small() -> ns.Network:
    """Neuron order c, a, b, d; a distance neuron (no bias) and a shortcut."""
    net = ns.Network(name="small", description="for configuration tests")
    net.add_input("c")
    net.add_input("a")
    net.add_neuron("b", activation="sigmoid", bias=0.5)
    net.add_output("d", potential="distance", activation="gaussian", bias=9.0)
    net.add_output("e", bias=-1.0)
    net.connect("a", "b", 1.0)
    net.connect("c", "b", 2.0)  # added after a -> b, but c comes first in neuron order
    net.connect("b", "d", 3.0)
    net.connect("a", "d", 4.0)
    net.connect("d", "e", 5.0)
    return net


# --- configuration ------------------------------------------------------------------


def test_configuration_order_is_documented_order():
    net = small()
    # neurons with inputs in neuron order; bias first (weighted_sum only), then weights
    # of incoming connections in the neuron order of their sources
    assert net.configuration() == ["b", ("c", "b"), ("a", "b"), ("a", "d"), ("b", "d"),
                                   "e", ("d", "e")]
    np.testing.assert_array_equal(net.get_weights(), [0.5, 2.0, 1.0, 4.0, 3.0, -1.0, 5.0])


def test_inputs_bias_is_not_in_configuration():
    net = small()
    net.set_neuron("a", bias=7.0)  # a has no incoming connection: its bias never matters
    assert "a" not in net.configuration()


def test_set_weights_writes_back_in_order():
    net = small()
    v = np.arange(7.0) + 10
    net.set_weights(v)
    assert net.neuron("b").bias == 10 and net.weight("c", "b") == 11
    assert net.weight("a", "b") == 12 and net.weight("a", "d") == 13
    assert net.weight("b", "d") == 14 and net.neuron("e").bias == 15
    assert net.weight("d", "e") == 16
    assert net.neuron("d").bias == 9.0  # distance potential: bias untouched
    np.testing.assert_array_equal(net.get_weights(), v)
    assert all(type(w) is float for _u, _v, w in net.connections)


def test_get_weights_returns_a_copy():
    net = small()
    w = net.get_weights()
    w[:] = 0
    assert net.weight("c", "b") == 2.0


@pytest.mark.parametrize(
    ("vector", "cls", "fragment"),
    [
        (np.zeros(6), ns.ParameterError, "7 values"),
        (np.zeros((1, 7)), ns.ParameterError, "shape (1, 7)"),
        ([0, 0, 0, np.nan, 0, 0, 0], ns.ParameterError, "value 3 (('a', 'd'))"),
        ([0, 0, 0, 0, 0, np.inf, 0], ns.ParameterError, "value 5 ('e')"),
        (["a"] * 7, ns.ParameterError, "vector of numbers"),
        (None, ns.ParameterError, "7 values"),
    ],
)
def test_set_weights_errors_leave_network_unchanged(vector, cls, fragment):
    net = small()
    before = net.get_weights()
    with pytest.raises(cls) as exc:
        net.set_weights(vector)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)
    np.testing.assert_array_equal(net.get_weights(), before)


def test_empty_configuration():
    net = ns.Network()
    net.add_neuron("a")
    assert net.configuration() == [] and net.get_weights().shape == (0,)
    net.set_weights([])


# --- change tracking: every edit invalidates the compiled program ---------------------


# changes of values through the network's methods patch the compiled program in place
VALUE_EDITS = {
    "set_weight": lambda net: net.set_weight("a", "b", 0.0),
    "set_weights": lambda net: net.set_weights(np.arange(7.0)),
}


@pytest.mark.parametrize("edit", list(VALUE_EDITS), ids=list(VALUE_EDITS))
def test_value_edits_patch_the_compiled_program(edit):
    net = small()
    prog = net.compile()
    version = net.version
    VALUE_EDITS[edit](net)
    assert net.version > version
    assert net.compile() is prog  # patched, not rebuilt
    fresh = net.copy().compile()  # compiled from the graph the values reached
    np.testing.assert_array_equal(prog.weights, fresh.weights)
    np.testing.assert_array_equal(prog.bias, fresh.bias)


EDITS = {
    "set_neuron": lambda net: net.set_neuron("b", bias=2.0),
    "connect": lambda net: net.connect("c", "e", 1.0),
    "disconnect": lambda net: net.disconnect("a", "d"),
    "add_neuron": lambda net: net.add_neuron("z"),
    "remove_neuron": lambda net: net.remove_neuron("e"),
    "set_inputs": lambda net: net.set_inputs(["a"]),
    "set_outputs": lambda net: net.set_outputs(["e", "d"]),
    "name": lambda net: setattr(net, "name", "renamed"),
    "graph.add_edge": lambda net: net.graph.add_edge("c", "e", weight=3.0),
    "graph.add_edge existing": lambda net: net.graph.add_edge("a", "b", weight=3.0),
    "graph.remove_edge": lambda net: net.graph.remove_edge("a", "b"),
    "graph.add_node attrs": lambda net: net.graph.add_node("b", bias=4.0),
    "graph.remove_node": lambda net: net.graph.remove_node("b"),
    "graph[u][v][weight]": lambda net: net.graph["a"]["b"].__setitem__("weight", 9.0),
    "graph.edges[...]": lambda net: net.graph.edges["a", "b"].update(weight=9.0),
    "graph.nodes[n][bias]": lambda net: net.graph.nodes["b"].__setitem__("bias", 3.0),
    "graph.nodes[n].update": lambda net: net.graph.nodes["b"].update(activation="tanh"),
    "graph.nodes[n] |=": lambda net: net.graph.nodes["b"].__ior__({"initial": 1.0}),
    "graph.nodes[n].pop": lambda net: net.graph.nodes["b"].pop("bias"),
    "del graph.nodes[n][k]": lambda net: net.graph.nodes["b"].__delitem__("bias"),
    "nested activation_params": lambda net: net.graph.nodes["b"]["activation_params"]
    .__setitem__("steepness", 4.0),
    "nested potential_params": lambda net: net.graph.nodes["d"]["potential_params"]
    .update(p=1.0),
    "nx.set_node_attributes": lambda net: nx.set_node_attributes(net.graph, {"b": 1.0}, "bias"),
    "nx.set_edge_attributes": lambda net: nx.set_edge_attributes(
        net.graph, {("a", "b"): 7.0}, "weight"
    ),
    "nx.relabel_nodes in place": lambda net: nx.relabel_nodes(net.graph, {"b": "bb"},
                                                              copy=False),
    "graph.clear_edges": lambda net: net.graph.clear_edges(),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_every_edit_invalidates_compiled_program(edit):
    net = small()
    prog = net.compile()
    assert net.compile() is prog  # cached while nothing changes
    version = net.version
    EDITS[edit](net)
    assert net.version > version
    assert net.compile() is not prog


def test_reads_do_not_invalidate():
    net = small()
    prog = net.compile()
    net.get_weights()
    net.layers()
    net.neuron("b")
    _ = net.graph.nodes["b"]["activation_params"].get("steepness")
    list(nx.topological_sort(net.graph))
    net.to_networkx()
    net.copy()
    repr(net)
    assert net.compile() is prog


def test_nested_param_edit_reaches_the_program():
    net = small()
    net.compile()
    net.graph.nodes["b"]["activation_params"]["steepness"] = 4.0
    prog = net.compile()
    assert prog.activation_params["sigmoid"]["steepness"][prog.index["b"]] == 4.0
    assert net.neuron("b").activation_params == {"steepness": 4.0}


def test_nested_param_dicts_are_not_shared_between_graphs():
    net = small()
    other = net.graph.copy()  # networkx's shallow copy
    version = net.version
    other.nodes["b"]["activation_params"]["steepness"] = 8.0
    assert net.version == version
    assert net.neuron("b").activation_params == {}


def test_cache_notices_a_replaced_graph():
    net = small()
    prog = net.compile()
    replacement = net.graph.copy()
    replacement["a"]["b"]["weight"] = 5.0
    replacement.version = net.graph.version
    net.graph = replacement
    assert net.compile() is not prog
    assert 5.0 in net.compile().weights


def test_cached_rebuilds_only_after_changes():
    net = small()
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    assert net.cached("k", build) == 1
    assert net.cached("k", build) == 1
    net.set_weight("a", "b", 0.5)
    assert net.cached("k", build) == 2
    assert net.cached("other", build) == 3


# --- networkx conversion, copy, equality ------------------------------------------


def test_to_networkx_is_a_plain_independent_digraph():
    net = small()
    G = net.to_networkx()
    assert type(G) is nx.DiGraph
    assert G.graph == {"name": "small", "description": "for configuration tests",
                       "inputs": ["c", "a"], "outputs": ["d", "e"]}
    assert list(G.nodes) == net.neurons
    assert G.nodes["d"]["potential"] == "distance" and G["a"]["b"]["weight"] == 1.0
    assert type(G.nodes["b"]["activation_params"]) is dict
    G.nodes["b"]["bias"] = 100.0
    G["a"]["b"]["weight"] = 100.0
    assert net.neuron("b").bias == 0.5 and net.weight("a", "b") == 1.0


def test_from_networkx_round_trip_equal():
    net = small()
    back = ns.Network.from_networkx(net.to_networkx())
    assert back == net
    assert back.neurons == net.neurons and back.inputs == net.inputs
    np.testing.assert_array_equal(back.get_weights(), net.get_weights())


def test_from_networkx_plain_graph_defaults_and_overrides():
    G = nx.DiGraph()
    G.add_edge("u", "v")  # no weight: 1
    G.add_node("v", activation={"name": "sigmoid", "steepness": np.float32(2)},
               bias=np.float64(-1), pos=(0, 0))
    G.add_node(3, layer=np.int64(4))
    net = ns.Network.from_networkx(G, inputs=["u"], outputs=["v"], name="g")
    assert net.name == "g" and net.inputs == ("u",) and net.outputs == ("v",)
    assert net.weight("u", "v") == 1.0
    v = net.neuron("v")
    assert (v.activation, v.activation_params, v.bias) == ("sigmoid", {"steepness": 2.0}, -1)
    assert net.neuron(3).layer == 4 and type(net.neuron(3).layer) is int
    assert net.neuron("u") == ns.Neuron(id="u")
    assert net.graph.nodes["v"].get("pos") is None  # foreign attributes are not copied


def test_from_networkx_roles_from_graph_attributes():
    G = nx.path_graph(["a", "b", "c"], create_using=nx.DiGraph)
    G.graph.update(inputs=["a"], outputs=["c", "a"], name="path")
    net = ns.Network.from_networkx(G)
    assert net.inputs == ("a",) and net.outputs == ("c", "a") and net.name == "path"


@pytest.mark.parametrize(
    ("graph", "kwargs", "cls", "fragment"),
    [
        (nx.Graph([("a", "b")]), {}, ns.ParameterError, "DiGraph"),
        (nx.MultiDiGraph([("a", "b")]), {}, ns.ParameterError, "DiGraph"),
        ("a->b", {}, ns.ParameterError, "DiGraph"),
        (nx.DiGraph([("a", "b")]), {"inputs": ["q"]}, ns.NeuronNotFoundError, "'q'"),
        (nx.DiGraph([(1.5, 2)]), {}, ns.ParameterError, "float 1.5"),
    ],
)
def test_from_networkx_errors(graph, kwargs, cls, fragment):
    with pytest.raises(cls) as exc:
        ns.Network.from_networkx(graph, **kwargs)
    assert fragment in str(exc.value)


def test_from_networkx_bad_node_attribute_names_the_neuron():
    G = nx.DiGraph()
    G.add_node("h", activation="sigmoid", activation_params={"steepness": 0})
    with pytest.raises(ns.ParameterError, match=r"neuron 'h'.*'steepness'"):
        ns.Network.from_networkx(G)
    G = nx.DiGraph()
    G.add_node("h", activation="relux")
    with pytest.raises(ns.UnknownFunctionError, match=r"neuron 'h'.*did you mean 'relu'"):
        ns.Network.from_networkx(G)


def test_copy_is_equal_and_independent():
    net = small()
    for dup in (net.copy(), copy.copy(net)):
        assert dup == net and dup is not net
        assert dup.compile() is not net.compile()
        dup.set_weight("a", "b", 42.0)
        dup.graph.nodes["b"]["activation_params"]["steepness"] = 3.0
        dup.set_inputs(["a"])
        assert net.weight("a", "b") == 1.0
        assert net.neuron("b").activation_params == {}
        assert net.inputs == ("c", "a")
        assert dup != net


def test_deepcopy_is_equal_and_independent():
    net = small()
    dup = copy.deepcopy(net)
    assert dup == net
    dup.graph.nodes["b"]["activation_params"]["steepness"] = 3.0
    assert net.neuron("b").activation_params == {}


@pytest.mark.parametrize(
    "change",
    [
        lambda n: setattr(n, "name", "other"),
        lambda n: setattr(n, "description", None),
        lambda n: n.set_weight("a", "b", 1.5),
        lambda n: n.set_neuron("b", steepness=1.0),  # explicit default still differs
        lambda n: n.set_neuron("e", label="E"),
        lambda n: n.set_outputs(["e", "d"]),
        lambda n: n.set_inputs(["a", "c"]),
        lambda n: n.disconnect("a", "b"),
    ],
)
def test_equality_sees_every_field(change):
    net = small()
    other = net.copy()
    change(other)
    assert other != net


def test_equality_ignores_connection_insertion_order_but_not_neuron_order():
    a = ns.Network()
    b = ns.Network()
    for n in ("x", "y", "z"):
        a.add_neuron(n)
        b.add_neuron(n)
    a.connect("x", "z")
    a.connect("y", "z")
    b.connect("y", "z")
    b.connect("x", "z")
    assert a == b
    c = ns.Network()
    for n in ("y", "x", "z"):
        c.add_neuron(n)
    c.connect("x", "z")
    c.connect("y", "z")
    assert c != a  # the neuron order is the state order
    assert a != "network" and (a == 3) is False


def test_network_is_unhashable():
    with pytest.raises(TypeError):
        hash(ns.Network())
