"""Engine benchmarks S1–S5 (issue 3): netsim against hand-written references.

S1 sparse DAG forward (vs a scipy CSR level-by-level program, and neat-python's
FeedForwardNetwork per sample), S2 MLP forward (vs numpy), S3 recurrent parallel
(vs a bare scipy CSR loop), S4 Hopfield sequential recall (vs the parallel rule and
a per-neuron numpy loop), S5 compile (vs scipy building the CSR matrix from the same
arrays; bytes per connection), X1 the XOR network's ``net.run`` on one input (vs the
bare numpy evaluation: the per-call overhead). ``main(quick=True)`` shrinks every
workload for a smoke run.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from _harness import Result, best_time, measure, print_results
from bench_core import hopfield_matrix_net
from scipy.special import expit

import netsim as ns
from netsim import core


def _time_once(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


# --- S1 sparse DAG -------------------------------------------------------------------


def _random_dag(n_in: int, n_hidden: int, n_out: int, fan_in: int, seed: int):
    """Each non-input neuron has ``fan_in`` distinct predecessors among earlier ones."""
    rng = np.random.default_rng(seed)
    n = n_in + n_hidden + n_out
    rows, cols = [], []
    for j in range(n_in, n):
        hi = min(j, n_in + n_hidden)  # outputs read inputs and hidden neurons
        rows.append(np.full(fan_in, j))
        cols.append(rng.choice(hi, size=fan_in, replace=False))
    rows = np.concatenate(rows)
    cols = np.concatenate(cols)
    weights = rng.normal(0, 1 / np.sqrt(fan_in), len(rows))
    bias = rng.normal(0, 0.1, n)
    bias[:n_in] = 0
    return n, rows, cols, weights, bias


def _dag_network(n_in, n_hidden, n_out, rows, cols, weights, bias, steepness):
    net = ns.Network(name="dag")
    n = n_in + n_hidden + n_out
    for j in range(n):
        if j < n_in:
            net.add_input(j)
        else:
            net.add_neuron(j, activation="sigmoid", steepness=steepness, bias=float(bias[j]))
    net.connect_many(zip(cols.tolist(), rows.tolist(), weights.tolist(), strict=True))
    net.set_outputs(range(n_in + n_hidden, n))
    return net


def _levels(n, rows, cols):
    """Longest-path depth of each neuron (rows/cols sorted so sources come first)."""
    depth = np.zeros(n, dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    r, c = rows[order], cols[order]
    starts = np.searchsorted(r, np.arange(n + 1))
    for j in range(n):
        a, b = starts[j], starts[j + 1]
        if b > a:
            depth[j] = depth[c[a:b]].max() + 1
    return depth


def s1(quick: bool) -> list[Result]:
    n_in, n_hidden, n_out, fan_in, batch = 100, 20000, 10, 10, 256
    if quick:
        n_hidden, batch = 2000, 64
    n, rows, cols, w, bias = _random_dag(n_in, n_hidden, n_out, fan_in, seed=0)
    steep = 5.0  # neat-python's sigmoid is 1 / (1 + exp(-5 z))
    net = _dag_network(n_in, n_hidden, n_out, rows, cols, w, bias, steep)
    x = np.random.default_rng(1).random((batch, n_in))
    outputs = np.arange(n_in + n_hidden, n)

    # Reference: one CSR matrix per level, state (N, B), level by level.
    depth = _levels(n, rows, cols)
    a_full = sp.csr_matrix((w, (rows, cols)), shape=(n, n))
    level_plans = []
    for d in range(1, depth.max() + 1):
        members = np.flatnonzero(depth == d)
        level_plans.append((members, a_full[members], bias[members][:, None]))

    def reference():
        state = np.zeros((n, batch))
        state[:n_in] = x.T
        for members, a, b in level_plans:
            state[members] = expit(steep * (a @ state + b))
        return state[outputs].T

    ours = lambda: net.predict(x)  # noqa: E731
    np.testing.assert_allclose(ours(), reference(), rtol=1e-9, atol=1e-12)
    first = measure(f"S1 sparse DAG {n_hidden} hidden, batch {batch}", ours, reference,
                    "scipy CSR level-by-level", 0.5, higher_is_better=True,
                    note=f"{len(level_plans)} levels, {len(rows)} connections")
    t_ours = first.ours
    results = [first]
    try:
        import neat.activations
        import neat.aggregations
        from neat.nn import FeedForwardNetwork
    except ImportError:  # pragma: no cover - optional peer
        return results
    order = np.argsort(depth, kind="stable")
    by_target: dict[int, list] = {}
    for r, c, wt in zip(rows.tolist(), cols.tolist(), w.tolist(), strict=True):
        by_target.setdefault(r, []).append((c, wt))
    evals = [
        (j, neat.activations.sigmoid_activation, neat.aggregations.sum_aggregation,
         float(bias[j]), 1.0, by_target[j])
        for j in order.tolist() if j >= n_in
    ]
    peer = FeedForwardNetwork(list(range(n_in)), outputs.tolist(), evals)
    samples = 4 if not quick else 8
    got = np.array([peer.activate(list(x[s])) for s in range(samples)])
    np.testing.assert_allclose(got, ours()[:samples], rtol=1e-7, atol=1e-9)
    t_peer_sample = best_time(lambda: [peer.activate(list(x[s])) for s in range(samples)],
                              repeat=2) / samples
    results.append(Result(f"S1 vs neat-python (per sample x {batch})", t_ours,
                          t_peer_sample * batch, "neat FeedForwardNetwork", 100.0,
                          note=f"neat timed on {samples} samples, scaled"))
    return results


# --- S2 MLP --------------------------------------------------------------------------


def s2(quick: bool) -> list[Result]:
    sizes, batch = [784, 128, 64, 10], 1024
    net = ns.mlp(sizes, activation="sigmoid", output_activation="sigmoid", seed=0)
    prog = net.compile()
    x = np.random.default_rng(0).random((batch, sizes[0]))
    layers = []
    for t in prog.layer_targets:
        src = np.unique(prog.sources[prog.indptr[t[0]]:prog.indptr[t[-1] + 1]])
        wmat = np.zeros((len(t), len(src)))
        for r, j in enumerate(t):
            a, b = prog.indptr[j], prog.indptr[j + 1]
            wmat[r, np.searchsorted(src, prog.sources[a:b])] = prog.weights[a:b]
        layers.append((wmat.T.copy(), prog.bias[t].copy()))

    def reference():
        h = x
        for wt, b in layers:
            h = expit(h @ wt + b)
        return h

    ours = lambda: net.predict(x)  # noqa: E731
    np.testing.assert_allclose(ours(), reference(), rtol=1e-9)
    return [measure("S2 MLP 784-128-64-10, batch 1024", ours, reference, "numpy forward",
                    0.9, higher_is_better=True)]


# --- S3 recurrent parallel -------------------------------------------------------------


def _random_recurrent(n: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    codes = np.unique(rng.integers(0, n * n, size=int(m * 1.01)))[:m]
    rng.shuffle(codes)
    codes = np.sort(codes[:m])
    rows, cols = np.divmod(codes, n)  # target, source
    weights = rng.normal(0, 1, len(rows))
    return rows, cols, weights


def _recurrent_network(n, rows, cols, weights):
    net = ns.Network(name="recurrent")
    for j in range(n):
        net.add_neuron(j, activation="sign")
    net.connect_many(zip(cols.tolist(), rows.tolist(), weights.tolist(), strict=True))
    net.set_inputs(range(n))
    return net


def s3(quick: bool) -> tuple[list[Result], tuple]:
    n, m, n_steps = (100_000, 1_000_000, 50) if not quick else (20_000, 200_000, 20)
    rows, cols, w = _random_recurrent(n, m, seed=0)
    t_build, net = _time_once(lambda: _recurrent_network(n, rows, cols, w))
    a = sp.csr_matrix((w, (rows, cols)), shape=(n, n))
    kept = np.flatnonzero(np.diff(a.indptr) == 0)  # no inputs: they keep their value
    results = []
    for batch in (1, 32):
        x = np.where(np.random.default_rng(batch).random((batch, n)) < 0.5, -1.0, 1.0)
        x_nb = np.ascontiguousarray(x.T)

        def reference(x_nb=x_nb):
            y = x_nb
            for _ in range(n_steps):
                new = np.where(a @ y >= 0, 1.0, -1.0)
                new[kept] = y[kept]
                y = new
            return y.T

        ours = lambda x=x: ns.run(net, x, rule="parallel", steps=n_steps).state  # noqa: E731
        np.testing.assert_array_equal(ours(), reference())
        results.append(measure(f"S3 recurrent sign {n} n/{m} c, {n_steps} steps, B={batch}",
                               ours, reference, "bare scipy CSR loop", 0.8,
                               higher_is_better=True, repeat=3))
    return results, (net, rows, cols, w, n, t_build)


# --- S4 Hopfield sequential recall -------------------------------------------------------


def s4(quick: bool) -> list[Result]:
    n, p = (2000, 100) if not quick else (500, 25)
    rng = np.random.default_rng(0)
    net, patterns = hopfield_matrix_net(ns, n, p, rng)
    weights = net.weight_matrix()  # W[j, i] = w_ji: the reference loop's rows
    probe = patterns[0].copy()
    probe[rng.choice(n, n // 10, replace=False)] *= -1
    net.compile()

    seq = lambda: ns.run(net, probe, rule="sequential", order="random", seed=1)  # noqa: E731
    par = lambda: ns.run(net, probe, rule="parallel")  # noqa: E731
    r_seq, r_par = seq(), par()
    assert r_seq.converged and np.array_equal(r_seq.state, patterns[0])
    assert r_par.converged

    def loop():  # the plain per-neuron loop: same seeded permutations, same semantics
        s = probe.copy()
        gen = np.random.default_rng(1)
        while True:
            changed = False
            for j in gen.permutation(n):
                v = 1.0 if weights[j] @ s >= 0 else -1.0
                if v != s[j]:
                    s[j] = v
                    changed = True
            if not changed:
                return s

    assert np.array_equal(loop(), r_seq.state)
    prog = net.compile()
    indptr, sources, wts = prog.indptr, prog.sources, prog.weights

    def csr_loop():  # the same loop over the program's CSR rows (a general network)
        s = probe.copy()
        gen = np.random.default_rng(1)
        while True:
            changed = False
            for j in gen.permutation(n):
                a, b = indptr[j], indptr[j + 1]
                v = 1.0 if wts[a:b] @ s[sources[a:b]] >= 0 else -1.0
                if v != s[j]:
                    s[j] = v
                    changed = True
            if not changed:
                return s

    assert np.array_equal(csr_loop(), r_seq.state)
    return [
        measure(f"S4 Hopfield {n}/{p} sequential vs parallel", seq, par,
                "netsim parallel rule", 3.0,
                note=f"sequential {r_seq.steps} steps, parallel {r_par.steps}"),
        measure(f"S4 Hopfield {n}/{p} sequential vs loop", seq, loop,
                "per-neuron numpy loop (dense rows)", 10.0, higher_is_better=True, repeat=3),
        measure(f"S4 Hopfield {n}/{p} sequential vs CSR loop", seq, csr_loop,
                "per-neuron numpy loop (CSR rows)", 10.0, higher_is_better=True, repeat=3),
    ]


# --- S5 compile --------------------------------------------------------------------------


def s5(net, rows, cols, w, n, t_build_network) -> list[Result]:
    def build_csr():  # what compile produces, from the same arrays: incoming rows
        return sp.csr_matrix((w, (rows, cols)), shape=(n, n))

    def compile_fresh():
        net._cache.clear()
        return ns.compile_network(net)

    compiled = measure(f"S5 compile {len(rows)} connections", compile_fresh, build_csr,
                       "scipy COO -> CSR from the arrays", 5.0, repeat=3,
                       note=f"Network build {t_build_network:.2f}s")
    prog = ns.compile_network(net)
    per = prog.nbytes() / prog.n_connections
    ns.run(net, np.ones(n), rule="parallel", steps=1)  # builds the parallel plan
    plan = core.plan_for(prog, "parallel", lambda: [prog.updated])
    plan_bytes = sum(a.nbytes for st in plan.stages if st.sparse is not None
                     for a in (st.sparse.data, st.sparse.indices, st.sparse.indptr))
    return [
        compiled,
        Result("S5 program bytes per connection", per, 32.0, "32 bytes", 1.0,
               higher_is_better=False, unit="B",
               note=f"{prog.nbytes() / 1e6:.1f} MB; the parallel plan adds "
                    f"{plan_bytes / prog.n_connections:.1f} B/connection when first run"),
    ]


# --- X1 small-network overhead ------------------------------------------------------------


def x1(quick: bool) -> list[Result]:
    """The textbook XOR network, one input: the whole call against bare numpy."""
    net = ns.zoo.xor()
    w1 = np.array([[2.0, 2.0], [-2.0, -2.0]])
    b1 = np.array([-1.0, 3.0])
    w2 = np.array([1.0, 1.0])
    b2 = -2.0
    x = np.array([1.0, 0.0])

    def reference():
        h = (w1 @ x + b1 >= 0).astype(np.float64)
        return (w2 @ h + b2 >= 0).astype(np.float64)

    assert net.run(x).output.tolist() == [float(reference())]
    # microsecond calls: more pairs than the default, so that a burst of load on a
    # shared machine moves the median less
    return [
        measure("X1 XOR net.run([1, 0])", lambda: net.run(x), reference,
                "bare numpy evaluation", 3.0, note="y sits exactly on its threshold",
                repeat=15),
        measure("X1 XOR net.predict([1, 0])", lambda: net.predict(x), reference,
                "bare numpy evaluation", 3.0, repeat=15),
    ]


def main(quick: bool = False) -> None:
    results = x1(quick) + s1(quick) + s2(quick)
    r3, (net, rows, cols, w, n, t_build) = s3(quick)
    results += r3 + s4(quick) + s5(net, rows, cols, w, n, t_build)
    print_results("engine (issue 3)" + (" [quick]" if quick else ""), results)


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
