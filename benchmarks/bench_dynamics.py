"""Recurrent dynamics benchmarks (issue 6).

A1 — exhaustive parallel analysis of a random 20-neuron threshold network (2^20
states): ``ns.attractors`` against plain per-state Python loops over a sample of states,
extrapolated per state to the whole space. Two references: (a) the successor of each
state only (the minimum any analysis must do), (b) the textbook procedure that runs
each state until a state repeats to find its attractor and transient.

A2 — Hopfield recall, N = 400, P = 20 stored patterns (load 0.05), a batch of probes
with 20 % of their bits flipped, sequential rule with a fresh random order per sweep,
until stable: ``ns.recall`` against a hand-written numpy loop doing the same updates,
and the engine's ``net.run`` (sequential, random order) on the same probes.
"""

from __future__ import annotations

import time

import numpy as np
from _harness import Result, best_time, print_results

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


def _py_next(w: list[list[float]], b: list[float], y: tuple[int, ...]) -> tuple[int, ...]:
    n = len(y)
    out = []
    for j in range(n):
        xi = b[j]
        row = w[j]
        for i in range(n):
            xi += row[i] * y[i]
        out.append(1 if xi >= 0 else 0)
    return tuple(out)


def _py_successors(w, b, codes, n):
    for c in codes:
        y = tuple((c >> (n - 1 - k)) & 1 for k in range(n))
        _py_next(w, b, y)


def _py_attractors(w, b, codes, n):
    for c in codes:
        y = tuple((c >> (n - 1 - k)) & 1 for k in range(n))
        seen = {y: 0}
        while True:
            y = _py_next(w, b, y)
            if y in seen:
                break
            seen[y] = len(seen)


def bench_a1(quick: bool) -> list[Result]:
    n = 14 if quick else 20
    net, w, b = random_threshold_network(n)
    net.compile()
    ours = best_time(lambda: ns.attractors(net, "parallel"), repeat=1 if quick else 3)
    result = ns.attractors(net, "parallel")
    wl, bl = w.tolist(), b.tolist()
    sample = np.random.default_rng(1).choice(2**n, size=500 if quick else 2000, replace=False)
    t0 = time.perf_counter()
    _py_successors(wl, bl, sample.tolist(), n)
    succ_ref = (time.perf_counter() - t0) / len(sample) * 2**n
    t0 = time.perf_counter()
    _py_attractors(wl, bl, sample.tolist(), n)
    attr_ref = (time.perf_counter() - t0) / len(sample) * 2**n
    note = (
        f"{2**n} states, {len(result.attractors)} attractors, periods "
        f"{sorted(set(result.periods))}, longest transient {int(result.transient.max())}"
    )
    return [
        Result(f"A1 attractors parallel n={n} (successors only)", ours, succ_ref,
               "Python loop per state, extrapolated", note=note),
        Result(f"A1 attractors parallel n={n} (run to attractor)", ours, attr_ref,
               "Python loop per state, extrapolated"),
    ]


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
    ours = best_time(lambda: ns.recall(net, probes, x, order="random", seed=1), repeat=3)
    r = ns.recall(net, probes, x, order="random", seed=1)
    ref = best_time(lambda: _numpy_recall(wm, probes, 1), repeat=3)
    ok = float(np.mean(np.all(r.state == targets, axis=1)))
    results = [
        Result(f"A2 Hopfield recall N={n} batch={batch}", ours, ref,
               "hand-written numpy sweep loop",
               note=f"P={p}, {int(np.max(r.steps))} sweeps, recalled {ok:.0%}; "
                    f"build ns.hopfield {build:.2f}s"),
    ]
    try:
        engine = best_time(
            lambda: net.run(probes, rule="sequential", order="random", seed=1, max_steps=100 * n),
            repeat=1 if quick else 2,
        )
        results.append(Result(f"A2 engine net.run sequential N={n}", engine, ours,
                              "ns.recall (same probes)", higher_is_better=False))
    except Exception as exc:  # the engine may be missing on a partial checkout
        results.append(Result("A2 engine net.run", float("nan"), None, "-", note=str(exc)))
    return results


def main(quick: bool = False) -> None:
    print_results("dynamics (issue 6)", bench_a1(quick) + bench_a2(quick))


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
