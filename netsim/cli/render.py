"""``netsim render NET -o FILE``: draw a network (svg, png, pdf or DOT text).

With ``--input`` the network is run first and each neuron is filled by its value in
the final state; ``--trace`` draws one frame per step instead (``-o`` is then a
directory or a file prefix). Without Graphviz's ``dot`` the DOT text is still
written (next to ``FILE``, suffix ``.dot``) and the error line says how to install it.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import netsim as ns
from netsim.io.dot import FORMATS, to_dot

from ._output import check_output, choices_of, load_network, option_type

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "render",
        help="draw a network as svg, png, pdf or DOT",
        description=(
            "Draw a network file. The format comes from the suffix of -o (svg, png, pdf, "
            "dot) unless --format is given. --input runs the network and colours each "
            "neuron by its final value; with --trace, one frame per step is written."
        ),
    )
    parser.add_argument("network", metavar="NET", help="network JSON file")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="output file (or, with --trace, a directory or file prefix)")
    parser.add_argument("--format", choices=(*FORMATS, "gif"),
                        help="output format (default: suffix); gif: with --trace, one "
                        "animated file")
    parser.add_argument("--direction", type=option_type(to_dot, "direction"), default="LR",
                        metavar="LR|TB",
                        help="left to right (default) or top to bottom")
    parser.add_argument("--weights", action=argparse.BooleanOptionalAction, default=None,
                        help="weight labels on connections (default: when few)")
    parser.add_argument("--min-weight", type=option_type(to_dot, "min_weight"), default=0.0,
                        metavar="W",
                        help="hide connections with |w| < W")
    parser.add_argument("--clusters", action="store_true", help="draw a box around each layer")
    parser.add_argument("--no-legend", dest="legend", action="store_false",
                        help="leave out the legend")
    parser.add_argument("--max-layer-width", type=option_type(to_dot, "max_layer_width"),
                        default=None, metavar="N",
                        help="collapse layers wider than N (default 16; recurrent networks "
                        "of up to 64 neurons are never collapsed)")
    parser.add_argument("--layout", choices=choices_of(to_dot, "layout"),
                        default="auto",
                        help="layered (dot), circle or grid (fixed positions in neuron "
                        "order) or spring (neato); default auto: layered, or a circle for "
                        "recurrent networks without a pipeline of inputs")
    parser.add_argument("--summary", action=argparse.BooleanOptionalAction, default=None,
                        help="one node per layer (default: only for large networks)")
    parser.add_argument("--input", type=float, nargs="+", metavar="X",
                        help="run on this input and show the final state")
    parser.add_argument("--rule", choices=ns.RULES,
                        help="update rule for --input (default: layered for a feed-forward "
                        "network, parallel for a recurrent one)")
    parser.add_argument("--order", choices=ns.ORDERS,
                        help="neuron order of the sequential rule (default cyclic)")
    parser.add_argument("--steps", type=option_type(ns.run, "steps"), metavar="K",
                        help="with --input: run exactly K steps")
    parser.add_argument("--max-steps", type=option_type(ns.run, "max_steps"), metavar="M",
                        help="with --input: bound of a run until stable (default 1000 steps; "
                        "1000 sweeps for the sequential rule), as for netsim run")
    parser.add_argument("--seed", type=option_type(ns.run, "seed"), metavar="N",
                        help="seed for random orders")
    parser.add_argument("--trace", action="store_true",
                        help="with --input: write one frame per step")
    parser.set_defaults(func=_render)


def _render(args: argparse.Namespace) -> int:
    if args.trace and args.output.endswith(("/", os.sep)):
        # "-o frames/" asks for a directory: make it rather than write frames_0.svg
        os.makedirs(args.output, exist_ok=True)
    else:
        check_output(args.output)
    net = load_network(args.network)
    options: dict[str, Any] = {
        "direction": args.direction,
        "weights": args.weights,
        "min_weight": args.min_weight,
        "clusters": args.clusters,
        "legend": args.legend,
        "max_layer_width": "auto" if args.max_layer_width is None else args.max_layer_width,
        "summary": args.summary,
        "layout": args.layout,
    }
    if args.trace and args.input is None:
        raise ns.ParameterError("--trace needs --input (the input to run the network on)")
    run = None
    if args.input is not None:
        run_options = {"rule": args.rule, "steps": args.steps, "max_steps": args.max_steps,
                       "seed": args.seed, "record": args.trace}
        if args.order is not None:
            if args.rule != "sequential":
                raise ns.ParameterError(
                    f"--order {args.order} applies to the sequential rule only; "
                    "add --rule sequential"
                )
            run_options["order"] = args.order
        try:
            run = net.run(args.input, **run_options)
        except ImportError:
            raise ns.NetsimError(
                "--input needs the simulation engine (netsim.simulate), which is not "
                "available in this installation"
            ) from None
    gif = args.format == "gif" or (args.format is None and args.output.endswith(".gif"))
    if gif and not args.trace:
        raise ns.ParameterError("a GIF animates a run: add --input ... --trace")
    if args.trace and run is not None:  # --trace has --input (checked above)
        fmt = "gif" if gif else args.format or "svg"
        paths = ns.render_trace(net, run, args.output, format=fmt, **options)
        if gif:
            print(f"wrote {paths[0]} ({run.steps + 1} frames)")
        else:
            print(f"wrote {len(paths)} frames: {paths[0]} ... {paths[-1]}")
        return 0
    path = net.render(args.output, format=args.format, state=run, **options)
    print(f"wrote {path}")
    return 0
