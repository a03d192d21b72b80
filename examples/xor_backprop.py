"""XOR learned by a 2-2-1 sigmoid network with backpropagation.

XOR is not linearly separable, so one neuron cannot compute it; two hidden sigmoid
neurons can. Full-batch gradient descent on the mean squared error
E = ½ Σ (y − d)² (averaged over the four samples) finds weights that do.

Run: ``python examples/xor_backprop.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
D = np.array([[0], [1], [1], [0]], dtype=float)


def main(verbose: bool = True) -> dict:
    net = ns.mlp("2-2-1", activation="sigmoid", seed=3, name="xor 2-2-1")
    history = ns.train(net, X, D, loss="mse", optimizer="sgd", lr=2.0, epochs=3000,
                       batch_size=None, seed=0, progress=False)
    y = net.predict(X).ravel()
    if verbose:
        print(f"{net}\nloss {history.loss[0]:.4f} -> {history.loss[-1]:.6f} "
              f"after {history.epochs} epochs")
        for x, out in zip(X, y, strict=True):
            print(f"  x = {x.astype(int).tolist()}  y = {out:.3f}  ->  {int(out > 0.5)}")
    return {"net": net, "history": history, "outputs": y}


if __name__ == "__main__":
    main()
