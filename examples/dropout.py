"""Dropout on a noisy 2-D problem: training and validation loss with and without it.

The points of the plane are labelled by the sign of x₁·x₂ (a checkerboard of four
quadrants), and 20 % of the labels are flipped. A wide 2-32-32-1 network (tanh hidden
neurons, sigmoid output) trained on 80 points learns the noise: its training loss keeps
falling while the validation loss climbs. Trained the same way with the course's
dropout (every hidden neuron kept with probability p = 0.5 in each step, only the kept
neurons' weights updated), the gap between training and validation loss stays small.

With matplotlib installed, ``main(plot="dropout.png")`` draws both loss curves.

Run: ``python examples/dropout.py [dropout.png]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def noisy_quadrants(n: int, seed: int, flip: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in [−1, 1]², label 1 where x₁·x₂ > 0, a fraction ``flip`` flipped."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    d = (x[:, 0] * x[:, 1] > 0) ^ (rng.random(n) < flip)
    return x, d.astype(float)[:, None]


def fit(dropout: float | None, x, d, xv, dv) -> ns.History:
    net = ns.mlp("2-32-32-1", activation="tanh", output_activation="sigmoid", seed=0)
    return ns.train(net, x, d, loss="binary_cross_entropy", optimizer="adam", lr=0.01,
                    epochs=150, batch_size=16, validation=(xv, dv), dropout=dropout,
                    seed=0, progress=False)


def main(verbose: bool = True, plot: str | None = None) -> dict:
    x, d = noisy_quadrants(80, seed=1)
    xv, dv = noisy_quadrants(400, seed=2)
    plain = fit(None, x, d, xv, dv)
    drop = fit(0.5, x, d, xv, dv)
    out = {
        "plain": plain, "dropout": drop,
        "plain_gap": plain.val_loss[-1] - plain.loss[-1],
        "dropout_gap": drop.val_loss[-1] - drop.loss[-1],
        "plot": None,
    }
    if verbose:
        for name, h in (("no dropout", plain), ("dropout p=0.5", drop)):
            print(f"{name:14s} train loss {h.loss[-1]:.3f}  validation loss "
                  f"{h.val_loss[-1]:.3f}  (best {min(h.val_loss):.3f})")
    if plot is not None:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            if verbose:
                print("matplotlib is not installed: plot skipped")
        else:
            fig, ax = plt.subplots(figsize=(6, 3.5))
            for name, h, style in (("no dropout", plain, "-"), ("dropout p = 0.5", drop, "--")):
                ax.plot(h.loss, style, color="C0", label=f"{name}: training")
                ax.plot(h.val_loss, style, color="C3", label=f"{name}: validation")
            ax.set_xlabel("epoch")
            ax.set_ylabel("binary cross-entropy")
            ax.legend(fontsize=8)
            fig.tight_layout()
            fig.savefig(plot)
            plt.close(fig)
            out["plot"] = plot
    return out


if __name__ == "__main__":
    main(plot=sys.argv[1] if len(sys.argv) > 1 else "dropout.png")
