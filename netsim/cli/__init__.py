"""The ``netsim`` command line: one module per subcommand, calling only the public API.

Each subcommand module in :data:`COMMANDS` defines ``add_parser(subparsers)``, which
registers its parser and sets ``func`` (``args -> int``, the exit status). A user's
mistake (any :class:`~netsim.NetsimError`, a missing file, a bad option) prints one
line on stderr and exits with status 2; there is never a traceback for it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Sequence

import numpy as np

from ..errors import NetsimError

__all__ = ["COMMANDS", "build_parser", "main"]

# Subcommand modules, in the order ``netsim --help`` lists them.
COMMANDS = ["new", "info", "validate", "run", "train", "evaluate", "render", "view", "attractors",
            "demo"]

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


def _safe_streams() -> None:
    """Never fail on output: a neuron id may hold a lone surrogate (JSON allows
    ``"\\ud800"``), which no encoding can write; it is printed escaped (``\\ud800``)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM becomes an exception, so that every `finally` (and the atomic writer's
    # cleanup of its temporary file) runs before the process exits.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failure, 2 bad input).

    Floating-point warnings of numpy are not printed: every command checks its
    results (a diverging training is an error; a run prints ``inf`` or ``nan``).
    """
    _safe_streams()
    previous = None
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="numpy")
            return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: Sequence[str] | None) -> int:
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
    except MemoryError:  # a last line of defence: sizes are estimated before allocating
        print("netsim: error: out of memory (the request is too large for this machine)",
              file=sys.stderr)
    except RecursionError:  # a last line of defence: nesting is refused by the loaders
        print("netsim: error: the input is nested too deeply", file=sys.stderr)
    return EXIT_USAGE


def run() -> None:  # console-script entry point
    sys.exit(main())
