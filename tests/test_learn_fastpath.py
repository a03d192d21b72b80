"""The training loop's fast paths give exactly the results of the plain passes.

Each test here fails if a fast path is wrong: the cross-entropy computed from the
output potentials without the forward softmax, the work arrays reused from one
minibatch to the next (aliasing), the minibatches gathered into reused buffers, the
one-vector SGD step, the data checked once in the training precision.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from test_learn_gradient import random_dags

import netsim as ns
from netsim.learn.backprop import check_data, get_plan
from netsim.learn.losses import get_loss


def softmax_net(seed=0, *, feed_back=False, split=False):
    """An MLP 3-4-3 with a softmax output layer. ``split``: the outputs are two
    softmax groups, declared in an order that is not the neuron order (so the
    outputs are not one contiguous run); ``feed_back``: an output also feeds
    another output group's neuron (its softmax must be computed in the forward
    pass)."""
    rng = np.random.default_rng(seed)
    net = ns.Network(name="soft")
    for k in range(3):
        net.add_input(f"x{k}")
    for k in range(4):
        net.add_neuron(f"h{k}", activation="sigmoid", bias=float(rng.normal()))
    outs = ["a0", "a1", "b0", "b1", "b2"] if split else ["y0", "y1", "y2"]
    for name in outs:
        group = name[0] if split else None
        net.add_neuron(name, activation="softmax", bias=float(rng.normal()),
                       **({"group": group} if group else {}))
    for k in range(3):
        for j in range(4):
            net.connect(f"x{k}", f"h{j}", float(rng.normal()))
    for j in range(4):
        for name in outs:
            net.connect(f"h{j}", name, float(rng.normal()))
    if feed_back:  # group b reads a0: one layer later
        for k, name in enumerate(["b0", "b1", "b2"]):
            net.connect("a0", name, 0.7 - 0.4 * k)
    net.set_inputs([f"x{k}" for k in range(3)])
    net.set_outputs(["b0", "b1", "b2", "a0", "a1"] if split else outs)
    return net


def batch(net, n=6, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, len(net.inputs)))
    k = len(net.outputs)
    d = np.eye(k)[rng.integers(0, k, size=n)]
    return x, d


@pytest.mark.parametrize("shape", [{}, {"split": True}, {"split": True, "feed_back": True}])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cross_entropy_from_potentials_equals_the_softmax_path(shape, dtype):
    net = softmax_net(**shape)
    prog = net.compile(dtype)
    plan = get_plan(net, dtype)
    loss = get_loss("cross_entropy")
    ctx = loss.prepare(prog)
    x, d = batch(net)
    x, d = x.astype(dtype), d.astype(dtype)
    s1, xi1 = plan.forward(x, prog.weights, prog.bias)  # every output computed
    v1, gy1, gxi1, y1 = plan.loss(loss, ctx, s1, xi1, d)
    # stale values in the skipped rows must not leak: start from garbage
    s2, xi2 = plan.forward(x, prog.weights, prog.bias, reuse=True, final=False)
    s2[plan.outputs] = 123.0
    s2, xi2 = plan.forward(x, prog.weights, prog.bias, reuse=True, final=False)
    v2, gy2, gxi2, y2 = plan.loss(loss, ctx, s2, xi2, d, final=False)
    tol = 1e-6 if dtype == "float32" else 1e-13
    assert gy1 is None and gy2 is None
    np.testing.assert_allclose(v2, v1, rtol=tol)
    np.testing.assert_allclose(gxi2, gxi1, rtol=tol, atol=tol)
    np.testing.assert_allclose(y2, y1, rtol=tol, atol=tol)
    computed = prog.has_input  # the input rows of the reused state are not filled
    np.testing.assert_allclose(s2[computed], s1[computed], rtol=tol, atol=tol)
    # and the outputs are what predict gives
    np.testing.assert_allclose(y2, net.predict(x.astype(float)), rtol=10 * tol, atol=tol)


def test_cross_entropy_value_by_hand():
    net = ns.Network()
    net.add_input("x")
    net.add_output("p", activation="softmax", bias=0.0)
    net.add_output("q", activation="softmax", bias=1.0)
    net.connect("x", "p", 1.0)
    net.connect("x", "q", 0.0)
    g = ns.gradient(net, [[2.0]], [[1.0, 0.0]], loss="cross_entropy")
    # ξ = (2, 1): p = e²/(e² + e), E = −log p = log(1 + e^(−1))
    p = np.exp(2) / (np.exp(2) + np.exp(1))
    assert g.loss == pytest.approx(np.log1p(np.exp(-1.0)), rel=1e-15)
    assert g[("x", "p")] == pytest.approx((p - 1) * 2.0, rel=1e-14)
    assert g["q"] == pytest.approx(1 - p, rel=1e-14)


def by_hand(net, x, d, *, lr, batch_size, epochs, loss, seed=0, dtype="float64"):
    """The same training, one fresh ``ns.gradient`` per minibatch (no reused arrays)
    and the update written out: the reference for the training loop."""
    w = net.get_weights().astype(dtype)
    rng = np.random.default_rng(seed)
    n = len(x)
    for _ in range(epochs):
        order = rng.permutation(n)
        for lo in range(0, n, batch_size):
            idx = order[lo : lo + batch_size]
            net.set_weights(w.astype(float))
            g = ns.gradient(net, x[idx], d[idx], loss=loss, dtype=dtype).vector
            w = w - np.asarray(lr, dtype=dtype) * g
    return w.astype(float)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("loss,size", [("cross_entropy", 3), ("mse", 4), ("cross_entropy", 7)])
def test_training_equals_fresh_gradient_steps(dtype, loss, size):
    """Minibatches of 3 out of 7 samples: the last one has 1 sample, so the work
    arrays of two batch sizes alternate; any stale or aliased value shows."""
    net = softmax_net(split=loss == "cross_entropy")
    x, d = batch(net, n=7, seed=3)
    start = net.get_weights()
    ns.train(net, x, d, loss=loss, lr=0.3, epochs=3, batch_size=size, progress=False,
             seed=5, dtype=dtype)
    trained = net.get_weights()
    net.set_weights(start)
    expected = by_hand(net, x, d, lr=0.3, batch_size=size, epochs=3, loss=loss, seed=5,
                       dtype=dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(trained, expected, rtol=tol, atol=tol)


def test_training_leaves_the_data_alone():
    net = softmax_net()
    x, d = batch(net, n=9)
    for dtype in ("float64", "float32"):
        xs, ds = x.astype(dtype), d.astype(dtype)
        x0, d0 = xs.copy(), ds.copy()
        ns.train(net, xs, ds, loss="cross_entropy", lr=0.1, epochs=2, batch_size=4,
                 progress=False, dtype=dtype)
        np.testing.assert_array_equal(xs, x0)
        np.testing.assert_array_equal(ds, d0)


def test_gradients_are_not_overwritten_by_the_next_call():
    net = softmax_net()
    x, d = batch(net)
    g1 = ns.gradient(net, x[:3], d[:3], loss="cross_entropy")
    v1 = g1.vector.copy()
    ns.train(net, x, d, loss="cross_entropy", lr=0.1, epochs=1, batch_size=3,
             progress=False)
    ns.gradient(net, x[3:], d[3:], loss="cross_entropy")
    np.testing.assert_array_equal(g1.vector, v1)


def test_float32_data_are_checked_in_float32():
    net = softmax_net()
    prog = net.compile("float32")
    x, d = batch(net, n=4)
    x32 = x.astype(np.float32)
    xc, _dc = check_data(prog, x32, d, dtype=np.float32)
    assert xc.dtype == np.float32 and np.shares_memory(xc, x32)  # not copied
    big = x.copy()
    big[2, 1] = 1e39  # finite in float64, beyond float32
    with pytest.raises(ns.ParameterError, match=r"sample 2, column 1 is not finite in "
                                                r"float32 \(beyond its range\)"):
        ns.train(net, big, d, loss="cross_entropy", progress=False, epochs=1,
                 dtype="float32")
    ns.train(net, big, d, loss="cross_entropy", progress=False, epochs=1)  # float64: fine


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_data_are_named(bad):
    net = softmax_net()
    x, d = batch(net, n=5)
    x[3, 2] = bad
    with pytest.raises(ns.ParameterError, match="inputs sample 3, column 2 is not finite"):
        ns.train(net, x, d, loss="cross_entropy", progress=False, epochs=1)


def test_huge_finite_data_are_accepted():
    """The one-pass check (a sum) overflows here; the values are finite."""
    net = softmax_net()
    x, d = batch(net, n=5)
    x[0, 0] = x[1, 0] = 1.7e308
    xc, _ = check_data(net.compile(), x, d)
    assert xc[0, 0] == 1.7e308


def test_sgd_descend_is_step():
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        w = rng.normal(size=50).astype(dtype)
        g = rng.normal(size=50).astype(dtype)
        w1, w2, g2 = w.copy(), w.copy(), g.copy()
        a, b = ns.SGD(lr=0.37), ns.SGD(lr=0.37)
        a.step([w1], [g])
        b.descend(w2, g2)
        np.testing.assert_array_equal(w1, w2)
        assert a.t == b.t == 1


@settings(max_examples=60, deadline=None)
@given(random_dags())
def test_configuration_blocks_equal_the_slot_scatter(case):
    """The configuration vector copied by blocks (runs of neurons with one in-degree
    and bias flag) is the scatter by slots, and splits back to the same arrays."""
    net = case[0]
    prog = net.compile()
    rng = np.random.default_rng(0)
    w = rng.normal(size=prog.n_connections)
    b = rng.normal(size=prog.n_neurons)
    has = prog.bias_slots >= 0
    expected = np.zeros(prog.n_config)
    expected[prog.weight_slots] = w
    expected[prog.bias_slots[has]] = b[has]
    np.testing.assert_array_equal(prog.configuration_vector(w, b), expected)
    w2, b2 = prog.split_configuration(expected)
    np.testing.assert_array_equal(w2, w)
    np.testing.assert_array_equal(b2, np.where(has, b, 0.0))


def test_configuration_blocks_of_an_mlp():
    prog = ns.mlp("3-4-2", seed=0).compile()
    # two runs (one per layer): 4 neurons of 1 + 3 values, 2 neurons of 1 + 4
    assert prog._config_runs == [(0, 4, 3, 1, 0, 3), (16, 2, 4, 1, 12, 7)]
    assert prog.configuration_vector().tolist() == [
        v for j in range(3, 9) for v in (prog.bias[j], *prog.weights[
            prog.indptr[j]:prog.indptr[j + 1]])]


def test_gradient_arrays_are_its_own():
    """ns.gradient works on the plan's reused arrays: what it returns is copied out
    (the vector, and the program-layout arrays split from it), so a later pass
    changes nothing in an earlier result."""
    net = softmax_net()
    x, d = batch(net)
    g1 = ns.gradient(net, x[:3], d[:3], loss="cross_entropy")
    first = (g1.vector.copy(), g1.weights.copy(), g1.bias.copy())
    g2 = ns.gradient(net, x[3:], d[3:], loss="cross_entropy")
    assert not np.array_equal(g2.vector, first[0])
    for now, then in zip((g1.vector, g1.weights, g1.bias), first, strict=True):
        np.testing.assert_array_equal(now, then)
    prog = net.compile()
    np.testing.assert_array_equal(prog.configuration_vector(g1.weights, g1.bias), g1.vector)
    assert g1[("h0", "y1")] == g1.weights[prog.connection_position("h0", "y1")]


@settings(max_examples=40, deadline=None)
@given(random_dags())
def test_training_equals_fresh_gradient_steps_on_random_networks(case):
    """Shortcuts, constants, inputs with inputs, outputs that feed others, softmax
    groups: whichever passes the loop takes (bound or not), the trained weights are
    those of fresh gradient steps."""
    net, x, d, mode = case
    x = np.concatenate([x, 0.5 * x[::-1], -x])[:6]
    d = np.concatenate([d, d[::-1], d])[:6]
    loss = "cross_entropy" if mode == "softmax_out" else "mse"
    start = net.get_weights()
    ns.train(net, x, d, loss=loss, lr=0.2, epochs=3, batch_size=2, progress=False, seed=1,
             metrics=())
    trained = net.get_weights()
    net.set_weights(start)
    expected = by_hand(net, x, d, lr=0.2, batch_size=2, epochs=3, loss=loss, seed=1)
    np.testing.assert_allclose(trained, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("loss,activation", [("cross_entropy", "softmax"),
                                             ("mse", "sigmoid"), ("mse", "identity")])
def test_bound_passes_equal_the_plan_passes(loss, activation):
    """Two minibatches in a row through the bound passes (the same arrays, new
    contents) give what fresh passes give."""
    net = ns.mlp("5-4-3-2", activation="tanh", output_activation=activation, seed=2)
    plan, prog = get_plan(net), net.compile()
    loss_fn = get_loss(loss)
    ctx = loss_fn.prepare(prog)
    final = not loss_fn.outputs_from_potentials
    rng = np.random.default_rng(0)
    buf = np.empty((4, 5))
    w, b = prog.weights.copy(), prog.bias.copy()
    bound = plan.bind(buf, w, b, final=final, skip_unfed=loss == "cross_entropy")
    assert bound is not None
    for _ in range(2):
        x = rng.normal(size=(4, 5))
        d = rng.dirichlet(np.ones(2), size=4)
        buf[...] = x
        s1, xi1 = bound.forward()
        v1, gy1, gxi1, y1 = plan.loss(loss_fn, ctx, s1, xi1, d, final=final)
        gw1, gb1 = (a.copy() for a in bound.backward(gy1, gxi1))
        s2, xi2 = plan.forward(x, w, b)
        v2, gy2, gxi2, y2 = plan.loss(loss_fn, ctx, s2, xi2, d)
        gw2, gb2 = plan.backward(s2, xi2, gy2, gxi2, w)
        assert v1 == pytest.approx(v2, rel=1e-14)
        np.testing.assert_allclose(y1, y2, rtol=1e-14)
        np.testing.assert_allclose(gw1, gw2, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gb1, gb2, rtol=1e-12, atol=1e-15)
        w -= 0.5 * gw1  # the parameters change in place between steps
        b -= 0.5 * gb1
