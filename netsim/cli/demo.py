"""``netsim demo``: a tour on an embedded network, needing nothing but netsim.

It builds the textbook XOR network of three step neurons, prints its truth table and
the layer-by-layer trace of one input, shows a recurrent two-neuron oscillator under
the parallel and the sequential rule, and trains a 2-2-1 sigmoid network on XOR.
"""

from __future__ import annotations

import argparse

import numpy as np

import netsim as ns

from ._output import option_type

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def _fmt(values: np.ndarray) -> str:
    return " ".join(f"{v:g}" for v in np.ravel(values))


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="a short tour on embedded example networks",
        description=(
            "A short tour needing nothing but netsim: the textbook XOR network of three "
            "step neurons (truth table and layer-by-layer trace), a recurrent two-neuron "
            "oscillator under the parallel and the sequential rule, and a 2-2-1 sigmoid "
            "network trained on XOR by gradient descent."
        ),
    )
    parser.add_argument("--epochs", type=option_type(ns.train, "epochs"), default=3000, metavar="N",
                        help="training epochs of part 3 (default 3000)")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    net = ns.zoo.xor()
    print(f"1. {net}")
    print("   three step neurons: h1 = OR, h2 = NAND, y = AND of the two (layered rule)")
    print("   layers:", " | ".join(", ".join(map(str, layer)) for layer in net.layers()))
    print("   x1 x2 -> y")
    outputs = net.predict(XOR_INPUTS)
    for x, y in zip(XOR_INPUTS, outputs, strict=True):
        print(f"    {_fmt(x)}  ->  {_fmt(y)}")

    run = net.run([1, 0], record=True)
    print("\n   trace for input (1, 0), state order", ", ".join(map(str, net.neurons)))
    for t, state in enumerate(run.trace if run.trace is not None else ()):
        print(f"   step {t}: {_fmt(state)}")

    osc = ns.zoo.mutual_inhibition()
    par = osc.run([], rule="parallel", max_steps=20)
    seq = osc.run([], rule="sequential", max_steps=20)
    print(f"\n2. {osc}")
    print("   two sign neurons inhibiting each other (weights -1), both starting at +1")
    print(f"   parallel rule:   period {par.period} (a cycle), state {_fmt(par.state)}")
    print(f"   sequential rule: period {seq.period} (a fixed point), state {_fmt(seq.state)}")

    mlp = ns.mlp("2-2-1", activation="sigmoid", seed=0)
    targets = np.array([[0], [1], [1], [0]], dtype=float)
    history = ns.train(
        mlp, XOR_INPUTS, targets, loss="mse", optimizer="sgd", lr=2.0,
        epochs=args.epochs, batch_size=None, seed=0, progress=False,
    )
    print(f"\n3. trained {mlp}")
    print("   sigmoid neurons learn XOR by backpropagation (full-batch gradient descent)")
    print(f"   loss {history.loss[0]:.4f} -> {history.loss[-1]:.4f} in {len(history.loss)} epochs")
    print("   outputs:", _fmt(np.round(mlp.predict(XOR_INPUTS), 2)))
    print("\nNext: 'netsim --help', docs/index.md and docs/examples.md.")
    return 0
