"""float32 training end to end: ``dtype=`` on train, gradient and mlp."""

import numpy as np
import pytest

import netsim as ns
from netsim.checks import check_dtype
from netsim.errors import ParameterError
from netsim.learn.backprop import get_plan


def _data(seed=0, n=24, k=6, m=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k))
    d = np.eye(m)[np.argmax(x[:, :m], axis=1)]  # learnable: the largest of the first m
    return x, d


@pytest.mark.parametrize("loss,out", [("cross_entropy", "softmax"), ("mse", "sigmoid"),
                                      ("binary_cross_entropy", "sigmoid")])
def test_float32_gradient_matches_float64(loss, out):
    x, d = _data()
    net = ns.mlp("6-5-4-3", output_activation=out, seed=1, dtype="float32")
    g64 = ns.gradient(net, x, d, loss=loss)
    g32 = ns.gradient(net, x, d, loss=loss, dtype="float32")
    assert g32.vector.dtype == np.float32
    assert g32.weights.dtype == np.float32 and g32.bias.dtype == np.float32
    assert g64.vector.dtype == np.float64
    scale = np.max(np.abs(g64.vector))
    assert np.max(np.abs(g32.vector - g64.vector)) <= 1e-5 * scale
    assert g32.loss == pytest.approx(g64.loss, rel=1e-5)
    # the keys and lookups work the same
    assert g32[("x1", "h1_1")] == pytest.approx(g64[("x1", "h1_1")], rel=1e-4, abs=1e-6)


def test_float32_gradient_hand_computed():
    # y = 2.5 for x = 1 (w = 2, b = 0.5): E = ½·2.5², ∂E/∂w = 2.5, ∂E/∂b = 2.5 (exact in f32)
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", bias=0.5)
    net.connect("x", "y", 2.0)
    g = ns.gradient(net, [[1.0]], [[0.0]], dtype=np.float32)
    assert (g.loss, g[("x", "y")], g["y"]) == (3.125, 2.5, 2.5)


def test_internal_arrays_stay_float32():
    x, _ = _data()
    net = ns.mlp("6-5-4-3", output_activation="softmax", seed=1)
    plan = get_plan(net, np.float32)
    prog = net.compile(np.float32)
    assert plan.dtype == np.float32
    state, xis = plan.forward(x.astype(np.float32), prog.weights, prog.bias, reuse=True)
    assert state.dtype == np.float32 and xis.dtype == np.float32
    gw, gb = plan.backward(state, xis, None, np.ones((len(x), 3), np.float32) / len(x),
                           prog.weights, reuse=True)
    assert gw.dtype == np.float32 and gb.dtype == np.float32
    # the core VJP keeps the dtype stage by stage (no silent upcast)
    st = plan.stages[0]
    s = np.zeros((prog.n_neurons, 4), np.float32)
    s[plan.inputs] = 1.0
    xi = np.zeros_like(s)
    st.forward(s, s, xi, prog.weights, prog.bias)
    gys = np.ones_like(s)
    gw1 = np.zeros(prog.n_connections, np.float32)
    gb1 = np.zeros(prog.n_neurons, np.float32)
    st.vjp(s, s, xi, gys, gys, gw1, gb1, prog.weights)
    assert s.dtype == xi.dtype == gys.dtype == gw1.dtype == np.float32
    # the float64 plan is another object, in float64
    assert get_plan(net).dtype == np.float64


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop", "adagrad"])
def test_optimizer_state_stays_float32(optimizer):
    from netsim.learn.optimizers import get_optimizer

    opt = get_optimizer(optimizer)
    w = np.ones(5, np.float32)
    for _ in range(3):
        opt.step([w], [np.full(5, 0.1, np.float32)])
    assert w.dtype == np.float32


def test_float32_training_reaches_similar_loss_and_writes_float32_values():
    x, d = _data(n=60)
    kw = dict(loss="cross_entropy", epochs=40, lr=0.5, batch_size=10, progress=False, seed=3)
    n64 = ns.mlp("6-8-3", output_activation="softmax", seed=2, dtype="float32")
    n32 = ns.mlp("6-8-3", output_activation="softmax", seed=2, dtype="float32")
    assert np.array_equal(n64.get_weights(), n32.get_weights())
    h64 = ns.train(n64, x, d, **kw)
    h32 = ns.train(n32, x, d, dtype="float32", **kw)
    assert h32.loss[-1] < 0.5 * h32.loss[0]
    assert h32.loss[-1] == pytest.approx(h64.loss[-1], rel=1e-3)
    w = n32.get_weights()
    assert w.dtype == np.float64
    assert np.array_equal(w, w.astype(np.float32).astype(np.float64))  # float32 numbers
    np.testing.assert_allclose(w, n64.get_weights(), rtol=1e-3, atol=1e-4)
    # the float32 program holds exactly the written values
    prog = n32.compile(np.float32)
    assert np.array_equal(prog.configuration_vector(), w)


def test_float32_training_with_validation_dropout_and_sequences():
    x, d = _data(n=40)
    net = ns.mlp("6-8-3", output_activation="softmax", seed=2)
    h = ns.train(net, x, d, loss="cross_entropy", epochs=5, validation_split=0.25,
                 dropout=0.8, progress=False, dtype="float32")
    assert len(h.val_loss) == 5 and np.isfinite(h.val_loss).all()
    rnn = ns.Network()
    rnn.add_input("x")
    rnn.add_output("y", bias=0.0)
    rnn.connect("x", "y", 0.5)
    rnn.connect("y", "y", 0.5)
    xs = [[[1.0], [0.0], [1.0]]]
    g64 = ns.gradient(rnn, xs, [[0.5]])
    g32 = ns.gradient(rnn, xs, [[0.5]], dtype="float32")
    assert g32.vector.dtype == np.float32
    np.testing.assert_allclose(g32.vector, g64.vector, rtol=1e-6)
    h = ns.train(rnn, xs, [[0.5]], epochs=3, progress=False, dtype="float32")
    assert len(h.loss) == 3


@pytest.mark.parametrize("bad", ["float16", "int", 3, None, np.int32, [1], "float"])
def test_bad_dtype_names_parameter_allowed_and_given(bad):
    x, d = _data()
    net = ns.mlp("6-3", seed=0)
    for call in (lambda: ns.train(net, x, d, dtype=bad, progress=False),
                 lambda: ns.gradient(net, x, d, dtype=bad),
                 lambda: ns.mlp("2-1", dtype=bad)):
        with pytest.raises(ParameterError, match=r"dtype must be 'float64' or 'float32'.*got"):
            call()


def test_check_dtype_accepts_names_and_numpy_types():
    assert check_dtype("float32") == np.float32
    assert check_dtype("FLOAT64") == np.float64
    assert check_dtype(np.float32) == np.float32
    assert check_dtype(np.dtype("float64")) == np.float64


def test_mlp_float32_rounds_initial_weights():
    a = ns.mlp("3-4-2", seed=5)
    b = ns.mlp("3-4-2", seed=5, dtype="float32")
    wa, wb = a.get_weights(), b.get_weights()
    assert np.array_equal(wb, wa.astype(np.float32).astype(np.float64))
    assert not np.array_equal(wa, wb)
