"""``netsim info FILE``: what a network file holds (roles, size, structure, functions)."""

from __future__ import annotations

import argparse
from typing import Any

import netsim as ns
from netsim import describe

from ._output import add_json_option, emit, load_network, text_table

__all__ = ["add_parser", "summarize", "summary_line"]


def summarize(net: ns.Network) -> dict[str, Any]:
    """The facts ``netsim info`` prints, as a JSON-ready dict (``net.summary()``).

    >>> import netsim as ns
    >>> s = summarize(ns.mlp("2-3-1", seed=0))
    >>> s["neurons"], s["hidden"], s["connections"], s["recurrent"], s["layers"]
    (6, 3, 9, False, [2, 3, 1])
    """
    return net.summary().as_dict()


def summary_line(s: dict[str, Any]) -> str:
    """``5 neurons (2 inputs, 1 output, 2 hidden), 6 connections, feed-forward``."""
    return describe.summary_line(s)


def _text(path: str, net: ns.Network) -> tuple[dict[str, Any], str]:
    summary = net.summary()
    return summary.as_dict(), text_table([("file", path), *summary.rows()])


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
    s, text = _text(args.file, net)
    emit(args, {"file": args.file, **s}, text)
    return 0
