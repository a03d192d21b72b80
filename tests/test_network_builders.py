"""The mlp builder, its size notation, and the seeded weight initialisers."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim.builders import mlp_neuron_ids
from netsim.core import evaluate_stage, layer_stages
from netsim.initializers import INITIALIZERS

# --- sizes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2-4-3-2", [2, 4, 3, 2]),
        (" 2 - 3 ", [2, 3]),
        ("10-1", [10, 1]),
        ([2, 4, 3, 2], [2, 4, 3, 2]),
        ((1, 1), [1, 1]),
        (np.array([3, 5]), [3, 5]),
        ([2.0, 3.0], [2, 3]),
    ],
)
def test_parse_sizes(given, expected):
    got = ns.parse_sizes(given)
    assert got == expected and all(type(v) is int for v in got)


@pytest.mark.parametrize(
    "bad",
    ["2", "", "2-", "-2-3", "2--3", "a-b", "2-0", "2-4-x", "2.5-3", [3], [], [2, 0],
     [2, -1], [2.5, 3], [True, 2], 5, None, ["2", "x"]],
)
def test_parse_sizes_bad(bad):
    with pytest.raises(ns.ParameterError) as exc:
        ns.parse_sizes(bad)
    assert "sizes" in str(exc.value) and "\n" not in str(exc.value)


def test_mlp_bad_sizes_through_mlp():
    with pytest.raises(ns.ParameterError, match="'2-'"):
        ns.mlp("2-")


# --- mlp ------------------------------------------------------------------------------


def test_mlp_structure_and_ids():
    net = ns.mlp("2-4-3-2", seed=0)
    assert net.name == "mlp 2-4-3-2"
    assert mlp_neuron_ids([2, 4, 3, 2]) == [
        ["x1", "x2"],
        ["h1_1", "h1_2", "h1_3", "h1_4"],
        ["h2_1", "h2_2", "h2_3"],
        ["y1", "y2"],
    ]
    assert net.inputs == ("x1", "x2") and net.outputs == ("y1", "y2")
    assert net.layers() == mlp_neuron_ids([2, 4, 3, 2])
    assert net.graph.number_of_edges() == 2 * 4 + 4 * 3 + 3 * 2
    assert len(net.get_weights()) == 26 + 4 + 3 + 2  # weights + biases
    assert not net.is_recurrent
    for src in ("h1_1", "h1_4"):
        assert {v for v in net.graph.successors(src)} == {"h2_1", "h2_2", "h2_3"}
    assert all(net.neuron(n).activation == "identity" for n in net.inputs)
    assert all(net.neuron(n).activation == "sigmoid" for n in net.hidden)
    assert all(net.neuron(n).activation == "sigmoid" for n in net.outputs)


def test_mlp_two_layers_has_no_hidden():
    net = ns.mlp([3, 1], seed=1)
    assert net.hidden == () and net.layers() == [["x1", "x2", "x3"], ["y1"]]


def test_mlp_activations_and_softmax_output_group():
    net = ns.mlp("2-3-2", activation={"name": "sigmoid", "steepness": 2.0},
                 output_activation="softmax", seed=0, name="clf")
    assert net.name == "clf"
    assert net.neuron("h1_1").activation_params == {"steepness": 2.0}
    assert [net.neuron(n).activation for n in net.outputs] == ["softmax", "softmax"]
    prog = net.compile()
    groups = prog.groups[[prog.index["y1"], prog.index["y2"]]]
    assert groups[0] == groups[1] >= 0  # one implicit group
    x = np.array([[0.3, -0.7]])
    state = prog.initial_state(x)
    for stage in layer_stages(prog):
        _xi, y = evaluate_stage(prog, stage, state)
        state[:, stage.targets] = y
    assert state[0, prog.outputs].sum() == pytest.approx(1.0)


def test_mlp_bad_activation_names_the_argument():
    with pytest.raises(ns.UnknownFunctionError, match=r"^mlp: activation: .*sigmoid"):
        ns.mlp("2-2-1", activation="sigmod")
    with pytest.raises(ns.ParameterError, match=r"^mlp: output_activation: .*'steepnes'"):
        ns.mlp("2-2-1", output_activation={"name": "sigmoid", "steepnes": 2})
    with pytest.raises(ns.ParameterError, match="initializer"):
        ns.mlp("2-1", init="xavier")


def test_mlp_seeded_determinism():
    a = ns.mlp("3-5-2", seed=7)
    b = ns.mlp("3-5-2", seed=7)
    c = ns.mlp("3-5-2", seed=8)
    np.testing.assert_array_equal(a.get_weights(), b.get_weights())
    assert a == b
    assert not np.array_equal(a.get_weights(), c.get_weights())
    d = ns.mlp("3-5-2", seed=np.random.default_rng(7))
    np.testing.assert_array_equal(a.get_weights(), d.get_weights())
    e = ns.mlp("3-5-2", init="he", seed=7)
    assert not np.array_equal(a.get_weights(), e.get_weights())


# --- initialisers ---------------------------------------------------------------------


def fan_in_of(net: ns.Network) -> np.ndarray:
    """d_j of the neuron each configuration entry belongs to."""
    return np.array([
        net.graph.in_degree(key[1] if isinstance(key, tuple) else key)
        for key in net.configuration()
    ])


def test_initializer_names():
    assert set(INITIALIZERS) == {"uniform", "glorot", "he"}
    net = ns.mlp("2-1", seed=0)
    with pytest.raises(ns.ParameterError) as exc:
        ns.initialize(net, "lecun")
    assert "'uniform', 'glorot', 'he'" in str(exc.value) and "'lecun'" in str(exc.value)


def test_initialize_returns_and_writes_the_vector():
    net = ns.mlp("2-3-1", seed=0)
    v = ns.initialize(net, "glorot", seed=3)
    np.testing.assert_array_equal(net.get_weights(), v)
    np.testing.assert_array_equal(ns.initialize(net.copy(), "glorot", seed=3), v)


@pytest.mark.parametrize("method", ["uniform", "glorot", "he"])
def test_initialize_is_seeded(method):
    net = ns.mlp("4-6-3", seed=0)
    a = ns.initialize(net, method, seed=11)
    b = ns.initialize(net, method, seed=11)
    c = ns.initialize(net, method, seed=12)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_uniform_is_the_textbook_range_for_weights_and_biases():
    net = ns.mlp("200-60-5", seed=0)  # the default initialiser
    v = net.get_weights()
    limit = np.sqrt(3.0) / np.sqrt(fan_in_of(net))
    assert np.all(np.abs(v) <= limit)
    hidden = fan_in_of(net) == 200
    # U(−a, a) has variance a²/3 = 1/d: the potential has unit variance
    assert np.var(v[hidden]) * 200 == pytest.approx(1.0, rel=0.05)
    assert np.abs(v[hidden]).max() > 0.98 * limit[hidden][0]
    biases = [k for k, key in enumerate(net.configuration()) if not isinstance(key, tuple)]
    assert len(biases) == 65
    assert np.count_nonzero(v[biases]) == 65  # biases are drawn too
    assert np.all(np.abs(v[biases]) <= limit[biases])


def test_glorot_statistics_and_zero_biases():
    net = ns.mlp("150-100-50", seed=0)
    v = ns.initialize(net, "glorot", seed=1)
    keys = net.configuration()
    is_bias = np.array([not isinstance(k, tuple) for k in keys])
    assert np.all(v[is_bias] == 0.0)
    first = np.array([isinstance(k, tuple) and k[0].startswith("x") for k in keys])
    limit = np.sqrt(6.0 / (150 + 100))
    assert np.all(np.abs(v[first]) <= limit)
    assert np.var(v[first]) == pytest.approx(2.0 / (150 + 100), rel=0.05)
    second = ~first & ~is_bias
    assert np.var(v[second]) == pytest.approx(2.0 / (100 + 50), rel=0.05)


def test_he_statistics_and_zero_biases():
    net = ns.mlp("200-100-40", seed=0)
    v = ns.initialize(net, "he", seed=2)
    keys = net.configuration()
    is_bias = np.array([not isinstance(k, tuple) for k in keys])
    assert np.all(v[is_bias] == 0.0)
    first = np.array([isinstance(k, tuple) and k[0].startswith("x") for k in keys])
    assert np.mean(v[first]) == pytest.approx(0.0, abs=0.005)
    assert np.std(v[first]) == pytest.approx(np.sqrt(2.0 / 200), rel=0.05)
    assert np.std(v[~first & ~is_bias]) == pytest.approx(np.sqrt(2.0 / 100), rel=0.05)


def test_initialize_any_graph_recurrent_and_distance():
    net = ns.Network()
    for n in ("a", "b", "c"):
        net.add_neuron(n)
    net.add_neuron("r", potential="distance", activation="gaussian")
    net.connect_many([("a", "b", 0.0), ("b", "c", 0.0), ("c", "b", 0.0), ("a", "r", 0.0),
                      ("c", "r", 0.0)])
    v = ns.initialize(net, seed=0)
    assert len(v) == len(net.configuration()) == 3 + 2 + 2  # r: no bias
    limit = np.sqrt(3.0) / np.sqrt(fan_in_of(net))
    assert np.all(np.abs(v) <= limit) and np.all(v != 0)
    for method in ("glorot", "he"):
        assert np.all(np.isfinite(ns.initialize(net, method, seed=0)))


@pytest.mark.parametrize("seed", [-1, 1.5, "a", True, [1]])
def test_bad_seed(seed):
    with pytest.raises(ns.ParameterError) as exc:
        ns.mlp("2-1", seed=seed)
    assert "seed" in str(exc.value) and repr(seed) in str(exc.value)
