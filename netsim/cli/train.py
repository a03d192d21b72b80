"""``netsim train NET DATA.csv -o OUT.json``: train a network on samples from a CSV file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import netsim as ns

from ._output import (
    add_json_option,
    add_sample_options,
    add_sequence_options,
    check_output,
    emit,
    load_network,
    number,
    option_type,
    text_table,
    yes_no,
)
from .train_options import CourseOptions, add_options

__all__ = ["add_parser"]


_rate = number(float, "a number > 0", lambda v: v > 0)
_positive_int = number(int, "a positive integer", lambda v: v >= 1)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a network by backpropagation on a CSV of samples",
        description=(
            "Train an acyclic network on the samples of a CSV file (one sample per line, "
            "numbers only, an optional header line of column names) and write the trained "
            "network to OUT (atomically). The last columns are the desired outputs. "
            "A recurrent network trains on sequences (--sequence COLUMN: one row per step, "
            "COLUMN holding the sequence id) by backpropagation through time."
        ),
    )
    add_sample_options(parser, "; use with a softmax output layer and --loss cross_entropy")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.json",
                        help="the .json file to write the trained network to (NET is not changed)")
    parser.add_argument(
        "--loss", default="mse", choices=["mse", "binary_cross_entropy", "cross_entropy"],
        help="error averaged over the samples: mse = ½Σ(y − d)² (default), "
        "binary_cross_entropy (outputs in (0, 1)), cross_entropy (softmax outputs)",
    )
    parser.add_argument(
        "--optimizer", default="sgd", choices=list(ns.learn.OPTIMIZERS),
        help="weight update rule (default sgd: plain gradient descent)",
    )
    parser.add_argument("--lr", type=_rate, default=None,
                        help="learning rate (default: the optimizer's own: 0.1 for sgd, "
                        "momentum and nesterov, 0.01 for adagrad, 0.001 for rmsprop and adam)")
    parser.add_argument("--epochs", type=option_type(ns.train, "epochs"), default=100,
                        help="passes over the training samples (default 100)")
    parser.add_argument("--batch-size", default=32, metavar="N|full",
                        type=option_type(ns.train, "batch_size", words=("full", "all", "none")),
                        help="minibatch size; 1 = online, 'full' = whole batch (default 32)")
    parser.add_argument("--validation-split", default=None, metavar="F",
                        type=option_type(ns.train, "validation_split"),
                        help="hold out this fraction of the samples for validation")
    parser.add_argument("--early-stopping", default=None, metavar="P",
                        type=option_type(ns.train, "early_stopping"),
                        help="stop after P epochs without improvement; keep the best weights")
    parser.add_argument("--seed", type=option_type(ns.train, "seed"), default=0,
                        help="shuffling/split seed (default 0)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show a progress bar (default: when stderr is a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false",
                          help="never show a progress bar")
    seq = add_sequence_options(parser)
    seq.add_argument("--bptt-window", type=_positive_int, default=None, metavar="W",
                     help="truncated backpropagation through time: the gradient stays inside "
                     "windows of W steps (default: through every step)")
    seq.add_argument("--clip", type=_rate, default=None, metavar="C",
                     help="clip the gradient to global norm C before each step")
    add_options(parser)
    add_json_option(parser)
    parser.set_defaults(func=_train)


def _train(args: argparse.Namespace) -> int:
    check_output(args.output, suffixes=(".json",))
    net = load_network(args.network)
    targets: Any = len(net.outputs) if args.targets is None else args.targets
    if targets == 0:
        raise ns.NetworkError(f"{args.network}: the network has no output neurons to train")
    if args.classes is not None and args.targets is not None:
        raise ns.ParameterError("give either --targets or --classes, not both")
    if args.last_step and args.sequence is None:
        raise ns.ParameterError("--last-step needs --sequence COLUMN (sequence data)")
    if args.bptt_window is not None and args.sequence is None:
        raise ns.ParameterError("--bptt-window needs --sequence COLUMN (sequence data)")
    cycle = net.find_cycle() if args.sequence is None else None
    if cycle is not None:
        loop = " -> ".join(map(repr, [*cycle, cycle[0]]))
        raise ns.CycleError(
            f"{args.network}: the network is recurrent (it has the cycle {loop}); train it "
            "on sequences by backpropagation through time: --sequence COLUMN, one CSV row per "
            "step with COLUMN holding the sequence id", cycle)
    samples = ns.read_samples(args.data, targets=targets, classes=args.classes,
                              sequence=args.sequence, last_step=args.last_step)
    n_in = samples.inputs.shape[-1]
    if n_in != len(net.inputs) or samples.targets.shape[-1] != len(net.outputs):
        raise ns.DataError(
            f"{args.data}: {n_in} input and {samples.targets.shape[-1]} target columns, but "
            f"network {args.network} has {len(net.inputs)} inputs and {len(net.outputs)} "
            "outputs (choose the target columns with --targets)"
        )
    bar = args.progress if args.progress is not None else sys.stderr.isatty()
    course = CourseOptions(args)
    x = course.inputs(samples.inputs)
    common = {"loss": args.loss, "epochs": args.epochs, "batch_size": args.batch_size,
              "validation_split": args.validation_split,
              "early_stopping": args.early_stopping, "seed": args.seed, "clip": args.clip}
    if args.bptt_window is not None:
        common["bptt_window"] = args.bptt_window
    course.cross_validate(net, x, samples.targets, **common,
                          **course.train_kwargs(args.optimizer, args.lr))
    history = ns.train(net, x, samples.targets, progress=bar, **common,
                       **course.train_kwargs(args.optimizer, args.lr))
    course.finish(net)
    labelled = _label_outputs(net, samples.target_names)
    ns.save(net, args.output)
    # The figures describe the saved weights: those of the best epoch when early
    # stopping restored them, else those of the last epoch.
    at = history.best_epoch if history.restored_best else -1
    result: dict[str, Any] = {
        "output": args.output,
        ("sequences" if samples.sequences is not None else "samples"): len(samples.inputs),
        "epochs": history.epochs,
        "best_epoch": history.best_epoch + 1,
        "saved_epoch": history.best_epoch + 1 if history.restored_best else history.epochs,
        "loss": history.loss[at],
    }
    if history.val_loss:
        result["val_loss"] = history.val_loss[at]
    for name, values in history.metrics.items():
        result[name] = values[at]
    for name, values in history.val_metrics.items():
        result[f"val_{name}"] = values[at]
    result.update(course.report())
    result["stopped_early"] = history.stopped_early
    if labelled:
        result["labels"] = labelled
    rows = [(k.replace("_", " "), f"{v:.6g}" if isinstance(v, float)
             else yes_no(v) if isinstance(v, bool)
             else ", ".join(f"{o}: {name}" for o, name in v.items()) if isinstance(v, dict)
             else v) for k, v in result.items()]
    emit(args, result, text_table(rows))
    return 0


def _label_outputs(net: ns.Network, names: Any) -> dict[str, str]:
    """Output k gets the label ``names[k]`` (the class or target column it learns), so
    diagrams, ``netsim info`` and ``netsim run`` show which output is which."""
    if not names:
        return {}
    labelled = {}
    for neuron_id, name in zip(net.outputs, names, strict=True):
        if str(name) != str(neuron_id):
            net.set_neuron(neuron_id, label=str(name))
            labelled[str(neuron_id)] = str(name)
    return labelled
