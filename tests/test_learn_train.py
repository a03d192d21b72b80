"""The training loop: batches, schedules, validation, early stopping, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from test_learn_gradient import random_dags

import netsim as ns

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_D = np.array([[0], [1], [1], [0]], dtype=float)


def data(seed=0, n=40):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    d = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype(float)
    return x, d


def test_full_batch_epoch_is_one_gradient_step():
    net = ns.mlp("2-3-1", seed=2)
    w0 = net.get_weights()
    g = ns.gradient(net, XOR_X, XOR_D).vector
    ns.train(net, XOR_X, XOR_D, lr=0.5, epochs=1, batch_size=None, progress=False)
    np.testing.assert_allclose(net.get_weights(), w0 - 0.5 * g, rtol=1e-12)


def test_weight_decay_applies_to_weights_not_biases():
    net = ns.mlp("2-3-1", seed=2)
    w0 = net.get_weights()
    g = ns.gradient(net, XOR_X, XOR_D).vector
    is_weight = np.array([isinstance(k, tuple) for k in net.configuration()])
    ns.train(net, XOR_X, XOR_D, lr=0.5, epochs=1, batch_size=None, weight_decay=0.1,
             progress=False)
    expected = w0 - 0.5 * (g + 0.1 * w0 * is_weight)
    np.testing.assert_allclose(net.get_weights(), expected, rtol=1e-12)


def test_online_steps_follow_the_given_order_without_shuffle():
    net = ns.mlp("2-2-1", seed=1)
    copy = net.copy()
    ns.train(net, XOR_X, XOR_D, lr=0.3, epochs=1, batch_size=1, shuffle=False, progress=False)
    for k in range(4):  # four online steps by hand
        g = ns.gradient(copy, XOR_X[k], XOR_D[k]).vector
        copy.set_weights(copy.get_weights() - 0.3 * g)
    np.testing.assert_allclose(net.get_weights(), copy.get_weights(), rtol=1e-12)


def test_xor_is_learnt_and_history_is_recorded():
    net = ns.mlp("2-2-1", seed=3)
    h = ns.train(net, XOR_X, XOR_D, lr=2.0, epochs=3000, batch_size=None, progress=False,
                 metrics="accuracy")
    assert h.epochs == 3000 and len(h.loss) == 3000
    assert h.loss[-1] < 0.01 < h.loss[0]
    assert h.metrics["accuracy"][-1] == 1.0
    assert h.best_epoch == int(np.argmin(h.loss))
    assert h.samples_per_second > 0


def test_same_seed_same_history_and_weights():
    x, d = data()
    runs = []
    for _ in range(2):
        net = ns.mlp("3-4-1", seed=5)
        h = ns.train(net, x, d, loss="binary_cross_entropy", optimizer="adam", lr=0.01,
                     epochs=15, batch_size=8, validation_split=0.25, seed=7, progress=False)
        runs.append((h, net.get_weights()))
    (h1, w1), (h2, w2) = runs
    assert h1.loss == h2.loss and h1.val_loss == h2.val_loss
    assert h1.metrics == h2.metrics and h1.val_metrics == h2.val_metrics
    np.testing.assert_array_equal(w1, w2)
    net = ns.mlp("3-4-1", seed=5)
    h3 = ns.train(net, x, d, loss="binary_cross_entropy", optimizer="adam", lr=0.01,
                  epochs=15, batch_size=8, validation_split=0.25, seed=8, progress=False)
    assert h3.loss != h1.loss


def test_early_stopping_restores_the_best_weights():
    x, d = data(1)
    # The validation targets are the opposite: validation loss grows as training learns.
    kwargs = dict(lr=0.5, batch_size=10, validation=(x, 1 - d), seed=3, progress=False)
    net = ns.mlp("3-3-1", seed=4)
    h = ns.train(net, x, d, epochs=50, early_stopping=3, **kwargs)
    assert h.stopped_early and h.restored_best
    assert h.epochs == h.best_epoch + 1 + 3
    assert h.val_loss[h.best_epoch] == min(h.val_loss)
    reference = ns.mlp("3-3-1", seed=4)
    ns.train(reference, x, d, epochs=h.best_epoch + 1, **kwargs)
    np.testing.assert_array_equal(net.get_weights(), reference.get_weights())


def test_learning_rate_schedules_are_used_per_epoch():
    net = ns.mlp("2-2-1", seed=1)
    h = ns.train(net, XOR_X, XOR_D, lr=[0.3, 0.2, 0.1], epochs=3, progress=False)
    assert h.lr == [0.3, 0.2, 0.1]
    h = ns.train(net, XOR_X, XOR_D, lr=ns.step_decay(0.4, 0.5, 2), epochs=5, progress=False)
    assert h.lr == [0.4, 0.4, 0.2, 0.2, 0.1]
    opt = ns.Momentum(lr=0.05)
    h = ns.train(net, XOR_X, XOR_D, optimizer=opt, epochs=2, progress=False)
    assert h.lr == [0.05, 0.05]


def test_callbacks_see_logs_and_can_stop():
    seen = []

    def cb(epoch, logs):
        seen.append((epoch, logs["loss"]))
        return epoch == 4

    net = ns.mlp("2-2-1", seed=1)
    h = ns.train(net, XOR_X, XOR_D, epochs=100, callbacks=[cb], progress=False)
    assert h.epochs == 5 and h.stopped_early
    assert [e for e, _ in seen] == [0, 1, 2, 3, 4]
    assert [v for _, v in seen] == h.loss


def test_cross_entropy_training_reports_accuracy():
    rng = np.random.default_rng(0)
    centres = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.5]])
    labels = np.repeat(np.arange(3), 30)
    x = centres[labels] + rng.normal(scale=0.5, size=(90, 2))
    d = np.eye(3)[labels]
    net = ns.mlp("2-5-3", activation="tanh", output_activation="softmax", seed=0)
    h = ns.train(net, x, d, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=60,
                 batch_size=16, validation_split=0.2, progress=False)
    assert h.val_metrics["accuracy"][-1] >= 0.9
    assert h.metrics["accuracy"][-1] >= 0.9


def test_progress_bar_on_and_off(capsys):
    net = ns.mlp("2-2-1", seed=1)
    ns.train(net, XOR_X, XOR_D, epochs=3, progress=False)
    assert capsys.readouterr().err == ""
    ns.train(net, XOR_X, XOR_D, epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "loss=" in err and "samples/s" in err
    ns.train(net, XOR_X, XOR_D, epochs=3)  # stderr is not a TTY under pytest: off
    assert capsys.readouterr().err == ""


def test_divergence_and_bad_arguments_are_clear_errors():
    net = ns.mlp("2-2-1", activation="identity", seed=1)
    before = net.get_weights()
    with pytest.raises(ns.ParameterError, match="diverged"):
        ns.train(net, XOR_X * 1e3, XOR_D, lr=1e3, epochs=50, progress=False)
    np.testing.assert_array_equal(net.get_weights(), before)
    with pytest.raises(ns.ParameterError, match="epochs"):
        ns.train(net, XOR_X, XOR_D, epochs=0)
    with pytest.raises(ns.ParameterError, match="batch_size"):
        ns.train(net, XOR_X, XOR_D, batch_size=0)
    with pytest.raises(ns.ParameterError, match="validation_split"):
        ns.train(net, XOR_X, XOR_D, validation_split=1.5)
    with pytest.raises(ns.ParameterError, match="either validation or validation_split"):
        ns.train(net, XOR_X, XOR_D, validation=(XOR_X, XOR_D), validation_split=0.5)
    with pytest.raises(ns.ParameterError, match="validation inputs"):
        ns.train(net, XOR_X, XOR_D, validation=(XOR_X[:, :1], XOR_D))
    with pytest.raises(ns.ParameterError, match="metric"):
        ns.train(net, XOR_X, XOR_D, metrics=["f1"])


def test_standardizer():
    x = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, 4.0], [5.0, 5.0, 9.0]])
    z, s = ns.standardize(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(z.std(axis=0), [1, 0, 1])
    np.testing.assert_allclose(s.inverse_transform(z), x)
    np.testing.assert_allclose(s.transform([[3.0, 6.0, 5.0]]), [[0.0, 1.0, 0.0]], atol=1e-15)
    with pytest.raises(ns.ParameterError, match="not fitted"):
        ns.Standardizer().transform(x)
    with pytest.raises(ns.ParameterError, match="fitted on 3 columns"):
        s.transform([[1.0, 2.0]])


@settings(max_examples=20)
@given(random_dags())
def test_full_batch_training_step_on_random_dags(case):
    """The training loop's fast path (work arrays, in-place updates) on any DAG."""
    net, x, d, _mode = case
    w0 = net.get_weights()
    g = ns.gradient(net, x, d).vector
    ns.train(net, x, d, lr=0.05, epochs=1, batch_size=None, progress=False)
    np.testing.assert_allclose(net.get_weights(), w0 - 0.05 * g, rtol=1e-10, atol=1e-12)


def test_program_after_training_matches_a_fresh_compile():
    net = ns.mlp("3-4-2", output_activation="softmax", seed=0)
    x, _d = data(2)
    labels = np.eye(2)[(x[:, 0] > 0).astype(int)]
    ns.train(net, x, labels, loss="cross_entropy", epochs=3, progress=False)
    prog, fresh = net.compile(), net.copy().compile()
    np.testing.assert_array_equal(prog.weights, fresh.weights)
    np.testing.assert_array_equal(prog.bias, fresh.bias)
    np.testing.assert_allclose(net.predict(x), net.copy().predict(x), rtol=1e-12)
    # the network still tracks changes: a later value is patched in, a structural
    # change recompiles
    net.set_weight("x1", "h1_1", 5.0)
    assert net.compile() is prog and prog.weights[0] == 5.0
    net.disconnect("x2", "h1_1")
    assert net.compile() is not prog and net.compile().weights[0] == 5.0


def test_dead_end_neurons_get_zero_gradient_in_repeated_steps():
    """A hidden neuron that reaches no output shares a segment with live ones."""
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("live", activation="sigmoid", bias=0.1)
    net.add_neuron("dead", activation="sigmoid", bias=0.2)  # feeds nothing
    net.add_output("y", activation="sigmoid")
    net.connect("x", "live", 0.5)
    net.connect("x", "dead", -0.7)
    net.connect("live", "y", 1.5)
    reference = net.copy()
    rng = np.random.default_rng(0)
    x, d = rng.normal(size=(6, 1)), rng.uniform(size=(6, 1))
    ns.train(net, x, d, lr=0.3, epochs=3, batch_size=2, shuffle=False, progress=False)
    for _epoch in range(3):
        for lo in range(0, 6, 2):
            g = ns.gradient(reference, x[lo : lo + 2], d[lo : lo + 2]).vector
            reference.set_weights(reference.get_weights() - 0.3 * g)
    np.testing.assert_allclose(net.get_weights(), reference.get_weights(), rtol=1e-12)
    assert net.weight("x", "dead") == -0.7 and net.neuron("dead").bias == 0.2


def test_predictions_after_training_a_sparse_network_use_the_new_weights():
    rng = np.random.default_rng(4)
    net = ns.Network()
    for k in range(4):
        net.add_input(f"x{k}")
    for k in range(6):  # sparse: each hidden neuron reads two random inputs
        net.add_neuron(f"h{k}", activation="tanh")
        for i in rng.choice(4, size=2, replace=False):
            net.connect(f"x{i}", f"h{k}", float(rng.normal()))
    net.add_output("y", activation="sigmoid")
    for k in range(0, 6, 2):
        net.connect(f"h{k}", "y", float(rng.normal()))
    x, d = rng.normal(size=(20, 4)), rng.uniform(size=(20, 1))
    before = net.predict(x)  # caches the program's own matrices
    ns.train(net, x, d, lr=0.5, epochs=5, progress=False)
    after = net.predict(x)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, net.copy().predict(x), rtol=1e-12)
