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
import math
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..checks import Interval, Options, check_parameter, constraints_of, describe_allowed
from ..checks import integer_text as _integer_text
from ..errors import FormatError, ParameterError

__all__ = [
    "add_json_option", "check_output", "choices_of", "emit", "load_network", "number",
    "option_type", "short_list", "text_table", "yes_no",
]


def option_type(func: Callable[..., Any], name: str, *, words: tuple[str, ...] = ()
                ) -> Callable[[str], Any]:
    """An argparse ``type=`` for the option that sets ``func``'s parameter ``name``: the
    text read as the number the parameter's declared :class:`~netsim.checks.Interval`
    wants (else as a word) and checked by its declared constraints
    (:func:`netsim.checks.keywords`), so
    the command line and Python accept the same values and say so in the same words.
    ``words`` are spellings that mean ``None`` (e.g. ``"full"``).

    >>> import netsim as ns
    >>> epochs = option_type(ns.train, "epochs")
    >>> epochs("3")
    3
    >>> epochs("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be an integer between 1 and 1000000, got '0'
    """
    allowed = constraints_of(func)[name]
    numbers = [c for c in allowed if isinstance(c, Interval)]
    kind = numbers[0].kind if numbers else str
    shown = describe_allowed(numbers or [c for c in allowed if c is not None])
    if words:
        shown += " or " + " or ".join(map(repr, words[:1]))

    def parse(text: str) -> Any:
        if text.lower() in words:
            return None
        value: Any = _integer_text(text) if kind is int else text
        if kind is float:
            try:
                value = float(text)
            except ValueError:
                value = None
        try:
            if value is None:
                raise ParameterError(text)
            check_parameter(name, value, allowed)
        except ParameterError:
            raise argparse.ArgumentTypeError(f"must be {shown}, got {text!r}") from None
        return value

    return parse


def choices_of(func: Callable[..., Any], name: str) -> tuple[str, ...]:
    """The words ``func``'s parameter ``name`` accepts (its declared
    :class:`~netsim.checks.Options`), for an option's ``choices=``.

    >>> import netsim as ns
    >>> choices_of(ns.train, "reduction")
    ('mean', 'sum')
    """
    return tuple(v for c in constraints_of(func)[name] if isinstance(c, Options)
                 for v in c.values)


def number(
    kind: type[int] | type[float],
    allowed: str,
    valid: Callable[[float], bool],
    *,
    words: tuple[str, ...] = (),
) -> Callable[[str], Any]:
    """An argparse ``type=`` for numbers: ``kind(text)`` checked by ``valid``.

    ``allowed`` describes the accepted values for the one-line error (e.g. "a positive
    integer"); ``words`` are spellings that mean ``None`` (e.g. ``"full"``).

    >>> positive = number(int, "a positive integer", lambda v: v >= 1)
    >>> positive("3")
    3
    """

    def parse(text: str) -> Any:
        if text.lower() in words:
            return None
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or not valid(value):
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}")
        return value

    return parse


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` (print the result as one JSON document)."""
    parser.add_argument(
        "--json", action="store_true", help="print the result as JSON instead of text"
    )


def add_sample_options(parser: argparse.ArgumentParser, classes_note: str = "") -> None:
    """The NET and DATA.csv arguments and how the CSV's columns split into inputs and
    targets (``--targets``, ``--classes``), shared by ``train`` and ``evaluate``."""
    parser.add_argument("network", metavar="NET", help="network JSON file")
    parser.add_argument("data", metavar="DATA.csv", help="samples: inputs then targets")
    parser.add_argument(
        "--targets", default=None, metavar="K|NAMES",
        help="target columns: the last K columns, or comma-separated header names "
        "(default: as many as the network has outputs)",
    )
    parser.add_argument(
        "--classes", default=None, metavar="COLUMN",
        help="a header column of class labels (text allowed), one-hot encoded in order "
        "of first appearance as the targets" + classes_note,
    )


def add_sequence_options(parser: argparse.ArgumentParser) -> Any:
    """``--sequence`` and ``--last-step`` (sequence data, one CSV row per step) in their
    own group, returned for more options; shared by ``train`` and ``evaluate``."""
    seq = parser.add_argument_group("sequences (backpropagation through time)")
    seq.add_argument("--sequence", default=None, metavar="COLUMN",
                     help="a header column of sequence ids: each row is one step of its "
                     "sequence (steps in file order, every sequence the same length); the "
                     "network runs by the parallel rule, one step per row")
    seq.add_argument("--last-step", action="store_true",
                     help="with --sequence: only the last row's targets of each sequence count")
    return seq


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


def yes_no(flag: object) -> str:
    """``yes`` or ``no``, as the text outputs print booleans.

    >>> yes_no(True), yes_no(False)
    ('yes', 'no')
    """
    return "yes" if flag else "no"


def check_output(path: str, option: str = "-o", suffixes: Sequence[str] = ()) -> None:
    """Refuse an output path before any work is done: a directory, a missing directory or
    a wrong suffix.

    >>> check_output("net.json", suffixes=(".json",))
    >>> check_output("net.txt", suffixes=(".json",))
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: -o net.txt: a network file is JSON; give a name ending in .json
    """
    if suffixes and not str(path).lower().endswith(tuple(suffixes)):
        wanted = " or ".join(suffixes)
        raise ParameterError(
            f"{option} {path}: a network file is JSON; give a name ending in {wanted}"
        )
    if os.path.isdir(path):
        raise ParameterError(f"{option} {path}: is a directory; give a file name")
    folder = os.path.dirname(os.fspath(path)) or "."
    if not os.path.isdir(folder):
        raise ParameterError(f"{option} {path}: the directory {folder!r} does not exist")


def load_network(path: str) -> Any:
    """``ns.load(path)``; a file that is not JSON at all and not named ``*.json`` (a CSV
    given where the network goes, say) gets a hint about which argument is wrong."""
    import netsim as ns

    try:
        return ns.load(path)
    except FormatError as exc:
        if "malformed JSON" in str(exc) and not str(path).lower().endswith(".json"):
            raise FormatError(f"{exc} (a network file, in JSON, is expected here)") from None
        raise
