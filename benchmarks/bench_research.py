"""Threshold-network research: solver search, Derrida map, ensemble studies.

- S1: all fixed points and cycles ≤ 4 of a 200-neuron random threshold network (K = 2)
  with the solver, against netsim's vectorised branch and bound (fixed points only,
  the reference that exists for this size).
- S2: fixed points of a 100-neuron Hopfield network (3 and 10 random patterns): solver
  time alone (no other exact method reaches 2^100 states; 10 patterns is reported with
  its time limit when it does not finish).
- D1: Derrida map of a 10^4-neuron network (2000 pairs at distance 1) against a plain
  numpy/scipy evaluation of the same step (sparse product and sign).
- E1: an ensemble of random networks (20 neurons, exhaustive attractors each) on
  Dask's local process scheduler against a serial loop (ratio; 2 cores here).
- M1: sampled attractor search, 10^4 start states on a 10^4-neuron sparse network
  (parallel rule), against a plain loop of ``net.run`` calls (on a sample of them).
"""

from __future__ import annotations

import time

import numpy as np
from _harness import Result, best_time, print_results

import netsim as ns
from netsim.analyse.ensemble import attractor_measures


def bench_solver(quick: bool) -> list[Result]:
    n = 60 if quick else 200
    net = ns.random_threshold_network(n, 2, seed=0)
    solver_fp = best_time(lambda: ns.attractors(net, method="solver", max_period=1), repeat=2)
    try:
        search_fp: float | None = best_time(
            lambda: ns.fixed_points(net, method="search"), repeat=2)
        note = "cost ratio"
    except ns.SizeLimitError:
        search_fp, note = None, "the branch and bound gives up (frontier > 2^16)"
    cycles = best_time(lambda: ns.attractors(net, method="solver", max_period=4), repeat=1)
    out = [
        Result(f"S1 fixed points, RTN n={n} K=2 (solver)", solver_fp, search_fp,
               "fixed_points(method='search')", higher_is_better=False, note=note),
        Result(f"S1 all cycles <= 4, RTN n={n} K=2", cycles, None, "-"),
    ]
    rng = np.random.default_rng(0)
    for p in ((3,) if quick else (3, 10)):
        hop = ns.hopfield(rng.choice([-1.0, 1.0], size=(p, 60 if quick else 100)))
        start = time.perf_counter()
        found = ns.attractors(hop, method="solver", max_period=1, time_limit=60)
        took = time.perf_counter() - start
        note = (f"{len(found.attractors)} fixed points" if found.complete
                else f"stopped at the 60 s limit with {len(found.attractors)} found")
        out.append(Result(f"S2 Hopfield n={hop.graph.number_of_nodes()} P={p} fixed points",
                          took, None, "-", note=note))
    return out


def bench_derrida(quick: bool) -> list[Result]:
    n, pairs = (2000, 500) if quick else (10_000, 2000)
    net = ns.random_threshold_network(n, 3, seed=1)
    ours = best_time(lambda: ns.derrida(net, [1], pairs=pairs, seed=0), repeat=2)
    w = net.weight_matrix(sparse=True)
    rng = np.random.default_rng(0)

    def reference() -> float:
        x = np.where(rng.random((pairs, n)) < 0.5, 1.0, -1.0)
        y = x.copy()
        flip = rng.integers(0, n, pairs)
        y[np.arange(pairs), flip] *= -1
        both = np.concatenate([x, y])
        after = np.where((w @ both.T).T >= 0, 1.0, -1.0)
        return float((after[:pairs] != after[pairs:]).sum(axis=1).mean())

    ref = best_time(reference, repeat=2)
    return [Result(f"D1 Derrida d=1, n={n}, {pairs} pairs", ours, ref, "numpy/scipy step",
                   higher_is_better=False, note="cost ratio")]


def _member20(seed: int) -> ns.Network:
    return ns.random_threshold_network(20, 2, seed=seed)


def _member12(seed: int) -> ns.Network:
    return ns.random_threshold_network(12, 2, seed=seed)


def bench_ensemble(quick: bool) -> list[Result]:
    n, size, member = (100, 12, _member12) if quick else (1000, 20, _member20)
    start = time.perf_counter()
    ns.ensemble_study(member, attractor_measures, n=n)
    dask_time = time.perf_counter() - start
    start = time.perf_counter()
    ns.ensemble_study(member, attractor_measures, n=n, scheduler="synchronous")
    serial = time.perf_counter() - start
    return [Result(f"E1 ensemble {n} x {size} neurons (Dask processes)", dask_time, serial,
                   "serial loop", note="speed-up; includes starting the worker processes")]


def bench_sampled(quick: bool) -> list[Result]:
    n, samples = (2000, 500) if quick else (10_000, 10_000)
    net = ns.random_threshold_network(n, 2, seed=2)
    start = time.perf_counter()
    found = ns.attractors(net, method="sample", samples=samples, seed=0)
    ours = (time.perf_counter() - start) / samples
    probe = net.copy()
    probe.set_inputs(net.neurons)
    rng = np.random.default_rng(0)
    loop = 50 if quick else 200
    x = np.where(rng.random((loop, n)) < 0.5, 1.0, -1.0)
    start = time.perf_counter()
    for row in x:
        probe.run(row, rule="parallel")
    ref = (time.perf_counter() - start) / loop
    return [Result(f"M1 sampled search, n={n}, per start state", ours, ref,
                   "a loop of net.run", note=f"{len(found.attractors)} attractors, "
                   f"{found.unresolved} unresolved")]


def main(quick: bool = False) -> None:
    results = (bench_solver(quick) + bench_derrida(quick) + bench_sampled(quick)
               + bench_ensemble(quick))
    print_results("threshold-network research (solver, Derrida, ensembles)", results)


if __name__ == "__main__":
    main()
