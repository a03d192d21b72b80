"""Backpropagation through time: one training step of an Elman network.

R1  An Elman (simple recurrent) network with 10 inputs, 64 tanh hidden neurons
    connected to each other and 10 identity outputs
    sequences of T = 50 steps, batch
    32, MSE at every step, one plain SGD step (forward through the 50 steps, the loss,
    BPTT, the update), float64 on the CPU.

    netsim: the training loop's step (``SequencePlan.forward``, the per-step loss,
    ``SequencePlan.backward``, ``SGD.step``) and ``ns.train(..., epochs=1)`` end to end
    (checks, the step, writing the weights back) against

    - a hand-written numpy BPTT of exactly the same network (the parallel rule:
      h_t = tanh(W x_t + U h_{t−1} + b), y_t = V h_{t−1} + c)
      its gradient is checked
      against netsim's before timing;
    - PyTorch's ``nn.RNN`` (tanh) and ``nn.Linear`` read-out with autograd and
      ``torch.optim.SGD``, float64, the same thread count.

Runs are interleaved (netsim, reference, netsim, ...), BLAS pinned to one thread when
threadpoolctl is available
each row reports the median, with min–max in the note.
``--quick``: T = 10, batch 8, fewer repeats.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np
from _harness import Result, print_results

import netsim as ns
from netsim.learn.bptt import sequence_loss, sequence_plan
from netsim.learn.losses import get_loss
from netsim.learn.optimizers import SGD

N_IN, N_HID, N_OUT = 10, 64, 10


def elman(seed: int = 0) -> ns.Network:
    net = ns.Network(name="elman 10-64-10")
    for i in range(N_IN):
        net.add_input(f"x{i}")
    for j in range(N_HID):
        net.add_neuron(f"h{j}", activation="tanh")
    for o in range(N_OUT):
        net.add_output(f"y{o}")
    xs = [f"x{i}" for i in range(N_IN)]
    hs = [f"h{j}" for j in range(N_HID)]
    conns = [(a, h, 0.0) for h in hs for a in xs + hs]
    conns += [(h, f"y{o}", 0.0) for o in range(N_OUT) for h in hs]
    net.connect_many(conns)
    ns.initialize(net, "glorot", seed=seed)
    return net


def arrays(net: ns.Network) -> list[np.ndarray]:
    """(W, U, b, V, c) of the network, copied from its compiled program."""
    prog = net.compile()
    wh = prog.weights[: N_HID * (N_IN + N_HID)].reshape(N_HID, N_IN + N_HID)
    v = prog.weights[N_HID * (N_IN + N_HID) :].reshape(N_OUT, N_HID)
    b = prog.bias[N_IN : N_IN + N_HID]
    c = prog.bias[N_IN + N_HID :]
    return [wh[:, :N_IN].copy(), wh[:, N_IN:].copy(), b.copy(), v.copy(), c.copy()]


def numpy_step(params: list[np.ndarray], x: np.ndarray, d: np.ndarray, lr: float,
               update: bool = True) -> list[np.ndarray]:
    """One SGD step of BPTT by hand; x (B, T, k), d (B, T, m); returns the gradients."""
    w, u, b, v, c = params
    batch, steps, _ = x.shape
    h = np.zeros((steps + 1, batch, N_HID))
    for t in range(1, steps + 1):
        h[t] = np.tanh(x[:, t - 1] @ w.T + h[t - 1] @ u.T + b)
    # y_t = V h_{t−1} + c (a signal needs one step per connection)
    y = h[:-1] @ v.T + c  # (T, B, m)
    e = (y - d.transpose(1, 0, 2)) / batch  # ∂E/∂y_t, E = mean_k Σ_t ½‖y − d‖²
    gv = np.einsum("tbm,tbh->mh", e, h[:-1])
    gc = e.sum(axis=(0, 1))
    gh_out = e @ v  # ∂E/∂h_{t−1} from y_t: (T, B, H)
    gw = np.zeros_like(w)
    gu = np.zeros_like(u)
    gb = np.zeros_like(b)
    carry = np.zeros((batch, N_HID))
    for t in range(steps, 0, -1):
        gh = carry + (gh_out[t] if t < steps else 0.0)  # y_{t+1} reads h_t
        gz = gh * (1.0 - h[t] ** 2)
        gw += gz.T @ x[:, t - 1]
        gu += gz.T @ h[t - 1]
        gb += gz.sum(axis=0)
        carry = gz @ u
    grads = [gw, gu, gb, gv, gc]
    if update:
        for p, g in zip(params, grads, strict=True):
            p -= lr * g
    return grads


def torch_step_factory(net: ns.Network, x: np.ndarray, d: np.ndarray, lr: float):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)  # as the BLAS of netsim and numpy
    w, u, b, v, c = arrays(net)
    rnn = torch.nn.RNN(N_IN, N_HID, nonlinearity="tanh", batch_first=True,
                       dtype=torch.float64)
    lin = torch.nn.Linear(N_HID, N_OUT, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(w))
        rnn.weight_hh_l0.copy_(torch.tensor(u))
        rnn.bias_ih_l0.copy_(torch.tensor(b))
        rnn.bias_hh_l0.zero_()
        lin.weight.copy_(torch.tensor(v))
        lin.bias.copy_(torch.tensor(c))
    opt = torch.optim.SGD([*rnn.parameters(), *lin.parameters()], lr=lr)
    tx, td = torch.tensor(x), torch.tensor(d)

    def step() -> None:
        opt.zero_grad()
        hs, _ = rnn(tx)
        loss = 0.5 * ((lin(hs) - td) ** 2).sum() / len(tx)
        loss.backward()
        opt.step()

    return step, torch


def interleaved(fns: list, repeat: int) -> list[list[float]]:
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - start)
    return times


def note(ts: list[float]) -> str:
    return f"min {min(ts):.4f} max {max(ts):.4f}"


def main(quick: bool = False) -> None:
    steps, batch = (10, 8) if quick else (50, 32)
    repeat = 5 if quick else 15
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, steps, N_IN))
    d = rng.normal(size=(batch, steps, N_OUT))
    lr = 0.01
    net = elman()
    prog = net.compile()
    plan = sequence_plan(net)
    weights, bias = prog.weights.copy(), prog.bias.copy()
    loss = get_loss("mse")
    ctx = loss.prepare(prog)
    opt = SGD(lr=lr)

    # the reference computes the same gradient
    g = ns.gradient(net, x, d).vector
    ref = numpy_step(arrays(net), x, d, lr, update=False)
    n_w = N_HID * (N_IN + N_HID)
    ref_w = np.concatenate([np.concatenate([ref[0], ref[1]], axis=1).ravel(), ref[3].ravel()])
    gw_ns = np.empty(prog.n_connections)
    gb_ns = np.zeros(prog.n_neurons)
    gw_ns[:], gb_ns[:] = prog.split_configuration(g)
    assert np.allclose(gw_ns[:n_w], ref_w[:n_w], atol=1e-10)
    assert np.allclose(gw_ns[n_w:], ref_w[n_w:], atol=1e-10)
    assert np.allclose(gb_ns[N_IN : N_IN + N_HID], ref[2], atol=1e-10)

    def ours() -> None:
        tape = plan.forward(x, weights, bias)
        _value, grads = sequence_loss(loss, ctx, tape, d, "mean")
        gw, gb = plan.backward(tape, grads, weights)
        opt.step([weights, bias], [gw, gb])

    params = arrays(net)
    train_net = elman()

    def end_to_end() -> None:
        ns.train(train_net, x, d, lr=lr, epochs=1, batch_size=None, shuffle=False,
                 progress=False)

    fns = [ours, lambda: numpy_step(params, x, d, lr), end_to_end]
    torch_part = torch_step_factory(net, x, d, lr)
    if torch_part is not None:
        fns.append(torch_part[0])
    for fn in fns:  # warm up
        fn()
    times = interleaved(fns, repeat)
    med = [statistics.median(t) for t in times]
    results = [
        Result(f"R1 Elman BPTT step (T={steps}, B={batch})", med[0], med[1],
               "hand-written numpy BPTT", target=0.5,
               note=f"netsim {note(times[0])}; numpy {note(times[1])}"),
        Result("R1 Elman ns.train(epochs=1) end to end", med[2], med[1],
               "hand-written numpy BPTT", target=0.5,
               note=f"netsim {note(times[2])}; includes checks and writing back"),
    ]
    if torch_part is not None:
        torch = torch_part[1]
        results.append(Result("R1 Elman BPTT step vs PyTorch nn.RNN", med[0], med[3],
                              "PyTorch nn.RNN float64", target=0.5,
                              note=f"torch {torch.__version__}, {torch.get_num_threads()} "
                                   f"threads; torch {note(times[3])}"))
    print_results("bptt: one training step of an Elman network (seconds, medians)", results)


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
