"""Example 1: XOR from three step neurons (the textbook construction).

The hidden neurons have potentials ξ₁ = −1 + 2x₁ + 2x₂ (at least one input is 1) and
ξ₂ = 3 − 2x₁ − 2x₂ (not both are 1); the output ξ = −2 + y₁ + y₂ fires when both
hidden neurons do. With step activations (1 if ξ ≥ 0) the network computes XOR.

The construction is spelled out here to teach it; the same network ships with netsim as
``ns.zoo.xor()``, and ``main`` checks that the two agree.

Run: ``python examples/xor.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def build() -> ns.Network:
    net = ns.Network(name="xor", description="XOR from three step neurons")
    net.add_input("x1")
    net.add_input("x2")
    net.add_neuron("h1", activation="step", bias=-1)
    net.add_neuron("h2", activation="step", bias=3)
    net.add_output("y", activation="step", bias=-2)
    for x in ("x1", "x2"):
        net.connect(x, "h1", 2.0)
        net.connect(x, "h2", -2.0)
    net.connect("h1", "y", 1.0)
    net.connect("h2", "y", 1.0)
    return net


def main() -> np.ndarray:
    net = build()
    if ns.to_dict(net) != ns.to_dict(ns.zoo.xor()):
        raise AssertionError("examples/xor.py and ns.zoo.xor() build different networks")
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    run = net.run(inputs)  # acyclic: the layered rule, 2 steps (hidden layer, output)
    print("x1 x2 | y")
    for x, y in zip(inputs, run.output[:, 0], strict=True):
        print(f" {x[0]}  {x[1]} | {y:.0f}")
    print("\nState after each step for input (1, 0):")
    print(net.run([1, 0], record=True).table())
    return run.output[:, 0]


if __name__ == "__main__":
    main()
