"""Diagrams: build the DOT text and render the SVG of two large networks.

- the MNIST-sized MLP 784-128-64-10 (109,184 connections; wide layers collapsed);
- a sparse recurrent network of 2,000 neurons (20 inputs, 10 outputs, about 4
  incoming connections each, random sources, seeded; quick: 500 neurons).

There is no reference implementation to compare with: the figures are absolute
seconds (best of 3 for the DOT text, best of 2 for rendering through Graphviz's
``dot``), and the target is "within seconds". Rendering is skipped when ``dot`` is
not installed.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
from _harness import Result, best_time, print_results

import netsim as ns


def sparse_recurrent(n: int, fan_in: int = 4, seed: int = 0) -> ns.Network:
    rng = np.random.default_rng(seed)
    net = ns.Network(name=f"sparse recurrent {n}")
    n_in, n_out = max(1, n // 100), max(1, n // 200)
    for k in range(n):
        if k < n_in:
            net.add_input(f"n{k}")
        elif k >= n - n_out:
            net.add_output(f"n{k}", activation="tanh")
        else:
            net.add_neuron(f"n{k}", activation="tanh")
    edges = []
    for j in range(n_in, n):
        for i in rng.choice(n, size=fan_in, replace=False).tolist():
            edges.append((f"n{i}", f"n{j}", float(rng.normal())))
    net.connect_many(edges)
    return net


def main(quick: bool = False) -> None:
    nets = [
        ("MLP 784-128-64-10", ns.mlp([784, 128, 64, 10], output_activation="softmax",
                                     seed=0)),
        (f"sparse recurrent {500 if quick else 2000}", sparse_recurrent(500 if quick else 2000)),
    ]
    has_dot = shutil.which("dot") is not None
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, net in nets:
            build = best_time(lambda net=net: net.to_dot(), repeat=3)
            mode = _mode(net)
            results.append(Result(f"{name}: DOT text", build, None, "none",
                                  note=f"{mode}, {len(net.to_dot().source):,} bytes"))
            if has_dot:
                target = Path(tmp) / "net.svg"
                render = best_time(lambda net=net, t=target: net.render(t), repeat=2)
                results.append(Result(f"{name}: render svg", render, None, "none",
                                      note=f"{target.stat().st_size:,} bytes"))
    print_results("diagrams (seconds; target: within seconds)", results)
    if not has_dot:
        print("(Graphviz 'dot' not found: rendering not measured)")


def _mode(net: ns.Network) -> str:
    from netsim.io._plan import make_plan

    plan = make_plan(net, min_weight=0.0, max_layer_width=16, keep=3, max_nodes=150,
                     max_edges=500, summary=None)
    return f"{plan.mode}: {len(plan.nodes)} nodes, {len(plan.edges)} edges"


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
