"""sin(x) on [0, 2π] learned by a 1-5-1 network (five sigmoid hidden neurons).

The hidden layer builds the curve from five sigmoid "steps"; the linear output neuron
adds them up. Inputs are standardised (the fitted ``Standardizer`` is kept to map new
inputs the same way). With matplotlib installed, ``main(plot="sine.png")`` draws the
fit; without it the plot is skipped.

Run: ``python examples/sine.py [sine.png]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def main(verbose: bool = True, plot: str | None = None) -> dict:
    x = np.linspace(0.0, 2 * np.pi, 64)[:, None]
    d = np.sin(x)
    z, scaler = ns.standardize(x)
    net = ns.Network(name="sine 1-5-1")
    net.add_input("x")
    for k in range(5):
        net.add_neuron(f"h{k + 1}", activation="sigmoid")
        net.connect("x", f"h{k + 1}")
    net.add_output("y", activation="identity")
    for k in range(5):
        net.connect(f"h{k + 1}", "y")
    ns.initialize(net, "uniform", seed=1)
    history = ns.train(net, z, d, loss="mse", optimizer="adam", lr=0.05, epochs=1500,
                       batch_size=16, seed=0, progress=False)
    grid = np.linspace(0.0, 2 * np.pi, 200)[:, None]
    fit = net.predict(scaler.transform(grid)).ravel()
    max_error = float(np.max(np.abs(fit - np.sin(grid).ravel())))
    if verbose:
        print(f"{net}\nfinal loss {history.loss[-1]:.2e}, max |y - sin x| = {max_error:.3f}")
    drawn = None
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
            ax.plot(grid, np.sin(grid), label="sin x", lw=2)
            ax.plot(grid, fit, "--", label="1-5-1 network")
            ax.scatter(x, d, s=8, c="k", label="training samples")
            ax.set_xlabel("x")
            ax.legend()
            fig.tight_layout()
            fig.savefig(plot)
            plt.close(fig)
            drawn = plot
    return {"net": net, "history": history, "max_error": max_error, "plot": drawn}


if __name__ == "__main__":
    main(plot=sys.argv[1] if len(sys.argv) > 1 else "sine.png")
