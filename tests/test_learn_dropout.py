"""Dropout as the course defines it: one step with a fixed mask by hand, only kept
neurons updated, inverted dropout vs weight scaling in expectation, seeding, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import netsim as ns
from netsim.learn import dropout as dropout_mod
from netsim.learn.backprop import get_plan


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def small_net():
    """x1, x2 → sigmoid h1, h2 → identity y."""
    net = ns.Network(name="drop")
    net.add_input("x1")
    net.add_input("x2")
    net.add_neuron("h1", activation="sigmoid", bias=0.1)
    net.add_neuron("h2", activation="sigmoid", bias=-0.3)
    net.add_output("y", bias=0.2)
    net.connect_many([("x1", "h1", 0.5), ("x2", "h1", -0.4), ("x1", "h2", 0.3),
                      ("x2", "h2", 0.8), ("h1", "y", 1.2), ("h2", "y", -0.7)])
    return net


def fix_mask(monkeypatch, kept):
    monkeypatch.setattr(dropout_mod.Dropout, "draw", lambda self: np.array(kept, dtype=bool))


def test_one_step_with_a_fixed_mask_by_hand(monkeypatch):
    fix_mask(monkeypatch, [True, False])  # h1 kept, h2 dropped
    net = small_net()
    x, d, lr, p = np.array([1.0, 2.0]), 0.3, 0.5, 0.5
    ns.train(net, [x], [[d]], lr=lr, epochs=1, batch_size=1, dropout=p, progress=False)
    xi1 = 0.1 + 0.5 * 1.0 - 0.4 * 2.0
    s1 = sig(xi1)
    h1 = s1 / p  # inverted dropout: the kept output divided by p; h2 = 0
    y = 0.2 + 1.2 * h1
    e = y - d  # ∂E/∂y of E = ½(y − d)²
    g_xi1 = e * 1.2 * (1.0 / p) * s1 * (1 - s1)
    expect = {
        ("h1", "y"): 1.2 - lr * e * h1,
        ("h2", "y"): -0.7,  # the dropped neuron's outgoing weight: unchanged
        "y": 0.2 - lr * e,
        ("x1", "h1"): 0.5 - lr * g_xi1 * 1.0,
        ("x2", "h1"): -0.4 - lr * g_xi1 * 2.0,
        "h1": 0.1 - lr * g_xi1,
        ("x1", "h2"): 0.3, ("x2", "h2"): 0.8, "h2": -0.3,  # dropped: unchanged
    }
    for key, value in expect.items():
        got = net.neuron(key).bias if isinstance(key, str) else net.weight(*key)
        assert got == pytest.approx(value, abs=1e-14), key


@pytest.mark.parametrize("opts", [
    {"optimizer": "momentum"}, {"optimizer": "adam"}, {"weight_decay": 0.1},
    {"multiplicative_decay": 0.2, "decay_biases": True},
])
def test_dropped_neurons_are_left_unchanged_by_every_optimizer(monkeypatch, opts):
    fix_mask(monkeypatch, [False, True])  # h1 dropped in every step
    net = small_net()
    before = {k: net.weight(*k) for k in [("x1", "h1"), ("x2", "h1"), ("h1", "y")]}
    ns.train(net, [[1, 2], [0, 1]], [[0.3], [0.1]], epochs=3, batch_size=1, dropout=0.5,
             progress=False, **opts)
    for k, v in before.items():
        assert net.weight(*k) == v
    assert net.neuron("h1").bias == 0.1
    assert net.weight("x1", "h2") != 0.3  # the kept neuron learns


def test_keep_probability_one_is_plain_training():
    a, b = small_net(), small_net()
    X, D = [[1, 2], [0, 1], [2, 0]], [[0.3], [0.1], [0.5]]
    ns.train(a, X, D, epochs=5, batch_size=2, progress=False)
    ns.train(b, X, D, epochs=5, batch_size=2, dropout=1.0, progress=False)
    np.testing.assert_array_equal(a.get_weights(), b.get_weights())


def test_seeded_masks_are_reproducible_and_differ_by_seed():
    X = np.random.default_rng(0).normal(size=(40, 2))
    D = X[:, :1] * 0.5
    nets = [ns.mlp("2-8-1", seed=1) for _ in range(3)]
    for net, seed in zip(nets, [5, 5, 6], strict=True):
        ns.train(net, X, D, epochs=3, batch_size=8, dropout=0.5, seed=seed, progress=False)
    np.testing.assert_array_equal(nets[0].get_weights(), nets[1].get_weights())
    assert not np.array_equal(nets[0].get_weights(), nets[2].get_weights())


def test_inverted_dropout_and_weight_scaling_agree_in_expectation():
    """Average over every mask (weighted by its probability) of the output potential:
    inverted masks {0, 1/p} give the plain network's
    masks {0, 1} give the network
    whose droppable neurons' outgoing weights are scaled by p (the course's form)."""
    net = ns.mlp("2-3-1", activation="tanh", output_activation="identity", seed=4)
    prog = net.compile()
    plan = get_plan(net)
    x = np.array([[0.3, -1.2], [1.0, 0.5]])
    p = 0.7
    hidden = dropout_mod.Dropout(prog, [st.targets for st in plan.stages], p)
    assert len(hidden.neurons) == 3
    inv_avg = np.zeros((1, 2))
    raw_avg = np.zeros((1, 2))
    for bits in itertools.product([False, True], repeat=3):
        kept = np.array(bits)
        prob = np.prod(np.where(kept, p, 1 - p))
        _, xis = plan.forward(x, prog.weights, prog.bias, masks=hidden.masks(kept))
        inv_avg += prob * xis[plan.outputs]
        raw = [None if m is None else m * p for m in hidden.masks(kept)]  # {0, 1}
        _, xis = plan.forward(x, prog.weights, prog.bias, masks=raw)
        raw_avg += prob * xis[plan.outputs]
    _, plain = plan.forward(x, prog.weights, prog.bias)
    np.testing.assert_allclose(inv_avg, plain[plan.outputs], atol=1e-14)
    scaled = net.copy()
    for h in ("h1_1", "h1_2", "h1_3"):
        scaled.set_weight(h, "y1", scaled.weight(h, "y1") * p)
    sp = scaled.compile()
    _, xis = get_plan(scaled).forward(x, sp.weights, sp.bias)
    np.testing.assert_allclose(raw_avg, xis[plan.outputs], atol=1e-14)


def test_dropout_regularises_a_noisy_problem_deterministically():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    D = ((X[:, 0] * X[:, 1] > 0) ^ (rng.random(60) < 0.2)).astype(float)[:, None]
    net = ns.mlp("2-16-1", activation="tanh", output_activation="sigmoid", seed=0)
    h = ns.train(net, X, D, loss="binary_cross_entropy", lr=0.5, epochs=30, batch_size=10,
                 dropout=0.5, seed=3, progress=False)
    assert h.loss[-1] < h.loss[0]


@pytest.mark.parametrize("bad", [0, 0.0, -0.5, 1.5, float("nan"), "half", True])
def test_bad_keep_probability(bad):
    with pytest.raises(ns.ParameterError, match=r"dropout must be the keep probability p "
                       r"in \(0, 1\]"):
        ns.train(small_net(), [[1, 2]], [[0.3]], dropout=bad, progress=False)


def test_bad_dropout_neurons():
    with pytest.raises(ns.NeuronNotFoundError, match="dropout_neurons: the network has no "
                       "neuron 'zz'"):
        ns.train(small_net(), [[1, 2]], [[0.3]], dropout=0.5, dropout_neurons=["zz"],
                 progress=False)
    with pytest.raises(ns.ParameterError, match="neuron 'x1' has no incoming connection"):
        ns.train(small_net(), [[1, 2]], [[0.3]], dropout=0.5, dropout_neurons=["x1"],
                 progress=False)
    with pytest.raises(ns.ParameterError, match="dropout_neurons needs dropout"):
        ns.train(small_net(), [[1, 2]], [[0.3]], dropout_neurons=["h1"], progress=False)


def test_dropout_neurons_may_name_the_output_layer(monkeypatch):
    fix_mask(monkeypatch, [False])
    net = small_net()
    ns.train(net, [[1, 2]], [[0.3]], epochs=1, dropout=0.5, dropout_neurons=["y"],
             progress=False, lr=0.1)
    assert net.neuron("y").bias == 0.2 and net.weight("h1", "y") == 1.2


def test_cli_train_with_dropout(tmp_path, capsys):
    import json

    from _cli import run_cli

    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    rows = ["x1,x2,y"] + [f"{a:.6f},{b:.6f},{int(a * b > 0)}" for a, b in X]
    data = tmp_path / "d.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    net = tmp_path / "n.json"
    ns.save(ns.mlp("2-6-1", activation="tanh", output_activation="sigmoid", seed=0), net)
    out = tmp_path / "o.json"
    args = ("train", net, data, "-o", out, "--epochs", "5", "--dropout", "0.5", "--json",
            "--no-progress")
    code, text, err = run_cli(capsys, *args)
    assert code == 0, err
    first = ns.load(out).get_weights()
    assert json.loads(text)["epochs"] == 5
    code, text, err = run_cli(capsys, *args)  # seeded: the same masks
    np.testing.assert_array_equal(ns.load(out).get_weights(), first)
    code, _o, err = run_cli(capsys, "train", net, data, "-o", out, "--dropout", "0")
    assert code == 2 and len(err.splitlines()) == 1 and "keep probability in (0, 1]" in err
