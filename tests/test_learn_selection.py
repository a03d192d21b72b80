"""Metrics, evaluation, splits, k-fold cross-validation and bagging, by hand."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.learn.selection import Ensemble, fold_indices, split_indices


def test_confusion_matrix_and_per_class_scores_by_hand():
    true, pred = [0, 0, 1, 2, 2], [0, 1, 1, 2, 0]
    c = ns.confusion_matrix(true, pred)
    np.testing.assert_array_equal(c, [[1, 1, 0], [0, 1, 0], [1, 0, 1]])
    s = ns.classification_scores(true, pred)
    # precision: diagonal / column sums (2, 2, 1); recall: diagonal / row sums (2, 1, 2)
    np.testing.assert_allclose(s.precision, [0.5, 0.5, 1.0])
    np.testing.assert_allclose(s.recall, [0.5, 1.0, 0.5])
    np.testing.assert_allclose(s.f1, [0.5, 2 / 3, 2 / 3])
    np.testing.assert_array_equal(s.support, [2, 1, 2])
    assert s.accuracy == pytest.approx(0.6) and s.error_rate == pytest.approx(0.4)
    assert ns.error_rate(true, pred) == pytest.approx(0.4)


def test_classes_from_outputs_one_hot_and_one_column():
    D = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]
    Y = [[0.7, 0.2, 0.1], [0.5, 0.4, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]
    np.testing.assert_array_equal(ns.confusion_matrix(D, Y),
                                  [[1, 0, 0], [1, 0, 0], [0, 0, 2]])
    # one output: class 1 when ≥ 0.5; 2 classes even if one never occurs
    np.testing.assert_array_equal(ns.confusion_matrix([[1], [1]], [[0.5], [0.49]]),
                                  [[0, 0], [1, 1]])
    s = ns.classification_scores([[0], [0]], [[0.1], [0.2]])
    np.testing.assert_array_equal(s.precision, [1.0, 0.0])  # class 1: nothing to divide
    assert ns.confusion_matrix([0, 1], [0, 1], n_classes=4).shape == (4, 4)


def test_metric_errors():
    with pytest.raises(ns.ParameterError, match="same number of samples"):
        ns.confusion_matrix([0, 1], [0])
    with pytest.raises(ns.ParameterError, match="class labels"):
        ns.confusion_matrix([0.5, 1], [0, 1])
    with pytest.raises(ns.ParameterError, match="n_classes"):
        ns.confusion_matrix([0, 3], [0, 1], n_classes=2)


def test_evaluate_a_network():
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", bias=0.5)
    net.connect("x", "y", 2.0)
    ev = ns.evaluate(net, [[1.0], [2.0]], [[0.0], [1.0]], classification=False)
    assert ev.loss == pytest.approx(4.625) and ev.scores is None
    assert ns.evaluate(net, [[1.0]], [[0.3]]).scores is None  # not class targets
    ev = ns.evaluate(net, [[1.0], [2.0]], [[0.0], [1.0]], reduction="sum")
    assert ev.loss == pytest.approx(9.25)
    # a step network (not differentiable) through predict; classes from 0/1 targets
    xor = ns.zoo.xor()
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    ev = ns.evaluate(xor, X, [[0], [1], [1], [1]])
    assert ev.loss == pytest.approx(0.5 / 4) and ev.accuracy == pytest.approx(0.75)
    np.testing.assert_array_equal(ev.scores.confusion, [[1, 0], [1, 2]])
    d = ev.as_dict()
    assert d["confusion"] == [[1, 0], [1, 2]] and d["samples"] == 4


def test_evaluate_softmax_cross_entropy_matches_training_loss():
    rng = np.random.default_rng(1)
    net = ns.mlp("3-4-3", activation="tanh", output_activation="softmax", seed=0)
    X = rng.normal(size=(12, 3))
    D = np.eye(3)[rng.integers(0, 3, 12)]
    ev = ns.evaluate(net, X, D, loss="cross_entropy")
    assert ev.loss == pytest.approx(ns.gradient(net, X, D, loss="cross_entropy").loss)
    assert ev.accuracy == pytest.approx(np.mean(np.argmax(net.predict(X), 1) == D.argmax(1)))


def test_split_sizes_are_the_largest_remainder():
    assert [len(p) for p in split_indices(10)] == [6, 2, 2]
    assert [len(p) for p in split_indices(7)] == [4, 2, 1]  # 4.2, 1.4, 1.4
    assert [len(p) for p in split_indices(5, (0.5, 0.5))] == [3, 2]
    with pytest.raises(ns.ParameterError, match="summing to 1"):
        split_indices(10, (0.5, 0.4))
    with pytest.raises(ns.ParameterError, match="empty part"):
        split_indices(2)


@settings(max_examples=40, deadline=None)
@given(st.integers(4, 200), st.integers(0, 10**6), st.booleans())
def test_split_parts_partition_the_samples(n, seed, stratify):
    labels = np.arange(n) % 3 if stratify else None
    parts = split_indices(n, seed=seed, labels=labels)
    both = np.concatenate(parts)
    assert sorted(both.tolist()) == list(range(n))
    # the sizes do not depend on stratification; each class is split within one sample
    assert [len(p) for p in parts] == [len(p) for p in split_indices(n, seed=seed)]
    if stratify:
        for c in range(3):
            n_c = int(np.sum(labels == c))
            for p, f in zip(parts, (0.6, 0.2, 0.2), strict=True):
                assert abs(np.sum(labels[p] == c) - f * n_c) < 1 + 1e-9
    assert [p.tolist() for p in parts] == [
        p.tolist() for p in split_indices(n, seed=seed, labels=labels)]


def test_split_arrays_stratified_and_in_order():
    X = np.arange(100.0)[:, None]
    D = np.eye(2)[(np.arange(100) < 30).astype(int)]  # 30 of class 1, 70 of class 0
    parts = ns.split(X, D, seed=3, stratify=True)
    assert [len(x) for x, _ in parts] == [60, 20, 20]
    assert [int(d[:, 1].sum()) for _, d in parts] == [18, 6, 6]
    for x, d in parts:  # rows still pair inputs with their targets
        np.testing.assert_array_equal(d[:, 1], (x[:, 0] < 30).astype(float))
    (xt, _), (xv, _), (xs, _) = ns.split(X, D, shuffle=False)
    assert xt[:, 0].tolist() == list(range(60)) and xv[0, 0] == 60 and xs[0, 0] == 80


def test_fold_indices():
    folds = fold_indices(10, 3, seed=0)
    assert [len(f) for f in folds] == [4, 3, 3]
    assert sorted(np.concatenate(folds).tolist()) == list(range(10))
    assert [f.tolist() for f in fold_indices(6, 3, shuffle=False)] == [[0, 3], [1, 4], [2, 5]]
    labels = np.array([0] * 6 + [1] * 3)
    for f in fold_indices(9, 3, seed=1, labels=labels):
        assert (labels[f] == 1).sum() == 1
    with pytest.raises(ns.ParameterError, match="k must be an integer >= 2"):
        fold_indices(10, 1)


def test_kfold_fits_a_line_exactly_and_leaves_the_net_untouched():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    D = (X @ [1.0, -2.0] + 0.5)[:, None]
    net = ns.mlp("2-1", activation="identity", seed=0)
    before = net.get_weights()
    cv = ns.kfold(net, X, D, k=5, lr=0.3, epochs=600, batch_size=None)
    np.testing.assert_array_equal(net.get_weights(), before)
    assert len(cv.nets) == 5 and cv.accuracy is None
    for model in cv.nets:
        np.testing.assert_allclose(model.get_weights(), [0.5, 1.0, -2.0], atol=1e-6)
    assert cv.mean_loss < 1e-10
    # each fold's network is evaluated on its own validation fold
    assert cv.histories[2].val_loss[-1] == pytest.approx(cv.val_loss[2])


def test_kfold_on_classes_reports_accuracy_and_uses_a_factory():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 2))
    D = np.eye(2)[(X[:, 0] > 0).astype(int)]
    made = []

    def make(i):
        made.append(i)
        return ns.mlp("2-2", activation="sigmoid", output_activation="softmax", seed=i)

    cv = ns.kfold(make, X, D, k=4, stratify=True, loss="cross_entropy", lr=0.5, epochs=100)
    assert made == [0, 1, 2, 3]
    assert cv.accuracy.shape == (4,) and cv.mean_accuracy > 0.85
    assert "4 folds" in repr(cv)
    with pytest.raises(ns.ParameterError, match="kfold: validation is chosen by kfold"):
        ns.kfold(make, X, D, validation=(X, D))
    with pytest.raises(ns.ParameterError, match=r"unknown argument 'epoch'.*'epochs'"):
        ns.kfold(make, X, D, epoch=3)
    with pytest.raises(ns.ParameterError, match="bagging got the unknown argument 'lrr'"):
        ns.bagging(make, X, D, lrr=0.1)


def test_one_bagging_round_by_hand():
    # a linear neuron trained to convergence on each bootstrap set is the least-squares
    # fit of that set; the ensemble averages the fits
    rng = np.random.default_rng(5)
    X = rng.uniform(-1, 1, size=(12, 1))
    D = 2 * X - 1 + rng.normal(scale=0.3, size=(12, 1))
    ens = ns.bagging(ns.mlp("1-1", activation="identity", seed=0), X, D, k=3, seed=7,
                     lr=0.3, epochs=3000, batch_size=None)
    draws = np.random.default_rng(7)
    Xq = np.array([[-0.5], [0.25]])
    fits = []
    for i in range(3):
        idx = draws.integers(0, 12, size=12)
        np.testing.assert_array_equal(ens.samples[i], idx)
        A = np.hstack([X[idx], np.ones((12, 1))])
        (w, b), *_ = np.linalg.lstsq(A, D[idx, 0], rcond=None)
        fits.append(w * Xq + b)
    assert ens.task == "regression" and len(ens) == 3
    np.testing.assert_allclose(ens.predict(Xq), np.mean(fits, axis=0), atol=1e-6)


def test_majority_vote_and_its_tie_rule():
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    ens = Ensemble([ns.zoo.gate("and"), ns.zoo.gate("or"), ns.zoo.gate("or")],
                   samples=[], histories=[], task="classification")
    assert ens.predict(X).ravel().tolist() == [0, 1, 1, 1]  # OR wins 2 : 1
    np.testing.assert_array_equal(ens.votes(X), [[3, 0], [1, 2], [1, 2], [0, 3]])
    # two outputs, a 1 : 1 tie: the class with the higher averaged output wins
    a, b = ns.Network(), ns.Network()
    for net, (w0, w1) in ((a, (0.9, 0.1)), (b, (0.2, 0.6))):
        net.add_input("x")
        net.add_output("c0")
        net.add_output("c1")
        net.connect("x", "c0", w0)
        net.connect("x", "c1", w1)
    tie = Ensemble([a, b], samples=[], histories=[], task="classification")
    # votes: a → c0, b → c1; averages (0.55, 0.35): c0
    np.testing.assert_array_equal(tie.predict([[1.0]]), [[1.0, 0.0]])


def test_bagging_classification_votes():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    D = (X[:, :1] + X[:, 1:] > 0).astype(float)
    ens = ns.bagging(lambda i: ns.mlp("2-1", activation="sigmoid", seed=i), X, D, k=5,
                     loss="binary_cross_entropy", lr=1.0, epochs=100)
    assert ens.task == "classification"
    y = ens.predict(X)
    assert set(np.unique(y).tolist()) <= {0.0, 1.0}
    assert np.mean(y == D) > 0.9
    with pytest.raises(ns.ParameterError, match="task must be"):
        ns.bagging(ns.mlp("2-1"), X, D, task="vote")


def test_fold_standardizer_by_hand():
    # y = 2·z + 1 with z = (x − 10)/4  ⇒  y = 0.5·x − 4
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", bias=1.0)
    net.connect("x", "y", 2.0)
    scaler = ns.Standardizer()
    scaler.mean, scaler.std = np.array([10.0]), np.array([4.0])
    ns.learn.fold_standardizer(net, scaler)
    assert net.weight("x", "y") == 0.5 and net.neuron("y").bias == -4.0
    rbf = ns.Network()
    rbf.add_input("x")
    rbf.add_output("c", potential="distance", activation="gaussian")
    rbf.connect("x", "c", 1.0)
    with pytest.raises(ns.NetworkError, match="only weighted-sum neurons"):
        ns.learn.fold_standardizer(rbf, scaler)


def test_kfold_gives_each_fold_a_fresh_optimizer_object():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    D = X @ [[1.0], [0.5]]
    opt = ns.Momentum(lr=0.05, momentum=0.9)
    a = ns.kfold(ns.mlp("2-1", activation="identity", seed=0), X, D, k=4, optimizer=opt,
                 epochs=5, batch_size=None)
    b = ns.kfold(ns.mlp("2-1", activation="identity", seed=0), X, D, k=4,
                 optimizer=ns.Momentum(lr=0.05, momentum=0.9), epochs=5, batch_size=None)
    np.testing.assert_array_equal(a.val_loss, b.val_loss)
    assert opt.t == 0  # the object given was not used itself


def test_split_keeps_one_dimensional_labels():
    X = np.arange(30.0)
    labels = np.repeat([0, 1, 2], 10)
    parts = ns.split(X, labels, seed=1, stratify=True)
    for (x, lab), size in zip(parts, (6, 2, 2), strict=True):
        assert x.ndim == 1 and lab.ndim == 1
        assert np.bincount(lab.astype(int), minlength=3).tolist() == [size] * 3
        np.testing.assert_array_equal(lab, x // 10)


@pytest.mark.parametrize("call, message", [
    (lambda: ns.split([[0.0]] * 5, [[0.0]] * 5, fraction=(0.5, 0.5)),
     "split() has no parameter 'fraction' (did you mean 'fractions'?)"),
    (lambda: ns.split([[0.0]] * 5, [[0.0]] * 5, seed=-1), "seed must be None or an integer"),
    (lambda: ns.evaluate("net.json", [[0]], [[0]]), "ns.evaluate expects a Network"),
    (lambda: ns.confusion_matrix([0], [0], classes=2), "did you mean 'n_classes'"),
    (lambda: ns.boolean_network([[0, 1]], n_input=1), "did you mean 'n_inputs'"),
    (lambda: ns.zoo.gate("and", inputs=3), "gate() has no parameter 'inputs'"),
    (lambda: ns.kfold("net", [[0.0]] * 4, [[0.0]] * 4, k=2), "net must be a Network"),
])
def test_entry_point_mistakes_are_parameter_errors(call, message):
    with pytest.raises(ns.ParameterError, match=re.escape(message)):
        call()
