"""``netsim validate FILE...``: check network files (structure and meaning)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import netsim as ns

from ._output import add_json_option, emit, load_network
from .info import summarize, summary_line

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check network files",
        description=(
            "Check network files against the JSON format (schema, then meaning: ids, "
            "duplicates, functions, parameters, numbers). Prints 'FILE: ok (...)' for "
            "each good file and one error line on stderr for each bad one; the exit "
            "status is 2 when any file is bad."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="network JSON files")
    add_json_option(parser)
    parser.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    lines: list[str] = []
    for path in args.files:
        try:
            net = load_network(path)
        except ns.NetsimError as exc:
            message = str(exc)
        except OSError as exc:
            message = f"{path}: cannot read: {exc.strerror or exc}"
        else:
            s = summarize(net)
            results.append({"file": path, "ok": True, "summary": summary_line(s)})
            lines.append(f"{path}: ok ({summary_line(s)})")
            continue
        print(f"netsim: error: {message}", file=sys.stderr)
        results.append({"file": path, "ok": False, "error": message})
    if lines or args.json:
        emit(args, results, "\n".join(lines))
    return 0 if all(r["ok"] for r in results) else 2
