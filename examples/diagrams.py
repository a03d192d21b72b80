"""Draw the figures of docs/diagrams.md: XOR, an MLP, a large MLP, a recurrent network,
state overlays and a trace.

Run from the repository root::

    python examples/diagrams.py            # writes docs/img/*.dot and *.svg
    python examples/diagrams.py OUTDIR     # somewhere else

Every figure is written twice: its DOT text (``.dot``, byte-identical on every machine,
compared by the tests) and its SVG (needs Graphviz's ``dot``; skipped when missing).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def xor() -> ns.Network:
    """The XOR network of three step neurons: h1 = OR, h2 = NAND, y = AND."""
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


def elman() -> ns.Network:
    """A small recurrent network: context units c1, c2 copy h1, h2 back into them."""
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


def hopfield() -> ns.Network:
    """A 4-neuron Hopfield network storing the pattern (+1, −1, +1, −1) (Hebb rule)."""
    pattern = np.array([1.0, -1.0, 1.0, -1.0])
    net = ns.Network(name="hopfield")
    for k in range(4):
        net.add_neuron(f"s{k + 1}", activation="sign")
    for i in range(4):
        for j in range(4):
            if i != j:
                net.connect(f"s{i + 1}", f"s{j + 1}", float(pattern[i] * pattern[j]))
    net.set_inputs(net.neurons)
    net.set_outputs(net.neurons)
    return net


Figure = Callable[[Path, str], list[Path]]


def figures() -> dict[str, Figure]:
    """Name → function writing that figure (and returning the DOT files written)."""

    def one(net: ns.Network, **options: object) -> Figure:
        def write(out: Path, name: str) -> list[Path]:
            dot_path = ns.write_dot(net, out / f"{name}.dot", **options)
            if shutil.which("dot"):
                net.render(out / f"{name}.svg", **options)
            return [dot_path]

        return write

    x = xor()
    mlp = ns.mlp([3, 4, 2], activation="tanh", output_activation="softmax", seed=1,
                 name="mlp 3-4-2")
    big = ns.mlp([784, 128, 64, 10], output_activation="softmax", seed=0)
    h = hopfield()

    def trace(out: Path, name: str) -> list[Path]:
        run = h.run([1, 1, 1, -1], rule="sequential", steps=4, record=True)
        paths = ns.render_trace(h, run, out / name, format="dot", direction="TB")
        if shutil.which("dot"):
            ns.render_trace(h, run, out / name, format="svg", direction="TB")
        return paths

    return {
        "xor": one(x),
        "xor_state": one(x, state=x.run([1, 0])),
        "mlp": one(mlp, clusters=True),
        "mlp_large": one(big, keep=2),
        "mlp_summary": one(big, summary=True),
        "elman": one(elman()),
        "hopfield_trace": trace,
    }


def main(out: Path = DEFAULT_OUT) -> list[Path]:
    """Write every figure into ``out``; return the DOT files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, write in figures().items():
        written += write(out, name)
    return written


if __name__ == "__main__":
    paths = main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
    print(f"wrote {len(paths)} figures to {paths[0].parent}")
