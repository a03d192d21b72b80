"""The execution core against the previous implementation (issue 9), in one process.

Every workload runs on this tree's ``netsim`` and on an earlier commit's, loaded side
by side under the name ``netsim_base`` (``git archive REV netsim`` into a temporary
directory), interleaved A B A B … with BLAS pinned to one thread. The ratio is
netsim's median time over the earlier one's: the target is at most 1.05 (the core
costs at most 5 % more); min–max ranges are printed beside the medians.

    python benchmarks/bench_core.py [--rev REV] [--rounds K] [--quick] [WORKLOAD ...]

``REV`` defaults to 303c0ec, main just before the core landed. Workloads:

- S3: the parallel rule on a sparse recurrent sign network (20,000 neurons, 200,000
  connections, 20 steps), one state and a batch of 32;
- S4: the sequential rule (random order, until stable) on a Hopfield network of 500
  neurons, one probe; S4p: the parallel rule on 100 probes;
- A2: ``recall`` of 50 probes (N = 400, P = 20, 20 % noise), sequential, random order;
- CAP: ``capacity_experiment(n=200)`` (9 loads × 3 trials, each a batch run);
- GLA: ``glauber`` of 4 states, N = 200, 20 sweeps at T = 0.5;
- EN: ``energy`` of 2,000 states of a 200-neuron Hopfield network, and FP:
  ``fixed_points`` (branch and bound) of a sparse random 24-neuron sign network.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import netsim  # noqa: E402

BASE_REV = "303c0ec"


def load_base(rev: str) -> Any:
    """The package ``netsim`` of commit ``rev``, imported as ``netsim_base``."""
    where = Path(tempfile.mkdtemp(prefix="netsim_base_"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "netsim"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    init = where / "netsim" / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        "netsim_base", init, submodule_search_locations=[str(init.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["netsim_base"] = module
    spec.loader.exec_module(module)
    return module


def hopfield_matrix_net(ns: Any, n: int, p: int, rng: np.random.Generator
                        ) -> tuple[Any, np.ndarray]:
    """A Hebb network of ``p`` random ±1 patterns on ``n`` sign neurons, built with
    ``ns`` (this tree's netsim or the one it is compared with); also bench_engine's S4."""
    patterns = rng.choice([-1.0, 1.0], size=(p, n))
    weights = patterns.T @ patterns / n
    np.fill_diagonal(weights, 0.0)
    net = ns.Network(name="hopfield")
    for j in range(n):
        net.add_neuron(j, activation="sign")
    tgt, src = np.nonzero(weights)
    net.connect_many(zip(src.tolist(), tgt.tolist(), weights[tgt, src].tolist(), strict=True))
    net.set_inputs(range(n))
    return net, patterns


def workloads(ns: Any, quick: bool) -> dict[str, Callable[[], Any]]:
    """name → a call of ``ns`` (built once; the call is what is timed)."""
    out: dict[str, Callable[[], Any]] = {}
    n, m = (4000, 40000) if quick else (20000, 200000)
    rng = np.random.default_rng(0)
    a = sp.coo_matrix((rng.normal(size=m), (rng.integers(0, n, m), rng.integers(0, n, m))),
                      shape=(n, n)).tocsr()
    a.sum_duplicates()
    c = a.tocoo()
    s3 = ns.Network()
    for j in range(n):
        s3.add_neuron(j, activation="sign")
    s3.connect_many(zip(c.col.tolist(), c.row.tolist(), c.data.tolist(), strict=True))
    s3.set_inputs(range(n))
    for b in (1, 32):
        x = np.where(np.random.default_rng(b).random((b, n)) < 0.5, -1.0, 1.0)
        out[f"S3 B={b}"] = lambda x=x: ns.run(s3, x, rule="parallel", steps=20)

    s4, patterns = hopfield_matrix_net(ns, 500, 25, np.random.default_rng(0))
    probe = patterns[0].copy()
    probe[np.random.default_rng(0).choice(500, 50, replace=False)] *= -1
    out["S4 seq Hopfield 500"] = lambda: ns.run(s4, probe, rule="sequential", order="random",
                                                seed=1)
    hop = ns.hopfield(patterns)
    probes = patterns.repeat(4, axis=0) * np.where(rng.random((100, 500)) < 0.1, -1, 1)
    out["S4p par Hopfield B=100"] = lambda: ns.run(hop, probes, rule="parallel")

    rng = np.random.default_rng(0)
    x = np.where(rng.random((20, 400)) < 0.5, -1.0, 1.0)
    a2 = ns.hopfield(x)
    probes2 = x[rng.integers(0, 20, size=50)] * np.where(rng.random((50, 400)) < 0.2, -1, 1)
    out["A2 recall B=50"] = lambda: ns.recall(a2, probes2, x, order="random", seed=1)

    cap_n = 100 if quick else 200
    out[f"CAP capacity n={cap_n}"] = lambda: ns.capacity_experiment(n=cap_n, seed=0)

    g = ns.hopfield(patterns[:10, :200])
    out["GLA glauber N=200"] = lambda: ns.glauber(g, patterns[:4, :200], temperature=0.5,
                                                   sweeps=20, seed=0)
    states = np.where(np.random.default_rng(2).random((2000, 200)) < 0.5, -1.0, 1.0)
    out["EN energy 2000 states"] = lambda: ns.energy(g, states)
    fp = ns.Network()  # a sparse random sign network: each neuron reads 3 others
    r = np.random.default_rng(3)
    for j in range(24):
        fp.add_neuron(j, activation="sign", bias=float(r.normal()))
    fp.connect_many((int(i), j, float(r.normal())) for j in range(24)
                    for i in r.choice(24, 3, replace=False))
    out["FP fixed_points n=24"] = lambda: ns.fixed_points(fp, method="search")
    return out


def _time(fn: Callable[[], Any]) -> float:
    """CPU seconds of one call (this process only: the machine may be shared)."""
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="workload name prefixes (default: all)")
    parser.add_argument("--rev", default=BASE_REV)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    base = load_base(args.rev)
    ours, theirs = workloads(netsim, args.quick), workloads(base, args.quick)
    print(f"== core vs {args.rev}: median CPU seconds (min-max) over {args.rounds} interleaved "
          "rounds; target ratio <= 1.05")
    for name in ours:
        if args.names and not any(name.startswith(p) for p in args.names):
            continue
        a, b = ours[name], theirs[name]
        a(), b()  # warm: compile, caches, imports
        ta, tb = [], []
        for _ in range(args.rounds):
            ta.append(_time(a))
            tb.append(_time(b))
        ma, mb = statistics.median(ta), statistics.median(tb)
        print(f"{name:26} {ma:8.4f} ({min(ta):.4f}-{max(ta):.4f})  "
              f"{mb:8.4f} ({min(tb):.4f}-{max(tb):.4f})  ratio {ma / mb:5.2f} "
              f"(min/min {min(ta) / min(tb):.2f})", flush=True)


if __name__ == "__main__":
    main()
