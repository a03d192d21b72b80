"""Example 3: any Boolean function {0,1}ⁿ → {0,1} with two layers of step neurons.

For every input vector a with f(a) = 1 the hidden layer has one neuron that fires on
a and only on a: weights w_i = +1 where a_i = 1 and −1 where a_i = 0, bias −|a|
(the number of ones in a), so ξ = 0 on a and ξ ≤ −1 on every other vector. The
output neuron is an OR of them (weights 1, bias −1). When f has no true vector the
output has no incoming connection and keeps its initial value 0.

The script builds the network for random functions of 3, 4 and 5 variables and
checks it on every one of the 2ⁿ inputs.

Run: ``python examples/boolean_function.py``
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def build(n: int, truth: np.ndarray) -> ns.Network:
    """The two-layer network of the function with ``truth[k]`` = f(k-th vector)."""
    vectors = list(itertools.product((0, 1), repeat=n))
    net = ns.Network(name=f"boolean-{n}")
    for i in range(n):
        net.add_input(f"x{i + 1}")
    net.add_output("y", activation="step", bias=-1.0)
    for k, a in enumerate(vectors):
        if not truth[k]:
            continue
        h = "h" + "".join(map(str, a))
        net.add_neuron(h, activation="step", bias=-float(sum(a)))
        for i, bit in enumerate(a):
            net.connect(f"x{i + 1}", h, 1.0 if bit else -1.0)
        net.connect(h, "y", 1.0)
    return net


def main(seed: int = 0) -> list[tuple[int, int, bool]]:
    rng = np.random.default_rng(seed)
    checked = []
    for n in (3, 4, 5):
        for trial in range(3):
            truth = rng.integers(0, 2, size=2**n)
            if trial == 2:
                truth[:] = 0  # the constant 0 function too
            net = build(n, truth)
            inputs = np.array(list(itertools.product((0, 1), repeat=n)))
            ok = bool(np.array_equal(net.predict(inputs)[:, 0], truth))
            checked.append((n, int(truth.sum()), ok))
            print(f"n={n}: {int(truth.sum()):2d} true vectors, "
                  f"{len(net.neurons) - n - 1:2d} hidden neurons, all {2**n} inputs "
                  f"{'correct' if ok else 'WRONG'}")
    return checked


if __name__ == "__main__":
    main()
