"""``netsim new``: create a network file from a builder (``netsim new mlp 2-4-3-2``)."""

from __future__ import annotations

import argparse
import json
from typing import Any

import netsim as ns

from ._output import add_json_option, check_output, emit

__all__ = ["add_parser", "parse_function", "parse_sizes_args"]

_FUNCTION_HELP = (
    "a registered name (sigmoid, tanh, relu, step, softmax, ...), with parameters as "
    "NAME:KEY=VALUE[,KEY=VALUE] (e.g. sigmoid:steepness=2) or as JSON "
    '(\'{"name": "sigmoid", "steepness": 2}\')'
)


def parse_function(text: str) -> str | dict[str, Any]:
    """``"sigmoid"``, ``"sigmoid:steepness=2"`` or JSON → a function spec.

    The name and parameters are checked later, against the registry.

    >>> parse_function("sigmoid:steepness=2")
    {'name': 'sigmoid', 'steepness': 2.0}
    >>> parse_function("tanh")
    'tanh'
    """
    text = text.strip()
    if text.startswith("{"):
        try:
            spec = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ns.ParameterError(
                f"function spec {text!r} is not valid JSON: {exc.msg}"
            ) from None
        if not isinstance(spec, dict) or "name" not in spec:
            raise ns.ParameterError(f"function spec {text!r} needs a \"name\" key")
        return spec
    name, sep, rest = text.partition(":")
    if not name:
        raise ns.ParameterError(f"function spec {text!r} has no name")
    params: dict[str, float] = {}
    if sep and not rest.replace(",", "").strip():
        raise ns.ParameterError(
            f"function spec {text!r} has ':' but no parameters; write {name!r} alone or "
            f"{name}:KEY=VALUE")
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = part.partition("=")
        try:
            if not eq or not key.strip():
                raise ValueError
            params[key.strip()] = float(value)
        except ValueError:
            raise ns.ParameterError(
                f"function spec {text!r}: parameters are written KEY=NUMBER, got {part!r}"
            ) from None
    return {"name": name, **params} if params else name


def _function_arg(text: str) -> str | dict[str, Any]:
    # argparse words a ValueError from a type= function vaguely; pass our message on.
    try:
        return parse_function(text)
    except ns.ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_sizes_args(values: list[str]) -> list[int]:
    """``["2-4-3-2"]`` or ``["2", "4", "3", "2"]`` → ``[2, 4, 3, 2]``."""
    if len(values) == 1:
        return ns.parse_sizes(values[0])
    try:
        sizes = [int(v) for v in values]
    except ValueError:
        raise ns.ParameterError(
            f"layer sizes must be whole numbers like 2 4 3 2 or 2-4-3-2, got {' '.join(values)!r}"
        ) from None
    return ns.parse_sizes(sizes)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new",
        help="create a network file from a builder",
        description="Create a network and save it as JSON.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", parser_class=type(parser))
    kinds.required = True
    mlp = kinds.add_parser(
        "mlp",
        help="a fully connected feed-forward network (multilayer perceptron)",
        description=(
            "A fully connected multilayer perceptron with seeded initial weights. Neuron "
            "ids: x1.. (inputs), h<layer>_<k> (hidden), y1.. (outputs)."
        ),
        epilog="example: netsim new mlp 2-4-3-2 --output-activation softmax --seed 0 -o net.json",
    )
    mlp.add_argument(
        "sizes", nargs="+", metavar="SIZES",
        help="layer sizes, input first: 2-4-3-2 or 2 4 3 2",
    )
    mlp.add_argument(
        "--activation", default="sigmoid", type=_function_arg, metavar="FUNC",
        help=f"activation of the hidden neurons (default: sigmoid); {_FUNCTION_HELP}",
    )
    mlp.add_argument(
        "--output-activation", default=None, type=_function_arg, metavar="FUNC",
        help="activation of the output neurons (default: as --activation); softmax makes "
        "the outputs one softmax group",
    )
    mlp.add_argument(
        "--init", default="uniform", metavar="METHOD",
        help="weight initialiser: uniform (±√3/√fan-in, the default), glorot or he",
    )
    mlp.add_argument("--seed", type=int, default=None, help="seed of the initialiser")
    mlp.add_argument("--name", default=None, help="network name (default: 'mlp 2-4-3-2')")
    mlp.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="the JSON file to write (replaced atomically if it exists)")
    add_json_option(mlp)
    mlp.set_defaults(func=_new_mlp)

    zoo = kinds.add_parser(
        "zoo",
        help="a small textbook network with fixed weights (xor, gates, latch, ...)",
        description="Write one of netsim's small named textbook networks (ns.zoo).",
        epilog="example: netsim new zoo mutual-inhibition -o osc.json",
    )
    zoo.add_argument("name", metavar="NAME", help="one of: " + ", ".join(ns.zoo.NAMED))
    zoo.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="the JSON file to write (replaced atomically if it exists)")
    add_json_option(zoo)
    zoo.set_defaults(func=_new_zoo)

    matrix = kinds.add_parser(
        "matrix",
        help="a network from its weight matrix W[j, i] = w_ji (CSV or .npy)",
        description=(
            "A network from a square weight matrix: row j holds the weights into neuron j, "
            "column i those out of neuron i (W[j, i] = w_ji, the transpose of networkx's "
            "adjacency matrix). Non-zero entries become connections. CSV files hold one "
            "row per line (a first line of names is skipped); .npy files are read without "
            "pickle. Neuron ids: y1..yN unless --ids is given."
        ),
        epilog="example: netsim new matrix W.csv --bias b.csv --activation sign -o net.json",
    )
    matrix.add_argument("matrix", metavar="W", help="the weight matrix, .csv or .npy")
    matrix.add_argument("--bias", metavar="FILE",
                        help="the biases, one per neuron, as one row of a .csv or a .npy")
    matrix.add_argument(
        "--activation", default="sign", type=_function_arg, metavar="FUNC",
        help=f"activation of every neuron (default: sign); {_FUNCTION_HELP}",
    )
    matrix.add_argument("--ids", nargs="+", metavar="ID", help="neuron ids in matrix order")
    matrix.add_argument("--inputs", nargs="+", default=[], metavar="ID",
                        help="the input neurons, in order")
    matrix.add_argument("--outputs", nargs="+", default=[], metavar="ID",
                        help="the output neurons, in order")
    matrix.add_argument("--name", default=None, help="network name")
    matrix.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the JSON file to write (replaced atomically if it exists)")
    add_json_option(matrix)
    matrix.set_defaults(func=_new_matrix)

    hop = kinds.add_parser(
        "hopfield",
        help="a Hopfield network storing the patterns of a CSV or .npy file",
        description=(
            "A Hopfield network (complete graph of sign neurons, no self-loops, every "
            "neuron an input and an output) storing bipolar patterns: one pattern of -1/+1 "
            "values per row. Neuron ids: y1..yN."
        ),
        epilog="example: netsim new hopfield letters.csv --rule pseudo-inverse -o hop.json",
    )
    hop.add_argument("patterns", metavar="PATTERNS", help="the patterns, .csv or .npy")
    hop.add_argument("--rule", choices=("hebb", "pseudo-inverse"), default="hebb",
                     help="hebb (1/N, the default) or pseudo-inverse (projection)")
    hop.add_argument("--name", default=None, help="network name (default: hopfield)")
    hop.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="the JSON file to write (replaced atomically if it exists)")
    add_json_option(hop)
    hop.set_defaults(func=_new_hopfield)

    from .new_boolean import add_kind as add_boolean  # its own module (one kind, one job)

    add_boolean(kinds)


def _new_mlp(args: argparse.Namespace) -> int:
    check_output(args.output, suffixes=(".json",))
    for option, spec in (("--activation", args.activation),
                         ("--output-activation", args.output_activation)):
        if spec is not None:
            name = spec if isinstance(spec, str) else spec["name"]
            try:
                ns.get_activation(name)
            except ns.UnknownFunctionError as exc:
                # say which option is wrong rather than the first neuron built with it
                raise ns.UnknownFunctionError(f"{option}: {exc}") from None
    sizes = parse_sizes_args(args.sizes)
    net = ns.mlp(
        sizes,
        activation=args.activation,
        output_activation=args.output_activation,
        init=args.init,
        seed=args.seed,
        name=args.name,
    )
    return _save(args, net, sizes=sizes)


def _new_zoo(args: argparse.Namespace) -> int:
    check_output(args.output, suffixes=(".json",))
    return _save(args, ns.zoo.build(args.name))


def _new_matrix(args: argparse.Namespace) -> int:
    check_output(args.output, suffixes=(".json",))
    w = ns.read_matrix(args.matrix, "weight matrix")
    if w.shape[0] != w.shape[1]:
        raise ns.DataError(
            f"{args.matrix}: the weight matrix must be square, got {w.shape[0]} rows of "
            f"{w.shape[1]} columns"
        )
    bias = None
    if args.bias:
        bias = ns.read_matrix(args.bias, "bias vector").ravel()
        if bias.size != w.shape[0]:
            raise ns.DataError(
                f"{args.bias}: expected {w.shape[0]} biases (one per neuron), got {bias.size}"
            )
    net = ns.from_matrix(w, bias=bias, activation=args.activation, ids=args.ids,
                         inputs=args.inputs, outputs=args.outputs,
                         name=args.name or "matrix")
    return _save(args, net)


def _new_hopfield(args: argparse.Namespace) -> int:
    check_output(args.output, suffixes=(".json",))
    patterns = ns.read_matrix(args.patterns, "pattern matrix")
    try:
        net = ns.hopfield(patterns, rule=args.rule, name=args.name or "hopfield")
    except ns.DataError as exc:
        raise ns.DataError(f"{args.patterns}: {exc}") from None
    return _save(args, net, patterns=len(patterns))


def _save(args: argparse.Namespace, net: ns.Network, **extra: Any) -> int:
    ns.save(net, args.output)
    n_conn = net.graph.number_of_edges()
    data = {"file": args.output, "name": net.name, **extra, "neurons": len(net),
            "connections": n_conn}
    text = (f"wrote {args.output}: network {net.name!r}, {len(net)} neurons, "
            f"{n_conn} connections")
    emit(args, data, text)
    return 0
