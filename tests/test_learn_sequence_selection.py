"""Model selection on sequences: ``ns.evaluate`` and ``ns.kfold`` take sequence data
``(B, T, k)`` as ``ns.train`` does (backpropagation through time), and so do
``netsim evaluate --sequence`` and ``netsim train --sequence --kfold``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_learn_bptt import temporal_xor, write_sequences

import netsim as ns


@pytest.mark.parametrize("last_step", [False, True])
def test_evaluate_on_sequences_is_the_validation_loss_of_training(last_step):
    """After an epoch, train's validation loss and ns.evaluate on the same sequences
    are the same figure (one forward pass and loss of BPTT)."""
    X, D = temporal_xor(10, 6, seed=1)
    Xv, Dv = temporal_xor(5, 6, seed=2)
    if last_step:
        D, Dv = D[:, -1], Dv[:, -1]
    net = ns.zoo.elman()
    h = ns.train(net, X, D, epochs=2, lr=0.3, validation=(Xv, Dv), progress=False)
    ev = ns.evaluate(net, Xv, Dv)
    assert ev.loss == pytest.approx(h.val_loss[-1], rel=1e-12)
    assert ev.samples == 5
    # the outputs of every scored step, one row each (sequence-major)
    assert ev.outputs.shape == ((5, 1) if last_step else (5 * 6, 1))


def test_evaluate_sequences_with_constant_inputs_is_a_parallel_run():
    """With the same input at every step, step t's output is net.run(x, steps=t)'s, so
    the summed squared error is computed here by hand from the runs."""
    net = ns.zoo.elman()
    x = np.array([[1.0], [0.0], [1.0]])
    T = 4
    X = np.repeat(x[:, None, :], T, axis=1)
    rng = np.random.default_rng(0)
    D = rng.random((3, T, 1))
    ev = ns.evaluate(net, X, D, loss="mse", reduction="sum")
    by_hand = sum(
        float(np.sum((net.run(x, rule="parallel", steps=t).output - D[:, t - 1]) ** 2))
        for t in range(1, T + 1)
    ) / 2  # the course's E = ½ Σ (y − d)², summed over sequences and steps
    assert ev.loss == pytest.approx(by_hand, rel=1e-12)


def test_evaluate_sequences_scores_classes_per_step():
    X, D = temporal_xor(8, 5, seed=3)
    ev = ns.evaluate(ns.zoo.elman(), X, D)
    assert ev.scores is not None  # 0/1 targets: one class decision per step
    predicted = (ev.outputs[:, 0] >= 0.5).astype(float)
    assert ev.accuracy == pytest.approx(float(np.mean(predicted == D.reshape(-1))))


def test_kfold_on_sequences_folds_whole_sequences():
    X, D = temporal_xor(12, 6, seed=4)
    cv = ns.kfold(ns.zoo.elman(), X, D, k=3, epochs=2, lr=0.3, progress=False)
    assert sorted(np.concatenate(cv.folds).tolist()) == list(range(12))
    for fold, net, h, loss in zip(cv.folds, cv.nets, cv.histories, cv.val_loss, strict=True):
        assert loss == pytest.approx(ns.evaluate(net, X[fold], D[fold]).loss, rel=1e-12)
        assert loss == pytest.approx(h.val_loss[-1], rel=1e-12)
    # stratified by the last step's class
    strat = ns.kfold(ns.zoo.elman(), X, D[:, -1], k=2, stratify=True, epochs=1,
                     progress=False)
    last = D[:, -1, 0]
    for fold in strat.folds:
        assert abs(last[fold].sum() - last.sum() / 2) <= 1


def test_kfold_sequence_errors():
    X, D = temporal_xor(6, 4, seed=0)
    with pytest.raises(ns.ParameterError, match="same number"):
        ns.kfold(ns.zoo.elman(), X, D[:4], k=2)
    with pytest.raises(ns.ParameterError, match="sequence targets must have shape"):
        ns.evaluate(ns.zoo.elman(), X, D[:, :2])


def test_cli_evaluate_and_kfold_on_sequences(tmp_path, capsys):
    from _cli import run_cli

    X, D = temporal_xor(9, 5, seed=5)
    data = write_sequences(tmp_path / "t.csv", X, D)
    net = tmp_path / "elman.json"
    ns.save(ns.zoo.elman(), net)
    code, text, err = run_cli(capsys, "evaluate", net, data, "--sequence", "seq", "--json")
    assert code == 0, err
    result = json.loads(text)
    assert result["loss"] == pytest.approx(ns.evaluate(ns.zoo.elman(), X, D).loss, rel=1e-12)
    code, text, err = run_cli(capsys, "evaluate", net, data, "--sequence", "seq",
                              "--last-step")
    assert code == 0 and "sequences" in text, err
    code, _text, err = run_cli(capsys, "evaluate", net, data, "--last-step")
    assert code == 2 and "--last-step needs --sequence" in err
    out = tmp_path / "out.json"
    code, text, err = run_cli(capsys, "train", net, data, "--sequence", "seq", "--kfold", "3",
                              "--epochs", "2", "-o", out, "--json", "--no-progress")
    assert code == 0, err
    result = json.loads(text)
    cv = ns.kfold(ns.zoo.elman(), X, D, k=3, epochs=2, seed=0, progress=False)
    assert result["kfold"] == 3
    assert result["cv_val_loss"] == pytest.approx(cv.mean_loss, rel=1e-12)
