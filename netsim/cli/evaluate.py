"""``netsim evaluate NET DATA.csv``: loss, accuracy, confusion matrix and per-class scores."""

from __future__ import annotations

import argparse
from typing import Any

import netsim as ns

from ._output import (
    add_json_option,
    add_sample_options,
    add_sequence_options,
    emit,
    load_network,
    text_table,
)

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="measure a network on a labelled CSV (loss, accuracy, confusion matrix)",
        description=(
            "Run a network on the samples of a CSV file (as for 'netsim train': inputs "
            "then targets, or a --classes column of labels) and print the loss and, for "
            "class targets (one-hot rows or one 0/1 column), the accuracy, error rate, "
            "confusion matrix (rows: true class, columns: predicted) and per-class "
            "precision, recall and F1."
        ),
        epilog="example: netsim evaluate trained.json examples/iris.csv --classes species",
    )
    add_sample_options(parser)
    add_sequence_options(parser)
    parser.add_argument(
        "--loss", default=None, choices=["mse", "binary_cross_entropy", "cross_entropy"],
        help="error function (default: cross_entropy for softmax outputs, else mse)",
    )
    parser.add_argument(
        "--reduction", default="mean", choices=["mean", "sum"],
        help="mean over the samples (default) or the course's sum E = Σ_k E_k",
    )
    add_json_option(parser)
    parser.set_defaults(func=_evaluate)


def _default_loss(net: ns.Network) -> str:
    outputs = net.outputs
    if outputs and all(net.neuron(j).activation == "softmax" for j in outputs):
        return "cross_entropy"
    return "mse"


def _evaluate(args: argparse.Namespace) -> int:
    net = load_network(args.network)
    if not net.outputs:
        raise ns.NetworkError(f"{args.network}: the network has no output neurons")
    if args.classes is not None and args.targets is not None:
        raise ns.ParameterError("give either --targets or --classes, not both")
    if args.last_step and args.sequence is None:
        raise ns.ParameterError("--last-step needs --sequence COLUMN (sequence data)")
    targets: Any = len(net.outputs) if args.targets is None else args.targets
    samples = ns.read_samples(args.data, targets=targets, classes=args.classes,
                              sequence=args.sequence, last_step=args.last_step)
    n_in, n_out = samples.inputs.shape[-1], samples.targets.shape[-1]
    if n_in != len(net.inputs) or n_out != len(net.outputs):
        raise ns.DataError(
            f"{args.data}: {n_in} input and {n_out} target columns, but network "
            f"{args.network} has {len(net.inputs)} inputs and {len(net.outputs)} outputs "
            "(choose the target columns with --targets)"
        )
    loss = args.loss or _default_loss(net)
    ev = ns.evaluate(net, samples.inputs, samples.targets, loss=loss, reduction=args.reduction)
    data: dict[str, Any] = {"network": args.network, "data": args.data, "loss_function": loss,
                            "reduction": args.reduction, **ev.as_dict()}
    rows: list[tuple[str, object]] = [
        ("sequences" if samples.sequences is not None else "samples", ev.samples),
        (f"loss ({loss}, {args.reduction})", f"{ev.loss:.6g}")]
    if ev.scores is None:
        emit(args, data, text_table(rows))
        return 0
    s = ev.scores
    rows += [("accuracy", f"{s.accuracy:.6g}"), ("error rate", f"{s.error_rate:.6g}")]
    n = len(s.support)
    names = _class_names(samples, n)
    data["classes"] = names
    corner = "true \\ predicted"
    width = max(len(c) for c in [*names, corner]) + 2
    cell = max(len(str(int(s.confusion.max()))), max(len(str(c)) for c in names)) + 2
    lines = [text_table(rows), "", "confusion matrix (rows: true class, columns: predicted)",
             f"{corner:<{width}}" + "".join(f"{c:>{cell}}" for c in names)]
    for i, c in enumerate(names):
        lines.append(f"{c:<{width}}" + "".join(f"{int(v):>{cell}}" for v in s.confusion[i]))
    lines += ["", f"{'class':<{width}}{'precision':>11}{'recall':>9}{'F1':>9}{'support':>9}"]
    for i, c in enumerate(names):
        lines.append(f"{c:<{width}}{s.precision[i]:>11.4f}{s.recall[i]:>9.4f}"
                     f"{s.f1[i]:>9.4f}{int(s.support[i]):>9}")
    emit(args, data, "\n".join(lines))
    return 0


def _class_names(samples: Any, n: int) -> list[str]:
    """Class labels: the --classes labels, the target column names, or 0 and 1."""
    names = list(samples.target_names)
    if len(names) == n and not all(str(x).startswith("column ") for x in names):
        return [str(x) for x in names]
    return [str(k) for k in range(n)]
