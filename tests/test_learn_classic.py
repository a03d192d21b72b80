"""The perceptron learning rule and the delta rule on hand-checked cases."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns

AND_X = [[0, 0], [0, 1], [1, 0], [1, 1]]


def layer(activation, n_in=2, n_out=1):
    net = ns.mlp([n_in, n_out], activation=activation, seed=0)
    net.set_weights(np.zeros(len(net.get_weights())))
    return net


def test_perceptron_learns_and_exactly_as_traced_by_hand():
    # Traced by hand with w = 0, b = 0, ε = 1, samples in order, step(0) = 1.
    net = layer("step")
    r = ns.perceptron_rule(net, AND_X, [0, 0, 0, 1], lr=1.0)
    assert r.converged and r.epochs == 6
    assert r.errors == [2, 3, 3, 2, 1, 0]
    assert r.updates == 11
    assert net.get_weights().tolist() == [-3.0, 2.0, 1.0]
    np.testing.assert_array_equal(r.weights, net.get_weights())


def test_perceptron_reports_non_separable_data():
    net = layer("step")
    r = ns.perceptron_rule(net, AND_X, [0, 1, 1, 0], max_epochs=25)  # XOR
    assert not r.converged
    assert r.epochs == 25 and len(r.errors) == 25
    assert min(r.errors) >= 1


def test_perceptron_with_sign_outputs_and_two_neurons():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(60, 2))
    d = np.stack([np.where(x[:, 0] + 0.5 * x[:, 1] > 0.1, 1.0, -1.0),
                  np.where(x[:, 0] - x[:, 1] > 0, 1.0, -1.0)], axis=1)
    net = layer("sign", n_out=2)
    r = ns.perceptron_rule(net, x, d, lr=0.5, max_epochs=1000, shuffle=True, seed=1)
    assert r.converged and r.errors[-1] == 0
    w = net.get_weights().reshape(2, 3)  # per output: bias, w1, w2
    y = np.where(x @ w[:, 1:].T + w[:, 0] >= 0, 1.0, -1.0)
    np.testing.assert_array_equal(y, d)


def test_perceptron_errors():
    with pytest.raises(ns.NetworkError, match="step or sign"):
        ns.perceptron_rule(ns.mlp([2, 1], seed=0), AND_X, [0, 0, 0, 1])
    with pytest.raises(ns.NetworkError, match="one layer"):
        ns.perceptron_rule(ns.mlp([2, 2, 1], activation="step", seed=0), AND_X, [0, 0, 0, 1])
    with pytest.raises(ns.ParameterError, match="must be 0 or 1"):
        ns.perceptron_rule(layer("step"), AND_X, [0, 0, 0, 2])


def test_delta_rule_single_step_by_hand():
    net = layer("identity")
    r = ns.delta_rule(net, [[1.0, 2.0]], [1.0], lr=0.1, max_epochs=1)
    # ξ = 0, δ = 1: b = 0.1, w = 0.1·(1, 2); afterwards ξ = 0.1 + 0.1 + 0.4 = 0.6
    np.testing.assert_allclose(net.get_weights(), [0.1, 0.1, 0.2])
    assert r.errors == [pytest.approx(0.5 * 0.4**2)]
    assert not r.converged


def test_delta_rule_fits_a_linear_map():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    true_w, true_b = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]), np.array([0.5, -0.25])
    d = x @ true_w.T + true_b
    net = layer("identity", n_in=3, n_out=2)
    r = ns.delta_rule(net, x, d, lr=0.05, max_epochs=2000, tol=1e-20)
    assert r.converged
    w = net.get_weights().reshape(2, 4)
    np.testing.assert_allclose(w[:, 0], true_b, atol=1e-8)
    np.testing.assert_allclose(w[:, 1:], true_w, atol=1e-8)
    assert all(a >= b for a, b in zip(r.errors, r.errors[1:], strict=False))
