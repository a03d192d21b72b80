"""Random threshold networks: solver-found attractors, damage spreading, an ensemble.

Run: ``python examples/threshold_networks.py [--n 200] [--plot derrida.png] [--dask]``
(``--derrida-n``, ``--pairs``, ``--distances``, ``--members``: the sizes of parts 2 and 3).

1. A random threshold network of N = 200 sign neurons with K = 2 inputs each (weights
   ±1, threshold 0, sgn(0) = +1; Rohlf & Bornholdt 2002) is far beyond the exhaustive
   analysis (2^200 states). The constraint solver lists every fixed point and cycle of
   length ≤ 4 of the parallel rule, and the engine confirms each cycle by running it.
2. The Derrida coefficient δ (the mean number of neurons a single flip changes after
   one step) for Poisson in-degrees K = 1 … 3, against the annealed theory
   δ(K) = Σ_k Poisson(k; K)·k·p(k), which crosses 1 at K_c ≈ 1.849. ``--plot FILE``
   draws the Derrida maps (matplotlib).
3. An ensemble study: attractor counts and lengths of 40 networks of 10 neurons, in
   this process (``--dask``: on Dask's local scheduler, all cores).
"""

from __future__ import annotations

import argparse
import sys
from math import comb, exp, factorial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns
from netsim.analyse.ensemble import attractor_measures


def flip_probability(k: int) -> float:
    """A flipped input flips a unit with k ±1 inputs iff the others sum to −1 or 0."""
    m = k - 1
    return comb(m, m // 2) / 2**m if m % 2 == 0 else comb(m, (m - 1) // 2) / 2**m


def annealed_delta(mean_k: float) -> float:
    return sum(exp(-mean_k) * mean_k**k / factorial(k) * k * flip_probability(k)
               for k in range(1, 80))


def small_rtn(seed: int) -> ns.Network:
    return ns.random_threshold_network(10, 2, seed=seed)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="neurons of the big network")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", metavar="FILE", help="save the Derrida maps (matplotlib)")
    parser.add_argument("--dask", action="store_true", help="run the ensemble on Dask")
    parser.add_argument("--derrida-n", type=int, default=500,
                        help="neurons of the Derrida networks")
    parser.add_argument("--pairs", type=int, default=300, help="pairs per distance")
    parser.add_argument("--distances", type=int, nargs="+",
                        help="distances of the Derrida maps (default: 1 to N/2, five)")
    parser.add_argument("--members", type=int, default=40, help="networks of the ensemble")
    args = parser.parse_args(argv)
    out: dict = {}

    net = ns.random_threshold_network(args.n, 2, seed=args.seed)
    found = ns.attractors(net, method="solver", max_period=4)
    print(f"1. {net!r}")
    print(found.table(max_rows=5))
    confirmed = []
    for a in found.attractors:
        run = net.run(initial_state=a.states[0], rule="parallel", steps=a.period, record=True)
        confirmed.append(bool(np.array_equal(run.trace[a.period], a.states[0])))
    print(f"   the engine confirms {sum(confirmed)} of {len(confirmed)} attractors")
    out["periods"], out["confirmed"] = found.periods, confirmed

    size = args.derrida_n
    print(f"\n2. Derrida coefficient, Poisson in-degree K (3 networks of {size} neurons)")
    curves = {}
    distances = args.distances or sorted(
        {1, size // 50 or 1, size // 10 or 1, 3 * size // 10 or 1, size // 2 or 1})
    for mean_k in (1.0, 1.5, 2.0, 2.5, 3.0):
        nets = [ns.random_threshold_network(size, mean_k, in_degree="poisson", seed=s)
                for s in range(3)]
        curves[mean_k] = ns.derrida(nets, distances, pairs=args.pairs, seed=args.seed)
        print(f"   K = {mean_k:.1f}: measured δ = {curves[mean_k].coefficient:.3f}, "
              f"annealed {annealed_delta(mean_k):.3f}")
    out["delta"] = {k: c.coefficient for k, c in curves.items()}
    if args.plot:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("   (matplotlib is not installed: no plot)")
        else:
            fig, ax = plt.subplots(figsize=(4.5, 4.5))
            for mean_k, curve in curves.items():
                x, y = curve.normalized
                ax.plot(x, y, marker="o", ms=3, label=f"K = {mean_k:g}")
            ax.plot([0, 1], [0, 1], color="0.6", ls="--", lw=1)
            ax.set_xlabel("normalised distance before")
            ax.set_ylabel("after one parallel step")
            ax.legend()
            fig.savefig(args.plot, dpi=120, bbox_inches="tight")
            print(f"   wrote {args.plot}")

    print(f"\n3. Ensemble: {args.members} random threshold networks, N = 10, K = 2")
    study = ns.ensemble_study(small_rtn, attractor_measures, n=args.members, seed=args.seed,
                              scheduler="processes" if args.dask else "synchronous")
    print(study.table())
    out["ensemble"] = study.summary()
    return out


if __name__ == "__main__":
    main()
