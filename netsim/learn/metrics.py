"""Classification metrics and the evaluation of a network on labelled data.

Classes are read from outputs and targets the way training's accuracy reads them:
with several output columns the class is the argmax (one-hot targets), with one
output column it is 1 when the value is ≥ 0.5, else 0. A 1-D array of integer
labels is taken as the classes themselves.

For the classes ``0 … n−1`` the **confusion matrix** ``C[i, j]`` counts the samples
of true class ``i`` predicted as ``j``. From it, per class ``c``:

- precision ``P_c = C[c, c] / Σ_i C[i, c]`` (of the samples predicted ``c``, the
  share that are ``c``),
- recall ``R_c = C[c, c] / Σ_j C[c, j]`` (of the samples of class ``c``, the share
  found),
- ``F1_c = 2 P_c R_c / (P_c + R_c)``,

and overall accuracy ``Σ_c C[c, c] / Σ C`` and error rate ``1 − accuracy``. A ratio
with nothing to divide by (no sample predicted or labelled ``c``) is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import as_floats, check_network, keywords
from ..errors import CycleError, NotDifferentiableError, ParameterError
from ..limits import check_memory

__all__ = [
    "ClassScores",
    "Evaluation",
    "class_labels",
    "classification_scores",
    "confusion_matrix",
    "error_rate",
    "evaluate",
    "is_classification",
]

Array = np.ndarray


def class_labels(values: Any, what: str = "values") -> Array:
    """Class indices from outputs or targets: argmax of several columns, ``≥ 0.5`` for
    one column, or a 1-D array of integer labels as given.

    Examples
    --------
    >>> from netsim.learn.metrics import class_labels
    >>> class_labels([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1]]).tolist()
    [1, 0]
    >>> class_labels([[0.2], [0.5]]).tolist()
    [0, 1]
    """
    arr = as_floats(values, what)
    if arr.ndim == 1:
        if (not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)) or np.any(arr < 0)
                or np.any(arr >= 2**31)):
            raise ParameterError(
                f"{what}: a 1-D array must hold class labels 0, 1, 2, ... (integers >= 0 "
                "and < 2**31)"
            )
        return arr.astype(np.int64)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ParameterError(f"{what} must have shape (B,) or (B, k), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{what} contain non-finite values")
    if arr.shape[1] == 1:
        return (arr[:, 0] >= 0.5).astype(np.int64)
    return np.argmax(arr, axis=1).astype(np.int64)


def _n_classes(values: Any) -> int:
    """How many classes the columns of ``values`` stand for (2 for one column)."""
    shape = np.shape(values)
    return 0 if len(shape) < 2 else max(int(shape[1]), 2)


def is_classification(targets: Any) -> bool:
    """Whether targets look like classes: one-hot rows, or one column of 0s and 1s.

    Examples
    --------
    >>> from netsim.learn.metrics import is_classification
    >>> is_classification([[0, 1], [1, 0]]), is_classification([[0.3], [1.0]])
    (True, False)
    """
    arr = as_floats(targets, "targets")
    if arr.ndim != 2 or arr.shape[0] == 0:
        return False
    binary = np.all((arr == 0) | (arr == 1))
    if arr.shape[1] == 1:
        return bool(binary)
    return bool(binary and np.all(arr.sum(axis=1) == 1))


@keywords
def confusion_matrix(true: Any, predicted: Any, n_classes: int | None = None) -> Array:
    """The confusion matrix ``C[i, j]``: samples of true class ``i`` predicted as ``j``.

    Parameters
    ----------
    true, predicted : array_like
        Targets and outputs ``(B, k)`` (classes by argmax, or ``≥ 0.5`` for one
        column) or integer labels ``(B,)``.
    n_classes : int, optional
        Default: the number of output columns (2 for one column), else one more
        than the largest label.

    Examples
    --------
    >>> import netsim as ns
    >>> ns.confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0])
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 1]])
    """
    t = class_labels(true, "true classes")
    p = class_labels(predicted, "predicted classes")
    if len(t) != len(p):
        raise ParameterError(
            f"true and predicted classes must have the same number of samples, got "
            f"{len(t)} and {len(p)}"
        )
    if n_classes is None:
        n_classes = max(_n_classes(true), _n_classes(predicted),
                        int(max(t.max(initial=-1), p.max(initial=-1))) + 1)
    elif isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 1:
        raise ParameterError(f"n_classes must be a positive integer, got {n_classes!r}")
    elif max(t.max(initial=-1), p.max(initial=-1)) >= n_classes:
        raise ParameterError(f"a class label is >= n_classes = {n_classes}")
    # a label of 10**9 would ask for a 10**9 x 10**9 matrix
    check_memory(8.0 * n_classes * n_classes,
                 f"confusion_matrix with {n_classes:,} classes: the matrix")
    out = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(out, (t, p), 1)
    return out


def _ratio(num: Array, den: Array) -> Array:
    return np.divide(num, den, out=np.zeros(len(num)), where=den > 0)


@dataclass
class ClassScores:
    """Accuracy, error rate and per-class precision, recall and F1.

    Attributes
    ----------
    confusion : ndarray (n, n)
        ``confusion[i, j]``: samples of true class ``i`` predicted as ``j``.
    accuracy, error_rate : float
    precision, recall, f1 : ndarray (n,)
        Per class (0 where undefined).
    support : ndarray (n,)
        Samples of each true class.

    Examples
    --------
    >>> import netsim as ns
    >>> s = ns.classification_scores([0, 1, 1], [0, 1, 0])
    >>> s.confusion.tolist(), s.support.tolist(), round(s.error_rate, 3)
    ([[1, 0], [1, 1]], [1, 2], 0.333)
    """

    confusion: Array
    accuracy: float
    error_rate: float
    precision: Array
    recall: Array
    f1: Array
    support: Array

    @classmethod
    def from_confusion(cls, confusion: Array) -> ClassScores:
        c = np.asarray(confusion)
        hit = np.diag(c).astype(np.float64)
        total = c.sum()
        precision = _ratio(hit, c.sum(axis=0).astype(np.float64))
        recall = _ratio(hit, c.sum(axis=1).astype(np.float64))
        f1 = _ratio(2 * precision * recall, precision + recall)
        accuracy = float(hit.sum() / total) if total else 0.0
        return cls(c, accuracy, 1.0 - accuracy if total else 0.0, precision, recall, f1,
                   c.sum(axis=1))

    def as_dict(self) -> dict[str, Any]:
        """Plain Python values (for JSON)."""
        return {
            "accuracy": self.accuracy,
            "error_rate": self.error_rate,
            "confusion": self.confusion.tolist(),
            "precision": self.precision.tolist(),
            "recall": self.recall.tolist(),
            "f1": self.f1.tolist(),
            "support": self.support.tolist(),
        }


@keywords
def classification_scores(true: Any, predicted: Any, n_classes: int | None = None) -> ClassScores:
    """Confusion matrix, accuracy, error rate and per-class precision/recall/F1.

    Examples
    --------
    >>> import netsim as ns
    >>> s = ns.classification_scores([0, 0, 1, 2, 2], [0, 1, 1, 2, 0])
    >>> s.accuracy, s.precision.tolist(), s.recall.tolist()
    (0.6, [0.5, 0.5, 1.0], [0.5, 1.0, 0.5])
    """
    return ClassScores.from_confusion(confusion_matrix(true, predicted, n_classes))


@keywords
def error_rate(true: Any, predicted: Any) -> float:
    """The share of misclassified samples, ``1 − accuracy``.

    Examples
    --------
    >>> import netsim as ns
    >>> ns.error_rate([[1, 0], [0, 1]], [[0.9, 0.1], [0.6, 0.4]])
    0.5
    """
    return classification_scores(true, predicted).error_rate


@dataclass
class Evaluation:
    """What :func:`evaluate` measured.

    Attributes
    ----------
    loss : float
        The loss on the data (mean or sum, as asked; for sequences, the sum over each
        sequence's steps, as training counts it).
    samples : int
        Samples, or sequences.
    outputs : ndarray (B, k_out)
        The network's outputs (for sequences: the outputs of every step with a target,
        one row each, sequence-major).
    scores : ClassScores or None
        For classification targets (one-hot rows, or one 0/1 column).

    Examples
    --------
    >>> import netsim as ns
    >>> ev = ns.evaluate(ns.zoo.xor(), [[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]])
    >>> ev.loss, ev.samples, ev.accuracy
    (0.0, 4, 1.0)
    """

    loss: float
    samples: int
    outputs: Array = field(repr=False)
    scores: ClassScores | None = None

    @property
    def accuracy(self) -> float | None:
        return None if self.scores is None else self.scores.accuracy

    def as_dict(self) -> dict[str, Any]:
        """Plain Python values (for JSON)."""
        # an overflowing loss is null in JSON rather than a non-standard Infinity
        loss = self.loss if np.isfinite(self.loss) else None
        out: dict[str, Any] = {"samples": self.samples, "loss": loss}
        if self.scores is not None:
            out.update(self.scores.as_dict())
        return out


@keywords
def evaluate(
    net: Any, X: Any, D: Any, *, loss: Any = "mse", reduction: str = "mean",
    classification: bool | None = None,
) -> Evaluation:
    """The loss of ``net`` on ``(X, D)`` and, for classes, the confusion matrix with
    accuracy, error rate and per-class precision, recall and F1.

    Parameters
    ----------
    net : Network
        Any network: an acyclic differentiable one is evaluated by the training
        forward pass (exact fused losses), any other through ``net.predict``.
    X, D : array_like
        Inputs ``(B, k_in)`` and targets ``(B, k_out)``; or sequences, inputs
        ``(B, T, k_in)`` and targets ``(B, T, k_out)`` (every step) or ``(B, k_out)``
        (the last step), run by the parallel rule as :func:`netsim.train` runs them
        (see :mod:`netsim.learn.bptt`).
    loss : {"mse", "binary_cross_entropy", "cross_entropy"} or Loss
    reduction : {"mean", "sum"}
    classification : bool, optional
        Compute the class scores; default: when the targets are one-hot rows or one
        column of 0s and 1s.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.zoo.gate("and")
    >>> ev = ns.evaluate(net, [[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [0], [0], [1]])
    >>> ev.loss, ev.accuracy
    (0.0, 1.0)
    """
    from .backprop import check_data, get_plan
    from .bptt import is_sequence
    from .losses import apply_reduction, check_reduction, get_loss

    check_network(net, "ns.evaluate")
    reduction = check_reduction(reduction)
    prog = net.compile()
    loss_fn = get_loss(loss)
    if is_sequence(X):
        return _evaluate_sequences(net, X, D, loss_fn, reduction, classification)
    x, d = check_data(prog, X, D)
    ctx = loss_fn.prepare(prog)
    try:
        plan = get_plan(net)
    except (NotDifferentiableError, CycleError):
        plan = None
    if plan is not None:
        state, xis = plan.forward(x, prog.weights, prog.bias)
        y = state[plan.outputs].T
        xi = xis[plan.outputs].T if loss_fn.fused else None
    else:
        y = np.asarray(net.predict(x), dtype=np.float64).reshape(len(x), -1)
        xi = None
    try:
        value, _gy, _gxi = apply_reduction(reduction, len(x), *loss_fn.evaluate(ctx, y, xi, d))
    except TypeError:  # a fused loss that needs the potentials of a non-differentiable net
        raise ParameterError(
            f"loss {loss_fn.name!r} needs the output potentials, which only a differentiable "
            "acyclic network gives; use loss='mse'"
        ) from None
    if classification is None:
        classification = is_classification(d)
    scores = classification_scores(d, y) if classification else None
    return Evaluation(float(value), len(x), y, scores)


def _evaluate_sequences(net: Any, X: Any, D: Any, loss_fn: Any, reduction: str,
                        classification: bool | None) -> Evaluation:
    """:func:`evaluate` on sequences: the forward pass and loss of training (BPTT)."""
    from .bptt import check_sequences, scored, sequence_loss, sequence_plan

    plan = sequence_plan(net)
    prog = net.compile()  # the network's current values (the plan holds the structure)
    x, d = check_sequences(prog, X, D)
    tape = plan.forward(x, prog.weights, prog.bias)
    value, _grads = sequence_loss(loss_fn, loss_fn.prepare(prog), tape, d, reduction)
    y, rows = scored(tape, d)
    if classification is None:
        classification = is_classification(rows)
    scores = classification_scores(rows, y) if classification else None
    return Evaluation(float(value), len(x), np.array(y, dtype=np.float64), scores)
