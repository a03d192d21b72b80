"""ns.mlp_from_arrays and net.layer_weights: the (n_in, n_out) layout of sklearn and Keras."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import netsim as ns


def test_hand_computed_network_from_arrays():
    W = [np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([[1.0], [-2.0]])]
    b = [np.array([0.0, 1.0]), np.array([0.25])]
    net = ns.mlp_from_arrays(W, b, activation="relu", output_activation="identity")
    assert net.neurons == ["x1", "x2", "h1_1", "h1_2", "y1"]
    assert net.weight("x1", "h1_2") == -1.0 and net.weight("x2", "h1_1") == 2.0
    assert net.neuron("h1_2").bias == 1.0 and net.neuron("y1").activation == "identity"
    # x = (1, 2): h = (relu(5), relu(−1 + 1 + 1)) = (5, 1); y = 5 − 2 + 0.25
    assert net.predict([1.0, 2.0]).tolist() == [3.25]


def test_layer_weights_inverts_mlp_from_arrays():
    rng = np.random.default_rng(0)
    W = [rng.normal(size=(3, 5)), rng.normal(size=(5, 4)), rng.normal(size=(4, 2))]
    b = [rng.normal(size=5), rng.normal(size=4), rng.normal(size=2)]
    net = ns.mlp_from_arrays(W, b, activation="tanh", output_activation="softmax")
    W2, b2 = net.layer_weights()
    for got, want in zip(W2 + b2, W + b, strict=True):
        assert np.array_equal(got, want)
    again = ns.mlp_from_arrays(W2, b2, activation="tanh", output_activation="softmax")
    assert again == net


@given(st.lists(st.integers(1, 6), min_size=2, max_size=5), st.integers(0, 2**32 - 1))
def test_arrays_round_trip_and_compute_the_numpy_forward_pass(sizes, seed):
    rng = np.random.default_rng(seed)
    W = [rng.normal(size=pair) for pair in pairwise(sizes)]
    b = [rng.normal(size=n) for n in sizes[1:]]
    net = ns.mlp_from_arrays(W, b, activation="tanh", output_activation="identity")
    W2, b2 = net.layer_weights()
    assert all(np.array_equal(u, v) for u, v in zip(W2 + b2, W + b, strict=True))
    X = rng.normal(size=(4, sizes[0]))
    y = X
    for k, (w, c) in enumerate(zip(W, b, strict=True)):
        y = y @ w + c
        y = y if k == len(W) - 1 else np.tanh(y)
    np.testing.assert_allclose(net.predict(X), y, rtol=0, atol=1e-12)


def test_biases_default_to_zero_and_activations_per_layer():
    net = ns.mlp_from_arrays([np.ones((2, 2)), np.ones((2, 1))],
                             activation=["relu", {"name": "sigmoid", "steepness": 2.0}])
    assert net.neuron("h1_1").bias == 0.0 and net.neuron("h1_1").activation == "relu"
    assert net.neuron("y1").activation_params == {"steepness": 2.0}


def test_layer_weights_follow_the_input_and_output_order():
    net = ns.mlp("2-2", activation="identity", seed=0)
    net.set_inputs(["x2", "x1"])
    net.set_outputs(["y2", "y1"])
    (W,), (b,) = net.layer_weights()
    assert W[0, 0] == net.weight("x2", "y2") and W[1, 0] == net.weight("x1", "y2")
    assert b.tolist() == [net.neuron("y2").bias, net.neuron("y1").bias]
    x = np.array([0.3, -1.2])   # in input order
    np.testing.assert_allclose(x @ W + b, net.predict(x), rtol=0, atol=1e-15)


def test_missing_connections_are_zeros():
    net = ns.mlp("2-2-1", seed=0)
    net.disconnect("x1", "h1_2")
    assert net.layer_weights()[0][0][0, 1] == 0.0


@pytest.mark.filterwarnings("ignore:Stochastic Optimizer")
def test_matches_scikit_learns_mlp():
    sk = pytest.importorskip("sklearn.neural_network")
    from sklearn.datasets import load_iris
    X, y = load_iris(return_X_y=True)
    clf = sk.MLPClassifier((6,), activation="tanh", max_iter=300, random_state=0).fit(X, y)
    net = ns.mlp_from_arrays(clf.coefs_, clf.intercepts_, activation="tanh",
                             output_activation="softmax")
    np.testing.assert_allclose(net.predict(X), clf.predict_proba(X), rtol=0, atol=1e-12)
    W, _ = net.layer_weights()
    assert all(np.array_equal(u, v) for u, v in zip(W, clf.coefs_, strict=True))


@pytest.mark.parametrize(("weights", "biases", "message"), [
    ([], None, "non-empty list"),
    (np.ones((2, 2)), None, "non-empty list"),
    ([np.ones(2)], None, r"weights\[0\] must be 2-dimensional"),
    ([np.ones((2, 3)), np.ones((2, 1))], None, r"weights\[1\] has 2 rows but weights\[0\] has 3"),
    ([np.ones((2, 1))], [np.ones(2)], r"biases\[0\] has 2 values but weights\[0\] has 1"),
    ([np.ones((2, 1))], [np.ones(1), np.ones(1)], "list of 1 vectors"),
    ([np.array([[np.inf], [1.0]])], None, "not finite"),
    ([[["a"], ["b"]]], None, "array of numbers"),
    ([np.ones((2, 0))], None, "at least one neuron"),
])
def test_bad_arrays_are_clear_errors(weights, biases, message):
    with pytest.raises(ns.ParameterError, match=message):
        ns.mlp_from_arrays(weights, biases)


def test_bad_activations_name_the_argument():
    with pytest.raises(ns.UnknownFunctionError, match="activation of layer 1"):
        ns.mlp_from_arrays([np.ones((1, 1))], activation="tanhh")
    with pytest.raises(ns.ParameterError, match="one entry per weight matrix"):
        ns.mlp_from_arrays([np.ones((1, 1))], activation=["tanh", "relu"])


def test_layer_weights_refuses_other_shapes():
    net = ns.mlp("2-2-1", seed=0)
    net.connect("x1", "y1", 1.0)
    with pytest.raises(ns.NetworkError, match="'x1' \\(layer 0\\) -> 'y1' \\(layer 2\\) skips"):
        net.layer_weights()
    rbf = ns.mlp("2-1", seed=0)
    rbf.set_neuron("y1", potential="distance")
    with pytest.raises(ns.NetworkError, match="'distance' potential"):
        rbf.layer_weights()
    single = ns.Network()
    single.add_input("a")
    with pytest.raises(ns.NetworkError, match="at least two layers"):
        single.layer_weights()
    loop = ns.Network()
    loop.add_neuron("a")
    loop.connect("a", "a", 1.0)
    with pytest.raises(ns.CycleError):
        loop.layer_weights()
