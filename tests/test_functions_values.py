"""Hand-computed values of every built-in activation and potential."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import netsim as ns
from netsim.functions import segment_sum

act = ns.get_activation
pot = ns.get_potential


def d(name: str, xi: float, **params) -> float:
    """dσ/dξ of a built-in elementwise activation at one point."""
    a = act(name)
    x = np.array([xi])
    full = a.resolve(params)
    return float(a.derivative(x, a.forward(x, **full), **full)[0])


def test_builtin_names():
    assert {"identity", "step", "sign", "sigmoid", "tanh", "scaled_tanh", "relu",
            "saturated", "gaussian", "softmax"} <= set(ns.ACTIVATIONS)
    assert {"weighted_sum", "distance"} <= set(ns.POTENTIALS)


def test_identity():
    assert float(act("identity")(2.5)) == 2.5
    assert d("identity", -3.0) == 1.0


def test_step_is_one_at_zero():
    step = act("step")
    np.testing.assert_array_equal(step([-2.0, -1e-12, 0.0, -0.0, 1e-12, 5.0]),
                                  [0, 0, 1, 1, 1, 1])
    assert step.values({}) == (0.0, 1.0)
    assert not step.differentiable and step.discrete


def test_sign_tie_rule():
    sign = act("sign")
    np.testing.assert_array_equal(sign([-3.0, 0.0, 2.0]), [-1, 1, 1])  # default: +1 at 0
    np.testing.assert_array_equal(sign([-3.0, 0.0, 2.0], zero=-1), [-1, -1, 1])
    np.testing.assert_array_equal(sign([-3.0, 0.0, 2.0], zero=0), [-1, 0, 1])
    assert sign.values({}) == (-1.0, 1.0)
    assert sign.values({"zero": -1.0}) == (-1.0, 1.0)
    assert sign.values({"zero": 0.0}) == (-1.0, 0.0, 1.0)
    # per-neuron tie rules
    y = sign.forward(np.zeros((1, 3)), zero=np.array([1.0, -1.0, 0.0]))
    np.testing.assert_array_equal(y, [[1, -1, 0]])
    assert not sign.differentiable


def test_sigmoid_steepness():
    s = act("sigmoid")
    assert float(s(0.0)) == 0.5
    assert float(s(1.0)) == pytest.approx(1 / (1 + math.exp(-1)))
    assert float(s(1.0, steepness=2)) == pytest.approx(1 / (1 + math.exp(-2)))
    assert float(s(-0.5, steepness=4)) == pytest.approx(1 / (1 + math.exp(2)))
    assert d("sigmoid", 0.0) == pytest.approx(0.25)
    assert d("sigmoid", 0.0, steepness=2.0) == pytest.approx(0.5)  # λ/4
    assert d("sigmoid", 1.0, steepness=3.0) == pytest.approx(
        3 * math.exp(-3) / (1 + math.exp(-3)) ** 2
    )


def test_sigmoid_no_overflow_at_1000():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = act("sigmoid")([1000.0, -1000.0], steepness=5.0)
    assert y[0] == 1.0 and y[1] == 0.0


def test_tanh_and_scaled_tanh():
    assert float(act("tanh")(1.0)) == pytest.approx(math.tanh(1.0))
    assert d("tanh", 0.0) == 1.0
    assert d("tanh", 0.5) == pytest.approx(1 - math.tanh(0.5) ** 2)
    st = act("scaled_tanh")
    assert st.defaults() == {"a": 1.7159, "b": pytest.approx(2 / 3)}
    assert float(st(1.0)) == pytest.approx(1.7159 * math.tanh(2 / 3))
    assert float(st(1.0)) == pytest.approx(1.0, abs=1e-4)  # LeCun's choice: f(±1) = ±1
    assert float(st(2.0, a=2.0, b=0.5)) == pytest.approx(2 * math.tanh(1.0))
    assert d("scaled_tanh", 0.0) == pytest.approx(1.7159 * 2 / 3)
    assert d("scaled_tanh", 1.0, a=2.0, b=0.5) == pytest.approx(2 * 0.5 * (1 - math.tanh(0.5) ** 2))


def test_relu():
    np.testing.assert_array_equal(act("relu")([-2.0, 0.0, 3.5]), [0, 0, 3.5])
    assert d("relu", -1.0) == 0.0 and d("relu", 2.0) == 1.0
    assert d("relu", 0.0) == 0.0  # documented choice at the kink


def test_saturated_linear():
    np.testing.assert_array_equal(act("saturated")([-0.5, 0.0, 0.3, 1.0, 1.7]),
                                  [0, 0, 0.3, 1, 1])
    assert d("saturated", 0.5) == 1.0
    assert d("saturated", -0.5) == 0.0 and d("saturated", 1.5) == 0.0


def test_gaussian():
    g = act("gaussian")
    assert float(g(0.0)) == 1.0
    assert float(g(1.0)) == pytest.approx(math.exp(-1))
    assert float(g(2.0, width=2.0)) == pytest.approx(math.exp(-1))
    assert float(g(-1.0, width=0.5)) == pytest.approx(math.exp(-4))
    assert d("gaussian", 1.0) == pytest.approx(-2 * math.exp(-1))
    assert d("gaussian", 0.0) == 0.0


def test_softmax_values_and_stability():
    sm = act("softmax")
    e = [math.exp(k) for k in (1, 2, 3)]
    np.testing.assert_allclose(sm([1.0, 2.0, 3.0]), [x / sum(e) for x in e])
    np.testing.assert_allclose(sm([[0.0, 0.0]]), [[0.5, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = sm([[1000.0, 1000.0, -1000.0], [1e308, 0.0, -1e308]])
    np.testing.assert_allclose(y, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(sm(x + 500.0), sm(x))  # shift invariant
    assert sm.group and sm.differentiable and not sm.discrete


def test_softmax_vjp_is_jacobian_transpose_product():
    sm = act("softmax")
    xi = np.array([[0.5, -1.0, 2.0]])
    y = sm(xi)
    jac = np.diag(y[0]) - np.outer(y[0], y[0])  # ∂y_i/∂ξ_k = y_i(δ_ik − y_k)
    g = np.array([[1.0, -2.0, 0.5]])
    np.testing.assert_allclose(sm.backward(xi, y, g), g @ jac)


def test_weighted_sum():
    ws = pot("weighted_sum")
    assert ws.has_bias
    assert float(ws([1.0, 0.5], [2.0, -3.0], bias=-1.0)) == pytest.approx(-0.5)
    # threshold view: bias = −h, the neuron fires (step) when Σ w·y ≥ h
    assert float(act("step")(ws([1.0, 1.0], [1.0, 1.0], bias=-2.0))) == 1.0
    assert float(act("step")(ws([1.0, 0.0], [1.0, 1.0], bias=-2.0))) == 0.0
    values, weights, indptr = np.array([[1.0, 0.5]]), np.array([2.0, -3.0]), np.array([0, 2])
    dv, dw = ws.gradient(values, weights, indptr, None)
    np.testing.assert_array_equal(dv, [[2.0, -3.0]])
    np.testing.assert_array_equal(dw, [[1.0, 0.5]])


@pytest.mark.parametrize(
    ("p", "xi", "grad"),
    [
        (1, 7.0, [1.0, 1.0]),
        (2, 5.0, [0.6, 0.8]),
        (3, 91 ** (1 / 3), [9 / 91 ** (2 / 3), 16 / 91 ** (2 / 3)]),
    ],
)
def test_distance_p_norms(p, xi, grad):
    dist = pot("distance")
    assert not dist.has_bias
    y = np.array([[3.0, 4.0]])
    w = np.array([0.0, 0.0])
    indptr = np.array([0, 2])
    got = dist.forward(y, w, indptr, np.array([123.0]), p=float(p))  # bias is ignored
    assert got[0, 0] == pytest.approx(xi)
    dv, dw = dist.gradient(y, w, indptr, got, p=float(p))
    np.testing.assert_allclose(dv[0], grad)
    np.testing.assert_allclose(dw[0], [-g for g in grad])
    assert dist.defaults() == {"p": 2.0}


def test_distance_weights_are_the_centre_and_signs():
    dist = pot("distance")
    assert float(dist([1.0, 2.0], [1.0, 2.0])) == 0.0  # input at the centre
    # y − w = (−2, 2): p = 3 gradient sign(d)·|d|²/ξ²
    y, w, indptr = np.array([[-1.0, 2.0]]), np.array([1.0, 0.0]), np.array([0, 2])
    xi = dist.forward(y, w, indptr, np.zeros(1), p=3.0)
    assert xi[0, 0] == pytest.approx(16 ** (1 / 3))
    dv, _ = dist.gradient(y, w, indptr, xi, p=3.0)
    np.testing.assert_allclose(dv[0], np.array([-4.0, 4.0]) / 16 ** (2 / 3))


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_distance_gradient_at_zero_is_zero_not_nan(p):
    dist = pot("distance")
    y, w, indptr = np.array([[1.0, 2.0]]), np.array([1.0, 2.0]), np.array([0, 2])
    xi = dist.forward(y, w, indptr, np.zeros(1), p=p)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dv, dw = dist.gradient(y, w, indptr, xi, p=p)
    np.testing.assert_array_equal(dv, [[0.0, 0.0]])
    np.testing.assert_array_equal(dw, [[0.0, 0.0]])


def test_distance_per_neuron_p_in_csr():
    dist = pot("distance")
    values = np.array([[3.0, 4.0, 3.0, 4.0]])
    xi = dist.forward(values, np.zeros(4), np.array([0, 2, 4]), np.zeros(2),
                      p=np.array([1.0, 2.0]))
    np.testing.assert_allclose(xi, [[7.0, 5.0]])


def test_segment_sum_with_empty_segments_anywhere():
    v = np.array([[1.0, 2.0, 3.0, 4.0]])
    np.testing.assert_array_equal(segment_sum(v, np.array([0, 0, 1, 1, 4, 4])),
                                  [[0, 1, 0, 9, 0]])
    np.testing.assert_array_equal(segment_sum(v[0, :3], np.array([0, 3, 3])), [6, 0])
    np.testing.assert_array_equal(segment_sum(np.zeros(0), np.array([0, 0])), [0])
    assert segment_sum(np.zeros((2, 0)), np.array([0])).shape == (2, 0)
