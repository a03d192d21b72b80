"""Shared output helpers of the subcommands: results on stdout, as text or ``--json``.

A subcommand that supports ``--json`` calls :func:`add_json_option` on its parser and
ends with :func:`emit`, passing both renderings of its result::

    def handler(args):
        data = {"neurons": 5}
        emit(args, data, text_table([("neurons", 5)]))
        return 0

JSON goes out as one document (indented, UTF-8, keys in the order given); text is
printed as is. Errors never go through here: they are raised as
:class:`~netsim.NetsimError` and printed on stderr by :func:`netsim.cli.main`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["add_json_option", "emit", "short_list", "text_table"]


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` (print the result as one JSON document)."""
    parser.add_argument(
        "--json", action="store_true", help="print the result as JSON instead of text"
    )


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON when ``args.json`` is set, else ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(text)


def text_table(rows: Iterable[tuple[str, object]]) -> str:
    """``key  value`` lines with the values aligned.

    >>> print(text_table([("neurons", 5), ("connections", 6)]))
    neurons      5
    connections  6
    """
    rows = list(rows)
    width = max((len(k) for k, _ in rows), default=0) + 2
    return "\n".join(f"{k:<{width}}{v}" for k, v in rows)


def short_list(items: Sequence[object], limit: int = 10) -> str:
    """``a, b, c`` — at most ``limit`` items, then ``... (+N more)``; ``-`` when empty.

    >>> short_list(["x1", "x2"])
    'x1, x2'
    >>> short_list(list(range(12)), limit=3)
    '0, 1, 2, ... (+9 more)'
    """
    if not items:
        return "-"
    shown = ", ".join(str(x) for x in items[:limit])
    return shown if len(items) <= limit else f"{shown}, ... (+{len(items) - limit} more)"
