"""Recurrent dynamics benchmarks (issues 6 and 15).

A1 — exhaustive parallel analysis of random threshold networks of 16, 20 and 22 step
neurons (2^n states): ``ns.attractors`` against a hand-written vectorised numpy
implementation of the same algorithm (chunked successor array, pointer doubling,
cycle labels, list ranking), checked to give the same successors, attractors, basins
and transients.

B1 — a 16-neuron step network run with the parallel rule until stable (or until a
state repeats) from a batch of 10^3, 10^4 and 10^5 random states: ``net.run`` against
a vectorised numpy loop that codes each state as an integer and compares it with a
history of codes (same states, steps and periods).

A2 — Hopfield recall, N = 400, P = 20 stored patterns (load 0.05), a batch of probes
with 20 % of their bits flipped, sequential rule with a fresh random order per sweep,
until stable: ``ns.recall`` against a hand-written numpy loop doing the same updates,
and the engine's ``net.run`` (sequential, random order) on the same probes.
"""

from __future__ import annotations

import time

import numpy as np
from _harness import Result, measure, print_results

import netsim as ns


def random_threshold_network(n: int, seed: int = 0) -> tuple[ns.Network, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n, n))
    np.fill_diagonal(w, 0.0)
    b = rng.normal(size=n)
    net = ns.Network(f"random{n}")
    for j in range(n):
        net.add_neuron(f"n{j}", activation="step", bias=float(b[j]))
    net.connect_many(
        (f"n{i}", f"n{j}", float(w[j, i])) for i in range(n) for j in range(n) if i != j
    )
    return net, w, b


def numpy_successors(w: np.ndarray, b: np.ndarray, chunk: int = 1 << 15) -> np.ndarray:
    """The successor code of every state of a step network, vectorised in chunks
    (free neuron k is bit n-1-k, as in netsim)."""
    n = len(b)
    total = 1 << n
    shifts = np.arange(n - 1, -1, -1, dtype=np.int64)
    weights = np.int64(1) << shifts
    succ = np.empty(total, dtype=np.int32 if n < 31 else np.int64)
    wt = np.ascontiguousarray(w.T)
    for lo in range(0, total, chunk):
        codes = np.arange(lo, min(total, lo + chunk), dtype=np.int64)
        bits = ((codes[:, None] >> shifts) & 1).astype(np.float64)
        succ[lo : lo + len(codes)] = (bits @ wt + b >= 0) @ weights
    return succ


def numpy_attractors(w: np.ndarray, b: np.ndarray) -> dict:
    """Exhaustive parallel analysis written by hand with numpy: the same algorithm as
    netsim (successor array, pointer doubling to the cycles, cycle labels by
    min-doubling, list ranking for transients, basins by counting)."""
    n = len(b)
    succ = numpy_successors(w, b)
    total = len(succ)
    p = succ
    for _ in range(n):
        p = p[p]
    on_cycle = np.zeros(total, dtype=bool)
    on_cycle[p] = True
    cyc = np.flatnonzero(on_cycle).astype(succ.dtype)
    local = np.full(total, -1, dtype=succ.dtype)
    local[cyc] = np.arange(len(cyc), dtype=succ.dtype)
    perm = local[succ[cyc]]
    lab = np.arange(len(cyc), dtype=succ.dtype)
    jump, span = perm, 1
    while span < len(cyc):
        lab = np.minimum(lab, lab[jump])
        jump = jump[jump]
        span *= 2
    roots, cycle_id = np.unique(lab, return_inverse=True)
    nxt = np.where(on_cycle, np.arange(total, dtype=succ.dtype), succ)
    dist = (~on_cycle).astype(np.int32)
    while True:
        nn = nxt[nxt]
        if np.array_equal(nn, nxt):
            break
        dist = dist + dist[nxt]
        nxt = nn
    attractor_of = cycle_id[local[nxt]]
    return dict(succ=succ, roots=cyc[roots], periods=np.bincount(cycle_id),
                basins=np.bincount(attractor_of, minlength=len(roots)), transient=dist,
                garden=np.bincount(succ, minlength=total) == 0)


def bench_a1(quick: bool) -> list[Result]:
    results = []
    for n in ((12, 14) if quick else (16, 20, 22)):
        net, w, b = random_threshold_network(n)
        net.compile()
        result = ns.attractors(net, "parallel")
        ref = numpy_attractors(w, b)
        assert np.array_equal(result.successor, ref["succ"])
        assert [a.codes[0] for a in result.attractors] == ref["roots"].tolist()
        assert result.basin_sizes == ref["basins"].tolist()
        assert np.array_equal(result.transient, ref["transient"])
        note = (
            f"{2**n} states, {len(result.attractors)} attractors, periods "
            f"{sorted(set(result.periods))}, longest transient {int(result.transient.max())}"
        )
        results.append(measure(f"A1 attractors parallel n={n}",
                               lambda net=net: ns.attractors(net, "parallel"),
                               lambda w=w, b=b: numpy_attractors(w, b),
                               "vectorised numpy, same algorithm", target=1.1, note=note,
                               repeat=3 if quick or n > 20 else 5))
    return results


def _numpy_recall(w: np.ndarray, probes: np.ndarray, seed: int, max_sweeps: int = 100):
    y = probes.copy()
    rng = np.random.default_rng(seed)
    n = w.shape[0]
    for _ in range(max_sweeps):
        changed = False
        for k in rng.permutation(n):
            new = np.where(y @ w[k] >= 0, 1.0, -1.0)
            if np.any(new != y[:, k]):
                y[:, k] = new
                changed = True
        if not changed:
            break
    return y


def bench_a2(quick: bool) -> list[Result]:
    n, p, batch = (100, 5, 10) if quick else (400, 20, 50)
    rng = np.random.default_rng(0)
    x = np.where(rng.random((p, n)) < 0.5, -1.0, 1.0)
    t0 = time.perf_counter()
    net = ns.hopfield(x)
    build = time.perf_counter() - t0
    net.compile()
    targets = x[rng.integers(0, p, size=batch)]
    probes = targets * np.where(rng.random((batch, n)) < 0.2, -1.0, 1.0)
    from netsim.learn.hebb import hebb_weights

    wm = hebb_weights(x)
    r = ns.recall(net, probes, x, order="random", seed=1)
    ok = float(np.mean(np.all(r.state == targets, axis=1)))
    results = [
        measure(f"A2 Hopfield recall N={n} batch={batch}",
                lambda: ns.recall(net, probes, x, order="random", seed=1),
                lambda: _numpy_recall(wm, probes, 1), "hand-written numpy sweep loop",
                higher_is_better=True, repeat=5,
                note=f"P={p}, {int(np.max(r.steps))} sweeps, recalled {ok:.0%}; "
                     f"build ns.hopfield {build:.2f}s"),
    ]
    results.append(measure(
        f"A2 engine net.run sequential N={n}",
        lambda: net.run(probes, rule="sequential", order="random", seed=1, max_steps=100 * n),
        lambda: ns.recall(net, probes, x, order="random", seed=1),
        "ns.recall (same probes)", repeat=3))
    return results


def numpy_until_stable(w: np.ndarray, b: np.ndarray, states: np.ndarray, max_steps: int = 1000
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A batch of step networks run in parallel until a state repeats, by hand: states
    coded as integers (one bit per neuron), a (steps, batch) history of codes compared
    with each new code, finished samples dropped. Returns (state, steps, period)."""
    n = len(b)
    weights = np.int64(1) << np.arange(n - 1, -1, -1, dtype=np.int64)
    wt = np.ascontiguousarray(w.T)
    y = states.copy()
    out = np.empty_like(y)
    steps = np.full(len(y), max_steps, dtype=np.int64)
    period = np.zeros(len(y), dtype=np.int64)
    active = np.arange(len(y))
    history = np.empty((max_steps + 1, len(y)), dtype=np.int64)
    history[0] = (y > 0.5) @ weights
    for t in range(1, max_steps + 1):
        y = (y @ wt + b >= 0).astype(np.float64)
        code = (y > 0.5) @ weights
        hits = history[:t] == code
        seen = hits.any(axis=0)
        history[t] = code
        if seen.any():
            first = hits.argmax(axis=0)[seen]
            done = active[seen]
            out[done] = y[seen]
            steps[done] = t
            period[done] = t - first
            keep = ~seen
            active, y = active[keep], y[keep]
            kept = np.empty((max_steps + 1, len(active)), dtype=np.int64)
            kept[: t + 1] = history[: t + 1, keep]  # only the rows in use
            history = kept
            if not len(active):
                break
    out[active] = y
    return out, steps, period


def bench_b1(quick: bool) -> list[Result]:
    """A 16-neuron step network, a batch of random states run until stable (or until a
    state repeats: cycles are detected and reported)."""
    n = 16
    net, w, b = random_threshold_network(n, seed=3)
    results = []
    for batch in ((1000,) if quick else (1000, 10_000, 100_000)):
        s0 = (np.random.default_rng(batch).random((batch, n)) < 0.5).astype(np.float64)
        run = net.run(initial_state=s0, rule="parallel")
        state, steps, period = numpy_until_stable(w, b, s0)
        assert np.array_equal(run.state, state)
        assert np.array_equal(run.steps, steps) and np.array_equal(run.period, period)
        results.append(measure(
            f"B1 16 neurons until stable, batch {batch}",
            lambda s0=s0: net.run(initial_state=s0, rule="parallel"),
            lambda s0=s0: numpy_until_stable(w, b, s0),
            "vectorised numpy, codes + history", target=2.0, repeat=5,
            note=f"{batch / 1000:g}k samples, up to {int(steps.max())} steps, periods "
                 f"{sorted(set(period.tolist()))}"))
    return results


def main(quick: bool = False) -> None:
    print_results("dynamics (issue 6, issue 15)",
                  bench_a1(quick) + bench_b1(quick) + bench_a2(quick))


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
