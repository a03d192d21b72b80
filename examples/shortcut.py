"""A network with shortcut connections: XOR with a single hidden neuron.

Besides the path x → h → y, both inputs also connect straight to the output
(shortcuts that skip a layer). With them one hidden sigmoid neuron suffices for XOR:
the output sees x₁, x₂ and h ≈ AND(x₁, x₂), and y = σ(x₁ + x₂ − 2h − ½) separates the
classes. Backpropagation handles the shortcut like any connection: ∂E/∂y_x collects
the contributions of both paths.

Run: ``python examples/shortcut.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
D = np.array([[0], [1], [1], [0]], dtype=float)


def build(seed: int = 0) -> ns.Network:
    net = ns.Network(name="xor with shortcuts")
    net.add_input("x1")
    net.add_input("x2")
    net.add_neuron("h", activation="sigmoid")
    net.add_output("y", activation="sigmoid")
    for src, dst in [("x1", "h"), ("x2", "h"), ("x1", "y"), ("x2", "y"), ("h", "y")]:
        net.connect(src, dst)
    ns.initialize(net, "uniform", seed=seed)
    return net


def main(verbose: bool = True) -> dict:
    net = build(seed=2)
    history = ns.train(net, X, D, loss="binary_cross_entropy", optimizer="momentum",
                       lr=0.5, epochs=2000, batch_size=None, progress=False)
    y = net.predict(X).ravel()
    if verbose:
        print(f"{net}; layers {net.layers()}")
        print(f"loss {history.loss[-1]:.4f}; outputs {np.round(y, 3).tolist()}")
    return {"net": net, "history": history, "outputs": y}


if __name__ == "__main__":
    main()
