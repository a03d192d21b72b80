"""Example 5: a Hopfield network recalls stored patterns from noisy versions.

N sign neurons, every one both input and output, fully connected with Hebbian
weights w_ji = (1/N) Σ_μ p_j^μ p_i^μ and no self-connections (zero diagonal). The
input sets the initial state; the sequential rule (random order, seeded) then
updates one neuron at a time until no neuron changes for a whole sweep. With few
patterns (here 5 for N = 200, far below the capacity ≈ 0.138 N) each noisy probe
(10 % of the bits flipped) falls back to its pattern.

Run: ``python examples/hopfield_recall.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def build(patterns: np.ndarray) -> ns.Network:
    n = patterns.shape[1]
    weights = patterns.T @ patterns / n  # Hebb's rule
    np.fill_diagonal(weights, 0.0)
    net = ns.Network(name="hopfield")
    for j in range(n):
        net.add_neuron(j, activation="sign")
    targets, sources = np.nonzero(weights)
    net.connect_many(
        zip(sources.tolist(), targets.tolist(), weights[targets, sources].tolist(),
            strict=True)
    )
    net.set_inputs(range(n))
    net.set_outputs(range(n))
    return net


def main(n: int = 200, n_patterns: int = 5, noise: float = 0.1, seed: int = 0):
    rng = np.random.default_rng(seed)
    patterns = rng.choice([-1.0, 1.0], size=(n_patterns, n))
    net = build(patterns)
    probes = patterns.copy()
    for probe in probes:
        probe[rng.choice(n, int(noise * n), replace=False)] *= -1
    run = net.run(probes, rule="sequential", order="random", seed=seed)
    for k in range(n_patterns):
        before = np.mean(probes[k] == patterns[k])
        after = np.mean(run.output[k] == patterns[k])
        print(f"pattern {k}: overlap {before:.2f} -> {after:.2f} after {run.steps[k]} steps "
              f"({run.steps[k] // n} sweeps), converged={run.converged[k]}")
    return patterns, run


if __name__ == "__main__":
    main()
