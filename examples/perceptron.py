"""The perceptron learning rule on a linearly separable set.

Forty points in the plane, labelled by which side of the line x₂ = 0.5·x₁ + 0.2 they
lie on (with a margin), are learnt by one step neuron. The rule
w ← w + ε (d − y) x changes the weights only on mistakes; by the perceptron
convergence theorem it stops after finitely many updates on separable data. On XOR
(not separable) it reports that it did not converge.

Run: ``python examples/perceptron.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def separable_points(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(4 * n, 2))
    margin = x[:, 1] - (0.5 * x[:, 0] + 0.2)
    keep = np.abs(margin) > 0.1
    x, margin = x[keep][:n], margin[keep][:n]
    return x, (margin > 0).astype(float)


def main(verbose: bool = True) -> dict:
    x, d = separable_points()
    net = ns.mlp([2, 1], activation="step", seed=0, name="perceptron")
    result = ns.perceptron_rule(net, x, d, lr=0.5, max_epochs=100)
    predicted = (x @ np.array([net.weight("x1", "y1"), net.weight("x2", "y1")])
                 + net.neuron("y1").bias >= 0).astype(float)
    xor = ns.perceptron_rule(ns.mlp([2, 1], activation="step", seed=0),
                             [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], max_epochs=50)
    if verbose:
        print(f"separable set: converged={result.converged} after {result.epochs} epochs, "
              f"{result.updates} updates; errors per epoch {result.errors}")
        print(f"XOR: converged={xor.converged} after {xor.epochs} epochs")
    return {"result": result, "predicted": predicted, "targets": d, "xor": xor}


if __name__ == "__main__":
    main()
