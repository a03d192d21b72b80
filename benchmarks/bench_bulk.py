"""Bulk build + compile of a large network from arrays (issue 15), with peak memory.

The network: ``n = M / 100`` neurons, each receiving 100 connections from distinct
sources (a fixed stride pattern, so generating it costs nothing), random weights,
tanh everywhere. From the same int32/float64 arrays, each side runs in a fresh
subprocess (so that neither inherits the other's memory), interleaved A B A B:

- netsim: ``Network.from_arrays(sources, targets, weights)`` then ``net.compile()``;
- reference: scipy building the CSR matrix from the same arrays
  (``coo_matrix((w, (targets, sources))).tocsr()``).

Reported: the time of each (median [min–max]) and their ratio (target at most 5x),
and netsim's peak memory during build + compile in bytes per connection
(``tracemalloc``: every numpy allocation, not counting the input arrays; target at
most 64 B). Default M = 10⁶ connections; ``--full`` runs M = 10⁷ (about 1 GB).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

from _harness import Result, print_results

ROOT = Path(__file__).resolve().parent.parent

_CHILD = textwrap.dedent("""
    import json, sys, time, tracemalloc
    import numpy as np
    m, side = int(sys.argv[1]), sys.argv[2]
    fan = 100
    n = max(m // fan, fan + 1)
    targets = np.repeat(np.arange(n, dtype=np.int32), fan)
    k = np.tile(np.arange(fan, dtype=np.int64), n)
    sources = ((targets.astype(np.int64) * 7919 + k * 13 + 1) % n).astype(np.int32)
    weights = np.random.default_rng(0).normal(size=len(sources))
    import scipy.sparse as sp
    import netsim as ns
    import netsim.bulk, netsim.compile  # imported before timing
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    if side == "netsim":
        net = ns.Network.from_arrays(sources, targets, weights, activation="tanh")
        prog = net.compile()
    else:
        matrix = sp.coo_matrix((weights, (targets, sources)), shape=(n, n)).tocsr()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] - base
    print(json.dumps({"seconds": seconds, "peak": peak, "m": len(sources)}))
""")


def _run(m: int, side: str) -> dict[str, float]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path, "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(m), side], capture_output=True,
                          text=True, check=False, cwd=ROOT, env=env)
    if done.returncode:
        raise RuntimeError(f"the {side} side failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main(quick: bool = False) -> None:
    full = "--full" in sys.argv
    m = 10**7 if full else (10**5 if quick else 10**6)
    repeat = 3
    ours, ref = [], []
    for _ in range(repeat):
        ours.append(_run(m, "netsim"))
        ref.append(_run(m, "scipy"))
    t_ours = [r["seconds"] for r in ours]
    t_ref = [r["seconds"] for r in ref]
    pairs = [a / b for a, b in zip(t_ours, t_ref, strict=True)]
    count = ours[0]["m"]
    per_conn = [r["peak"] / count for r in ours]
    ref_conn = [r["peak"] / count for r in ref]
    results = [
        Result(f"build + compile, {count:,} connections", statistics.median(t_ours),
               statistics.median(t_ref), "scipy COO -> CSR from the arrays", target=5.0,
               higher_is_better=False, ours_range=(min(t_ours), max(t_ours)),
               reference_range=(min(t_ref), max(t_ref)),
               ratio_range=(min(pairs), max(pairs)), ratio_median=statistics.median(pairs)),
        Result("peak memory, bytes per connection", statistics.median(per_conn),
               statistics.median(ref_conn), "scipy's own peak", unit="B",
               higher_is_better=False,
               note=f"target: netsim <= 64 B; max {max(per_conn):.1f} B"),
    ]
    print_results(f"bulk: networks from arrays ({count:,} connections, subprocesses)",
                  results)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
