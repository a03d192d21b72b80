"""Threshold-network research: sampled search, solver, Derrida map, ensemble studies.

Rounds are interleaved (netsim, reference, netsim, reference, ...) and reported as
medians with min-max (the machine is shared: expect noisy figures).

- M1: sampled attractor search, 10^4 start states on a 10^4-neuron sparse threshold
  network (parallel rule), states/s against a plain loop of ``net.run`` calls (one
  start state per call, on a slice of the very states the search runs) and against
  the same states run in the search's batches with no attractor bookkeeping. The
  network is Rohlf & Bornholdt's (±1 weights, Poisson in-degree K = 3) with bias
  −3/2 (a neuron is high when its high +1 inputs outnumber the others by 2): short
  transients, cycles of period up to 30. (At K = 1.5, bias 1/2, the 10^4-neuron
  network's cycles reach periods of 924, the lcm of its loops: about 725 steps per
  state, and every method is bound by the steps themselves.)
- M2: the same search on 10^5 neurons (300 states), in a fresh process: time and
  peak memory.
- S1: all fixed points, and all cycles <= 4, of a 200-neuron random threshold
  network (K = 2) with the solver, against the branch-and-bound ``fixed_points``.
- S2: fixed points and 2-cycles of a 100-neuron Hopfield network with 10 random
  patterns (Hebb, 1/N), with a time limit; the count found is set against a lower
  bound from sequential sampling (distinct fixed points reached).
- D1: Derrida map of a 10^4-neuron network against a numpy/scipy step.
- E1: 1,000 networks of 20 neurons, exhaustive attractors each, on Dask's local
  process scheduler (2 workers) against a serial loop (ratio).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _harness import Result, best_time, print_results

import netsim as ns
from netsim.analyse.ensemble import attractor_measures


def interleaved(ours: Callable[[], float], reference: Callable[[], float], rounds: int = 3
                ) -> tuple[list[float], list[float]]:
    """Alternate the two timings ``rounds`` times; each call returns its own figure."""
    a, b = [], []
    for _ in range(rounds):
        a.append(ours())
        b.append(reference())
    return a, b


def spread(values: list[float]) -> str:
    return f"median {np.median(values):.4g}, range {min(values):.4g}-{max(values):.4g}"


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _sample_starts(net: ns.Network, count: int) -> np.ndarray:
    """The sampled search's first ``count`` start states (seed 0): the neurons with
    inputs drawn high or low, the others at their initial value."""
    prog = net.compile()
    states = np.broadcast_to(prog.initial, (count, prog.n_neurons)).copy()
    draw = np.random.default_rng(0).random((count, len(prog.updated))) < 0.5
    states[:, prog.updated] = np.where(draw, 1.0, -1.0)
    return states


def bench_sampled(quick: bool) -> list[Result]:
    n, samples, loop = (2000, 1000, 50) if quick else (10_000, 10_000, 200)
    net = ns.random_threshold_network(n, 3, in_degree="poisson", bias=-1.5, seed=2)
    found: list = []

    def ours() -> float:
        t = _timed(lambda: found.append(
            ns.attractors(net, method="sample", samples=samples, seed=0)))
        return samples / t

    starts = _sample_starts(net, samples)  # the very states the search runs

    def reference() -> float:  # one start state per net.run call
        return loop / _timed(lambda: [net.run(initial_state=s, rule="parallel")
                                      for s in starts[:loop]])

    batch = max(1, (1 << 22) // n)  # the search's batch of start states

    def batched() -> float:  # the same states in batches, no attractor bookkeeping
        return samples / _timed(lambda: [
            net.run(initial_state=starts[a : a + batch], rule="parallel")
            for a in range(0, samples, batch)])

    rounds = 1 if quick else 2  # a round of the full size is minutes long
    a, b, c = [], [], []
    for _ in range(rounds):  # interleaved: ours, loop, batched runs
        a.append(ours())
        b.append(reference())
        c.append(batched())
    last = found[-1]
    cycling = sum(x.count for x in last.attractors if x.period > 1)
    out = [Result(f"M1 sampled search n={n}, {samples} states (states/s)",
                  1 / float(np.median(a)), 1 / float(np.median(b)), "a loop of net.run",
                  note=f"ours {spread(a)}; loop {spread(b)}; {len(last.attractors)} "
                  f"attractors, {cycling} samples on cycles, {last.unresolved} unresolved"),
           Result(f"M1 sampled search n={n} against batched net.run (states/s)",
                  1 / float(np.median(a)), 1 / float(np.median(c)),
                  "batched net.run, same states", note=f"batched {spread(c)}; the "
                  "attractor bookkeeping's share (1.0 = free)")]
    big, states = (20_000, 300) if quick else (100_000, 300)
    took, peak, what = _in_a_fresh_process(big, states)
    out.append(Result(f"M2 sampled search n={big}, {states} states", took, None, "-",
                      note=f"peak RSS {peak:.0f} MB (a fresh process: building the "
                      f"network and the search); {what}"))
    return out


_M2 = """
import sys, time
import netsim as ns
n, states = int(sys.argv[1]), int(sys.argv[2])
net = ns.random_threshold_network(n, 3, in_degree="poisson", bias=-1.5, seed=3)
start = time.perf_counter()
found = ns.attractors(net, method="sample", samples=states, seed=0)
took = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss may carry the parent's over the fork)
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM")) / 1024
periods = sorted({a.period for a in found.attractors})
print(took, peak, f"{len(found.attractors)} attractors (periods {periods[:6]}), "
      f"{found.unresolved} unresolved, mean transient {found.transient.mean():.1f}")
"""


def _in_a_fresh_process(n: int, states: int) -> tuple[float, float, str]:
    """M2 in its own process, so that its peak memory is its own."""
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", _M2, str(n), str(states)], env=env,
                          capture_output=True, text=True, check=True)
    took, peak, what = done.stdout.strip().split(" ", 2)
    return float(took), float(peak), what


def bench_solver(quick: bool) -> list[Result]:
    n = 60 if quick else 200
    net = ns.random_threshold_network(n, 2, seed=0)
    solver_fp = best_time(lambda: ns.attractors(net, method="solver", max_period=1), repeat=3)
    try:
        search_fp: float | None = best_time(
            lambda: ns.fixed_points(net, method="search"), repeat=2)
        note = "cost ratio"
    except ns.SizeLimitError:
        search_fp, note = None, "the branch and bound gives up (frontier > 2^16)"
    cycles = best_time(lambda: ns.attractors(net, method="solver", max_period=4), repeat=2)
    out = [
        Result(f"S1 fixed points, RTN n={n} K=2 (solver)", solver_fp, search_fp,
               "fixed_points(method='search')", higher_is_better=False, note=note),
        Result(f"S1 all cycles <= 4, RTN n={n} K=2", cycles, None, "-"),
    ]
    size, limit = (60, 20.0) if quick else (100, 120.0)
    rng = np.random.default_rng(0)
    rng.choice([-1.0, 1.0], size=(3, size))  # the stream of the earlier benchmark
    hop = ns.hopfield(rng.choice([-1.0, 1.0], size=(10, size)))
    seen = ns.attractors(hop, rule="sequential", method="sample", samples=2000, seed=1)
    for period in (1, 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ns.NetsimWarning)
            start = time.perf_counter()
            found = ns.attractors(hop, method="solver", max_period=period, time_limit=limit)
            took = time.perf_counter() - start
        got = sum(a.period == period for a in found.attractors)
        what = "fixed points" if period == 1 else "2-cycles"
        note = (f"{got} {what}, complete" if found.complete else
                f"INCOMPLETE: {got} {what} within {limit:g} s per period")
        if period == 1:
            note += f"; sampling reaches >= {len(seen.attractors)} distinct fixed points"
        out.append(Result(f"S2 Hopfield n={size} P=10, {what}", took, None, "-", note=note))
    return out


def bench_derrida(quick: bool) -> list[Result]:
    n, pairs = (2000, 500) if quick else (10_000, 2000)
    net = ns.random_threshold_network(n, 3, seed=1)
    w = net.weight_matrix(sparse=True)
    rng = np.random.default_rng(0)

    def reference() -> float:
        x = np.where(rng.random((pairs, n)) < 0.5, 1.0, -1.0)
        y = x.copy()
        y[np.arange(pairs), rng.integers(0, n, pairs)] *= -1
        both = np.concatenate([x, y])
        after = np.where((w @ both.T).T >= 0, 1.0, -1.0)
        return float((after[:pairs] != after[pairs:]).sum(axis=1).mean())

    a, b = interleaved(lambda: _timed(lambda: ns.derrida(net, [1], pairs=pairs, seed=0)),
                       lambda: _timed(reference))
    return [Result(f"D1 Derrida d=1, n={n}, {pairs} pairs", float(np.median(a)),
                   float(np.median(b)), "numpy/scipy step", higher_is_better=False,
                   note=f"cost ratio; ours {spread(a)} s; reference {spread(b)} s")]


def _member20(seed: int) -> ns.Network:
    return ns.random_threshold_network(20, 2, bias=0.5, seed=seed)


def _member12(seed: int) -> ns.Network:
    return ns.random_threshold_network(12, 2, bias=0.5, seed=seed)


def bench_ensemble(quick: bool) -> list[Result]:
    n, size, member = (100, 12, _member12) if quick else (1000, 20, _member20)
    dask_time = _timed(lambda: ns.ensemble_study(member, attractor_measures, n=n))
    serial = _timed(lambda: ns.ensemble_study(member, attractor_measures, n=n,
                                              scheduler="synchronous"))
    return [Result(f"E1 ensemble {n} x {size} neurons (Dask processes)", dask_time, serial,
                   "serial loop", note="speed-up; includes starting the worker processes")]


SECTIONS = {"M": "bench_sampled", "S": "bench_solver", "D": "bench_derrida",
            "E": "bench_ensemble"}


def main(quick: bool = False, only: str = "MSDE") -> None:
    results = [r for key in only for r in globals()[SECTIONS[key]](quick)]
    print_results("threshold-network research (sampled, solver, Derrida, ensembles)", results)


if __name__ == "__main__":
    # --quick: small sizes; --only=MS: some sections (M sampled, S solver, D Derrida,
    # E ensembles)
    picked = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")]
    main(quick="--quick" in sys.argv, only=picked[0] if picked else "MSDE")
