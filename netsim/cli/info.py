"""``netsim info FILE``: what a network file holds (roles, size, structure, functions)."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

import netsim as ns

from ._output import add_json_option, emit, load_network, short_list, text_table

__all__ = ["add_parser", "summarize", "summary_line"]


def summarize(net: ns.Network) -> dict[str, Any]:
    """The facts ``netsim info`` prints, as a JSON-ready dict.

    >>> import netsim as ns
    >>> s = summarize(ns.mlp("2-3-1", seed=0))
    >>> s["neurons"], s["hidden"], s["connections"], s["recurrent"], s["layers"]
    (6, 3, 9, False, [2, 3, 1])
    """
    neurons = [net.neuron(n) for n in net.neurons]
    cycle = net.find_cycle()
    layers: list[int] | None = None
    layer_error = None
    if cycle is None:
        try:
            layers = [len(layer) for layer in net.layers()]
        except ns.NetworkError as exc:  # user layer numbers that contradict the graph
            layer_error = str(exc)
    groups = Counter(n.group for n in neurons if n.group is not None)
    out: dict[str, Any] = {
        "name": net.name,
        "neurons": len(net),
        "inputs": list(net.inputs),
        "outputs": list(net.outputs),
        "hidden": len(net.hidden),
        "connections": net.graph.number_of_edges(),
        "recurrent": cycle is not None,
        "cycle": cycle,
        "layers": layers,
        "activations": dict(sorted(Counter(n.activation for n in neurons).items())),
        "potentials": dict(sorted(Counter(n.potential for n in neurons).items())),
        "groups": {str(g): c for g, c in groups.items()},
    }
    if layer_error is not None:
        out["layer_error"] = layer_error
    return out


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(s: dict[str, Any]) -> str:
    """``5 neurons (2 inputs, 1 output, 2 hidden), 6 connections, feed-forward``."""
    kind = "recurrent" if s["recurrent"] else "feed-forward"
    return (
        f"{_plural(s['neurons'], 'neuron')} ({_plural(len(s['inputs']), 'input')}, "
        f"{_plural(len(s['outputs']), 'output')}, {s['hidden']} hidden), "
        f"{_plural(s['connections'], 'connection')}, {kind}"
    )


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{name} ({count})" for name, count in counter.items()) or "-"


def _text(path: str, s: dict[str, Any]) -> str:
    if s["recurrent"]:
        cycle = " -> ".join(repr(n) for n in [*s["cycle"], s["cycle"][0]])
        structure = f"recurrent (a cycle: {cycle})"
    elif s["layers"] is not None:
        layers = s["layers"]
        sizes = "-".join(map(str, layers)) if len(layers) <= 30 else (
            "-".join(map(str, layers[:10])) + f"-...({len(layers) - 20} more)-"
            + "-".join(map(str, layers[-10:])))
        structure = f"feed-forward, {_plural(len(s['layers']), 'layer')}: {sizes}"
    else:
        structure = f"feed-forward; layers: {s['layer_error']}"
    rows = [
        ("file", path),
        ("name", s["name"] if s["name"] is not None else "-"),
        ("neurons", f"{s['neurons']} ({_plural(len(s['inputs']), 'input')}, "
                    f"{_plural(len(s['outputs']), 'output')}, {s['hidden']} hidden)"),
        ("connections", s["connections"]),
        ("structure", structure),
        ("inputs", short_list(s["inputs"])),
        ("outputs", short_list(s["outputs"])),
        ("activations", _counts(s["activations"])),
        ("potentials", _counts(s["potentials"])),
    ]
    if s["groups"]:
        rows.append(("groups", _counts(s["groups"])))
    return text_table(rows)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "info",
        help="describe a network file",
        description=(
            "Describe a network file: neurons and their roles, connections, whether it "
            "is recurrent, its layers and the functions its neurons use."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="a network JSON file")
    add_json_option(parser)
    parser.set_defaults(func=_info)


def _info(args: argparse.Namespace) -> int:
    net = load_network(args.file)
    s = summarize(net)
    emit(args, {"file": args.file, **s}, _text(args.file, s))
    return 0
