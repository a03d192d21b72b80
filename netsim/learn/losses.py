"""Loss functions E(y, d) over the output neurons, averaged over the batch.

Every loss is the mean over the batch of a per-sample error ``E_k``:

``"mse"``
    ``E_k = ½ Σ_o (y_o − d_o)²`` (the textbook error; note the ½ and that the batch
    *mean*, not the sum, is taken, so the learning rate does not depend on the batch
    size).
``"binary_cross_entropy"``
    ``E_k = −Σ_o [d_o log y_o + (1 − d_o) log(1 − y_o)]`` with targets in [0, 1]. For
    a sigmoid output it is computed from the potential, ``softplus(λξ) − d·λξ``, with
    the fused gradient ``∂E/∂ξ = λ(y − d)``, so saturated outputs never give
    ``log(0)``; for other outputs ``y`` is clipped to ``[1e-12, 1 − 1e-12]``.
``"cross_entropy"``
    categorical: ``E_k = −Σ_o d_o log y_o`` where the outputs form whole softmax
    groups. It is computed from the potentials as ``−Σ_o d_o (ξ_o − logsumexp_g ξ)``
    with the fused, stable gradient ``∂E/∂ξ_o = y_o·Σ_{g} d − d_o`` (``= y − d`` for
    one-hot targets). Without a softmax output group it raises ParameterError.

A loss returns ``(value, grad_y, grad_xi)``: the batch-mean loss, ``∂E/∂y`` of the
outputs and ``∂E/∂ξ`` of the outputs whose gradient is fused (either may be ``None``).

A loss whose outputs are a function of their potentials alone (cross-entropy: the
softmax groups) may also offer :meth:`Loss.from_potentials`: the same result from the
potentials only, writing the outputs itself. The training loop then skips the
output activation in the forward pass instead of computing the softmax twice.

Reduction: ``reduction="mean"`` (the default everywhere) keeps the batch mean
``E = (1/B) Σ_k E_k``; ``reduction="sum"`` gives the course's ``E = Σ_k E_k`` and so
the minibatch update ``Δw = −ε Σ_{k∈T} ∇E_k``. :func:`apply_reduction` turns a mean
into a sum by scaling the value and both gradients by ``B`` (backpropagation is linear
in them, so the gradients it returns scale the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit

from ..errors import ParameterError, did_you_mean
from ..limits import describe

__all__ = ["LOSSES", "REDUCTIONS", "Loss", "apply_reduction", "check_reduction", "get_loss",
           "prepared"]

Array = np.ndarray
_EPS = 1e-12

REDUCTIONS = ("mean", "sum")


def check_reduction(reduction: Any) -> str:
    """``reduction`` checked: ``"mean"`` or ``"sum"`` (else ParameterError).

    Examples
    --------
    >>> from netsim.learn.losses import check_reduction
    >>> check_reduction("sum")
    'sum'
    """
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ParameterError(
            f"reduction must be 'mean' or 'sum', got {reduction!r}"
            f"{did_you_mean(reduction, list(REDUCTIONS))}"
        )
    return reduction


def apply_reduction(
    reduction: str, batch: int, value: float, grad_y: Array | None, grad_xi: Array | None
) -> tuple[float, Array | None, Array | None]:
    """A loss result ``(value, grad_y, grad_xi)`` (batch mean) under ``reduction``.

    ``"mean"`` returns it unchanged; ``"sum"`` multiplies all three by ``batch``, so
    the value is ``Σ_k E_k`` and the gradients are those of the sum.

    Examples
    --------
    >>> from netsim.learn.losses import apply_reduction
    >>> apply_reduction("sum", 4, 0.5, None, None)
    (2.0, None, None)
    """
    if reduction == "mean":
        return value, grad_y, grad_xi
    return (
        value * batch,
        None if grad_y is None else grad_y * batch,
        None if grad_xi is None else grad_xi * batch,
    )


@dataclass(frozen=True)
class _Context:
    """What a loss learnt about the program's outputs when it was prepared."""

    steepness: Array | None = None  # bce: λ per output, nan where not sigmoid
    groups: tuple[Array, ...] = ()  # ce: output positions of each softmax group
    whole: bool = False  # ce: one group, the outputs in order (no gather needed)

    def patch_values(self, prog: Any, weight_positions: Any, bias_neurons: Any) -> bool:
        """Weights and biases changed in place: the context (the outputs' functions
        and groups) stays."""
        return True


class Loss:
    """A loss function: ``prepare`` checks the outputs, ``evaluate`` computes it."""

    name = ""
    fused = False  # True when it needs the output potentials ξ
    outputs_from_potentials = False  # True when it offers from_potentials

    def prepare(self, prog: Any) -> _Context:
        return _Context()

    def evaluate(
        self, ctx: _Context, y: Array, xi: Array | None, d: Array
    ) -> tuple[float, Array | None, Array | None]:
        raise NotImplementedError

    def from_potentials(
        self, ctx: _Context, xi: Array, d: Array, y: Array
    ) -> tuple[float, Array | None, Array | None] | None:
        """:meth:`evaluate` from the output potentials ``xi`` alone, writing the
        outputs σ(ξ) into ``y`` (both ``(B, n_out)``; ``y`` may be ``None``). Only
        for a loss with ``outputs_from_potentials = True``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<Loss {self.name!r}>"


class MeanSquaredError(Loss):
    name = "mse"

    def evaluate(self, ctx, y, xi, d):
        diff = y - d
        batch = y.shape[0]
        with np.errstate(over="ignore"):  # a diverging run is reported by the caller
            value = 0.5 * float(np.sum(diff * diff)) / batch
        return value, diff / batch, None


class BinaryCrossEntropy(Loss):
    name = "binary_cross_entropy"
    fused = True

    def prepare(self, prog):
        lam = np.full(len(prog.outputs), np.nan)
        for k, j in enumerate(prog.outputs):
            if prog.activation_names[prog.activation_ids[j]] == "sigmoid" and prog.has_input[j]:
                lam[k] = prog.activation_params["sigmoid"]["steepness"][j]
        return _Context(steepness=lam)

    def evaluate(self, ctx, y, xi, d):
        if np.any((d < 0) | (d > 1)):
            raise ParameterError("binary_cross_entropy needs targets in [0, 1]")
        batch = y.shape[0]
        lam = ctx.steepness.astype(y.dtype, copy=False)  # float32 stays float32
        fused = ~np.isnan(lam)
        total = 0.0
        grad_y = grad_xi = None
        if fused.any():
            z = lam[fused] * xi[:, fused]
            df = d[:, fused]
            total += float(np.sum(np.logaddexp(0.0, z) - df * z))
            grad_xi = np.zeros_like(y)
            grad_xi[:, fused] = lam[fused] * (expit(z) - df) / batch
        if (~fused).any():
            yc = np.clip(y[:, ~fused], _EPS, 1 - _EPS)
            dc = d[:, ~fused]
            total -= float(np.sum(dc * np.log(yc) + (1 - dc) * np.log1p(-yc)))
            grad_y = np.zeros_like(y)
            grad_y[:, ~fused] = (yc - dc) / (yc * (1 - yc)) / batch
        return total / batch, grad_y, grad_xi


class CrossEntropy(Loss):
    name = "cross_entropy"
    fused = True
    outputs_from_potentials = True  # the outputs are whole softmax groups

    def prepare(self, prog):
        outputs = np.asarray(prog.outputs)
        pos = {int(j): k for k, j in enumerate(outputs)}
        groups: list[Array] = []
        seen: set[int] = set()
        for _k, j in enumerate(outputs):
            name = prog.activation_names[prog.activation_ids[j]]
            if name != "softmax" or not prog.has_input[j]:
                raise ParameterError(
                    f"loss 'cross_entropy' needs outputs in softmax groups, but output "
                    f"neuron {prog.neurons[j]!r} has activation {name!r}"
                    + ("" if prog.has_input[j] else " and no incoming connection")
                    + "; use 'binary_cross_entropy' or 'mse', or a softmax output layer"
                )
            g = int(prog.groups[j])
            if g in seen:
                continue
            seen.add(g)
            members = np.flatnonzero(prog.groups == g)
            missing = [m for m in members if int(m) not in pos]
            if missing:
                raise ParameterError(
                    f"loss 'cross_entropy' needs whole softmax groups as outputs, but "
                    f"neuron {prog.neurons[missing[0]]!r} is in the softmax group of output "
                    f"{prog.neurons[j]!r} and is not an output"
                )
            groups.append(np.array([pos[int(m)] for m in members]))
        whole = len(groups) == 1 and np.array_equal(groups[0], np.arange(len(outputs)))
        return _Context(groups=tuple(groups), whole=whole)

    def evaluate(self, ctx, y, xi, d):
        return self.from_potentials(ctx, xi, d, None)

    def from_potentials(self, ctx, xi, d, y):
        """Per group: ``lse = max + log Σ exp(ξ − max)``, the softmax
        ``p = exp(ξ − max) / Σ exp(ξ − max)`` (written into ``y`` when given),
        ``E = −Σ d (ξ − lse)`` and ``∂E/∂ξ = p Σ_g d − d``, batch means."""
        batch = xi.shape[0]
        total = 0.0
        whole = ctx.whole
        grad_xi = None if whole else np.empty(xi.shape, dtype=xi.dtype)
        for cols in ctx.groups:
            z = xi if whole else xi[:, cols]
            dg = d if whole else d[:, cols]
            top = z.max(axis=1, keepdims=True)  # stable: the largest exponent is 0
            e = np.subtract(z, top)
            np.exp(e, out=e)
            s = e.sum(axis=1, keepdims=True)
            e /= s  # the softmax p
            lse = np.log(s)
            lse += top
            logp = z - lse
            total -= float(np.vdot(dg, logp))  # log p is bounded: no cancellation
            dsum = dg.sum(axis=1, keepdims=True)
            if y is not None:
                if whole:
                    y[...] = e
                else:
                    y[:, cols] = e
            g = np.multiply(e, dsum, out=e)
            g -= dg
            g /= batch
            if grad_xi is None:
                grad_xi = g
            else:
                grad_xi[:, cols] = g
        return total / batch, None, grad_xi


LOSSES: dict[str, type[Loss]] = {
    "mse": MeanSquaredError,
    "binary_cross_entropy": BinaryCrossEntropy,
    "cross_entropy": CrossEntropy,
}
_BUILTIN = frozenset(LOSSES.values())
_ALIASES = {"bce": "binary_cross_entropy", "ce": "cross_entropy",
            "categorical_cross_entropy": "cross_entropy"}


def prepared(net: Any, loss: Loss, prog: Any) -> _Context:
    """``loss.prepare(prog)`` for ``net``'s program ``prog``, cached on the network
    for the built-in losses (a user's Loss subclass is prepared on every call).

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.learn.losses import get_loss, prepared
    >>> net = ns.mlp("2-3", output_activation="softmax", seed=0)
    >>> ce = get_loss("cross_entropy")
    >>> prepared(net, ce, net.compile()) is prepared(net, ce, net.compile())
    True
    """
    if type(loss) not in _BUILTIN:
        return loss.prepare(prog)
    key = ("loss-context", loss.name, prog.dtype.str)
    return net.cached(key, lambda: loss.prepare(prog))


def get_loss(loss: str | Loss) -> Loss:
    """The loss object for a name (``"mse"``, ``"binary_cross_entropy"``,
    ``"cross_entropy"``) or a :class:`Loss` instance.

    Examples
    --------
    >>> from netsim.learn.losses import get_loss
    >>> get_loss("mse")
    <Loss 'mse'>
    """
    if isinstance(loss, Loss):
        return loss
    name = _ALIASES.get(loss, loss) if isinstance(loss, str) else None
    if name not in LOSSES:
        raise ParameterError(
            f"loss must be one of {', '.join(map(repr, LOSSES))} or a Loss, got "
            f"{describe(loss)}{did_you_mean(loss, list(LOSSES)) if name else ''}"
        )
    return LOSSES[name]()
