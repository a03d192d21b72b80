"""Example 2: the AND, OR and NOT neurons.

One step neuron each (σ(ξ) = 1 if ξ ≥ 0 else 0), with the threshold h in the bias
b = −h:

- AND: ξ = −2 + x₁ + x₂ (both inputs must be 1);
- OR:  ξ = −1 + x₁ + x₂ (one input is enough);
- NOT: ξ = 0 − x (fires only when x = 0).

Run: ``python examples/logic_gates.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def gate(name: str, bias: float, weights: list[float]) -> ns.Network:
    net = ns.Network(name=name)
    for k in range(len(weights)):
        net.add_input(f"x{k + 1}")
    net.add_output("y", activation="step", bias=bias)
    for k, w in enumerate(weights):
        net.connect(f"x{k + 1}", "y", w)
    return net


def main() -> dict[str, np.ndarray]:
    pairs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    gates = {
        "AND": (gate("and", -2.0, [1.0, 1.0]), pairs),
        "OR": (gate("or", -1.0, [1.0, 1.0]), pairs),
        "NOT": (gate("not", 0.0, [-1.0]), np.array([[0], [1]])),
    }
    tables = {}
    for name, (net, inputs) in gates.items():
        out = net.predict(inputs)[:, 0]
        tables[name] = out
        rows = ", ".join(f"{''.join(map(str, x))}->{y:.0f}" for x, y in zip(inputs, out,
                                                                           strict=True))
        print(f"{name:4} {rows}")
    return tables


if __name__ == "__main__":
    main()
