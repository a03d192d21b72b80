"""Example 3: any Boolean function {0,1}ⁿ → {0,1} with two layers of step neurons.

For every input vector a with f(a) = 1 the hidden layer has one neuron that fires on
a and only on a: weights w_i = +1 where a_i = 1 and −1 where a_i = 0, bias −|a|
(the number of ones in a), so ξ = 0 on a and ξ ≤ −1 on every other vector. The
output neuron is an OR of them (weights 1, bias −1). When f has no true vector the
output has no incoming connection and keeps its initial value 0.

The network is ``ns.boolean_network(truth_table)``. The script prints the construction
for the majority of three variables (each hidden neuron's weights and bias, and which
neuron fires on each input), then builds the network for random functions of 3, 4 and
5 variables and checks it on every one of the 2ⁿ inputs.

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
    vectors = np.array(list(itertools.product((0, 1), repeat=n)))
    return ns.boolean_network(np.column_stack([vectors, truth]), name=f"boolean-{n}")


def show(net: ns.Network) -> str:
    """The construction as a table: each hidden neuron's weights and bias, then the
    truth table with the hidden neurons that fire on each input."""
    n = len(net.inputs)
    lines = ["hidden neuron  weights " + " ".join(f"{x:>3}" for x in net.inputs) + "  bias"]
    for h in net.hidden:
        w = " ".join(f"{net.weight(x, h):+3.0f}" for x in net.inputs)
        lines.append(f"{h:<14} {'':8}{w}  {net.neuron(h).bias:+.0f}")
    inputs = np.array(list(itertools.product((0, 1), repeat=n)))
    run = net.run(inputs)
    cols = [net.neurons.index(h) for h in net.hidden]
    lines.append(" ".join(net.inputs) + " | fires        | " + " ".join(net.outputs))
    for x, state, y in zip(inputs, run.state, run.output, strict=True):
        fired = [h for h, c in zip(net.hidden, cols, strict=True) if state[c] == 1]
        lines.append(" ".join(f"{v:>{len(name)}}" for v, name in zip(x, net.inputs, strict=True))
                     + f" | {', '.join(fired) or '-':<12} | " + " ".join(f"{v:.0f}" for v in y))
    return "\n".join(lines)


def main(seed: int = 0) -> list[tuple[int, int, bool]]:
    majority = ns.boolean_network(lambda a, b, c: a + b + c >= 2, n_inputs=3, name="majority")
    print(show(majority))
    print()
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
