"""Networks shared by the diagram tests (hand-built, fixed weights)."""

from __future__ import annotations

import itertools

import numpy as np

import netsim as ns


def xor() -> ns.Network:
    """The XOR network of three step neurons (DESIGN.md §3)."""
    net = ns.Network(name="xor")
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


def small_mlp() -> ns.Network:
    """A 2-3-2 sigmoid/softmax MLP with fixed, hand-chosen configuration values."""
    net = ns.mlp([2, 3, 2], activation="sigmoid", output_activation="softmax", seed=0)
    n = len(net.get_weights())
    net.set_weights(np.round(np.linspace(-1.5, 1.25, n), 4))
    return net


def elman() -> ns.Network:
    """A small recurrent network with context units, feedback and a self-loop."""
    net = ns.Network(name="elman")
    net.add_input("x")
    net.add_neuron("h1", activation="tanh", bias=0.1)
    net.add_neuron("h2", activation="tanh", bias=-0.2)
    net.add_neuron("c1")
    net.add_neuron("c2")
    net.add_output("y", activation="sigmoid", bias=0.5)
    for a, b, w in [("x", "h1", 1.5), ("x", "h2", -0.7), ("h1", "y", 1.0), ("h2", "y", -1.2),
                    ("h1", "c1", 1.0), ("h2", "c2", 1.0), ("c1", "h1", 0.4), ("c2", "h2", 0.3),
                    ("y", "h1", 0.2), ("h2", "h2", 0.8)]:
        net.connect(a, b, w)
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
