"""``netsim view NET --input ... -o run.html``: the interactive page of a run.

The network is run on the input with ``record=True`` and the page (see
:mod:`netsim.io.view`) is written to ``-o``: one self-contained HTML file, opened in
any browser without a server or network access. With ``--inputs CSV`` the run of row
``--sample`` (default 0) is shown.

Examples::

    netsim view xor.json --input 1 0 -o xor.html
    netsim view hopfield.json --input 1 -1 1 -1 --rule sequential -o recall.html
    netsim view ring.json --attractors -o basins.html       # state graph + basin table
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

import netsim as ns
from netsim.io.dot import to_dot
from netsim.io.view import View, analysis_page, view_page, write_view

from ._output import check_output, choices_of, load_network, option_type
from .run import read_inputs

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "view",
        help="write an interactive HTML page stepping through a run",
        description="Run a network on one input (--input, or row --sample of --inputs) "
        "and write one self-contained HTML page (-o) that steps through the run over the "
        "diagram: a slider, play/pause, each neuron coloured by its state, the potential "
        "and state of every neuron at each step.",
    )
    p.add_argument("file", metavar="NET", help="network file (JSON)")
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="the page to write")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--input", nargs="*", type=float, metavar="V",
                        help="the input values, in input order")
    source.add_argument("--inputs", metavar="CSV", help="a CSV file of inputs (see netsim run)")
    source.add_argument("--attractors", action="store_true",
                        help="instead of a run: every attractor (as netsim attractors, "
                        "--rule parallel or sequential), its state graph and basin table")
    p.add_argument("--state", nargs="+", type=float, metavar="V",
                   help="a full starting state: every neuron's value, in neuron order "
                   "(--input then overwrites the input neurons)")
    p.add_argument("--sample", type=int, default=0, metavar="I",
                   help="with --inputs: the row to show (default 0)")
    p.add_argument("--rule", choices=ns.RULES,
                   help="update rule (default: layered for a feed-forward network, parallel "
                   "for a recurrent one)")
    p.add_argument("--order", choices=ns.ORDERS,
                   help="neuron order of the sequential rule (default cyclic)")
    p.add_argument("--steps", type=option_type(ns.run, "steps"), metavar="K",
                   help="run exactly this many steps")
    p.add_argument("--max-steps", type=option_type(ns.run, "max_steps"), metavar="M",
                   help="bound of a run until stable (as for netsim run)")
    p.add_argument("--seed", type=option_type(ns.run, "seed"), metavar="N",
                   help="seed of the random orders")
    p.add_argument("--layout", choices=choices_of(to_dot, "layout"), default="auto",
                   help="diagram layout (default auto: layered, or a circle for recurrent "
                   "networks without a pipeline of inputs)")
    p.add_argument("--title", metavar="TEXT", help="the page title")
    p.add_argument("--interval", type=option_type(view_page, "interval"), default=0.6,
                   metavar="S",
                   help="seconds per step when playing (default 0.6)")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    check_output(args.output)
    net = load_network(args.file)
    if args.attractors:
        return _attractors(net, args)
    x: np.ndarray | None
    if args.inputs is not None:
        x = read_inputs(args.inputs, list(net.inputs))
        if not 0 <= args.sample < len(x):
            raise ns.ParameterError(
                f"--sample must be between 0 and {len(x) - 1}, got {args.sample}")
        x = x[args.sample]
    else:
        if args.sample != 0:
            raise ns.ParameterError("--sample picks a row of --inputs; give it with --inputs")
        if args.input is None and net.inputs and args.state is None:
            raise ns.ParameterError(
                f"give the {len(net.inputs)} input value(s) with --input, or a CSV with "
                "--inputs (or a starting state with --state)")
        x = None if args.input is None else np.array(args.input, dtype=float)
    state = None
    if args.state is not None:
        state = np.array(args.state, dtype=float)
        if len(state) != len(net.neurons):
            raise ns.ParameterError(
                f"--state needs {len(net.neurons)} values (one per neuron, in neuron order), "
                f"got {len(state)}")
    if args.order is not None and args.rule != "sequential":
        raise ns.ParameterError(
            f"--order {args.order} applies to the sequential rule only; add --rule sequential")
    run = net.run(x, rule=args.rule, steps=args.steps, max_steps=args.max_steps,
                  order=args.order or "cyclic", seed=args.seed, record=True,
                  initial_state=state)
    path = write_view(net, run, args.output, title=args.title, interval=args.interval,
                      layout=args.layout)
    print(f"wrote {path} ({len(run.trace) - 1} steps, rule {run.rule})")
    return 0


def _attractors(net: ns.Network, args: argparse.Namespace) -> int:
    if args.rule == "layered":
        raise ns.ParameterError("--attractors: --rule must be parallel or sequential")
    analysis = ns.attractors(net, rule=args.rule or "parallel")
    path = View(analysis_page(analysis, title=args.title)).save(args.output)
    print(f"wrote {path} ({analysis.n_states} states, {len(analysis.attractors)} attractors)")
    return 0
