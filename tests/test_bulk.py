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
    prog = bulk.compile()
    graph = bulk.graph
    assert bulk.bulk is None and bulk.compile() is prog  # same definition: cache kept
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
    ({"sources": [0], "targets": [1], "weights": [1, 2]}, "one value per connection"),
    ({"sources": [0], "targets": [1], "neurons": ["a", "a"]}, "twice"),
    ({"sources": [0], "targets": [1], "activation": ["tanh", "nope"]}, "nope"),
    ({"sources": [0], "targets": [1], "activation": ["tanh"]}, "one per neuron"),
    ({"sources": [0], "targets": [1], "bias": [0.0, np.inf]}, "bias[1]"),
    ({"sources": [0], "targets": [1], "layer": [0, -1]}, "layer"),
    ({"sources": [0], "targets": [1], "neurons": "ab"}, "neurons"),
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
    text = ns.io.dumps(bulk)
    assert text == ns.io.dumps(ref) == ns.io.dumps(ns.io.loads(text))
