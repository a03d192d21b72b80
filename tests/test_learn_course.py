"""The course's learning forms against hand computations from its formulas.

Summed reduction, the multiplicative weight decay, L1, AdaGrad/RMSProp with δ inside
or outside the root, Nesterov momentum, the adaptive learning rate, ε(t) = 1/t for
the delta rule, the bipolar sigmoid and the per-optimizer default learning rates.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.learn.optimizers import DEFAULT_LR


def linear_net(w: float = 2.0, b: float = 0.5) -> ns.Network:
    """y = w·x + b, one identity neuron."""
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", bias=b)
    net.connect("x", "y", w)
    return net


X1 = [[1.0], [2.0]]
D1 = [[0.0], [1.0]]
# y = (2.5, 4.5), errors e = (2.5, 3.5): Σ E_k = ½(6.25 + 12.25) = 9.25,
# Σ ∂E_k/∂w = 2.5·1 + 3.5·2 = 9.5, Σ ∂E_k/∂b = 2.5 + 3.5 = 6


def test_gradient_sum_is_the_course_sum():
    g = ns.gradient(linear_net(), X1, D1, reduction="sum")
    assert g.loss == pytest.approx(9.25)
    assert g[("x", "y")] == pytest.approx(9.5) and g["y"] == pytest.approx(6.0)
    m = ns.gradient(linear_net(), X1, D1)  # default: the mean, unchanged
    assert m.loss == pytest.approx(4.625)
    assert m[("x", "y")] == pytest.approx(4.75) and m["y"] == pytest.approx(3.0)


def test_one_summed_sgd_step():
    # Δw = −ε Σ ∇E_k = −0.1·(9.5, 6)
    net = linear_net()
    h = ns.train(net, X1, D1, lr=0.1, epochs=1, batch_size=None, shuffle=False,
                 reduction="sum", progress=False)
    assert net.weight("x", "y") == pytest.approx(2 - 0.95)
    assert net.neuron("y").bias == pytest.approx(0.5 - 0.6)
    assert h.loss == [pytest.approx(9.25)]


def test_summed_minibatches_and_validation_loss_are_sums():
    net = linear_net()
    h = ns.train(net, X1, D1, lr=0.01, epochs=1, batch_size=1, shuffle=False,
                 reduction="sum", validation=(X1, D1), progress=False)
    # online: the loss of each sample before its own step; val: Σ over the set after
    w1, b1 = 2 - 0.01 * 2.5, 0.5 - 0.01 * 2.5
    e2 = w1 * 2 + b1 - 1
    assert h.loss[0] == pytest.approx(0.5 * 2.5**2 + 0.5 * e2**2)
    w2, b2 = w1 - 0.01 * e2 * 2, b1 - 0.01 * e2
    val = 0.5 * ((w2 + b2) ** 2 + (2 * w2 + b2 - 1) ** 2)
    assert h.val_loss[0] == pytest.approx(val)


@pytest.mark.parametrize("loss, act", [("mse", "tanh"), ("binary_cross_entropy", "sigmoid"),
                                       ("cross_entropy", "softmax")])
def test_summed_gradient_against_finite_differences(loss, act):
    rng = np.random.default_rng(4)
    net = ns.mlp("3-4-2", activation="sigmoid", output_activation=act, seed=2)
    X = rng.normal(size=(7, 3))
    D = np.eye(2)[rng.integers(0, 2, 7)] if loss != "mse" else rng.normal(size=(7, 2))
    g = ns.gradient(net, X, D, loss=loss, reduction="sum")
    v0 = net.get_weights()
    h = 1e-6

    def summed(v):
        net.set_weights(v)
        return ns.gradient(net, X, D, loss=loss, reduction="sum").loss

    fd = np.array([(summed(v0 + h * e) - summed(v0 - h * e)) / (2 * h)
                   for e in np.eye(len(v0))])
    net.set_weights(v0)
    np.testing.assert_allclose(g.vector, fd, rtol=1e-6, atol=1e-8)
    # the sum is B times the mean and the sum of the per-sample gradients
    mean = ns.gradient(net, X, D, loss=loss)
    np.testing.assert_allclose(g.vector, 7 * mean.vector, rtol=1e-12, atol=1e-14)
    per = sum(ns.gradient(net, X[k], D[k], loss=loss).vector for k in range(7))
    np.testing.assert_allclose(g.vector, per, rtol=1e-10, atol=1e-12)


def test_reduction_is_checked():
    with pytest.raises(ns.ParameterError, match=r"reduction must be 'mean' or 'sum'.*'sum'"):
        ns.gradient(linear_net(), X1, D1, reduction="summ")
    with pytest.raises(ns.ParameterError, match="reduction"):
        ns.train(linear_net(), X1, D1, reduction=None, progress=False)


def test_one_multiplicative_decay_step_spares_biases():
    # mean gradient (4.75, 3): w + Δw = 2 − 0.475 = 1.525 → (1 − 0.1)·1.525
    net = linear_net()
    ns.train(net, X1, D1, lr=0.1, epochs=1, batch_size=None, multiplicative_decay=0.1,
             progress=False)
    assert net.weight("x", "y") == pytest.approx(0.9 * 1.525)
    assert net.neuron("y").bias == pytest.approx(0.5 - 0.3)
    net = linear_net()
    ns.train(net, X1, D1, lr=0.1, epochs=1, batch_size=None, multiplicative_decay=0.1,
             decay_biases=True, progress=False)
    assert net.weight("x", "y") == pytest.approx(0.9 * 1.525)
    assert net.neuron("y").bias == pytest.approx(0.9 * 0.2)


def test_multiplicative_decay_is_an_l2_step_in_disguise():
    # (1 − ζ)(w − εg) = w − ε(1 − ζ)(g + λw) with λ = ζ / (ε(1 − ζ)): exactly an L2 step
    # (biases decayed too, so both descents see the same configuration)
    zeta, eps = 0.05, 0.1
    a, b = linear_net(), linear_net()
    ns.train(a, X1, D1, lr=eps, epochs=3, batch_size=None, multiplicative_decay=zeta,
             decay_biases=True, progress=False)
    ns.train(b, X1, D1, lr=eps * (1 - zeta), epochs=3, batch_size=None,
             weight_decay=zeta / (eps * (1 - zeta)), decay_biases=True, progress=False)
    np.testing.assert_allclose(a.get_weights(), b.get_weights(), rtol=1e-12)


def test_l1_and_l2_steps():
    net = linear_net(w=-2.0)
    # y = (−1.5, −3.5), e = (−1.5, −4.5): mean ∂E/∂w = (−1.5 − 9)/2 = −5.25, ∂E/∂b = −3
    ns.train(net, X1, D1, lr=0.1, epochs=1, batch_size=None, l1=0.5, progress=False)
    assert net.weight("x", "y") == pytest.approx(-2 - 0.1 * (-5.25 - 0.5))
    assert net.neuron("y").bias == pytest.approx(0.5 + 0.3)
    net = linear_net(w=-2.0)
    ns.train(net, X1, D1, lr=0.1, epochs=1, batch_size=None, l1=0.5, weight_decay=0.2,
             decay_biases=True, progress=False)
    assert net.weight("x", "y") == pytest.approx(-2 - 0.1 * (-5.25 - 0.5 - 0.4))
    assert net.neuron("y").bias == pytest.approx(0.5 - 0.1 * (-3 + 0.5 + 0.1))


@pytest.mark.parametrize("kwargs, match", [
    ({"l1": -1}, "l1 must be a finite number >= 0"),
    ({"multiplicative_decay": 1.0}, r"multiplicative_decay must be a number in \[0, 1\)"),
    ({"decay_biases": 1}, "decay_biases must be True or False"),
])
def test_regularisation_arguments_are_checked(kwargs, match):
    with pytest.raises(ns.ParameterError, match=match):
        ns.train(linear_net(), X1, D1, progress=False, **kwargs)


G = np.array([3.0, -0.5])


def two_steps(opt):
    p = np.array([1.0, -2.0])
    opt.step([p], [G])
    first = p.copy()
    opt.step([p], [G])
    return first, p


def test_adagrad_with_delta_inside_and_outside_the_root():
    # course: r1 = g², Δw = −η g/√(r1 + δ); r2 = 2g²
    eta, delta = 0.01, 0.25
    first, second = two_steps(ns.AdaGrad(lr=eta, eps=delta, eps_inside=True))
    s1 = eta * G / np.sqrt(G**2 + delta)
    s2 = eta * G / np.sqrt(2 * G**2 + delta)
    np.testing.assert_allclose(first, [1, -2] - s1, rtol=1e-12)
    np.testing.assert_allclose(second, [1, -2] - s1 - s2, rtol=1e-12)
    first, second = two_steps(ns.AdaGrad(lr=eta, eps=delta))
    s1 = eta * G / (np.abs(G) + delta)
    s2 = eta * G / (np.sqrt(2) * np.abs(G) + delta)
    np.testing.assert_allclose(first, [1, -2] - s1, rtol=1e-12)
    np.testing.assert_allclose(second, [1, -2] - s1 - s2, rtol=1e-12)


def test_one_course_adagrad_training_step():
    # the course: r = (Σ_k ∂E_k/∂w)², Δw = −η / √(r + δ) · Σ_k ∂E_k/∂w; sums (9.5, 6)
    eta, delta = 0.01, 0.5
    net = linear_net()
    ns.train(net, X1, D1, optimizer=ns.AdaGrad(lr=eta, eps=delta, eps_inside=True),
             epochs=1, batch_size=None, reduction="sum", progress=False)
    assert net.weight("x", "y") == pytest.approx(2 - eta * 9.5 / np.sqrt(9.5**2 + delta))
    assert net.neuron("y").bias == pytest.approx(0.5 - eta * 6 / np.sqrt(36 + delta))


def test_rmsprop_with_delta_inside_and_outside_the_root():
    # r1 = (1 − ρ) g², r2 = ρ r1 + (1 − ρ) g² = 0.19 g² for ρ = 0.9
    eta, delta = 0.001, 0.1
    for inside in (True, False):
        first, second = two_steps(ns.RMSProp(lr=eta, rho=0.9, eps=delta, eps_inside=inside))
        r1, r2 = 0.1 * G**2, 0.19 * G**2
        root = (lambda r: np.sqrt(r + delta)) if inside else (lambda r: np.sqrt(r) + delta)
        np.testing.assert_allclose(first, [1, -2] - eta * G / root(r1), rtol=1e-12)
        np.testing.assert_allclose(second, [1, -2] - eta * G / root(r1) - eta * G / root(r2),
                                   rtol=1e-12)
    with pytest.raises(ns.ParameterError, match="eps_inside must be True or False"):
        ns.RMSProp(eps_inside="yes")


def test_nesterov_is_the_look_ahead_gradient():
    # E(w) = ½ wᵀAw; Nesterov: v ← μv − ε∇E(w + μv), w ← w + v; netsim stores φ = w + μv
    A = np.array([[3.0, 0.5], [0.5, 1.0]])
    mu, eps = 0.8, 0.1
    w = np.array([1.0, -1.0])
    v = np.zeros(2)
    phi = w.copy()
    opt = ns.Nesterov(lr=eps, momentum=mu)
    assert ns.Momentum(lr=eps, momentum=mu, nesterov=True).nesterov
    for _ in range(6):
        v = mu * v - eps * A @ (w + mu * v)
        w = w + v
        opt.step([phi], [A @ phi])
        np.testing.assert_allclose(phi, w + mu * v, rtol=1e-12)
    assert isinstance(ns.learn.get_optimizer("nesterov"), ns.Nesterov)


def test_default_learning_rate_per_optimizer():
    assert DEFAULT_LR == {"sgd": 0.1, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.01,
                          "rmsprop": 0.001, "adam": 0.001}
    for name, lr in DEFAULT_LR.items():
        h = ns.train(linear_net(), X1, D1, optimizer=name, epochs=1, progress=False)
        assert h.lr == [lr]


def test_adaptive_rule_raises_while_the_error_falls_and_cuts_when_it_rises():
    rule = ns.AdaptiveLR(0.5, up=1.1, down=0.5)
    net = ns.mlp("2-3-1", activation="sigmoid", seed=1)
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    D = [[0], [1], [1], [0]]
    h = ns.train(net, X, D, lr=rule, epochs=60, batch_size=1, progress=False)
    assert h.lr[0] == h.lr[1] == 0.5
    for e in range(1, 59):
        if h.loss[e] < h.loss[e - 1]:
            assert h.lr[e + 1] == pytest.approx(1.1 * h.lr[e])
        elif h.loss[e] > h.loss[e - 1]:
            assert h.lr[e + 1] == pytest.approx(0.5 * h.lr[e])
    assert len(set(h.lr)) > 2
    # the same rule object restarts in a new run
    h2 = ns.train(ns.mlp("2-3-1", activation="sigmoid", seed=1), X, D, lr=rule, epochs=60,
                  batch_size=1, progress=False)
    assert h2.lr == h.lr
    with pytest.raises(ns.ParameterError, match="up must be a factor > 1"):
        ns.AdaptiveLR(0.1, up=0.9)


def test_delta_rule_with_one_over_t():
    net = linear_net(w=0.0, b=0.0)
    # t=1: ξ = 0, d − ξ = 1, ε = 1 → w = 1, b = 1; t=2: x = 2, ξ = 3, d − ξ = −3,
    # ε = ½ → w = 1 − 3, b = 1 − 1.5
    r = ns.delta_rule(net, [[1.0], [2.0]], [[1.0], [0.0]], lr="1/t", max_epochs=1)
    assert net.weight("x", "y") == pytest.approx(-2.0)
    assert net.neuron("y").bias == pytest.approx(-0.5)
    assert r.updates == 2
    net = linear_net(w=0.0, b=0.0)
    ns.delta_rule(net, [[1.0], [2.0]], [[1.0], [0.0]], lr=lambda t: 1.0 / t, max_epochs=1)
    assert net.weight("x", "y") == pytest.approx(-2.0)
    with pytest.raises(ns.ParameterError, match="'1/t'"):
        ns.delta_rule(linear_net(), X1, D1, lr="1/t²")


def test_delta_rule_one_over_t_reaches_the_least_squares_minimum():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(20, 1))
    d = 0.7 * x - 0.2 + rng.normal(scale=0.1, size=(20, 1))
    net = linear_net(w=0.0, b=0.0)
    ns.delta_rule(net, x, d, lr=lambda t: 1.0 / (1 + t / 20), max_epochs=3000, shuffle=True)
    coef, *_ = np.linalg.lstsq(np.hstack([x, np.ones_like(x)]), d, rcond=None)
    assert net.weight("x", "y") == pytest.approx(coef[0, 0], abs=5e-3)
    assert net.neuron("y").bias == pytest.approx(coef[1, 0], abs=5e-3)


def test_bipolar_sigmoid_is_the_courses_hyperbolic_tangens():
    act = ns.get_activation("bipolar_sigmoid")
    xi = np.array([-3.0, -0.5, 0.0, 1.0, 2.0])
    course = (1 - np.exp(-xi)) / (1 + np.exp(-xi))
    np.testing.assert_allclose(act(xi), course, rtol=1e-14)
    np.testing.assert_allclose(act(xi, steepness=2.0), np.tanh(xi), rtol=1e-14)
    assert float(act(1.0)) == pytest.approx(0.46211715726000974)
    np.testing.assert_array_equal(act([-1000.0, 1000.0]), [-1.0, 1.0])  # no overflow
    y = act(xi, steepness=3.0)
    np.testing.assert_allclose(act.derivative(xi, y, steepness=3.0), 1.5 * (1 - y * y))
    # backprop through it: y = σ(w x), E = ½(y − d)², ∂E/∂w = (y − d)·½(1 − y²)·x
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", activation="bipolar_sigmoid")
    net.connect("x", "y", 0.5)
    g = ns.gradient(net, [[2.0]], [[0.0]])
    yv = (1 - np.exp(-1.0)) / (1 + np.exp(-1.0))
    assert g[("x", "y")] == pytest.approx(yv * 0.5 * (1 - yv**2) * 2.0)


@settings(max_examples=30, deadline=None)
@given(st.floats(-50, 50), st.floats(0.1, 5))
def test_bipolar_sigmoid_is_twice_the_sigmoid_minus_one(xi, lam):
    b = float(ns.get_activation("bipolar_sigmoid")(xi, steepness=lam))
    s = float(ns.get_activation("sigmoid")(xi, steepness=lam))
    assert b == pytest.approx(2 * s - 1, abs=1e-12)


def test_predict_warns_where_the_network_does_not_stop():
    import warnings

    net = ns.zoo.mutual_inhibition()  # a 2-cycle under the parallel rule
    with pytest.warns(ns.NetsimWarning, match="did not stop on 1 of 1 inputs"):
        net.predict([[]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.predict([[]], steps=3)  # a fixed number of steps was asked for: no warning
        net.predict([[]], rule="sequential")  # stops at a fixed point
        ns.zoo.xor().predict([[0, 1], [1, 1]])


def test_recurrent_networks_are_refused_in_terms_of_training():
    net = ns.zoo.elman()
    with pytest.raises(ns.CycleError, match=r"^training needs an acyclic network "
                       r"\(backpropagation\), but network 'elman' is recurrent \(it has the "
                       r"cycle 'c1' -> 'h1' -> 'c1'\); training recurrent networks") as info:
        ns.train(net, [[0.0]], [[0.0]], progress=False)
    assert info.value.cycle == ["c1", "h1"]
    with pytest.raises(ns.CycleError, match=r"^the gradient needs an acyclic network"):
        ns.gradient(net, [[0.0]], [[0.0]])
