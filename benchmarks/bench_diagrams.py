"""Diagrams: the DOT text of large networks against Graphviz laying it out, and against
the numpy reduction a collapsed diagram needs at least.

Networks:

- an MLP 784-W-W-10 built from arrays (``Network.from_arrays``, so no networkx graph
  exists and ``to_dot`` must not build one), default W = 1024: 1.86 M connections;
  ``--width 2600``: 8.8 M; quick: 784-128-64-10, 109 k. Its wide layers are collapsed
  ("⋯ (+N)" nodes);
- a sparse recurrent network of 2,000 neurons (20 inputs, 10 outputs, 4 incoming
  connections each, random sources, seeded; quick: 500).

Rows (interleaved repeats, medians with min–max; cost ratios, netsim / reference):

- ``to_dot`` vs a numpy reduction of the compiled arrays to the diagram's edges (the
  MLP): the drawn node of every connection's ends, then counts, sums, |w| maxima and
  signs per pair with ``np.bincount``/``np.maximum.at`` (the drawn nodes given,
  untimed). The bundles' tooltips need every weight, so this pass is the floor of any
  program drawing them (target ≤ 2×). The program is compiled once before (every use
  of the network shares it); the first, compiling call is a note.
- ``to_dot`` vs ``dot -Tsvg`` laying out the text it produced: no target (for a large
  network the text needs a pass over every weight, the layout only the drawn nodes),
  but it says which of the two a user waits for.

Rendering rows are skipped when Graphviz's ``dot`` is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable

import numpy as np
from _harness import measure, print_results

import netsim as ns
from netsim.io._plan import make_plan


def mlp_from_arrays(sizes: list[int], seed: int = 0) -> ns.Network:
    """A sigmoid MLP with a softmax output layer, fully connected layer to layer."""
    rng = np.random.default_rng(seed)
    starts = np.cumsum([0, *sizes])
    sources, targets = [], []
    for a, b in zip(range(len(sizes) - 1), range(1, len(sizes)), strict=True):
        src = np.arange(starts[a], starts[a + 1])
        dst = np.arange(starts[b], starts[b + 1])
        sources.append(np.tile(src, len(dst)))
        targets.append(np.repeat(dst, len(src)))
    src, dst = np.concatenate(sources), np.concatenate(targets)
    weights = rng.normal(0.0, 0.05, size=len(src))
    n = int(starts[-1])
    activation = (["identity"] * sizes[0] + ["sigmoid"] * (n - sizes[0] - sizes[-1])
                  + ["softmax"] * sizes[-1])
    return ns.Network.from_arrays(
        src, dst, weights, neurons=n, activation=activation,
        inputs=range(sizes[0]), outputs=range(n - sizes[-1], n),
        name="mlp " + "-".join(map(str, sizes)))


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


def reduction(net: ns.Network) -> Callable[[], tuple[np.ndarray, ...]]:
    """The reference: per-connection drawn nodes, then per-pair sums (numpy only)."""
    prog = net.compile()
    plan = make_plan(net, min_weight=0.0, max_layer_width="auto", keep=3, max_nodes=150,
                     max_edges=500, summary=None)  # which drawn node holds each neuron
    node_of = np.empty(prog.n_neurons, dtype=np.int64)
    for d, node in enumerate(plan.nodes):
        node_of[node.members] = d
    size = len(plan.nodes)

    def run() -> tuple[np.ndarray, ...]:
        targets = np.repeat(np.arange(prog.n_neurons), prog.in_degree)
        key = node_of[prog.sources] * size + node_of[targets]
        w = prog.weights
        count = np.bincount(key, minlength=size * size)
        total = np.bincount(key, weights=w, minlength=size * size)
        largest = np.zeros(size * size)
        np.maximum.at(largest, key, np.abs(w))
        positive = np.bincount(key, weights=w > 0, minlength=size * size)
        return count, total, largest, positive

    return run


def run_dot(source: str) -> bytes:
    return subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True,
                          check=True).stdout


def main(quick: bool = False, width: int | None = None) -> None:
    sizes = [784, 128, 64, 10] if quick and width is None else [784, width or 1024,
                                                                 width or 1024, 10]
    start = time.perf_counter()
    mlp = mlp_from_arrays(sizes)
    built = time.perf_counter() - start
    n_rec = 500 if quick else 2000
    nets = [(f"MLP {'-'.join(map(str, sizes))}", mlp),
            (f"sparse recurrent {n_rec}", sparse_recurrent(n_rec))]
    has_dot = shutil.which("dot") is not None
    results = []
    for name, net in nets:
        start = time.perf_counter()
        net.compile()
        compiled = time.perf_counter() - start
        start = time.perf_counter()
        source = net.to_dot().source
        first = time.perf_counter() - start
        plan = make_plan(net, min_weight=0.0, max_layer_width="auto", keep=3, max_nodes=150,
                         max_edges=500, summary=None)
        facts = (f"{net.compile().n_connections:,} connections, {plan.mode}: "
                 f"{len(plan.nodes)} nodes, {len(plan.edges)} edges, {len(source):,} B; "
                 f"compile {compiled:.2f} s, first to_dot {first:.2f} s")
        if net is mlp:
            facts += f"; from_arrays {built:.2f} s, graph built: {net.bulk is None}"
        if net is mlp:
            results.append(measure(f"{name}: to_dot", net.to_dot, reduction(net),
                                   "numpy reduction per pair", target=2.0, repeat=5,
                                   note=facts))
        if has_dot:
            results.append(measure(f"{name}: to_dot", net.to_dot,
                                   lambda s=source: run_dot(s), "dot -Tsvg", repeat=5,
                                   note="" if net is mlp else facts))
    print_results("diagrams: DOT text of large networks", results)
    if not has_dot:
        print("(Graphviz 'dot' not found: the comparison with it is not measured)")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--width", type=int, help="hidden width W of the MLP 784-W-W-10")
    args = parser.parse_args()
    main(quick=args.quick, width=args.width)
