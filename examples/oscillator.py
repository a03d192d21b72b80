"""Two-neuron oscillators and their state transition graphs.

Run: ``python examples/oscillator.py [--dot DIR]``.

Two sign neurons a and b (values −1/+1, sign(0) = +1):

- *mutual inhibition* (w_ab = w_ba = −1, symmetric): under the parallel rule the
  states ++ and −− swap forever (a 2-cycle — the most a symmetric network can do);
  +− and −+ are fixed points. Under the sequential rule the cycle disappears: from ++
  updating a gives −+, updating b gives +−, both fixed points.
- *excitation and inhibition* (b copies a, a copies the negation of b: not
  symmetric): the parallel rule runs through all four states, a cycle of length 4,
  and the sequential rule has no fixed point at all.

With ``--dot DIR`` the four state graphs are written as DOT files.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot", metavar="DIR", help="write the state graphs as DOT files")
    args = parser.parse_args(argv)
    out: dict[str, object] = {}
    pairs = (ns.zoo.pair(-1.0, -1.0, name="inhibition"),
             ns.zoo.pair(1.0, -1.0, name="excite-inhibit"))  # weights a → b, b → a
    for net in pairs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ns.NetsimWarning)
            check = ns.check_energy(net)
        print(f"=== {net.name}: symmetric weights: {check.symmetric}")
        for rule in ("parallel", "sequential"):
            result = ns.attractors(net, rule)
            print(result.table())
            graph = result.graph()
            edges = ", ".join(
                f"{u}->{v}" + (f" [{d['neuron']}]" if "neuron" in d else "")
                for u, v, d in sorted(graph.edges(data=True))
            )
            print(f"state graph: {edges}\n")
            out[f"{net.name}/{rule}"] = [(a.labels, a.period) for a in result.attractors]
            if args.dot:
                path = Path(args.dot) / f"{net.name}-{rule}.dot"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(result.to_dot().source)
                print(f"wrote {path}\n")
    return out


if __name__ == "__main__":
    main()
