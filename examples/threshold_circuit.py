"""A set–reset latch of two threshold neurons: its attractor table for every input.

Run: ``python examples/threshold_circuit.py``.

Two step neurons (values 0/1) form the classic NOR latch: q = NOR(r, nq) and
nq = NOR(s, q), each a threshold unit ``step(0.5 − a − b)`` (1 only when both of
its inputs are 0). The inputs s (set) and r (reset) are clamped in turn to each of
their four values and the whole state space of (q, nq) is analysed:

- s = 1 or r = 1: one fixed point, the latch is set (q = 1) or reset (q = 0)
  (both: q = nq = 0);
- s = r = 0 (hold): two fixed points — the stored bit, q = 1 or q = 0 — and, under
  the parallel rule only, the 2-cycle 00 ↔ 11: both neurons switching at once is the
  textbook race of a synchronous latch. The sequential rule has no cycle.

The latch is ``ns.zoo.sr_latch()``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    net = ns.zoo.sr_latch()
    rows = []
    print(f"{'s':>2} {'r':>2}  {'rule':<10}  attractors of (q, nq) with basin sizes")
    for s in (0, 1):
        for r in (0, 1):
            for rule in ("parallel", "sequential"):
                result = ns.attractors(net, rule, clamp={"s": s, "r": r})
                cells = []
                for a in result.attractors:
                    states = " <-> ".join(a.labels)
                    kind = "fixed" if a.is_fixed_point else f"cycle {a.period}"
                    cells.append(f"{states} ({kind}, basin {a.basin})")
                print(f"{s:>2} {r:>2}  {rule:<10}  " + "; ".join(cells))
                rows.append({
                    "s": s, "r": r, "rule": rule,
                    "attractors": [(a.labels, a.period, a.basin) for a in result.attractors],
                })
    return rows


if __name__ == "__main__":
    main()
