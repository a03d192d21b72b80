"""Optimizers: update rules for the configuration from its gradient.

Each optimizer is a small object with a learning rate ``lr`` and
``step(params, grads)``, which updates every array of ``params`` in place from the
matching array of ``grads`` (∂E/∂param). State (velocities, accumulators) is kept
per position in the list and created on the first step. With ``g`` the gradient and
``ε = lr``:

``SGD``       ``w ← w − ε g``
``Momentum``  ``v ← μ v − ε g``, ``w ← w + v``  (μ = ``momentum``, default 0.9)
``AdaGrad``   ``G ← G + g²``, ``w ← w − ε g / (√G + eps)``
``RMSProp``   ``s ← ρ s + (1 − ρ) g²``, ``w ← w − ε g / (√s + eps)``  (ρ = 0.9)
``Adam``      ``m ← β₁ m + (1 − β₁) g``, ``v ← β₂ v + (1 − β₂) g²``,
              ``w ← w − ε m̂ / (√v̂ + eps)`` with ``m̂ = m / (1 − β₁ᵗ)``,
              ``v̂ = v / (1 − β₂ᵗ)`` (β₁ = 0.9, β₂ = 0.999, eps = 1e-8)

Learning-rate schedules: :func:`schedule` turns a number, a per-epoch list or a
callable ``epoch -> lr`` into a callable; :func:`step_decay` gives
``lr₀ · drop^⌊epoch / every⌋``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..checks import keywords
from ..errors import ParameterError, did_you_mean

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "AdaGrad",
    "Adam",
    "Momentum",
    "Optimizer",
    "RMSProp",
    "get_optimizer",
    "schedule",
    "step_decay",
]

Array = np.ndarray


def _positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    ok = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    number = float(value) if ok else float("nan")
    if not (np.isfinite(number) and (number >= 0 if allow_zero else number > 0)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"{name} must be a finite number {bound}, got {value!r}")
    return number


def _fraction(value: Any, name: str) -> float:
    number = _positive(value, name, allow_zero=True)
    if number >= 1:
        raise ParameterError(f"{name} must be in [0, 1), got {value!r}")
    return number


class Optimizer:
    """Base class: ``lr`` and ``step(params, grads)`` (in place)."""

    name = ""

    def __init__(self, lr: float = 0.1) -> None:
        self.lr = _positive(lr, "lr")
        self.t = 0  # steps taken
        self._state: list[dict[str, Array]] = []

    def _slots(self, params: Sequence[Array]) -> list[dict[str, Array]]:
        if len(self._state) != len(params):
            self._state = [{} for _ in params]
        return self._state

    def step(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        """Update each array of ``params`` in place from ``grads``."""
        if len(params) != len(grads):
            raise ParameterError(f"{len(params)} parameter arrays but {len(grads)} gradients")
        self.t += 1
        for p, g, state in zip(params, grads, self._slots(params), strict=True):
            self._update(p, np.asarray(g), state)

    def _update(self, p: Array, g: Array, state: dict[str, Array]) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget the state (velocities, accumulators) and the step count."""
        self.t = 0
        self._state = []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} lr={self.lr:g}>"


class SGD(Optimizer):
    """Plain gradient descent ``w ← w − ε g`` (online, minibatch or batch)."""

    name = "sgd"

    def _update(self, p, g, state):
        tmp = state.get("tmp")
        if tmp is None:
            tmp = state["tmp"] = np.empty_like(p)
        np.multiply(g, self.lr, out=tmp)  # no temporary array per step
        p -= tmp


class Momentum(Optimizer):
    """Gradient descent with momentum: ``v ← μ v − ε g``, ``w ← w + v``."""

    name = "momentum"

    def __init__(self, lr: float = 0.1, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = _fraction(momentum, "momentum")

    def _update(self, p, g, state):
        v = state.get("v")
        if v is None:
            v = state["v"] = np.zeros_like(p)
        tmp = state.get("tmp")
        if tmp is None:
            tmp = state["tmp"] = np.empty_like(p)
        v *= self.momentum
        np.multiply(g, self.lr, out=tmp)
        v -= tmp
        p += v


class AdaGrad(Optimizer):
    """``G ← G + g²``, ``w ← w − ε g / (√G + eps)``."""

    name = "adagrad"

    def __init__(self, lr: float = 0.1, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.eps = _positive(eps, "eps")

    def _update(self, p, g, state):
        acc = state.get("G")
        if acc is None:
            acc = state["G"] = np.zeros_like(p)
        acc += g * g
        p -= self.lr * g / (np.sqrt(acc) + self.eps)


class RMSProp(Optimizer):
    """``s ← ρ s + (1 − ρ) g²``, ``w ← w − ε g / (√s + eps)``."""

    name = "rmsprop"

    def __init__(self, lr: float = 0.01, rho: float = 0.9, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.rho = _fraction(rho, "rho")
        self.eps = _positive(eps, "eps")

    def _update(self, p, g, state):
        s = state.get("s")
        if s is None:
            s = state["s"] = np.zeros_like(p)
        s *= self.rho
        s += (1 - self.rho) * g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction."""

    name = "adam"

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        self.beta1 = _fraction(beta1, "beta1")
        self.beta2 = _fraction(beta2, "beta2")
        self.eps = _positive(eps, "eps")

    def _update(self, p, g, state):
        m = state.get("m")
        if m is None:
            m = state["m"] = np.zeros_like(p)
            state["v"] = np.zeros_like(p)
        v = state["v"]
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1**self.t)
        v_hat = v / (1 - self.beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, AdaGrad, RMSProp, Adam)
}


def get_optimizer(optimizer: str | Optimizer, lr: float | None = None) -> Optimizer:
    """An optimizer object from a name (``"sgd"``, ``"momentum"``, ``"adagrad"``,
    ``"rmsprop"``, ``"adam"``) or an :class:`Optimizer` (returned as is).

    Examples
    --------
    >>> from netsim.learn.optimizers import get_optimizer
    >>> get_optimizer("adam", lr=0.01)
    <Adam lr=0.01>
    """
    if isinstance(optimizer, Optimizer):
        return optimizer
    if not isinstance(optimizer, str) or optimizer.lower() not in OPTIMIZERS:
        raise ParameterError(
            f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))} or an Optimizer "
            f"object, got {optimizer!r}{did_you_mean(optimizer, list(OPTIMIZERS))}"
        )
    cls = OPTIMIZERS[optimizer.lower()]
    return cls() if lr is None else cls(lr=lr)


@keywords
def step_decay(lr: float, drop: float = 0.5, every: int = 10) -> Callable[[int], float]:
    """The schedule ``lr · drop^⌊epoch / every⌋`` (epochs counted from 0).

    Examples
    --------
    >>> from netsim.learn.optimizers import step_decay
    >>> f = step_decay(0.1, drop=0.5, every=2)
    >>> [f(e) for e in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """
    lr = _positive(lr, "lr")
    drop = _positive(drop, "drop")
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ParameterError(f"every must be a positive integer, got {every!r}")
    return lambda epoch: lr * drop ** (epoch // every)


def schedule(lr: Any, epochs: int) -> Callable[[int], float]:
    """A callable ``epoch -> lr`` from a number, a per-epoch list or a callable."""
    if callable(lr):
        return lr
    if isinstance(lr, Sequence | np.ndarray) and not isinstance(lr, str):
        values = [_positive(v, f"lr[{k}]") for k, v in enumerate(lr)]
        if len(values) < epochs:
            raise ParameterError(
                f"a per-epoch lr list needs one value per epoch: {epochs} epochs but "
                f"{len(values)} values"
            )
        return values.__getitem__
    value = _positive(lr, "lr")
    return lambda _epoch: value
