"""Draw the figures of docs/diagrams.md: XOR, an MLP, a large MLP, a recurrent network,
state overlays and a trace (XOR and the recurrent network come from ``ns.zoo``), a
25-neuron Hopfield network on a circle and the state graph of a small circuit.

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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns
from netsim.io.dot import run_dot

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def hopfield() -> ns.Network:
    """A 4-neuron Hopfield network storing the pattern (+1, −1, +1, −1) (Hebb rule, w = x xᵀ)."""
    return ns.hopfield([1, -1, 1, -1], ids=["s1", "s2", "s3", "s4"], normalize=False)


def letters25() -> ns.Network:
    """A Hopfield network of 5 × 5 pixels storing the letters T, L and X (Hebb rule)."""
    rows = {"T": "#####..#....#....#....#..", "L": "#....#....#....#....#####",
            "X": "#...#.#.#...#...#.#.#...#"}
    patterns = [[1 if c == "#" else -1 for c in bitmap] for bitmap in rows.values()]
    net = ns.hopfield(patterns)
    net.name = "hopfield 5x5: T, L, X"
    return net


def circuit() -> ns.Network:
    """Five sign neurons in a ring with one shortcut: its state graph has 32 states."""
    net = ns.Network(name="ring of five")
    ids = ["a", "b", "c", "d", "e"]
    for k in ids:
        net.add_neuron(k, activation="sign")
    for k, target in enumerate(ids):
        net.connect(ids[k - 1], target, 1.0)
    net.connect("a", "c", -2.0)
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

    x = ns.zoo.xor()
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

    def states(out: Path, name: str) -> list[Path]:
        dot = ns.attractors(circuit()).to_dot(title="ring of five")
        dot_path = out / f"{name}.dot"
        dot_path.write_text(dot.source, encoding="utf-8")
        if shutil.which("dot"):
            (out / f"{name}.svg").write_bytes(run_dot(dot.source, "svg"))
        return [dot_path]

    return {
        "xor": one(x),
        "xor_state": one(x, state=x.run([1, 0])),
        "mlp": one(mlp, clusters=True),
        "mlp_large": one(big, keep=2),
        "mlp_summary": one(big, summary=True),
        "elman": one(ns.zoo.elman()),
        "hopfield_trace": trace,
        "hopfield25": one(letters25()),
        "state_graph": states,
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
