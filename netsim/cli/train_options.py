"""The course's training options of ``netsim train``: momentum, weight decay (L2, L1,
multiplicative), ``--no-shuffle``, learning-rate schedules, ``--standardize``,
``--reduction``, ``--dropout`` and ``--kfold`` cross-validation.

:func:`add_options` adds them to the ``train`` parser; :class:`CourseOptions` turns the
parsed arguments into keyword arguments of :func:`netsim.train` and does the work
around the training call (standardising, cross-validating, folding the
standardisation into the saved network).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import netsim as ns

from ._output import choices_of, number, option_type

__all__ = ["CourseOptions", "add_options", "parse_schedule"]

_fraction = number(float, "a number in [0, 1)", lambda v: 0 <= v < 1)
_folds = number(int, "an integer >= 2", lambda v: v >= 2)
_keep = number(float, "a keep probability in (0, 1]", lambda v: 0 < v <= 1)


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add the course's training options to the ``netsim train`` parser."""
    group = parser.add_argument_group("the course's learning forms")
    group.add_argument("--momentum", type=_fraction, default=None, metavar="MU",
                       help="momentum coefficient α for --optimizer momentum or nesterov "
                       "(default 0.9)")
    group.add_argument("--weight-decay", default=0.0, metavar="L2",
                       type=option_type(ns.train, "weight_decay"),
                       help="L2 penalty λ: adds λ·w to the gradient (default 0)")
    group.add_argument("--l1", default=0.0, metavar="L1",
                       type=option_type(ns.train, "l1"),
                       help="L1 penalty λ₁: adds λ₁·sign(w) to the gradient (default 0)")
    group.add_argument("--multiplicative-decay", default=0.0, metavar="ZETA",
                       type=option_type(ns.train, "multiplicative_decay"),
                       help="the course's weight decay w ← (1 − ζ)(w + Δw) (default 0)")
    group.add_argument("--decay-biases", action="store_true",
                       help="apply the penalties and the decay to the biases too")
    group.add_argument("--no-shuffle", dest="shuffle", action="store_false",
                       help="visit the samples in file order every epoch")
    group.add_argument(
        "--lr-schedule", default=None, metavar="SPEC", type=_schedule_arg,
        help="step:drop=0.5,every=10 (lr·drop^⌊epoch/every⌋) or adaptive[:up=1.05,down=0.5] "
        "(raise the rate while the error falls, cut it when it rises)",
    )
    group.add_argument("--standardize", action="store_true",
                       help="train on standardised inputs (mean 0, std 1) and fold the "
                       "scaling into the first weights, so the saved network reads raw inputs")
    group.add_argument("--reduction", default="mean", choices=choices_of(ns.train, "reduction"),
                       help="mean gradient per step (default) or the course's sum Σ_k ∇E_k")
    group.add_argument("--dropout", type=_keep, default=None, metavar="P",
                       help="the course's dropout: in every step each hidden neuron is KEPT "
                       "with probability P (0.5 in the course) and only the kept neurons' "
                       "weights change; inverted dropout, so the saved network predicts as is")
    group.add_argument("--kfold", type=_folds, default=None, metavar="K",
                       help="first cross-validate the same settings over K folds and report "
                       "the folds' validation loss (and accuracy); then train on all samples")


def parse_schedule(text: str) -> tuple[str, dict[str, float]]:
    """``"step:drop=0.5,every=10"`` → ``("step", {"drop": 0.5, "every": 10.0})``.

    >>> parse_schedule("adaptive")
    ('adaptive', {})
    >>> parse_schedule("step:drop=0.5,every=4")
    ('step', {'drop': 0.5, 'every': 4.0})
    """
    from .new import parse_function

    spec = parse_function(text)
    name, params = (spec, {}) if isinstance(spec, str) else (
        spec["name"], {k: v for k, v in spec.items() if k != "name"})
    allowed = {"step": {"drop", "every"}, "adaptive": {"up", "down", "min_lr", "max_lr"}}
    if name not in allowed:
        raise ns.ParameterError(
            f"--lr-schedule must be step:drop=D,every=N or adaptive[:up=U,down=D], got {text!r}"
        )
    unknown = set(params) - allowed[name]
    if unknown:
        raise ns.ParameterError(
            f"--lr-schedule {name} takes {', '.join(sorted(allowed[name]))}, got "
            f"{sorted(unknown)[0]!r}"
        )
    return name, params


def _schedule_arg(text: str) -> tuple[str, dict[str, float]]:
    try:
        return parse_schedule(text)
    except ns.ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass
class CourseOptions:
    """The parsed course options and what they produced."""

    args: argparse.Namespace
    scaler: Any = None
    cv: Any = field(default=None, repr=False)

    def train_kwargs(self, optimizer: str, lr: float | None) -> dict[str, Any]:
        """Keyword arguments for :func:`netsim.train` (``optimizer`` and ``lr`` included)."""
        a = self.args
        if a.momentum is not None and optimizer not in ("momentum", "nesterov"):
            raise ns.ParameterError(
                f"--momentum is for --optimizer momentum or nesterov, not {optimizer!r}"
            )
        opt: Any = optimizer
        if a.momentum is not None:
            cls = ns.Nesterov if optimizer == "nesterov" else ns.Momentum
            opt = cls(momentum=a.momentum) if lr is None else cls(lr=lr, momentum=a.momentum)
        rate: Any = lr
        if a.lr_schedule is not None:
            name, params = a.lr_schedule
            start = lr if lr is not None else ns.learn.optimizers.DEFAULT_LR[optimizer]
            if name == "step":
                every = params.get("every", 10.0)
                if every != int(every):
                    raise ns.ParameterError(f"--lr-schedule step: every must be whole, got {every}")
                rate = ns.step_decay(start, drop=params.get("drop", 0.5), every=int(every))
            else:
                rate = ns.AdaptiveLR(start, **params)
        return {
            "optimizer": opt, "lr": rate, "weight_decay": a.weight_decay, "l1": a.l1,
            "multiplicative_decay": a.multiplicative_decay, "decay_biases": a.decay_biases,
            "shuffle": a.shuffle, "reduction": a.reduction, "dropout": a.dropout,
        }

    def inputs(self, x: np.ndarray) -> np.ndarray:
        """The training inputs: standardised with ``--standardize``."""
        if not self.args.standardize:
            return x
        flat = x.reshape(-1, x.shape[-1])  # sequences: every step is a sample
        self.scaler = ns.Standardizer().fit(flat)
        return self.scaler.transform(flat).reshape(x.shape)

    def cross_validate(self, net: Any, x: np.ndarray, d: np.ndarray, **kwargs: Any) -> None:
        """With ``--kfold K``: cross-validate ``net`` (copies of it) with ``kwargs``."""
        if self.args.kfold is None:
            return
        if kwargs.get("validation_split") is not None:
            raise ns.ParameterError("give either --kfold or --validation-split, not both")
        kwargs.pop("validation_split", None)
        self.cv = ns.kfold(net, x, d, k=self.args.kfold, **kwargs)

    def finish(self, net: Any) -> None:
        """Fold the standardisation into ``net`` so that it reads raw inputs."""
        if self.scaler is not None:
            ns.learn.fold_standardizer(net, self.scaler)

    def report(self) -> dict[str, Any]:
        """The cross-validation figures for the printed result."""
        if self.cv is None:
            return {}
        out: dict[str, Any] = {"kfold": len(self.cv.folds),
                               "cv_val_loss": self.cv.mean_loss,
                               "cv_val_loss_std": self.cv.std_loss}
        if self.cv.mean_accuracy is not None:
            out["cv_val_accuracy"] = self.cv.mean_accuracy
        return out
