"""Networks built from arrays (Network.from_arrays, from_matrix, load) equal the same
network built neuron by neuron, compile without a graph and build it only when asked."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns

ACTS = ["identity", {"name": "sigmoid", "steepness": 2.0}, "tanh",
        {"name": "step", "zero": "keep"}]


def _pair(seed: int = 0, n: int = 9, density: float = 0.3, shuffle: bool = True):
    """The same random network from arrays and neuron by neuron (edge order kept)."""
    rng = np.random.default_rng(seed)
    mask = rng.random((n, n)) < density
    src, dst = np.nonzero(mask)
    w = rng.normal(size=len(src))
    order = rng.permutation(len(src)) if shuffle else np.arange(len(src))
    src, dst, w = src[order], dst[order], w[order]
    ids = [f"n{k}" for k in range(n)]
    acts = [ACTS[k % len(ACTS)] for k in range(n)]
    bias = rng.normal(size=n)
    initial = np.round(rng.random(n))
    labels = [None if k % 3 else f"L{k}" for k in range(n)]
    bulk = ns.Network.from_arrays(src, dst, w, neurons=ids, activation=acts, bias=bias,
                                  initial=initial, label=labels, inputs=ids[:2],
                                  outputs=ids[-2:], name="r")
    ref = ns.Network(name="r")
    for k, nid in enumerate(ids):
        ref.add_neuron(nid, activation=acts[k], bias=float(bias[k]),
                       initial=float(initial[k]), label=labels[k])
    by_source = np.argsort(src, kind="stable")  # the graph's edge order
    ref.connect_many((ids[i], ids[j], float(x)) for i, j, x in
                     zip(src[by_source], dst[by_source], w[by_source], strict=True))
    ref.set_inputs(ids[:2])
    ref.set_outputs(ids[-2:])
    return bulk, ref


def test_from_arrays_equals_the_network_built_neuron_by_neuron():
    bulk, ref = _pair()
    assert bulk.bulk is not None
    assert bulk.connections == ref.connections and bulk == ref
    assert bulk.neurons == ref.neurons and len(bulk) == len(ref) and repr(bulk) == repr(ref)
    assert bulk.neuron("n4") == ref.neuron("n4")
    a, b = bulk.compile(), ref.compile()
    for field in ("indptr", "sources", "weights", "bias", "initial", "activation_ids",
                  "potential_ids", "has_input", "groups", "inputs", "outputs"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert a.activation_names == b.activation_names and a.cycle == b.cycle
    for name, params in b.activation_params.items():
        for key, values in params.items():
            np.testing.assert_array_equal(a.activation_params[name][key], values)
    x = np.random.default_rng(2).normal(size=(4, 2))
    np.testing.assert_array_equal(bulk.run(x, steps=4).state, ref.run(x, steps=4).state)
    assert bulk.bulk is not None  # nothing above needed the graph


def test_the_graph_is_built_on_first_read_with_add_neuron_attributes():
    bulk, ref = _pair(seed=1)
    for _ in range(5):
        bulk.set_inputs(bulk.inputs)  # changes counted on the arrays
    version = bulk.version
    prog = bulk.compile()
    graph = bulk.graph
    assert bulk.bulk is None and bulk.compile() is prog  # same definition: cache kept
    assert bulk.version >= version
    assert dict(graph.nodes(data=True)) == dict(ref.graph.nodes(data=True))
    assert list(graph.edges(data=True)) == list(ref.graph.edges(data=True))
    graph["n0"]["n1" if graph.has_edge("n0", "n1") else next(iter(graph["n0"]))]["weight"] = 9.0
    assert bulk.compile() is not prog  # a write through the graph is seen


def test_value_changes_on_a_bulk_network_keep_the_arrays():
    bulk, ref = _pair(seed=3)
    vec = np.linspace(-1, 1, len(bulk.get_weights()))
    bulk.set_weights(vec)
    ref.set_weights(vec)
    assert bulk.bulk is not None
    assert bulk.connections == ref.connections and ns.io.dumps(bulk) == ns.io.dumps(ref)
    assert bulk.copy() == ref
    _ = bulk.graph
    assert bulk == ref


def test_set_weight_and_weight_on_a_bulk_network_need_no_graph():
    bulk, ref = _pair(seed=6)
    x = np.random.default_rng(0).normal(size=(3, 2))
    bulk.run(x, steps=3)  # compiled and laid out before the change
    u, v, w = bulk.connections[3]
    for net in (bulk, ref):
        net.set_weight(u, v, w + 2.5)
    assert bulk.bulk is not None and bulk.weight(u, v) == w + 2.5
    assert bulk.has_connection(u, v) and not bulk.has_connection(v, "nope")
    np.testing.assert_array_equal(bulk.run(x, steps=3).state, ref.run(x, steps=3).state)
    assert bulk.connections == ref.connections
    missing = next((a, b) for a in ref.neurons for b in ref.neurons
                   if not ref.has_connection(a, b))
    with pytest.raises(ns.NetworkError, match="no connection"):
        bulk.set_weight(*missing, 1.0)
    fresh = ns.Network.from_arrays([0], [1], inputs=[0], outputs=[1])
    fresh.set_weight(0, 1, 3.0)  # nothing compiled yet
    assert fresh.weight(0, 1) == 3.0 and fresh.connections == [(0, 1, 3.0)]
    assert fresh.predict([[2.0]]).tolist() == [[6.0]]


def test_layers_groups_and_cycles_from_arrays():
    net = ns.Network.from_arrays([0, 0, 1, 1], [2, 3, 2, 3], [1.0, 2.0, 3.0, 4.0],
                                 activation=["identity", "identity", "softmax", "softmax"],
                                 layer=[0, None, 2, 2], inputs=[0, 1], outputs=[2, 3])
    assert net.layers() == [[0, 1], [], [2, 3]]  # user layer 2 kept, layer 1 empty
    out = net.predict([[1.0, 0.0]])
    np.testing.assert_allclose(out.sum(), 1.0)
    loop = ns.Network.from_arrays([0, 1, 2], [1, 2, 0])
    assert loop.is_recurrent and loop.find_cycle() is not None and loop.bulk is not None
    with pytest.raises(ns.CycleError):
        loop.require_acyclic("test")


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"sources": [0, 5], "targets": [1, 1], "neurons": 3}, "position 5"),
    ({"sources": [0, -1], "targets": [1, 1]}, "position -1"),
    ({"sources": [0, 0], "targets": [1, 1]}, "more than once"),
    ({"sources": [0.5], "targets": [1]}, "integer"),
    ({"sources": [0, 1], "targets": [1]}, "same length"),
    ({"sources": [0], "targets": [1], "weights": [np.nan]}, "not a finite"),
    ({"sources": [0], "targets": [1], "weights": [1, 2]}, "one per connection"),
    ({"sources": [0], "targets": [1], "neurons": ["a", "a"]}, "twice"),
    ({"sources": [0], "targets": [1], "activation": ["tanh", "nope"]}, "nope"),
    ({"sources": [0], "targets": [1], "activation": ["tanh"]}, "one per neuron"),
    ({"sources": [0], "targets": [1], "bias": [0.0, np.inf]}, "bias[1]"),
    ({"sources": [0], "targets": [1], "layer": [0, -1]}, "layer"),
    ({"sources": [0], "targets": [1], "neurons": "ab"}, "neurons"),
    ({"sources": [0], "targets": [1], "neurons": 10**400}, "from_arrays"),
    ({"sources": [0], "targets": [1], "weights": [10**400]}, "too large"),
])
def test_from_arrays_errors_are_clear(kwargs, fragment):
    kwargs = dict(kwargs)
    with pytest.raises(ns.NetsimError) as exc:
        ns.Network.from_arrays(kwargs.pop("sources"), kwargs.pop("targets"),
                               kwargs.pop("weights", None), **kwargs)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_repeated_connection_names_its_neurons():
    with pytest.raises(ns.NetworkError, match="'b' -> 'c'"):
        ns.Network.from_arrays([1, 0, 1], [2, 2, 2], neurons=["a", "b", "c"])


def test_json_load_keeps_arrays_and_round_trips_bytes(tmp_path):
    bulk, ref = _pair(seed=4)
    text = ns.io.dumps(ref)
    assert ns.io.dumps(bulk) == text
    loaded = ns.io.loads(text)
    assert loaded.bulk is not None and loaded == ref
    assert ns.io.dumps(loaded) == text
    path = tmp_path / "net.json"
    ns.save(loaded, path)
    again = ns.load(path)
    ns.save(again, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()
    _ = again.graph
    assert ns.io.dumps(again) == text and ns.to_dict(again) == ns.to_dict(ref)


def test_json_load_reports_bad_connections_with_their_path():
    doc = {"format": "netsim-network", "version": 1,
           "neurons": [{"id": "a"}, {"id": "b"}],
           "connections": [{"from": "a", "to": "b"}, {"from": "a", "to": "b"}]}
    with pytest.raises(ns.FormatError, match=r"\$\.connections\[1\]: duplicate connection"):
        ns.from_dict(doc)
    doc["connections"] = [{"from": "a", "to": "zz"}]
    with pytest.raises(ns.FormatError, match=r"\$\.connections\[0\]\.to: unknown neuron"):
        ns.from_dict(doc)
    doc["connections"] = [{"from": "a", "to": "b", "weight": 10**400}]
    with pytest.raises(ns.FormatError, match=r"\$\.connections\[0\]\.weight"):
        ns.from_dict(doc)


def test_from_matrix_dense_and_sparse_agree():
    rng = np.random.default_rng(5)
    w = rng.normal(size=(7, 7)) * (rng.random((7, 7)) < 0.4)
    dense = ns.from_matrix(w, bias=0.5, activation="tanh")
    sparse = ns.from_matrix(sp.csr_matrix(w), bias=0.5, activation="tanh")
    assert dense == sparse and dense.connections == sparse.connections
    np.testing.assert_array_equal(sparse.weight_matrix(), w)
    explicit = sp.coo_matrix(([0.0, 2.0], ([1, 2], [0, 0])), shape=(3, 3))
    assert ns.from_matrix(explicit).connections == [("y1", "y3", 2.0)]
    with pytest.raises(ns.ParameterError, match="square"):
        ns.from_matrix(sp.csr_matrix(np.ones((2, 3))))
    with pytest.raises(ns.ParameterError, match="not a finite"):
        ns.from_matrix(sp.csr_matrix(np.array([[0, np.nan], [1, 0]])))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 12), st.floats(0.05, 0.9), st.booleans())
def test_any_random_network_from_arrays_equals_and_round_trips(seed, n, density, shuffle):
    bulk, ref = _pair(seed=seed, n=n, density=density, shuffle=shuffle)
    assert bulk == ref
    facts, ref_facts = bulk.summary().as_dict(), ref.summary().as_dict()
    assert bulk.bulk is not None  # summarised from the arrays
    # each may name another cycle of the same network
    assert (facts.pop("cycle") is None) == (ref_facts.pop("cycle") is None)
    assert facts == ref_facts
    text = ns.io.dumps(bulk)
    assert text == ns.io.dumps(ref) == ns.io.dumps(ns.io.loads(text))


def _variants(seed: int):
    """Pairs of array-built networks that are equal or differ in one fact."""
    a, _ = _pair(seed=seed)
    yield "same", a.copy()
    b = a.copy()
    u, v, w = b.connections[0]
    b.set_weight(u, v, w + 1e-12)
    yield "one weight", b
    src, dst, w = a.bulk.edges()
    ids = a.neurons
    common = dict(neurons=ids, inputs=a.inputs, outputs=a.outputs, name=a.name,
                  bias=a.bulk.bias, initial=a.bulk.initial, label=a.bulk.label,
                  activation=[{"name": name, **params} for name, params in
                              (a.bulk.activations[c] for c in a.bulk.activation_codes)])
    reordered = np.random.default_rng(seed).permutation(len(src))
    yield "connections given in another order", ns.Network.from_arrays(
        src[reordered], dst[reordered], w[reordered], **common)
    keep = np.ones(len(src), dtype=bool)
    keep[-1] = False
    yield "one connection fewer", ns.Network.from_arrays(src[keep], dst[keep], w[keep],
                                                         **common)
    yield "one bias", ns.Network.from_arrays(src, dst, w, **{**common, "bias": np.r_[
        a.bulk.bias[:-1], a.bulk.bias[-1] + 1]})
    acts = list(common["activation"])
    acts[0] = {"name": "sigmoid", "steepness": 3.0}
    yield "one activation", ns.Network.from_arrays(src, dst, w, **{**common,
                                                                  "activation": acts})
    yield "another name", ns.Network.from_arrays(src, dst, w, **{**common, "name": "s"})
    yield "another output list", ns.Network.from_arrays(src, dst, w, **{
        **common, "outputs": a.outputs[:1]})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equality_of_array_networks_is_decided_from_the_arrays(seed):
    """``==`` between two array-built networks compares the arrays (no graph is built)
    and agrees with the comparison of their graphs for every kind of difference."""
    a, _ = _pair(seed=seed)
    for what, b in _variants(seed):
        assert a.bulk is not None and b.bulk is not None, what
        fast = a == b
        assert a.bulk is not None and b.bulk is not None, f"{what}: the graph was built"
        slow = a.copy()._key() == b.copy()._key()  # the comparison of every neuron and edge
        assert fast == slow == (what in ("same", "connections given in another order")), what
