"""The ``netsim`` command line: one module per subcommand, calling only the public API.

Each subcommand module in :data:`COMMANDS` defines ``add_parser(subparsers)``, which
registers its parser and sets ``func`` (``args -> int``, the exit status). A user's
mistake (any :class:`~netsim.NetsimError`, a missing file, a bad option) prints one
line on stderr and exits with status 2; there is never a traceback for it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ..errors import NetsimError

__all__ = ["COMMANDS", "build_parser", "main"]

# Subcommand modules, in the order ``netsim --help`` lists them.
COMMANDS = ["new", "info", "validate", "run", "train", "render", "view", "attractors", "demo"]

EXIT_USAGE = 2


class UsageError(Exception):
    """Raised by the parser instead of printing usage and exiting."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: error: {message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(
        prog="netsim",
        description="Simulate networks of formal neurons on directed graphs.",
    )
    parser.add_argument("--version", action="version", version=f"netsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failure, 2 bad input)."""
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:
            # argparse would blame the top-level parser; name the subcommand instead
            prog = " ".join(["netsim", args.command, *([args.kind] if getattr(args, "kind", None)
                                                      else [])])
            raise UsageError(f"{prog}: error: unrecognized arguments: {' '.join(extra)} "
                             f"(see '{prog} --help')")
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(exc, file=sys.stderr)
    except NetsimError as exc:
        print(f"netsim: error: {exc}", file=sys.stderr)
    except BrokenPipeError:
        # the reader went away (``netsim demo | head``): stop quietly, like other tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        # "FILE: problem", like every other message that names a file
        what = exc.strerror or str(exc)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"netsim: error: {where}{what}", file=sys.stderr)
    except KeyboardInterrupt:
        print("netsim: interrupted", file=sys.stderr)
        return 130
    return EXIT_USAGE


def run() -> None:  # console-script entry point
    sys.exit(main())
