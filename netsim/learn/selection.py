"""Model selection: train/validation/test splits, k-fold cross-validation, bagging.

- :func:`split` divides samples into parts (the course's 60 % training, 20 %
  validation, 20 % test by default), seeded, optionally stratified by class.
- :func:`kfold` trains one fresh network per fold: fold ``i`` is the validation set,
  the other ``k − 1`` folds the training set; it reports every fold's validation loss
  (and accuracy for class targets) and their mean.
- :func:`bagging` trains ``k`` networks on bootstrap sets ``T_1 … T_k`` (each drawn
  from the training set uniformly with replacement, of its size, so each holds about
  ``(1 − 1/e)`` of the distinct samples) and combines them: averaged outputs for
  regression, a majority vote for classification.

A network is given either as a :class:`~netsim.Network` (every fold or member starts
from a copy of it, the same initial weights) or as a callable returning a fresh one,
called as ``make(i)`` with the fold or member index ``i``. An optimizer object in the
training arguments is copied afresh (its state reset) for every fold or member.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import as_floats, check_seed, keywords
from ..errors import ParameterError, did_you_mean
from ..limits import MAX_MEMBERS, check_count
from .metrics import Evaluation, class_labels, evaluate, is_classification

__all__ = [
    "CrossValidation",
    "Ensemble",
    "bagging",
    "fold_indices",
    "kfold",
    "split",
    "split_indices",
]

Array = np.ndarray


def _samples(X: Any, D: Any, *, columns: bool = True) -> tuple[Array, Array]:
    """Inputs and targets as float arrays with one sample per row; ``columns``: a 1-D
    array becomes one column (else it is kept, e.g. class labels for :func:`split`).
    Sequences (inputs ``(B, T, k)``, targets ``(B, T, m)`` or ``(B, m)``) are kept:
    one sequence is one sample."""
    x = as_floats(X, "inputs X")
    d = as_floats(D, "targets D")
    if columns and x.ndim == 3 and d.ndim in (2, 3):  # sequences: train checks the rest
        if len(x) != len(d) or len(x) == 0:
            raise ParameterError(
                f"inputs and targets must hold the same number (≥ 1) of sequences, got "
                f"{len(x)} and {len(d)}")
        return x, d
    if columns and x.ndim == 1:
        x = x[:, None]
    if columns and d.ndim == 1:
        d = d[:, None]
    if not (1 <= x.ndim <= 2 and 1 <= d.ndim <= 2):
        raise ParameterError(
            f"inputs and targets must be 2-D (samples × columns), got shapes {x.shape} and "
            f"{d.shape}"
        )
    if len(x) != len(d):
        raise ParameterError(
            f"inputs and targets must have the same number of samples, got {len(x)} and "
            f"{len(d)}"
        )
    if len(x) == 0:
        raise ParameterError("no samples given")
    return x, d


def _strata(stratify: Any, d: Array) -> Array | None:
    """Class labels to stratify by: ``None``, the targets' classes, or given labels."""
    if stratify is None or stratify is False:
        return None
    if stratify is True:  # a sequence's class: its last step's target
        return class_labels(d[:, -1] if d.ndim == 3 else d, "targets")
    try:
        labels = np.asarray(stratify)
    except ValueError:  # ragged rows: not one label per sample
        labels = np.empty((0, 0))
    if labels.ndim != 1 or len(labels) != len(d):
        raise ParameterError(
            f"stratify must be True, False or one label per sample ({len(d)}), got shape "
            f"{labels.shape}"
        )
    return np.unique(labels, return_inverse=True)[1]


def _allocate(n: int, fractions: Array) -> Array:
    """Integer part sizes summing to ``n``, by the largest remainder."""
    exact = fractions * n
    sizes = np.floor(exact).astype(np.int64)
    short = n - int(sizes.sum())
    order = np.argsort(-(exact - sizes), kind="stable")
    sizes[order[:short]] += 1
    return sizes


def split_indices(
    n: int, fractions: Sequence[float] = (0.6, 0.2, 0.2), *, seed: int | None = 0,
    labels: Any = None, shuffle: bool = True,
) -> list[Array]:
    """Sample indices of each part (see :func:`split`).

    Examples
    --------
    >>> from netsim.learn.selection import split_indices
    >>> [len(p) for p in split_indices(10)]
    [6, 2, 2]
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ParameterError(f"the number of samples must be a positive integer, got {n!r}")
    try:
        fr = np.asarray(fractions, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"fractions must be numbers, got {fractions!r}") from None
    if fr.ndim != 1 or len(fr) < 2 or not np.all(fr > 0) or abs(fr.sum() - 1) > 1e-9:
        raise ParameterError(
            f"fractions must be two or more positive numbers summing to 1, got {fractions!r}"
        )
    rng = np.random.default_rng(check_seed(seed))
    if labels is None:
        groups = [rng.permutation(n) if shuffle else np.arange(n)]
    else:
        labels = np.asarray(labels)
        groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
        if shuffle:
            groups = [rng.permutation(g) for g in groups]
    # every class gets ⌊f_p · n_c⌋ per part; its leftover samples go one by one to the
    # part furthest below its overall size, so the part sizes are exactly `target`
    target = _allocate(n, fr)
    counts = np.zeros(len(fr), dtype=np.int64)
    sizes = [np.floor(fr * len(g)).astype(np.int64) for g in groups]
    for size in sizes:
        counts += size
    for size, g in zip(sizes, groups, strict=True):
        for _ in range(len(g) - int(size.sum())):
            p = int(np.argmax(target - counts))
            size[p] += 1
            counts[p] += 1
    parts: list[list[Array]] = [[] for _ in fr]
    for size, g in zip(sizes, groups, strict=True):
        bounds = np.concatenate([[0], np.cumsum(size)])
        for p in range(len(fr)):
            parts[p].append(g[bounds[p]:bounds[p + 1]])
    out = []
    for pieces in parts:
        idx = np.concatenate(pieces)
        out.append(rng.permutation(idx) if shuffle and labels is not None else idx)
    if any(len(p) == 0 for p in out):
        raise ParameterError(
            f"fractions {tuple(fr.tolist())} of {n} samples leave an empty part"
        )
    return out


@keywords
def split(
    X: Any, D: Any, fractions: Sequence[float] = (0.6, 0.2, 0.2), *, seed: int | None = 0,
    stratify: Any = False, shuffle: bool = True,
) -> list[tuple[Array, Array]]:
    """Split samples into parts, e.g. training, validation and test sets.

    Parameters
    ----------
    X, D : array_like
        Inputs ``(B, k_in)`` and targets ``(B, k_out)``, or 1-D arrays of B values
        (e.g. integer class labels ``D``), returned in the shape given.
    fractions : sequence of float
        The share of each part, positive, summing to 1 (default: the course's
        60/20/20). Sizes are rounded by the largest remainder, so they add up to B.
    seed : int or None
        Seeds the random assignment (the same seed gives the same parts).
    stratify : bool or array_like
        ``True``: every class of the targets (argmax, ≥ 0.5 for one column, or the
        labels of a 1-D ``D``) is split in the same proportions; or one label per
        sample to stratify by.
    shuffle : bool
        ``False`` keeps the sample order (the first 60 %, the next 20 %, ...).

    Returns
    -------
    list of (X_part, D_part)

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> X = np.arange(20.0).reshape(10, 2); D = np.eye(2)[[0, 1] * 5]
    >>> (Xt, Dt), (Xv, Dv), (Xs, Ds) = ns.split(X, D, seed=0, stratify=True)
    >>> len(Xt), len(Xv), len(Xs), Dt.sum(axis=0).tolist()
    (6, 2, 2, [3.0, 3.0])
    """
    x, d = _samples(X, D, columns=False)
    labels = _strata(stratify, d)
    parts = split_indices(len(x), fractions, seed=seed, labels=labels, shuffle=shuffle)
    return [(x[p], d[p]) for p in parts]


def fold_indices(
    n: int, k: int = 5, *, seed: int | None = 0, labels: Any = None, shuffle: bool = True
) -> list[Array]:
    """The ``k`` folds of ``n`` samples (index arrays), sizes differing by at most one;
    with ``labels``, every class is spread evenly over the folds.

    Examples
    --------
    >>> from netsim.learn.selection import fold_indices
    >>> [len(f) for f in fold_indices(10, 3)]
    [4, 3, 3]
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ParameterError(f"k must be an integer >= 2, got {k!r}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < k:
        raise ParameterError(f"k={k} folds need at least {k} samples, got {n}")
    rng = np.random.default_rng(check_seed(seed))
    if labels is None:
        order = rng.permutation(n) if shuffle else np.arange(n)
    else:
        labels = np.asarray(labels)
        # deal each class out in turn, so every fold gets its share of every class
        groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
        order = np.concatenate([rng.permutation(g) if shuffle else g for g in groups])
    folds: list[list[int]] = [[] for _ in range(k)]
    for pos, i in enumerate(order.tolist()):
        folds[pos % k].append(i)
    return [np.sort(np.array(f, dtype=np.int64)) for f in folds]


def _factory(net: Any) -> Callable[[int], Any]:
    from ..network import Network

    if isinstance(net, Network):
        return lambda _i: net.copy()
    if callable(net):
        def make(i: int) -> Any:
            made = net(i)
            if not isinstance(made, Network):
                raise ParameterError(
                    f"the network factory must return a Network, got {type(made).__name__}"
                )
            return made

        return make
    raise ParameterError(
        f"net must be a Network or a callable i -> Network, got {type(net).__name__}"
    )


def _train_kwargs(train_kwargs: dict[str, Any], what: str) -> dict[str, Any]:
    from .train import train

    for bad in ("validation", "validation_split"):
        if bad in train_kwargs:
            raise ParameterError(f"{what}: {bad} is chosen by {what} itself; omit it")
    known = [p for p in inspect.signature(train).parameters if p not in ("net", "X", "D")]
    for name in train_kwargs:
        if name not in known:
            raise ParameterError(
                f"{what} got the unknown argument {name!r} (its other arguments go to "
                f"ns.train){did_you_mean(name, known)}"
            )
    kwargs = dict(train_kwargs)
    kwargs.setdefault("progress", False)
    return kwargs


def _fresh(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with a fresh copy of an optimizer object, so that no fold or member
    inherits another's velocities or accumulators."""
    from .optimizers import Optimizer

    opt = kwargs.get("optimizer")
    if not isinstance(opt, Optimizer):
        return kwargs
    fresh = copy.deepcopy(opt)
    fresh.reset()
    return {**kwargs, "optimizer": fresh}


@dataclass
class CrossValidation:
    """The result of :func:`kfold`.

    Attributes
    ----------
    folds : list of ndarray
        The validation indices of each fold.
    nets : list of Network
        The network trained on each fold's training set.
    histories : list of History
    evaluations : list of Evaluation
        Each fold's network on its validation fold.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> X = np.linspace(-1, 1, 12)[:, None]; D = 2 * X + 1
    >>> cv = ns.kfold(ns.mlp("1-1", activation="identity", seed=0), X, D, k=3,
    ...               optimizer="sgd", lr=0.5, epochs=200, batch_size=None)
    >>> [len(f) for f in cv.folds], bool(cv.val_loss.max() < 1e-6)
    ([4, 4, 4], True)
    """

    folds: list[Array]
    nets: list[Any] = field(repr=False)
    histories: list[Any] = field(repr=False)
    evaluations: list[Evaluation] = field(repr=False)

    @property
    def val_loss(self) -> Array:
        """Validation loss of each fold."""
        return np.array([e.loss for e in self.evaluations])

    @property
    def accuracy(self) -> Array | None:
        """Validation accuracy of each fold (class targets only)."""
        if any(e.scores is None for e in self.evaluations):
            return None
        return np.array([e.accuracy for e in self.evaluations])

    @property
    def mean_loss(self) -> float:
        return float(np.mean(self.val_loss))

    @property
    def std_loss(self) -> float:
        return float(np.std(self.val_loss))

    @property
    def mean_accuracy(self) -> float | None:
        acc = self.accuracy
        return None if acc is None else float(np.mean(acc))

    def __repr__(self) -> str:
        acc = self.mean_accuracy
        tail = "" if acc is None else f", mean accuracy {acc:.4g}"
        return (f"<CrossValidation: {len(self.folds)} folds, mean val loss "
                f"{self.mean_loss:.6g} ± {self.std_loss:.2g}{tail}>")


@keywords
def kfold(
    net: Any, X: Any, D: Any, k: int = 5, *, seed: int | None = 0, stratify: Any = False,
    shuffle: bool = True, **train_kwargs: Any,
) -> CrossValidation:
    """k-fold cross-validation: train on ``k − 1`` folds, validate on the remaining one,
    for each of the ``k`` folds.

    Parameters
    ----------
    net : Network or callable
        A network (each fold trains a copy of it) or ``make(i) -> Network``.
    X, D : array_like
        Samples ``(B, k_in)`` and ``(B, k_out)``, or sequences ``(B, T, k_in)`` with
        targets ``(B, T, k_out)`` or ``(B, k_out)`` (folds of whole sequences; trained
        and evaluated by backpropagation through time).
    k : int
        Number of folds (≥ 2; k = B is leave-one-out).
    seed : int or None
        Seeds the assignment to folds and each fold's training.
    stratify : bool or array_like
        Spread every class evenly over the folds (see :func:`split`).
    shuffle : bool
        ``False``: fold ``i`` holds the samples ``i, i + k, i + 2k, ...``.
    **train_kwargs
        Passed to :func:`netsim.train` (loss, optimizer, lr, epochs, ...); each fold
        also gets its validation set as ``validation`` (so ``early_stopping`` watches
        it). ``reduction`` is also used for the reported validation loss.

    Returns
    -------
    CrossValidation
        ``val_loss`` and ``accuracy`` per fold, ``mean_loss``, ``mean_accuracy``,
        the trained ``nets`` and ``histories``.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(40, 2))
    >>> D = (X @ [1.0, -2.0] + 0.5)[:, None]
    >>> cv = ns.kfold(ns.mlp("2-1", activation="identity", seed=0), X, D, k=4,
    ...               lr=0.1, epochs=200, batch_size=None)
    >>> len(cv.folds), bool(cv.mean_loss < 1e-6)
    (4, True)
    """
    from .train import train

    x, d = _samples(X, D)
    seed = check_seed(seed, generators=False)  # fold/member i is seeded seed + i
    labels = _strata(stratify, d)
    folds = fold_indices(len(x), k, seed=seed, labels=labels, shuffle=shuffle)
    make = _factory(net)
    kwargs = _train_kwargs(train_kwargs, "kfold")
    nets, histories, evaluations = [], [], []
    everything = np.arange(len(x))
    for i, val in enumerate(folds):
        tr = np.setdiff1d(everything, val, assume_unique=True)
        model = make(i)
        fold_seed = None if seed is None else seed + i
        h = train(model, x[tr], d[tr], validation=(x[val], d[val]), seed=fold_seed,
                  **_fresh(kwargs))
        nets.append(model)
        histories.append(h)
        evaluations.append(evaluate(model, x[val], d[val], loss=kwargs.get("loss", "mse"),
                                    reduction=kwargs.get("reduction", "mean")))
    return CrossValidation(folds, nets, histories, evaluations)


@dataclass
class Ensemble:
    """Networks trained by :func:`bagging`, combined into one predictor.

    Attributes
    ----------
    nets : list of Network
    samples : list of ndarray
        The bootstrap indices each network was trained on.
    histories : list of History
    task : {"regression", "classification"}

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> X = np.linspace(-1, 1, 10)[:, None]; D = 2 * X + 1
    >>> ens = ns.bagging(ns.mlp("1-1", activation="identity", seed=0), X, D, k=2,
    ...                  optimizer="sgd", lr=0.5, epochs=200, batch_size=None)
    >>> len(ens.nets), ens.task, ens.outputs([[0.0]]).shape
    (2, 'regression', (2, 1, 1))
    """

    nets: list[Any] = field(repr=False)
    samples: list[Array] = field(repr=False)
    histories: list[Any] = field(repr=False)
    task: str = "regression"

    def outputs(self, X: Any) -> Array:
        """Every member's outputs, shape ``(k, B, k_out)``."""
        return np.stack([np.asarray(n.predict(X), dtype=np.float64).reshape(
            np.shape(np.atleast_2d(X))[0], -1) for n in self.nets])

    def average(self, X: Any) -> Array:
        """The members' outputs averaged, ``(B, k_out)``."""
        return self.outputs(X).mean(axis=0)

    def votes(self, X: Any) -> Array:
        """Per sample, how many members chose each class, ``(B, n_classes)``."""
        outs = self.outputs(X)
        n_classes = max(outs.shape[2], 2)
        counts = np.zeros((outs.shape[1], n_classes), dtype=np.int64)
        for member in outs:
            counts[np.arange(outs.shape[1]), class_labels(member)] += 1
        return counts

    def predict(self, X: Any) -> Array:
        """Regression: the averaged outputs. Classification: the majority vote, as
        one-hot rows (or one 0/1 column for a single output); a tie goes to the tied
        class with the highest averaged output (then the lowest index)."""
        if self.task == "regression":
            return self.average(X)
        counts = self.votes(X)
        avg = self.average(X)
        score = avg if avg.shape[1] > 1 else np.hstack([1 - avg, avg])
        tied = counts == counts.max(axis=1, keepdims=True)
        winner = np.argmax(np.where(tied, score, -np.inf), axis=1)
        if avg.shape[1] == 1:
            return winner[:, None].astype(np.float64)
        return np.eye(avg.shape[1])[winner]

    def __len__(self) -> int:
        return len(self.nets)

    def __repr__(self) -> str:
        return f"<Ensemble: {len(self.nets)} networks, {self.task}>"


@keywords
def bagging(
    net: Any, X: Any, D: Any, k: int = 10, *, seed: int | None = 0, task: str = "auto",
    **train_kwargs: Any,
) -> Ensemble:
    """Bagging: ``k`` networks, each trained on a bootstrap set of the samples.

    Set ``T_i`` draws ``B`` samples uniformly with replacement from the ``B`` given
    (seeded); network ``i`` is trained on it with :func:`netsim.train`.

    Parameters
    ----------
    net : Network or callable
        A network (each member trains a copy) or ``make(i) -> Network``.
    X, D : array_like
    k : int
        Number of networks.
    seed : int or None
        Seeds the bootstrap draws and each member's training.
    task : {"auto", "regression", "classification"}
        How :meth:`Ensemble.predict` combines: averaging or majority vote. ``"auto"``:
        classification when the targets are one-hot rows or one 0/1 column.
    **train_kwargs
        Passed to :func:`netsim.train`.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> X = np.linspace(-1, 1, 20)[:, None]; D = 3 * X - 1
    >>> ens = ns.bagging(ns.mlp("1-1", activation="identity", seed=0), X, D, k=3,
    ...                  lr=0.2, epochs=300, batch_size=None)
    >>> ens.predict([[0.5]]).round(4).tolist()
    [[0.5]]
    """
    from .train import train

    x, d = _samples(X, D)
    seed = check_seed(seed, generators=False)  # fold/member i is seeded seed + i
    k = check_count(k, "k", 1, MAX_MEMBERS)
    if task not in ("auto", "regression", "classification"):
        raise ParameterError(
            f"task must be 'auto', 'regression' or 'classification', got {task!r}"
        )
    if task == "auto":
        task = "classification" if is_classification(d) else "regression"
    make = _factory(net)
    kwargs = _train_kwargs(train_kwargs, "bagging")
    rng = np.random.default_rng(check_seed(seed))
    nets, samples, histories = [], [], []
    for i in range(k):
        idx = rng.integers(0, len(x), size=len(x))
        model = make(i)
        member_seed = None if seed is None else seed + i
        histories.append(train(model, x[idx], d[idx], seed=member_seed, **_fresh(kwargs)))
        nets.append(model)
        samples.append(idx)
    return Ensemble(nets, samples, histories, task)

