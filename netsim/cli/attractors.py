"""``netsim attractors NET``: every attractor of a discrete network, with its basin.

Examples::

    netsim attractors hopfield.json
    netsim attractors circuit.json --rule sequential --clamp x1=1 x2=0 --json
    netsim attractors oscillator.json --dot states.dot
    netsim attractors letters.json --solver --max-period 2
    netsim attractors big.json --sample 10000 --seed 1
"""

from __future__ import annotations

import argparse
import math
import warnings
from typing import Any

import netsim as ns
from netsim.checks import integer_text
from netsim.io.atomic import atomic_write_text

from ._output import add_json_option, check_output, emit, load_network, number

__all__ = ["add_parser", "parse_clamp"]


def parse_clamp(items: list[str], net: ns.Network) -> dict[Any, float]:
    """``["x1=1", "h=-1"]`` → ``{"x1": 1.0, "h": -1.0}`` (integer ids when the file uses them)."""
    out: dict[Any, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name or not text:
            raise ns.ParameterError(f"--clamp expects NEURON=VALUE, got {item!r}")
        try:
            value = float(text)
        except ValueError:
            raise ns.ParameterError(
                f"--clamp {item!r}: the value {text!r} is not a number"
            ) from None
        if not math.isfinite(value):
            raise ns.ParameterError(f"--clamp {item!r}: the value must be finite")
        key: Any = name
        number = integer_text(name)
        if name not in net and number is not None and number in net:
            key = number
        if key not in net:
            net.neuron(key)  # raises NeuronNotFoundError with a suggestion
        out[key] = value
    return out


_rows = number(int, "an integer >= 0", lambda v: v >= 0)
_period = number(int, "an integer >= 1", lambda v: v >= 1)
_samples = number(int, "an integer >= 1", lambda v: v >= 1)
_seconds = number(float, "a number of seconds > 0", lambda v: v > 0 and math.isfinite(v))


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "attractors",
        help="list the attractors and basins of a discrete network",
        description=(
            "Evaluate every state of the free neurons of a discrete network (step or "
            "sign neurons; as many free neurons as memory holds for the parallel rule "
            "(24 with 1 GiB), 20 for the sequential rule) and print every attractor "
            "(fixed point or cycle) with its period and basin size. Neurons without "
            "incoming connections keep their initial value unless clamped."
        ),
    )
    parser.add_argument("file", metavar="NET", help="a network JSON file")
    parser.add_argument(
        "--rule",
        choices=("parallel", "sequential"),
        default="parallel",
        help="update rule (default: parallel)",
    )
    parser.add_argument(
        "--clamp",
        nargs="+",
        action="extend",
        default=[],
        metavar="NEURON=VALUE",
        help="hold neurons at a value, e.g. --clamp x1=1 x2=0",
    )
    parser.add_argument(
        "--dot",
        metavar="FILE",
        help="also write the state transition graph as DOT (at most 10 free neurons)",
    )
    parser.add_argument(
        "--max-rows", type=_rows, default=50, metavar="N",
        help="show at most N attractors as text (default 50; --json lists all)"
    )
    parser.add_argument(
        "--solver", action="store_true",
        help="find every fixed point and every cycle up to --max-period of the parallel "
        "rule with a constraint solver (OR-Tools: pip install netsim[solver]); any number "
        "of neurons, no basins",
    )
    parser.add_argument(
        "--max-period", type=_period, default=None, metavar="L",
        help="with --solver: the longest cycle searched (default 4; 1 = fixed points only)",
    )
    parser.add_argument(
        "--time-limit", type=_seconds, default=None, metavar="SECONDS",
        help="with --solver: stop each period's search after this long (the result is "
        "then marked incomplete)",
    )
    parser.add_argument(
        "--sample", type=_samples, default=None, metavar="K",
        help="run K random start states to their attractors and estimate the basin "
        "fractions with 95 percent confidence intervals; any number of neurons",
    )
    parser.add_argument("--seed", type=int, default=0,
                        help="with --sample: seed of the start states (default 0)")
    add_json_option(parser)
    parser.set_defaults(func=_attractors)


def _attractors(args: argparse.Namespace) -> int:
    if args.dot:
        check_output(args.dot, option="--dot")
    if not args.solver and (args.max_period is not None or args.time_limit is not None):
        option = "--max-period" if args.max_period is not None else "--time-limit"
        raise ns.ParameterError(f"{option} needs --solver")
    if args.solver and args.sample is not None:
        raise ns.ParameterError("--solver and --sample are two searches; choose one")
    if (args.solver or args.sample is not None) and args.dot:
        raise ns.ParameterError(
            "--dot draws the exhaustive state graph; it cannot go with "
            + ("--solver" if args.solver else "--sample")
        )
    net = load_network(args.file)
    clamp = parse_clamp(args.clamp, net)
    if args.solver:
        with warnings.catch_warnings():  # the result says "incomplete" itself
            warnings.simplefilter("ignore", ns.NetsimWarning)
            found = ns.attractors(net, rule=args.rule, clamp=clamp, method="solver",
                                  max_period=args.max_period, time_limit=args.time_limit)
        emit(args, {"file": args.file, **found.summary()},
             found.table(max_rows=max(args.max_rows, 0)))
        return 0
    if args.sample is not None:
        sampled = ns.attractors(net, rule=args.rule, clamp=clamp, method="sample",
                                samples=args.sample, seed=args.seed)
        emit(args, {"file": args.file, **sampled.summary()},
             sampled.table(max_rows=max(args.max_rows, 0)))
        return 0
    result = ns.attractors(net, rule=args.rule, clamp=clamp)
    if args.dot:
        dot = result.to_dot(max_free=10)
        atomic_write_text(args.dot, dot.source)
    data = {"file": args.file, **result.summary()}
    if args.dot:
        data["dot"] = args.dot
    emit(args, data, result.table(max_rows=max(args.max_rows, 0)))
    return 0
