"""Backpropagation through time: gradients against PyTorch autograd on the explicitly
unrolled graph, hand computations, truncation, clipping, learning a sequence task."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns


def simple_rnn(n_in: int, n_hidden: int, n_out: int, seed: int = 0, *,
               output: str = "sigmoid", density: float = 1.0) -> ns.Network:
    """x → tanh hidden (recurrent among themselves) → output; random weights."""
    rng = np.random.default_rng(seed)
    net = ns.Network(name="rnn")
    for i in range(n_in):
        net.add_input(f"x{i}")
    for j in range(n_hidden):
        net.add_neuron(f"h{j}", activation="tanh", bias=float(rng.normal(0, 0.3)))
    for o in range(n_out):
        net.add_output(f"y{o}", activation=output, bias=float(rng.normal(0, 0.3)))
    conns = []
    for j in range(n_hidden):
        conns += [(f"x{i}", f"h{j}", float(rng.normal(0, 0.8))) for i in range(n_in)]
        conns += [(f"h{k}", f"h{j}", float(rng.normal(0, 0.5))) for k in range(n_hidden)
                  if rng.random() < density]
    for o in range(n_out):
        conns += [(f"h{j}", f"y{o}", float(rng.normal(0, 0.8))) for j in range(n_hidden)]
    net.connect_many(conns)
    return net


def torch_gradient(net, X, D, loss="mse", reduction="mean", window=None):
    """The loss and configuration gradient by torch autograd on the unrolled graph."""
    torch = pytest.importorskip("torch")
    prog = net.compile()
    n = prog.n_neurons
    targets = np.repeat(np.arange(n), prog.in_degree)
    w = torch.tensor(prog.weights, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(prog.bias, dtype=torch.float64, requires_grad=True)
    W = torch.zeros((n, n), dtype=torch.float64).index_put(
        (torch.tensor(targets), torch.tensor(prog.sources.astype(np.int64))), w)
    acts = [prog.activations[k].name for k in prog.activation_ids]
    computed = torch.tensor(prog.has_input & ~np.isin(np.arange(n), prog.inputs))
    inputs = list(prog.inputs)
    outputs = list(prog.outputs)
    X = torch.tensor(np.asarray(X, dtype=float))
    D = torch.tensor(np.asarray(D, dtype=float))
    batch, steps, _ = X.shape
    S = torch.tensor(prog.initial, dtype=torch.float64).repeat(batch, 1)
    S = S.clone()
    S[:, inputs] = X[:, 0]
    total = torch.zeros((), dtype=torch.float64)
    for t in range(1, steps + 1):
        if window is not None and (steps - t + 1) % window == 0:
            S = S.detach()  # the window's starting state: a constant
        xi = S @ W.T + b
        cols = []
        for j in range(n):
            a = acts[j]
            z = xi[:, j]
            cols.append({"tanh": torch.tanh, "sigmoid": torch.sigmoid,
                         "identity": lambda v: v}[a](z) if a != "softmax" else None)
        soft = [j for j in range(n) if acts[j] == "softmax"]
        if soft:
            sm = torch.softmax(xi[:, soft], dim=1)
            for k, j in enumerate(soft):
                cols[j] = sm[:, k]
        Y = torch.stack(cols, dim=1)
        S = torch.where(computed, Y, S)
        y = S[:, outputs]
        if D.ndim == 3 or t == steps:
            d = D[:, t - 1] if D.ndim == 3 else D
            if loss == "mse":
                e = 0.5 * ((y - d) ** 2).sum(dim=1)
            elif loss == "binary_cross_entropy":
                e = -(d * torch.log(y) + (1 - d) * torch.log(1 - y)).sum(dim=1)
            else:
                e = -(d * torch.log(y)).sum(dim=1)
            total = total + (e.mean() if reduction == "mean" else e.sum())
        if t < steps:
            S = S.clone()
            S[:, inputs] = X[:, t]
    total.backward()
    vec = prog.configuration_vector(w.grad.numpy(), b.grad.numpy() * (prog.bias_slots >= 0))
    return float(total.detach()), vec


def sequences(batch, steps, k, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, steps, k))


@pytest.mark.parametrize("targets", ["per step", "at the end"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_elman_gradient_equals_torch_autograd(targets, reduction):
    net = ns.zoo.elman()
    X = sequences(3, 7, 1)
    rng = np.random.default_rng(1)
    D = rng.random((3, 7, 1)) if targets == "per step" else rng.random((3, 1))
    g = ns.gradient(net, X, D, reduction=reduction)
    value, ref = torch_gradient(net, X, D, reduction=reduction)
    assert g.loss == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(g.vector, ref, rtol=0, atol=1e-8)
    assert np.abs(ref).max() > 1e-3  # a real gradient, not zeros


def test_jordan_gradient_equals_torch_autograd():
    """A Jordan network (the output fed back through a decaying state unit)."""
    net = ns.zoo.jordan()
    X = sequences(3, 6, 1, seed=5)
    D = np.random.default_rng(6).random((3, 6, 1))
    g = ns.gradient(net, X, D)
    value, ref = torch_gradient(net, X, D)
    assert g.loss == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(g.vector, ref, rtol=0, atol=1e-8)
    assert np.abs(ref).max() > 1e-3


@pytest.mark.parametrize("loss, output", [("mse", "identity"),
                                          ("binary_cross_entropy", "sigmoid"),
                                          ("cross_entropy", "softmax")])
@pytest.mark.parametrize("density", [1.0, 0.3])  # dense and sparse recurrent blocks
def test_random_recurrent_gradients_equal_torch(loss, output, density):
    net = simple_rnn(2, 5, 3, seed=4, output=output, density=density)
    X = sequences(4, 9, 2, seed=2)
    rng = np.random.default_rng(3)
    if loss == "cross_entropy":
        D = np.eye(3)[rng.integers(0, 3, size=(4, 9))]
    else:
        D = rng.random((4, 9, 3))
    g = ns.gradient(net, X, D, loss=loss)
    value, ref = torch_gradient(net, X, D, loss=loss)
    assert g.loss == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(g.vector, ref, rtol=0, atol=1e-8)


@pytest.mark.parametrize("window", [1, 2, 3, 20])
def test_truncated_bptt_equals_torch_with_detached_window_starts(window):
    net = simple_rnn(1, 4, 1, seed=7)
    X = sequences(2, 8, 1, seed=5)
    D = np.random.default_rng(6).random((2, 8, 1))
    g = ns.gradient(net, X, D, bptt_window=window)
    _value, ref = torch_gradient(net, X, D, window=window)
    np.testing.assert_allclose(g.vector, ref, rtol=0, atol=1e-8)
    full = ns.gradient(net, X, D).vector
    if window >= 8:
        np.testing.assert_array_equal(g.vector, full)
    else:
        assert not np.allclose(g.vector, full)


def test_hand_computed_two_steps():
    # y_t = 0.5 + 2 x_t + 0.5 y_{t−1}, identity, y_0 = 0
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", bias=0.5)
    net.connect("x", "y", 2.0)
    net.connect("y", "y", 0.5)
    X = [[[1.0], [3.0]]]
    D = [[[1.0], [2.0]]]
    y1 = 0.5 + 2 * 1 + 0.5 * 0  # 2.5
    y2 = 0.5 + 2 * 3 + 0.5 * y1  # 7.75
    e1, e2 = y1 - 1, y2 - 2
    g = ns.gradient(net, X, D)
    assert g.loss == pytest.approx(0.5 * e1**2 + 0.5 * e2**2, abs=1e-14)
    # ∂y2/∂w_yy = y1 + 0.5·∂y1/∂w_yy = y1; ∂y1/∂w_yy = y0 = 0
    assert g[("y", "y")] == pytest.approx(e2 * y1, abs=1e-12)
    assert g[("x", "y")] == pytest.approx(e1 * 1 + e2 * (3 + 0.5 * 1), abs=1e-12)
    assert g["y"] == pytest.approx(e1 + e2 * (1 + 0.5), abs=1e-12)


def test_constant_input_matches_the_parallel_run():
    net = ns.zoo.elman()
    x = np.array([[0.4], [-1.0]])
    steps = 6
    prog = net.compile()
    from netsim.learn.bptt import sequence_plan

    tape = sequence_plan(net).forward(np.repeat(x[:, None, :], steps, axis=1),
                                      prog.weights, prog.bias)
    run = net.run(x, rule="parallel", steps=steps)
    np.testing.assert_allclose(tape.outputs[-1], run.output, rtol=0, atol=1e-15)


def test_batch_is_the_sum_of_single_sequences():
    net = simple_rnn(2, 3, 2, seed=1, output="identity")
    X = sequences(5, 6, 2, seed=9)
    D = np.random.default_rng(9).random((5, 6, 2))
    whole = ns.gradient(net, X, D, reduction="sum").vector
    parts = sum(ns.gradient(net, X[k : k + 1], D[k : k + 1], reduction="sum").vector
                for k in range(5))
    np.testing.assert_allclose(whole, parts, rtol=1e-12, atol=1e-13)


def test_finite_differences():
    net = simple_rnn(1, 3, 1, seed=2)
    X = sequences(2, 5, 1, seed=1)
    D = np.random.default_rng(2).random((2, 5, 1))
    g = ns.gradient(net, X, D).vector
    w0 = net.get_weights()
    num = np.empty_like(w0)
    for k in range(len(w0)):
        losses = []
        for step in (1e-6, -1e-6):
            w = w0.copy()
            w[k] += step
            net.set_weights(w)
            losses.append(ns.gradient(net, X, D).loss)
        num[k] = (losses[0] - losses[1]) / 2e-6
    net.set_weights(w0)
    np.testing.assert_allclose(g, num, atol=1e-7)


def test_clipping_scales_the_step_to_the_norm():
    net = simple_rnn(1, 3, 1, seed=3, output="identity")
    X = sequences(2, 5, 1, seed=4) * 3
    D = np.full((2, 1), 5.0)
    g = ns.gradient(net, X, D).vector
    norm = float(np.linalg.norm(g))
    assert norm > 0.5
    w0 = net.get_weights()
    ns.train(net, X, D, lr=0.1, epochs=1, batch_size=None, clip=0.5, progress=False)
    np.testing.assert_allclose(net.get_weights(), w0 - 0.1 * g * 0.5 / norm, atol=1e-13)
    net.set_weights(w0)
    ns.train(net, X, D, lr=0.1, epochs=1, batch_size=None, clip=10 * norm, progress=False)
    np.testing.assert_allclose(net.get_weights(), w0 - 0.1 * g, atol=1e-13)


def test_one_training_step_is_one_sgd_step_on_the_bptt_gradient():
    net = ns.zoo.elman()
    X = sequences(4, 5, 1, seed=8)
    D = np.random.default_rng(8).random((4, 5, 1))
    g = ns.gradient(net, X, D, bptt_window=2).vector
    w0 = net.get_weights()
    ns.train(net, X, D, lr=0.3, epochs=1, batch_size=None, bptt_window=2, progress=False)
    np.testing.assert_allclose(net.get_weights(), w0 - 0.3 * g, atol=1e-13)


def temporal_xor(n_seq: int, steps: int, seed: int):
    """Random bits; the target at step t is x_{t−1} XOR x_{t−2} (a signal needs one
    step to reach the hidden layer and one more to reach the output)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(n_seq, steps)).astype(float)
    prev1 = np.concatenate([np.zeros((n_seq, 1)), x[:, :-1]], axis=1)
    prev2 = np.concatenate([np.zeros((n_seq, 2)), x[:, :-2]], axis=1)
    return x[:, :, None], np.logical_xor(prev1, prev2).astype(float)[:, :, None]


def test_elman_network_learns_temporal_xor():
    X, D = temporal_xor(64, 12, seed=0)
    net = simple_rnn(1, 8, 1, seed=1)
    before = ns.gradient(net, X, D, loss="binary_cross_entropy").loss
    h = ns.train(net, X, D, loss="binary_cross_entropy", optimizer="adam", lr=0.03,
                 epochs=150, batch_size=16, clip=5.0, seed=0, progress=False)
    assert h.loss[-1] < 0.2 * before
    Xt, Dt = temporal_xor(32, 12, seed=99)
    from netsim.learn.bptt import sequence_plan

    prog = net.compile()
    y = sequence_plan(net).forward(Xt, prog.weights, prog.bias).outputs  # (T, B, 1)
    pred = (y.transpose(1, 0, 2) >= 0.5)[:, 2:]
    assert np.mean(pred == (Dt[:, 2:] >= 0.5)) > 0.95
    assert h.metrics["accuracy"][-1] > 0.9


def test_training_is_seeded():
    X, D = temporal_xor(16, 6, seed=0)
    a, b = simple_rnn(1, 4, 1, seed=1), simple_rnn(1, 4, 1, seed=1)
    for net in (a, b):
        ns.train(net, X, D, epochs=3, batch_size=4, seed=2, dropout=0.5, progress=False)
    np.testing.assert_array_equal(a.get_weights(), b.get_weights())


def test_validation_on_sequences():
    X, D = temporal_xor(20, 6, seed=0)
    net = simple_rnn(1, 4, 1, seed=1)
    h = ns.train(net, X, D, epochs=3, validation=(X[:5], D[:5]), progress=False,
                 metrics="accuracy")
    assert len(h.val_loss) == 3 and len(h.val_metrics["accuracy"]) == 3
    with pytest.raises(ns.ParameterError, match="validation inputs must be sequences"):
        ns.train(net, X, D, validation=(X[:5, 0], D[:5, 0]), progress=False)


@pytest.mark.parametrize("X, D, message", [
    (np.zeros((2, 3, 2)), np.zeros((2, 3, 1)), r"sequence inputs must have shape \(B, T, 1\)"),
    (np.zeros((2, 3, 1)), np.zeros((2, 4, 1)), r"sequence targets must have shape \(2, 3, 1\)"),
    (np.zeros((2, 3, 1)), np.zeros((3, 1)), r"or \(2, 1\) \(the last step only\)"),
    (np.zeros((0, 3, 1)), np.zeros((0, 1)), "no sequences given"),
    (np.full((1, 2, 1), np.nan), np.zeros((1, 1)), r"sequence inputs at \(0, 0, 0\) is not"),
])
def test_bad_sequences_are_one_clear_error(X, D, message):
    with pytest.raises(ns.ParameterError, match=message):
        ns.train(ns.zoo.elman(), X, D, progress=False)


def test_bad_window_and_clip():
    X, D = np.zeros((1, 3, 1)), np.zeros((1, 1))
    for bad in (0, -1, 1.5, "2", True):
        with pytest.raises(ns.ParameterError, match="bptt_window must be a positive number"):
            ns.train(ns.zoo.elman(), X, D, bptt_window=bad, progress=False)
    for bad in (0, -1.0, float("inf"), "1", True):
        with pytest.raises(ns.ParameterError, match="clip must be a number > 0"):
            ns.train(ns.zoo.elman(), X, D, clip=bad, progress=False)
    with pytest.raises(ns.ParameterError, match="bptt_window is for sequence data"):
        ns.train(ns.mlp("1-1", seed=0), [[0.0]], [[0.0]], bptt_window=2, progress=False)
    with pytest.raises(ns.ParameterError, match="bptt_window is for sequence data"):
        ns.gradient(ns.mlp("1-1", seed=0), [[0.0]], [[0.0]], bptt_window=2)


def test_step_neurons_on_a_path_cannot_be_trained_through_time():
    net = ns.zoo.elman()
    net.set_neuron("h2", activation="step")
    with pytest.raises(ns.NotDifferentiableError, match="'h2' has the non-differentiable"):
        ns.train(net, np.zeros((1, 3, 1)), np.zeros((1, 1)), progress=False)


def test_flat_data_on_a_recurrent_network_says_to_give_sequences():
    with pytest.raises(ns.CycleError, match=r"training recurrent networks takes sequences "
                       r"\(backpropagation through time\): inputs of shape \(B, T, 1\)"):
        ns.train(ns.zoo.elman(), [[0.0]], [[0.0]], progress=False)


def write_sequences(path, X, D, ids=None):
    lines = ["seq,x,y"]
    for k in range(len(X)):
        name = ids[k] if ids else f"s{k}"
        lines += [f"{name},{X[k, t, 0]:g},{D[k, t, 0]:g}" for t in range(X.shape[1])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_trains_an_elman_network_on_sequences(tmp_path, capsys):
    import json

    from _cli import run_cli

    X, D = temporal_xor(12, 8, seed=0)
    data = write_sequences(tmp_path / "txor.csv", X, D)
    net = tmp_path / "elman.json"
    ns.save(ns.zoo.elman(), net)
    out = tmp_path / "out.json"
    args = ("train", net, data, "--sequence", "seq", "-o", out, "--epochs", "4",
            "--batch-size", "4", "--bptt-window", "3", "--clip", "2", "--lr", "0.2",
            "--no-progress", "--json")
    code, text, err = run_cli(capsys, *args)
    assert code == 0, err
    result = json.loads(text)
    assert result["sequences"] == 12 and result["epochs"] == 4
    # the same training in Python gives the same network
    py = ns.zoo.elman()
    h = ns.train(py, X, D, epochs=4, batch_size=4, bptt_window=3, clip=2.0, lr=0.2,
                 progress=False)
    np.testing.assert_array_equal(ns.load(out).get_weights(), py.get_weights())
    assert result["loss"] == pytest.approx(h.loss[-1], rel=1e-12)
    # targets at the last step only
    code, text, err = run_cli(capsys, "train", net, data, "--sequence", "seq", "--last-step",
                              "-o", out, "--epochs", "2", "--json", "--no-progress")
    assert code == 0, err
    py = ns.zoo.elman()
    ns.train(py, X, D[:, -1], epochs=2, progress=False)
    np.testing.assert_array_equal(ns.load(out).get_weights(), py.get_weights())


@pytest.mark.parametrize("extra, message", [
    ((), "the network is recurrent (it has the cycle"),
    (("--last-step",), "--last-step needs --sequence COLUMN"),
    (("--sequence", "nope"), "no column"),
])
def test_cli_sequence_errors_are_one_line(tmp_path, capsys, extra, message):
    from _cli import run_cli

    X, D = temporal_xor(3, 4, seed=0)
    data = write_sequences(tmp_path / "t.csv", X, D)
    net = tmp_path / "elman.json"
    ns.save(ns.zoo.elman(), net)
    code, _out, err = run_cli(capsys, "train", net, data, "-o", tmp_path / "o.json", *extra)
    assert code == 2 and len(err.splitlines()) == 1, err
    assert message in err


def test_cli_sequences_of_different_lengths(tmp_path, capsys):
    from _cli import run_cli

    data = tmp_path / "t.csv"
    data.write_text("seq,x,y\na,0,0\na,1,1\nb,1,1\n", encoding="utf-8")
    net = tmp_path / "elman.json"
    ns.save(ns.zoo.elman(), net)
    code, _out, err = run_cli(capsys, "train", net, data, "--sequence", "seq", "-o",
                              tmp_path / "o.json")
    assert code == 2
    assert "sequence 'b' has 1 steps but sequence 'a' has 2" in err
