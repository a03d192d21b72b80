"""Training speed: netsim against hand-written numpy / scipy programs doing the same work.

T1  MLP 784-128-64-10, sigmoid hidden units, softmax output with cross-entropy,
    minibatch 64, plain SGD, one epoch over 8192 synthetic samples, in float64 and
    float32. ``ns.train(..., epochs=1, dtype=...)`` end to end (checks, epoch, writing
    the weights back) against a hand-written numpy epoch and PyTorch CPU at the same
    precision, interleaved (medians, min-max); ``ns.gradient`` on one minibatch
    against its own forward + loss + backward.
T2  Training steps on the sparse DAG of S1 (100 inputs, 20,000 hidden, 10 outputs,
    sigmoid, each non-input neuron has 10 random predecessors among the earlier
    neurons, batch 256, MSE, SGD): netsim's forward + backward + update against a
    hand-written scipy CSR level-by-level program.

``--quick`` shrinks both (T1: 1024 samples; T2: 2,000 hidden, batch 64).
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import scipy.sparse as sp
from _harness import Result, best_time, measure, print_results
from scipy.special import expit

import netsim as ns
from netsim.learn.backprop import get_plan
from netsim.learn.losses import get_loss
from netsim.learn.optimizers import SGD

# --- T1: MLP ---------------------------------------------------------------------------


def _mlp_arrays(net):
    """(W1, b1, W2, b2, W3, b3) of an MLP built by ns.mlp, from its program."""
    prog = net.compile()
    sizes = [len(layer) for layer in net.layers()]
    out, pos, first = [], 0, sizes[0]
    start = first
    for fan_in, fan_out in itertools.pairwise(sizes):
        w = prog.weights[pos : pos + fan_in * fan_out].reshape(fan_out, fan_in).copy()
        b = prog.bias[start : start + fan_out].copy()
        out += [w, b]
        pos += fan_in * fan_out
        start += fan_out
    return out


def epoch_order(n: int) -> np.ndarray:
    """The minibatch order of one epoch: ``ns.train(..., seed=0)`` draws its first
    permutation from ``np.random.default_rng(0)``; the references use the same one."""
    return np.random.default_rng(0).permutation(n)


def numpy_epoch(params, x, d, lr, batch):
    """One epoch of minibatch SGD, written by hand as a competent numpy user would
    (same maths and batch order as netsim): forward, the loss (log-softmax),
    backward, the SGD update."""
    w1, b1, w2, b2, w3, b3 = params
    n = len(x)
    perm = epoch_order(n)
    total = 0.0
    for lo in range(0, n, batch):
        idx = perm[lo : lo + batch]
        xb, db = x[idx], d[idx]
        m = len(idx)
        a1 = expit(xb @ w1.T + b1)
        a2 = expit(a1 @ w2.T + b2)
        z3 = a2 @ w3.T + b3
        z3 -= z3.max(axis=1, keepdims=True)
        e = np.exp(z3)
        s = e.sum(axis=1, keepdims=True)
        total -= float(np.sum(db * (z3 - np.log(s))))
        g3 = (e / s - db) / m
        g2 = (g3 @ w3) * a2 * (1 - a2)
        g1 = (g2 @ w2) * a1 * (1 - a1)
        w3 -= lr * (g3.T @ a2)
        b3 -= lr * g3.sum(axis=0)
        w2 -= lr * (g2.T @ a1)
        b2 -= lr * g2.sum(axis=0)
        w1 -= lr * (g1.T @ xb)
        b1 -= lr * g1.sum(axis=0)
    return total / n


def torch_epoch_factory(params, x, d, lr, batch, dtype="float64"):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)  # as BLAS on the other side (benchmarks/_harness.py)
    tdt = torch.float32 if dtype == "float32" else torch.float64
    tw = [torch.tensor(p, dtype=tdt, requires_grad=True) for p in params]
    tx, td = torch.tensor(x, dtype=tdt), torch.tensor(d, dtype=tdt)

    def epoch():
        perm = torch.from_numpy(epoch_order(len(tx)))
        for lo in range(0, len(tx), batch):
            idx = perm[lo : lo + batch]
            xb, db = tx[idx], td[idx]
            a1 = torch.sigmoid(xb @ tw[0].T + tw[1])
            a2 = torch.sigmoid(a1 @ tw[2].T + tw[3])
            z3 = a2 @ tw[4].T + tw[5]
            loss = -(db * torch.log_softmax(z3, dim=1)).sum() / len(idx)
            for p in tw:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in tw:
                    p -= lr * p.grad

    return epoch


def bench_t1(quick: bool) -> list[Result]:
    """T1 in float64 and float32: ``ns.train`` end to end against a hand-written numpy
    epoch and PyTorch at the same precision, interleaved (medians, min-max); and
    ``ns.gradient`` against its own forward + loss + backward passes."""
    n = 1024 if quick else 8192
    rng = np.random.default_rng(0)
    x64 = rng.normal(size=(n, 784))
    d64 = np.eye(10)[rng.integers(0, 10, size=n)]
    net = ns.mlp([784, 128, 64, 10], activation="sigmoid", output_activation="softmax",
                 seed=0, dtype="float32")  # the same starting numbers in both precisions
    lr, batch = 0.1, 64
    repeat = 3 if quick else 7
    results = []
    for dt in ("float64", "float32"):
        x, d = x64.astype(dt), d64.astype(dt)
        params = [p.astype(dt) for p in _mlp_arrays(net)]

        def ours(x=x, d=d, dt=dt):
            ns.train(net, x, d, loss="cross_entropy", optimizer="sgd", lr=lr, epochs=1,
                     batch_size=batch, progress=False, seed=0, metrics=(), dtype=dt)

        def numpy_ref(params=params, x=x, d=d):
            numpy_epoch(params, x, d, lr, batch)

        results.append(measure(
            f"T1 ns.train(epochs=1) end to end, {dt}", ours, numpy_ref,
            f"hand-written numpy epoch {dt}", target=0.97, higher_is_better=True,
            repeat=repeat, number=1, note=f"{n} samples, checks and write-back included"))
        epoch = torch_epoch_factory(params, x, d, lr, batch, dt)
        if epoch is None:
            results.append(Result(f"T1 end to end vs PyTorch {dt}", results[-1].ours, None,
                                  "PyTorch (not installed)", target=1.2))
        else:
            import torch

            results.append(measure(
                f"T1 end to end vs PyTorch {dt}", ours, epoch, f"PyTorch CPU {dt}",
                target=1.2, higher_is_better=True, repeat=repeat, number=1,
                note=f"torch {torch.__version__}, {torch.get_num_threads()} threads"))
    results.append(bench_gradient(net, x64[:batch], d64[:batch], repeat))
    return results


def bench_gradient(net, x, d, repeat: int) -> Result:
    """``ns.gradient`` on one minibatch against the passes it runs, called directly
    on the backprop plan with its work arrays (forward without the output softmax,
    the cross-entropy from the potentials, backward): the cost of the call itself
    (checks, the result's arrays and its configuration vector)."""
    plan = get_plan(net)
    prog = net.compile()
    loss = get_loss("cross_entropy")
    ctx = loss.prepare(prog)

    def ours():
        ns.gradient(net, x, d, loss="cross_entropy")

    def passes():
        state, xis = plan.forward(x, prog.weights, prog.bias, reuse=True, final=False)
        _v, gy, gxi, _y = plan.loss(loss, ctx, state, xis, d, final=False)
        plan.backward(state, xis, gy, gxi, prog.weights, reuse=True)

    return measure("ns.gradient (784-128-64-10, B=64)", ours, passes,
                   "its forward + loss + backward", target=1.3, repeat=repeat)


# --- T2: sparse DAG -------------------------------------------------------------------


def sparse_dag(n_in, n_hidden, n_out, fan_in, seed=0):
    """The S1 network: every non-input neuron reads ``fan_in`` random earlier neurons."""
    rng = np.random.default_rng(seed)
    n = n_in + n_hidden + n_out
    net = ns.Network(name="S1")
    for k in range(n_in):
        net.add_input(f"x{k}")
    for k in range(n_hidden):
        net.add_neuron(f"h{k}", activation="sigmoid", bias=float(rng.normal(scale=0.1)))
    for k in range(n_out):
        net.add_output(f"y{k}", activation="sigmoid", bias=0.0)
    names = list(net.neurons)
    edges = []
    for j in range(n_in, n):
        preds = rng.choice(min(j, n_in + n_hidden), size=fan_in, replace=False)
        scale = 1.0 / np.sqrt(fan_in)
        edges.extend((names[i], names[j], float(rng.normal(scale=scale))) for i in preds)
    net.connect_many(edges)
    return net


class ScipyReference:
    """Level-by-level CSR forward/backward/SGD written by hand with scipy."""

    def __init__(self, prog):
        self.n = prog.n_neurons
        self.inputs = np.asarray(prog.inputs)
        self.outputs = np.asarray(prog.outputs)
        self.bias = prog.bias.copy()
        self.levels = []
        layer = prog.layer
        rows_all = np.repeat(np.arange(self.n), np.diff(prog.indptr))
        for ell in range(1, int(layer.max()) + 1):
            rows = np.flatnonzero(layer == ell)
            sel = np.isin(rows_all, rows)
            pos = np.flatnonzero(sel)
            cols, local = np.unique(prog.sources[pos], return_inverse=True)
            lrow = np.searchsorted(rows, rows_all[pos])
            m = sp.csr_matrix((prog.weights[pos].copy(), (lrow, local)),
                              shape=(len(rows), len(cols)))
            m.sort_indices()
            # connection order of m.data, for the weight gradient
            coo = m.tocoo()
            self.levels.append((rows, cols, m, coo.row, coo.col))

    def step(self, x, d, lr):
        batch = len(x)
        s = np.zeros((self.n, batch))
        s[self.inputs] = x.T
        for rows, cols, m, _r, _c in self.levels:
            s[rows] = expit(m @ s[cols] + self.bias[rows, None])
        g = np.zeros_like(s)
        g[self.outputs] = (s[self.outputs] - d.T) / batch
        for rows, cols, m, r, c in reversed(self.levels):
            y = s[rows]
            gz = g[rows] * y * (1 - y)
            gw = np.einsum("kb,kb->k", gz[r], s[cols][c])
            g[cols] += m.T @ gz
            self.bias[rows] -= lr * gz.sum(axis=1)
            m.data -= lr * gw


def bench_t2(quick: bool) -> list[Result]:
    n_hidden, batch = (2000, 64) if quick else (20000, 256)
    start = time.perf_counter()
    net = sparse_dag(100, n_hidden, 10, 10)
    plan = get_plan(net)
    build = time.perf_counter() - start
    prog = net.compile()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(batch, 100))
    d = rng.uniform(size=(batch, 10))
    weights, bias = prog.weights.copy(), prog.bias.copy()
    loss = get_loss("mse")
    ctx = loss.prepare(prog)
    opt = SGD(lr=0.1)
    out = plan.outputs

    def ours():
        state, xis = plan.forward(x, weights, bias)
        _v, gy, gxi = loss.evaluate(ctx, state[out].T, None, d)
        gw, gb = plan.backward(state, xis, gy, gxi, weights)
        opt.step([weights, bias], [gw, gb])

    reference = ScipyReference(prog)
    repeat = 3 if quick else 5
    t_ours, t_ref = [], []
    for _ in range(repeat):
        t_ours.append(best_time(ours, repeat=1))
        t_ref.append(best_time(lambda: reference.step(x, d, 0.1), repeat=1))
    ours_t, ref_t = min(t_ours), min(t_ref)
    depth = len(plan.stages)
    return [
        Result(f"T2 sparse DAG step ({prog.n_connections:,} conn, B={batch})", ours_t, ref_t,
               "hand-written scipy CSR", target=0.5,
               note=f"{depth} layers; build+compile {build:.1f}s"),
    ]


def main(quick: bool = False) -> None:
    print_results("learn: training speed (seconds per epoch / per step)",
                  bench_t1(quick) + bench_t2(quick))


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
