"""Example 2: the AND, OR, NOT, NAND and NOR neurons.

One step neuron each (σ(ξ) = 1 if ξ ≥ 0 else 0), with the threshold h in the bias
b = −h:

- AND: ξ = −2 + x₁ + x₂ (both inputs must be 1);
- OR:  ξ = −1 + x₁ + x₂ (one input is enough);
- NOT: ξ = 0 − x (fires only when x = 0);
- NAND: ξ = 1 − x₁ − x₂ (fires unless both are 1);
- NOR:  ξ = 0 − x₁ − x₂ (fires only when both are 0).

The neurons come from ``ns.zoo.gate(kind)``; ``ns.zoo.GATES`` lists their biases and
weights.

Run: ``python examples/logic_gates.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def main() -> dict[str, np.ndarray]:
    pairs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    tables = {}
    for kind, (bias, weights) in ns.zoo.GATES.items():
        net = ns.zoo.gate(kind)  # one step neuron: step(bias + Σ w x)
        inputs = pairs if len(weights) == 2 else np.array([[0], [1]])
        out = net.predict(inputs)[:, 0]
        tables[kind.upper()] = out
        rows = ", ".join(f"{''.join(map(str, x))}->{y:.0f}" for x, y in zip(inputs, out,
                                                                           strict=True))
        print(f"{kind.upper():4} b={bias:g} w={list(weights)}  {rows}")
    return tables


if __name__ == "__main__":
    main()
