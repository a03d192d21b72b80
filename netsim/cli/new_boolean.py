"""``netsim new boolean TABLE.csv -o net.json``: the two-layer step network of a truth table.

Registered as a kind of ``netsim new`` by :func:`add_kind`.
"""

from __future__ import annotations

import argparse
import pathlib
from typing import Any

import numpy as np

import netsim as ns

from ._output import add_json_option, check_output, emit

__all__ = ["add_kind"]


def add_kind(kinds: Any) -> None:
    """Add the ``boolean`` kind to the subparsers of ``netsim new``."""
    parser = kinds.add_parser(
        "boolean",
        help="the two-layer step network computing a truth table (CSV)",
        description=(
            "Build the course's two-layer network of step neurons computing a Boolean "
            "function: one hidden neuron per row whose output is 1 (weights +1 for the "
            "inputs that are 1, -1 for those that are 0, bias -(number of ones)) and an OR "
            "output neuron. TABLE.csv has one row per input vector: the inputs, then the "
            "output column(s), all 0 or 1, with an optional header line of names (used as "
            "neuron ids). Input vectors not listed are 0."
        ),
        epilog="example: netsim new boolean xor.csv -o xor.json   (xor.csv: x1,x2,y / 0,0,0 / "
        "0,1,1 / 1,0,1 / 1,1,0)",
    )
    parser.add_argument("table", metavar="TABLE.csv", help="truth table: inputs then outputs")
    parser.add_argument(
        "--outputs", default="1", metavar="K|NAMES",
        help="output columns: the last K columns, or comma-separated header names (default 1)",
    )
    parser.add_argument("--name", default=None, help="network name (default: the file's stem)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the JSON file to write (replaced atomically if it exists)")
    add_json_option(parser)
    parser.set_defaults(func=_new_boolean)


def _new_boolean(args: argparse.Namespace) -> int:
    check_output(args.output, suffixes=(".json",))
    samples = ns.read_samples(args.table, targets=args.outputs)
    table = np.hstack([samples.inputs, samples.targets])
    names = samples.input_names + samples.target_names
    header = not all(n.startswith("column ") for n in names)
    bad = np.argwhere((table != 0) & (table != 1))
    if len(bad):
        row, col = bad[0]
        where = f"column {names[col]!r}" if header else names[col]
        raise ns.DataError(
            f"{args.table}, sample {row + 1}, {where}: {table[row, col]:g} is not 0 or 1 "
            "(a truth table holds bits)"
        )
    stem = pathlib.Path(args.table).stem
    try:
        net = ns.boolean_network(
            table,
            n_outputs=samples.targets.shape[1],
            inputs=samples.input_names if header else None,
            outputs=samples.target_names if header else None,
            name=args.name if args.name is not None else stem,
        )
    except ns.ParameterError as exc:
        raise ns.DataError(f"{args.table}: {exc}") from None
    ns.save(net, args.output)
    data = {"file": args.output, "name": net.name, "inputs": len(net.inputs),
            "outputs": len(net.outputs), "hidden": len(net.hidden), "neurons": len(net),
            "connections": net.graph.number_of_edges()}
    text = (f"wrote {args.output}: network {net.name!r}, {len(net.inputs)} inputs, "
            f"{len(net.hidden)} hidden step neurons (one per true row), "
            f"{len(net.outputs)} OR output{'s' if len(net.outputs) != 1 else ''}, "
            f"{data['connections']} connections")
    emit(args, data, text)
    return 0
