"""The core's differentiable stage: its forward equals the reference evaluation, its
vector-Jacobian product equals finite differences, and float32 stays float32."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim.core import DiffStage, evaluate_stage, parallel_stage


def mixed_recurrent(seed=0):
    """A cyclic graph with tanh, sigmoid, a distance neuron and a softmax group."""
    rng = np.random.default_rng(seed)
    net = ns.Network(name="mixed")
    net.add_input("a")
    net.add_input("b")
    net.add_neuron("h", activation="tanh", bias=0.2)
    net.add_neuron("g", activation="sigmoid", bias=-0.1)
    net.add_neuron("r", activation="gaussian", potential="distance")
    net.add_output("s1", activation="softmax")
    net.add_output("s2", activation="softmax")
    edges = [("a", "h"), ("b", "h"), ("h", "h"), ("g", "h"), ("a", "g"), ("h", "g"),
             ("a", "r"), ("h", "r"), ("h", "s1"), ("g", "s1"), ("r", "s2"), ("h", "s2"),
             ("s1", "g")]
    net.connect_many([(u, v, float(rng.normal(0, 0.7))) for u, v in edges])
    return net


def test_forward_equals_the_reference_evaluation():
    net = mixed_recurrent()
    prog = net.compile()
    st = parallel_stage(prog)
    diff = DiffStage(prog, st)
    state = np.random.default_rng(1).normal(size=(4, prog.n_neurons))
    xi_ref, y_ref = evaluate_stage(prog, st, state)
    src = state.T.copy()
    out = src.copy()
    xis = np.zeros_like(src)
    diff.forward(src, out, xis, prog.weights, prog.bias)
    np.testing.assert_allclose(xis[st.targets].T, xi_ref, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(out[st.targets].T, y_ref, rtol=1e-14, atol=1e-15)


def test_vjp_equals_finite_differences():
    net = mixed_recurrent(2)
    prog = net.compile()
    diff = DiffStage(prog, parallel_stage(prog))
    rng = np.random.default_rng(3)
    src = rng.normal(size=(prog.n_neurons, 3))
    cot = rng.normal(size=(prog.n_neurons, 3))  # ∂E/∂y of the targets

    def value(weights, bias, s):
        out = s.copy()
        xis = np.zeros_like(s)
        diff.forward(s, out, xis, weights, bias)
        return float(np.sum(cot[diff.targets] * out[diff.targets]))

    out = src.copy()
    xis = np.zeros_like(src)
    diff.forward(src, out, xis, prog.weights, prog.bias)
    gys = np.zeros_like(src)
    gys[diff.targets] = cot[diff.targets]
    gsrc = np.zeros_like(src)
    gw = np.zeros(prog.n_connections)
    gb = np.zeros(prog.n_neurons)
    diff.vjp(src, out, xis, gys, gsrc, gw, gb, prog.weights)
    eps = 1e-6
    for k in range(prog.n_connections):
        w1, w2 = prog.weights.copy(), prog.weights.copy()
        w1[k] += eps
        w2[k] -= eps
        num = (value(w1, prog.bias, src) - value(w2, prog.bias, src)) / (2 * eps)
        assert gw[k] == pytest.approx(num, abs=1e-7), k
    for i in (0, 2, 3):  # a, h, g: sources read by the stage
        s1, s2 = src.copy(), src.copy()
        s1[i, 1] += eps
        s2[i, 1] -= eps
        num = (value(prog.weights, prog.bias, s1) - value(prog.weights, prog.bias, s2)) / (2 * eps)
        assert gsrc[i, 1] == pytest.approx(num, abs=1e-7), i


def test_float32_stays_float32():
    net = ns.zoo.elman()
    prog = net.compile()
    diff = DiffStage(prog, parallel_stage(prog))
    src = np.random.default_rng(0).normal(size=(prog.n_neurons, 5)).astype(np.float32)
    w, b = prog.weights.astype(np.float32), prog.bias.astype(np.float32)
    out, xis = src.copy(), np.zeros_like(src)
    diff.forward(src, out, xis, w, b)
    gys = np.ones_like(src)
    gsrc = np.zeros_like(src)
    gw, gb = np.zeros(prog.n_connections, np.float32), np.zeros(prog.n_neurons, np.float32)
    diff.vjp(src, out, xis, gys, gsrc, gw, gb, w)
    assert out.dtype == xis.dtype == gsrc.dtype == gw.dtype == gb.dtype == np.float32
    ref = src.astype(np.float64)
    out64, xis64 = ref.copy(), np.zeros_like(ref)
    diff.forward(ref, out64, xis64, prog.weights, prog.bias)
    np.testing.assert_allclose(out, out64, rtol=1e-5, atol=1e-6)


def test_a_user_activation_gets_the_same_backward_path():
    """A registered activation without a fused kernel backpropagates through its
    derivative; with one, through the kernel: the same gradient either way."""
    from netsim.functions import ACTIVATIONS, register_activation

    def fwd(xi, *, a=1.0):
        return np.tanh(a * xi)

    def der(xi, y, *, a=1.0):
        return a * (1 - y * y)

    def kernel(xi, y, gy, out, *, a=1.0):
        np.multiply(gy, a * (1 - y * y), out=out)

    register_activation("test_vjp_plain", fwd, derivative=der, params={"a": 1.0},
                        replace=True)
    register_activation("test_vjp_fused", fwd, derivative=der, params={"a": 1.0},
                        inplace_backward=kernel, replace=True)
    grads = []
    try:
        for name in ("test_vjp_plain", "test_vjp_fused", "tanh"):
            net = ns.zoo.elman()
            net.set_neuron("h1", activation=name)
            net.set_neuron("h2", activation=name)
            X = np.random.default_rng(0).normal(size=(2, 4, 1))
            grads.append(ns.gradient(net, X, np.zeros((2, 1))).vector)
    finally:
        ACTIVATIONS.remove("test_vjp_plain")
        ACTIVATIONS.remove("test_vjp_fused")
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-14)
    np.testing.assert_allclose(grads[0], grads[2], rtol=1e-12)
