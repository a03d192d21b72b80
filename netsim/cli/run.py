"""``netsim run FILE``: run a network on one input or a CSV of inputs.

Examples::

    netsim run xor.json --input 1 0
    netsim run xor.json --input 1 0 --trace          # the state after every step
    netsim run hopfield.json --inputs probes.csv --rule sequential --order random --seed 0
    netsim run xor.json --inputs x.csv --json
    netsim run hopfield.json --state 1 -1 1 -1 --rule sequential   # a full starting state
    netsim run hopfield.json --states probes.csv --rule sequential

A CSV of inputs has one row per sample and one column per input neuron, in input
order; an optional first row naming the input neurons (in any order) selects the
columns by name. The file follows the rules of :mod:`netsim.csvfile` (the same as
``netsim train``): blank lines and lines starting with ``#`` are skipped, a first row
with any non-numeric field is the header. A CSV of states (``--states``) is the same
with one column per neuron, in neuron order (or named by a header).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import numpy as np

import netsim as ns

from ..csvfile import read_csv
from ._output import add_json_option, emit, load_network, option_type
from .attractors import parse_clamp

__all__ = ["add_parser", "read_inputs", "read_states"]


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "run",
        help="run a network on inputs",
        description="Run a network file on one input (--input) or a CSV of inputs "
        "(--inputs) under an update rule, and print the outputs (or a trace).",
    )
    p.add_argument("file", metavar="FILE", help="network file (JSON)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--input", nargs="*", type=float, metavar="V",
                        help="the input values, in input order")
    source.add_argument("--inputs", metavar="CSV",
                        help="a CSV file of inputs, one row per sample")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--state", nargs="+", type=float, metavar="V",
                       help="a full starting state: every neuron's value, in neuron order "
                       "(--input/--inputs then overwrite the input neurons)")
    start.add_argument("--states", metavar="CSV",
                       help="a CSV file of starting states, one row per sample, one column "
                       "per neuron")
    p.add_argument("--clamp", nargs="+", action="extend", default=[], metavar="NEURON=VALUE",
                   help="hold neurons at a value for the whole run, e.g. --clamp h1=1 y=0")
    p.add_argument("--pin", nargs="+", action="extend", default=[], metavar="NEURON",
                   help="hold neurons at their starting value")
    p.add_argument("--rule", metavar="RULE",
                   help=f"update rule: {', '.join(ns.RULES)} (default: layered for a "
                   "feed-forward network, parallel for a recurrent one)")
    p.add_argument("--order", default=None,
                   help=f"sequential order: {', '.join(ns.ORDERS)} (default cyclic)")
    p.add_argument("--steps", type=option_type(ns.run, "steps"), metavar="K",
                   help="run exactly this many steps")
    p.add_argument("--max-steps", type=option_type(ns.run, "max_steps"), metavar="M",
                   help="bound of a run until stable (default 1000 steps; 1000 sweeps "
                   "for the sequential rule)")
    p.add_argument("--tol", type=option_type(ns.run, "tol"), default=0.0, metavar="T",
                   help="a change larger than this counts (default 0)")
    p.add_argument("--seed", type=option_type(ns.run, "seed"), metavar="N",
                   help="seed of the random orders")
    p.add_argument("--trace", action="store_true",
                   help="print the state after every step (a table: step, then each neuron)")
    p.add_argument("--sample", type=int, default=None, metavar="I",
                   help="with --trace and a CSV: the sample whose trace to print (default 0)")
    add_json_option(p)
    p.set_defaults(func=handler)


def read_inputs(path: str | Path, input_ids: list[Any]) -> np.ndarray:
    """The ``(B, k)`` inputs of a CSV file (the rules of :mod:`netsim.csvfile`).

    Without a header the columns are the inputs in input order; a header must name
    each input neuron once, in any order.
    """
    return read_csv(path, columns=[str(i) for i in input_ids]).values


def read_states(path: str | Path, neuron_ids: list[Any]) -> np.ndarray:
    """The ``(B, N)`` starting states of a CSV file: one column per neuron, in neuron
    order, or named by a header in any order (the rules of :mod:`netsim.csvfile`)."""
    return read_csv(path, columns=[str(i) for i in neuron_ids]).values


def _plain(value: Any) -> Any:
    """JSON-ready values; non-finite floats become null."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fmt(value: float) -> str:
    v = float(value)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.6g}"


def handler(args: argparse.Namespace) -> int:
    net = load_network(args.file)
    states = None
    if args.states is not None:
        states = read_states(args.states, list(net.neurons))
    elif args.state is not None:
        states = np.array(args.state, dtype=float)
        if len(states) != len(net.neurons):
            raise ns.ParameterError(
                f"--state needs {len(net.neurons)} values (one per neuron, in neuron order), "
                f"got {len(states)}")
    if args.inputs is not None:
        x = read_inputs(args.inputs, list(net.inputs))
        single = False
    elif args.input is None and states is not None:  # the inputs come from the states
        x = None
        single = args.states is None
    else:
        x = np.array(args.input if args.input is not None else [], dtype=float)
        if args.input is None and net.inputs:
            raise ns.ParameterError(
                f"give the {len(net.inputs)} input value(s) with --input, or a CSV with "
                "--inputs (or a starting state with --state or --states)"
            )
        single = args.states is None
    if args.order in ns.ORDERS and args.rule != "sequential":
        # an order only means something to the sequential rule; do not ignore it silently
        raise ns.ParameterError(
            f"--order {args.order} applies to the sequential rule only; add --rule sequential"
        )
    if args.sample is not None and (single or not args.trace):
        raise ns.ParameterError("--sample picks the row of --inputs whose --trace is shown; "
                                "give it with --inputs and --trace")
    if args.sample is None:
        args.sample = 0
    clamp = parse_clamp(args.clamp, net)
    pin = list(parse_clamp([f"{n}=0" for n in args.pin], net)) if args.pin else None
    run = net.run(x, rule=args.rule, steps=args.steps, max_steps=args.max_steps, tol=args.tol,
                  order=args.order or "cyclic", seed=args.seed, record=args.trace,
                  initial_state=states, clamp=clamp or None, pin=pin)
    at = [net.neurons.index(i) for i in net.inputs]
    if x is None:  # the inputs came from the starting states
        x = np.asarray(states)[..., at]
    if not single:  # one row of input values per sample, for the table
        x = np.broadcast_to(np.atleast_2d(x), (len(run.output), len(at)))
    if not single and not 0 <= args.sample < len(x):
        raise ns.ParameterError(f"--sample must be between 0 and {len(x) - 1}, got {args.sample}")
    data = None
    if args.json:
        data = run.summary()
        data["inputs"] = list(net.inputs)
        data = _plain(data)
    emit(args, data, "" if args.json else _text(run, net, x, single, args))
    return 0


def _named(net: Any, neuron_id: Any) -> str:
    """``y1 (setosa)`` for a labelled neuron, else its id."""
    label = net.neuron(neuron_id).label
    return f"{neuron_id} ({label})" if label else str(neuron_id)


def _text(run: Any, net: Any, x: np.ndarray, single: bool, args: argparse.Namespace) -> str:
    lines = []
    head = f"rule {run.rule}" + (f", order {run.order}" if run.order else "")
    if args.seed is not None and run.order:
        head += f", seed {args.seed}"
    lines.append(head)
    if args.trace:
        lines.append(run.table(sample=0 if single else args.sample))
        lines.append("")
    if single:
        outs = "  ".join(f"{_named(net, o)}={_fmt(v)}"
                         for o, v in zip(run.outputs, run.output, strict=True))
        lines.append(f"output     {outs or '-'}")
        lines.append(f"steps      {run.steps}")
        lines.append(f"converged  {'yes' if run.converged else 'no'}")
        lines.append(f"period     {run.period if run.period is not None else '-'}")
        lines.append(f"transient  {run.transient if run.transient is not None else '-'}")
        return "\n".join(lines)
    header = ["sample", *map(str, net.inputs), *(_named(net, o) for o in run.outputs), "steps",
              "converged", "period"]
    body = []
    for b in range(len(x)):
        body.append([str(b), *(_fmt(v) for v in x[b]), *(_fmt(v) for v in run.output[b]),
                     str(run.steps[b]), "yes" if run.converged[b] else "no",
                     str(run.period[b]) if run.period[b] else "-"])
    widths = [max(len(r[c]) for r in [header, *body]) for c in range(len(header))]
    for r in [header, *body]:
        lines.append("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)))
    return "\n".join(lines)
