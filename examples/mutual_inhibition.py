"""Example 4: two neurons inhibiting each other.

Neurons a and b (sign activation, both starting at +1) are connected by weight −1
in both directions. Under the parallel rule both flip at every step: the state
alternates (1, 1) → (−1, −1) → (1, 1), a cycle of period 2 that never stops. Under
the sequential rule a flips first (to −1); then b sees −1 and stays +1: a fixed point.
The network ships with netsim as ``ns.zoo.mutual_inhibition()``.

Run: ``python examples/mutual_inhibition.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def main() -> tuple[ns.Run, ns.Run]:
    net = ns.zoo.mutual_inhibition()
    parallel = net.run([], rule="parallel", record=True)
    sequential = net.run([], rule="sequential", record=True)
    print("parallel:", parallel)
    print(parallel.table())
    print("\nsequential:", sequential)
    print(sequential.table())
    return parallel, sequential


if __name__ == "__main__":
    main()
