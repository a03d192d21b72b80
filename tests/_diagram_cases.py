"""Networks shared by the diagram tests (hand-built, fixed weights)."""

from __future__ import annotations

import itertools

import numpy as np

import netsim as ns


def small_mlp() -> ns.Network:
    """A 2-3-2 sigmoid/softmax MLP with fixed, hand-chosen configuration values."""
    net = ns.mlp([2, 3, 2], activation="sigmoid", output_activation="softmax", seed=0)
    n = len(net.get_weights())
    net.set_weights(np.round(np.linspace(-1.5, 1.25, n), 4))
    return net


def hopfield(n: int = 4) -> ns.Network:
    net = ns.Network(name="hopfield")
    for k in range(n):
        net.add_neuron(f"s{k + 1}", activation="sign")
    for a, b in itertools.permutations(range(n), 2):
        net.connect(f"s{a + 1}", f"s{b + 1}", 1.0 if (a + b) % 2 else -1.0)
    net.set_inputs(net.neurons)
    net.set_outputs(net.neurons)
    return net


def sparse_recurrent(n: int = 300, k: int = 3, seed: int = 0) -> ns.Network:
    """A random sparse recurrent network: 5 inputs, 3 outputs, ~k connections each."""
    rng = np.random.default_rng(seed)
    net = ns.Network(name=f"sparse {n}")
    for j in range(n):
        if j < 5:
            net.add_input(f"n{j}")
        elif j >= n - 3:
            net.add_output(f"n{j}", activation="tanh")
        else:
            net.add_neuron(f"n{j}", activation="tanh")
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, size=(n * k, 2))}
    net.connect_many((f"n{a}", f"n{b}", float(rng.normal())) for a, b in sorted(pairs))
    return net
