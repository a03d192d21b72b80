"""The classic learning rules for single-layer networks.

Both rules train the output neurons of a network whose outputs read only its input
neurons (one layer of weights; ``ns.mlp([n, m], activation="step")`` builds one).
Samples are visited online, one at a time, in order (or in a seeded permutation per
epoch with ``shuffle=True``).

Perceptron learning rule (Rosenblatt)
    for a sample ``x`` with desired output ``d`` and actual ``y = σ(ξ)``:
    ``w_ji ← w_ji + ε (d_j − y_j) x_i`` and ``b_j ← b_j + ε (d_j − y_j)``.
    Output neurons must be ``step`` (targets 0/1) or ``sign`` (targets ±1). On
    linearly separable data it stops after an epoch without errors (perceptron
    convergence theorem); otherwise it reports ``converged=False`` after
    ``max_epochs``.

Delta rule / ADALINE (Widrow–Hoff, least mean squares)
    ``w_ji ← w_ji + ε (d_j − ξ_j) x_i``, ``b_j ← b_j + ε (d_j − ξ_j)``: gradient descent
    on ``½ (d − ξ)²`` per sample, on the *potential* ξ (for identity outputs ξ = y; a
    step/sign ADALINE is trained on its linear part and thresholded afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import keywords
from ..errors import NetworkError, ParameterError
from .backprop import check_data

__all__ = ["RuleResult", "delta_rule", "perceptron_rule"]

Array = np.ndarray


@dataclass
class RuleResult:
    """Outcome of a classic rule.

    Attributes
    ----------
    converged : bool
        Perceptron: an epoch passed without a misclassified sample. Delta rule: the
        mean squared error fell below ``tol`` (always False without ``tol``).
    epochs : int
        Epochs run.
    errors : list
        Per epoch: misclassified samples (perceptron) or the mean of ``½ Σ (d − ξ)²``
        over the samples after the epoch (delta rule).
    updates : int
        Number of weight updates made (perceptron: one per misclassified sample).
    weights : ndarray
        The final configuration vector (also written into the network).
    """

    converged: bool
    epochs: int
    errors: list[float] = field(default_factory=list)
    updates: int = 0
    weights: Array = field(default_factory=lambda: np.zeros(0))


class _Layer:
    """The output layer as a dense matrix over the inputs, with a mask of connections."""

    def __init__(self, net: Any, rule: str) -> None:
        prog = net.compile()
        self.prog = prog
        col_of = {int(j): c for c, j in enumerate(prog.inputs)}
        outputs = [int(j) for j in prog.outputs]
        if not outputs:
            raise NetworkError(f"the {rule} needs output neurons; the network has none")
        self.w = np.zeros((len(outputs), len(prog.inputs)))
        self.mask = np.zeros_like(self.w, dtype=bool)
        self.positions: list[tuple[int, int, int]] = []  # (row, col, CSR position)
        for r, j in enumerate(outputs):
            name = prog.neurons[j]
            if prog.potential_names[prog.potential_ids[j]] != "weighted_sum":
                raise NetworkError(
                    f"the {rule} needs weighted-sum output neurons; {name!r} has potential "
                    f"{prog.potential_names[prog.potential_ids[j]]!r}"
                )
            if not prog.has_input[j]:
                raise NetworkError(f"the {rule} needs connections into output {name!r}")
            for k in range(prog.indptr[j], prog.indptr[j + 1]):
                i = int(prog.sources[k])
                if i not in col_of or prog.has_input[i]:
                    raise NetworkError(
                        f"the {rule} trains one layer: output {name!r} reads "
                        f"{prog.neurons[i]!r}, which is not an input neuron without "
                        "incoming connections"
                    )
                self.w[r, col_of[i]] = prog.weights[k]
                self.mask[r, col_of[i]] = True
                self.positions.append((r, col_of[i], k))
        self.b = prog.bias[outputs].astype(np.float64)
        self.outputs = outputs
        self.acts = [prog.activation_names[prog.activation_ids[j]] for j in outputs]

    def potentials(self, x: Array) -> Array:
        return x @ self.w.T + self.b

    def write_back(self, net: Any) -> Array:
        weights = np.array(self.prog.weights, dtype=np.float64)
        for r, c, k in self.positions:
            weights[k] = self.w[r, c]
        bias = np.array(self.prog.bias, dtype=np.float64)
        bias[self.outputs] = self.b
        vector = self.prog.configuration_vector(weights, bias)
        net.set_weights(vector)
        return vector


def _order(n: int, shuffle: bool, rng: np.random.Generator) -> Array:
    return rng.permutation(n) if shuffle else np.arange(n)


@keywords(network=True)
def perceptron_rule(
    net: Any,
    X: Any,
    D: Any,
    *,
    lr: float = 1.0,
    max_epochs: int = 100,
    shuffle: bool = False,
    seed: int | None = 0,
) -> RuleResult:
    """Train step/sign output neurons with the perceptron learning rule.

    Parameters
    ----------
    net : Network
        Outputs with ``step`` (targets 0/1) or ``sign`` (targets −1/+1) activation,
        connected only from input neurons.
    X, D : array_like
        Samples ``(B, k_in)`` and desired outputs ``(B, k_out)``.
    lr : float
        The learning rate ε > 0.
    max_epochs : int
        Give up (``converged=False``) after this many epochs with errors.
    shuffle, seed : visit samples in a seeded random order each epoch.

    Returns
    -------
    RuleResult

    Examples
    --------
    Learn AND with one step neuron:

    >>> import netsim as ns
    >>> net = ns.mlp([2, 1], activation="step", seed=0)
    >>> net.set_weights([0.0, 0.0, 0.0])
    >>> r = ns.perceptron_rule(net, [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])
    >>> r.converged, r.epochs, r.errors
    (True, 6, [2.0, 3.0, 3.0, 2.0, 1.0, 0.0])
    >>> net.get_weights().tolist()  # bias, w(x1), w(x2): fires only for (1, 1)
    [-3.0, 2.0, 1.0]
    """
    layer = _Layer(net, "perceptron rule")
    prog = layer.prog
    for act, j in zip(layer.acts, layer.outputs, strict=True):
        if act not in ("step", "sign"):
            raise NetworkError(
                f"the perceptron rule needs step or sign outputs; {prog.neurons[j]!r} has "
                f"activation {act!r} (use delta_rule or train)"
            )
    x, d = check_data(prog, X, D)
    for c, (act, j) in enumerate(zip(layer.acts, layer.outputs, strict=True)):
        allowed = (0.0, 1.0) if act == "step" else (-1.0, 1.0)
        if not np.isin(d[:, c], allowed).all():
            raise ParameterError(
                f"targets of {act} output {prog.neurons[j]!r} must be "
                f"{allowed[0]:g} or {allowed[1]:g}"
            )
    lr, max_epochs = _check_rate(lr, max_epochs)
    zero = prog.activation_params.get("sign", {}).get("zero")

    def outputs(xi: Array) -> Array:
        y = np.empty_like(xi)
        for c, (act, j) in enumerate(zip(layer.acts, layer.outputs, strict=True)):
            if act == "step":
                y[c] = 1.0 if xi[c] >= 0 else 0.0
            else:
                y[c] = 1.0 if xi[c] > 0 else -1.0 if xi[c] < 0 else zero[j]
        return y

    rng = np.random.default_rng(seed)
    errors: list[float] = []
    updates = 0
    converged = False
    for _epoch in range(max_epochs):
        wrong = 0
        for k in _order(len(x), shuffle, rng):
            y = outputs(layer.potentials(x[k]))
            delta = d[k] - y
            if np.any(delta != 0):
                wrong += 1
                updates += 1
                layer.w += lr * np.outer(delta, x[k]) * layer.mask
                layer.b += lr * delta
        errors.append(float(wrong))
        if wrong == 0:
            converged = True
            break
    vector = layer.write_back(net)
    return RuleResult(converged, len(errors), errors, updates, vector)


@keywords(network=True)
def delta_rule(
    net: Any,
    X: Any,
    D: Any,
    *,
    lr: Any = 0.01,
    max_epochs: int = 100,
    tol: float | None = None,
    shuffle: bool = False,
    seed: int | None = 0,
) -> RuleResult:
    """Train a single layer with the delta rule (ADALINE, Widrow–Hoff LMS).

    Each sample updates ``w ← w + ε(t) (d − ξ) x`` and ``b ← b + ε(t) (d − ξ)``
    (online), where ``t = 1, 2, ...`` counts the updates.

    Parameters
    ----------
    net : Network
        Weighted-sum outputs connected only from input neurons.
    X, D : array_like
    lr : float, "1/t" or callable
        A constant ε (for convergence below ``2 / λ_max(E[x xᵀ])``); ``"1/t"`` for
        the rate ``ε(t) = 1/t`` of the Widrow–Hoff theorem (the weights converge to
        the least-squares minimum); or a callable ``t -> ε(t)`` (t from 1).
    max_epochs : int
    tol : float, optional
        Stop (``converged=True``) once the epoch's mean ``½ Σ (d − ξ)²`` is below it.
    shuffle, seed : visit samples in a seeded random order each epoch.

    Returns
    -------
    RuleResult

    Examples
    --------
    Fit ``d = 2x − 1`` with one linear neuron:

    >>> import netsim as ns
    >>> net = ns.mlp([1, 1], activation="identity", seed=0)
    >>> r = ns.delta_rule(net, [[0.0], [1.0], [2.0]], [-1.0, 1.0, 3.0], lr=0.1,
    ...                   max_epochs=500, tol=1e-12)
    >>> r.converged, round(net.weight("x1", "y1"), 4), round(net.neuron("y1").bias, 4)
    (True, 2.0, -1.0)
    """
    layer = _Layer(net, "delta rule")
    x, d = check_data(layer.prog, X, D)
    rate = _rate_of(lr)
    _lr, max_epochs = _check_rate(1.0 if rate is not None else lr, max_epochs)
    if tol is not None and not (isinstance(tol, int | float) and tol >= 0):
        raise ParameterError(f"tol must be a number >= 0 or None, got {tol!r}")
    rng = np.random.default_rng(seed)
    errors: list[float] = []
    converged = False
    updates = 0
    for _epoch in range(max_epochs):
        for k in _order(len(x), shuffle, rng):
            delta = d[k] - layer.potentials(x[k])
            updates += 1
            eps = _lr if rate is None else rate(updates)
            layer.w += eps * np.outer(delta, x[k]) * layer.mask
            layer.b += eps * delta
        residual = d - layer.potentials(x)
        error = 0.5 * float(np.mean(np.sum(residual * residual, axis=1)))
        if not np.isfinite(error):
            raise ParameterError(
                f"the delta rule diverged in epoch {len(errors) + 1}; lower the learning rate "
                f"(lr={lr if rate is not None else format(_lr, 'g')})"
            )
        errors.append(error)
        if tol is not None and error <= tol:
            converged = True
            break
    vector = layer.write_back(net)
    return RuleResult(converged, len(errors), errors, updates, vector)


def _rate_of(lr: Any) -> Any:
    """``None`` for a constant rate, else the callable ``t -> ε(t)`` (t from 1)."""
    if isinstance(lr, str):
        if lr.replace(" ", "") != "1/t":
            raise ParameterError(f"lr must be a number > 0, '1/t' or a callable, got {lr!r}")
        return lambda t: 1.0 / t

    if callable(lr):
        def checked(t: int) -> float:
            eps = lr(t)
            if isinstance(eps, bool) or not isinstance(eps, int | float | np.number) or not (
                np.isfinite(eps) and eps > 0
            ):
                raise ParameterError(f"lr(t) must return a number > 0, got {eps!r} for t={t}")
            return float(eps)

        return checked
    return None


def _check_rate(lr: Any, max_epochs: Any) -> tuple[float, int]:
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not lr > 0:
        raise ParameterError(f"lr must be a number > 0, got {lr!r}")
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 1:
        raise ParameterError(f"max_epochs must be a positive integer, got {max_epochs!r}")
    return float(lr), max_epochs
