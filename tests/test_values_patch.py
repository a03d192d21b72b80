"""Value changes patch the compiled program in place; the graph stays true.

Every case compares against a fresh copy of the network compiled from its graph:
whatever was patched must give exactly what compiling from scratch gives.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim import core


def _sparse_dag(seed: int = 0, n: int = 30, density: float = 0.15) -> ns.Network:
    """A random acyclic network whose layers are sparse blocks (and a distance unit)."""
    rng = np.random.default_rng(seed)
    net = ns.Network(name="sparse")
    for j in range(n):
        net.add_neuron(j, activation="tanh", bias=float(rng.normal()))
    net.add_neuron("rbf", activation="gaussian", potential="distance")
    edges = [(i, j, float(rng.normal())) for j in range(n) for i in range(j)
             if rng.random() < density]
    edges += [(0, "rbf", 0.5), (1, "rbf", -0.5)]
    net.connect_many(edges)
    net.set_inputs([0, 1, 2])
    net.set_outputs([n - 1, n - 2, "rbf"])
    return net


def _hopfield(seed: int = 0, n: int = 12) -> ns.Network:
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n, n))
    w = (w + w.T) / 2
    np.fill_diagonal(w, 0)
    net = ns.from_matrix(w, activation="tanh")
    return net


NETWORKS = {
    "mlp": lambda: ns.mlp("4-6-3", activation="sigmoid", output_activation="softmax",
                          seed=0),
    "sparse dag": _sparse_dag,
    "recurrent": _hopfield,
}


def _inputs(net: ns.Network, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(5, len(net.inputs)))


def _same_as_fresh(net: ns.Network, **options) -> None:
    x = _inputs(net) if net.inputs else None
    fresh = net.copy()
    got = net.run(x, steps=3, **options).state if net.is_recurrent else net.predict(x)
    want = (fresh.run(x, steps=3, **options).state if net.is_recurrent
            else fresh.predict(x))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(NETWORKS))
def test_set_weight_patches_and_runs_as_compiled_from_scratch(name):
    net = NETWORKS[name]()
    _same_as_fresh(net)  # builds the program and its execution plan
    prog = net.compile()
    for k, (u, v, w) in enumerate(net.connections[::3]):
        net.set_weight(u, v, w * 1.5 - k)
    assert net.compile() is prog
    _same_as_fresh(net)


@pytest.mark.parametrize("name", list(NETWORKS))
def test_set_weights_patches_float64_and_float32_programs(name):
    net = NETWORKS[name]()
    x = _inputs(net) if net.inputs else None
    net.run(x, steps=2)
    net.compile(dtype=np.float32)
    p64, p32 = net.compile(), net.compile(dtype=np.float32)
    vec = np.random.default_rng(3).normal(size=len(net.get_weights()))
    net.set_weights(vec)
    assert net.compile() is p64 and net.compile(dtype=np.float32) is p32
    np.testing.assert_array_equal(net.get_weights(), vec)
    np.testing.assert_array_equal(p32.weights, p64.weights.astype(np.float32))
    _same_as_fresh(net)


def test_a_stage_without_bias_column_is_rebuilt_when_a_bias_appears():
    net = ns.mlp("3-4-2", activation="tanh", seed=0)
    net.set_weights(np.where(np.isin(np.arange(len(net.get_weights())),
                                     [0, 4, 8, 12]), 0.0, net.get_weights()))
    x = _inputs(net)
    net.predict(x)  # plans built while the biases are zero
    vec = net.get_weights()
    vec[:] = np.linspace(-1, 1, len(vec))
    net.set_weights(vec)
    _same_as_fresh(net)


def test_threshold_networks_are_decided_exactly_after_a_patch():
    net = ns.Network()
    net.add_input("a")
    net.add_input("b")
    net.add_output("y", activation="step", bias=-0.3)
    net.connect("a", "y", 0.1)
    net.connect("b", "y", 0.2)
    x = np.array([[1.0, 1.0], [1.0, 0.0]])
    assert net.predict(x).ravel().tolist() == [1.0, 0.0]  # 0.1 + 0.2 - 0.3 ties at 0
    net.set_weight("a", "y", 0.4)
    assert net.predict(x).ravel().tolist() == [1.0, 1.0]


def test_gradient_after_value_changes_equals_a_fresh_network():
    net = ns.mlp("3-5-2", activation="sigmoid", output_activation="softmax", seed=0)
    x = _inputs(net)
    d = np.eye(2)[[0, 1, 1, 0, 1]]
    ns.gradient(net, x, d, loss="cross_entropy")  # the backprop plan is built
    net.set_weights(net.get_weights() * -0.5)
    net.set_weight("x1", "h1_2", 3.0)
    got = ns.gradient(net, x, d, loss="cross_entropy")
    want = ns.gradient(net.copy(), x, d, loss="cross_entropy")
    np.testing.assert_allclose(got.vector, want.vector, rtol=1e-12)
    assert got.keys() == want.keys() == net.configuration()


def test_a_graph_kept_from_before_sees_values_written_in_bulk():
    net = ns.mlp("2-3-1", seed=0)
    graph = net.graph  # a reference kept across the bulk write
    vec = np.arange(len(net.get_weights()), dtype=float)
    net.set_weights(vec)
    assert graph.has_deferred_weights
    keys = net.configuration()
    for k, key in enumerate(keys):
        if isinstance(key, tuple):
            assert graph[key[0]][key[1]]["weight"] == vec[k]
        else:
            assert graph.nodes[key]["bias"] == vec[k]
    assert not graph.has_deferred_weights
    net.set_weights(vec + 1)
    edges = {(u, v): d["weight"] for u, v, d in graph.edges(data=True)}
    assert edges[keys[1]] == vec[1] + 1
    net.set_weights(vec + 2)
    lengths = nx.single_source_dijkstra_path_length(graph, "x1", weight="weight")
    assert lengths["y1"] == min(graph["x1"][h]["weight"] + graph[h]["y1"]["weight"]
                                for h in ("h1_1", "h1_2", "h1_3"))
    net.set_weights(vec + 3)
    assert net.to_networkx()["x1"]["h1_1"]["weight"] == net.weight("x1", "h1_1")


def test_a_write_through_the_graph_after_a_bulk_write_is_seen_and_wins():
    net = ns.mlp("2-2-1", activation="identity", seed=0)
    x = np.array([[1.0, 2.0]])
    net.set_weights(np.ones(len(net.get_weights())))
    net.graph["x1"]["h1_1"]["weight"] = 5.0  # recompiles; the deferred values land first
    assert net.weight("x1", "h1_1") == 5.0 and net.weight("x2", "h1_1") == 1.0
    np.testing.assert_allclose(net.predict(x), net.copy().predict(x))
    net.set_weights(np.zeros(len(net.get_weights())))
    net.connect("x1", "y1", 2.0)  # a structural change after a bulk write
    assert net.weight("x2", "h1_2") == 0.0 and net.weight("x1", "y1") == 2.0


def test_training_leaves_the_program_patched_and_the_graph_lazily_written():
    net = ns.mlp("2-3-1", activation="sigmoid", seed=0)
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    d = np.array([[0.0], [1.0], [1.0], [0.0]])
    prog = net.compile()
    ns.train(net, x, d, epochs=5, batch_size=2, lr=0.5, progress=False, seed=0)
    assert net.compile() is prog and net.graph.has_deferred_weights
    np.testing.assert_array_equal(net.copy().compile().weights, prog.weights)


def test_value_edits_drop_other_cached_objects():
    net = ns.mlp("2-1", seed=0)
    calls = []
    assert net.cached("k", lambda: calls.append(1) or len(calls)) == 1
    net.set_weight("x1", "y1", 0.25)
    assert net.cached("k", lambda: calls.append(1) or len(calls)) == 2
    prog = net.compile()
    assert core.derived(prog, "probe", lambda: 1) == 1
    net.set_weight("x1", "y1", 0.5)
    assert core.derived(prog, "probe", lambda: 2) == 2  # no patch_values: rebuilt


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.floats(-3, 3), st.booleans()),
                min_size=1, max_size=8))
def test_any_sequence_of_value_edits_equals_compiling_from_scratch(edits):
    net = _sparse_dag(seed=2, n=12, density=0.4)
    x = _inputs(net)
    conns = net.connections
    for k, value, bulk in edits:
        net.predict(x)
        if bulk:
            vec = net.get_weights()
            vec[k % len(vec)] = value
            net.set_weights(vec)
        else:
            u, v, _w = conns[k % len(conns)]
            net.set_weight(u, v, value)
    np.testing.assert_allclose(net.predict(x), net.copy().predict(x), rtol=1e-12,
                               atol=1e-12)


def test_the_prepared_rule_and_its_plan_survive_a_value_change():
    net = ns.mlp("3-4-2", activation="tanh", seed=0)
    x = _inputs(net)
    net.predict(x)
    prog = net.compile()
    before = dict(core.derived_items(prog))
    net.set_weight("x1", "h1_1", 0.3)
    after = dict(core.derived_items(prog))
    kept = [k for k, v in before.items() if after.get(k) is v]
    assert "rules" in kept and len(after["rules"]) == 1  # the layered rule, still prepared
    assert any(isinstance(k, tuple) and k[0] == "plan" for k in kept)
    _same_as_fresh(net)


def test_a_rule_whose_plan_cannot_follow_a_value_change_is_prepared_again():
    """Threshold stages' exact bounds depend on the weights: their plan is rebuilt, and
    the prepared rule holding it is dropped with it (patched after the plans)."""
    net = ns.zoo.xor()
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    net.predict(x)
    prog = net.compile()
    (old_rule,) = dict(core.derived_items(prog))["rules"].values()
    first = net.connections[0]
    net.set_weight(first[0], first[1], first[2] + 0.5)
    table = dict(core.derived_items(prog))
    assert old_rule not in table["rules"].values()
    np.testing.assert_array_equal(net.predict(x), net.copy().predict(x))
