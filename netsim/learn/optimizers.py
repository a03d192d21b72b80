"""Optimizers: update rules for the configuration from its gradient.

Each optimizer is a small object with a learning rate ``lr`` and
``step(params, grads)``, which updates every array of ``params`` in place from the
matching array of ``grads`` (∂E/∂param). State (velocities, accumulators) is kept
per position in the list and created on the first step. With ``g`` the gradient and
``ε = lr``:

``SGD``       ``w ← w − ε g``                                          (default ε 0.1)
``Momentum``  ``v ← μ v − ε g``, ``w ← w + v``  (μ = ``momentum``, 0.9)  (default ε 0.1)
``Nesterov``  ``v ← μ v − ε g``, ``w ← w + μ v − ε g``                  (default ε 0.1)
``AdaGrad``   ``G ← G + g²``, ``w ← w − ε g / (√G + δ)``               (default ε 0.01)
``RMSProp``   ``s ← ρ s + (1 − ρ) g²``, ``w ← w − ε g / (√s + δ)``      (default ε 0.001)
``Adam``      ``m ← β₁ m + (1 − β₁) g``, ``v ← β₂ v + (1 − β₂) g²``,
              ``w ← w − ε m̂ / (√v̂ + eps)`` with ``m̂ = m / (1 − β₁ᵗ)``,
              ``v̂ = v / (1 − β₂ᵗ)`` (β₁ = 0.9, β₂ = 0.999, eps = 1e-8)   (default ε 0.001)

AdaGrad and RMSProp take ``eps_inside=True`` for the course's form
``w ← w − ε g / √(G + δ)`` (δ inside the square root); the default puts δ outside, as
PyTorch and Keras do. The default learning rates are the course's (0.1 to start plain
descent, η = 0.01 for AdaGrad, Hinton's η = 0.001 for RMSProp) and Adam's paper's.

Nesterov momentum evaluates the gradient at the look-ahead point ``w + μ v``. It is
kept in the form that needs only the gradient at the stored weights: the stored
weights *are* the look-ahead point ``φ = w + μ v``, and ``v ← μ v − ε ∇E(φ)``,
``φ ← φ + μ v − ε ∇E(φ)`` is exactly Nesterov's ``v ← μ v − ε ∇E(w + μ v)``,
``w ← w + v`` written in ``φ`` (Sutskever et al. 2013; PyTorch's ``nesterov=True``).

Learning-rate schedules: :func:`schedule` turns a number, a per-epoch list or a
callable ``epoch -> lr`` into a callable; :func:`step_decay` gives
``lr₀ · drop^⌊epoch / every⌋``; :class:`AdaptiveLR` is the course's adaptive rule
(raise ε slightly while the error falls, cut it when the error rises).
"""

from __future__ import annotations

import inspect
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
    "AdaptiveLR",
    "Momentum",
    "Nesterov",
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
    """Plain gradient descent ``w ← w − ε g`` (online, minibatch or batch).

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> w = np.array([1.0, 2.0]); g = np.array([0.5, -1.0])
    >>> ns.SGD(lr=0.1).step([w], [g]); w
    array([0.95, 2.1 ])
    >>> ns.SGD(lr=0.1).descend(w, g); w, g     # g was a work array: overwritten
    (array([0.9, 2.2]), array([ 0.05, -0.1 ]))
    """

    name = "sgd"

    def descend(self, params: Array, grad: Array, *, scaled: bool = False) -> None:
        """One step on a work gradient: ``params ← params − ε grad`` in place,
        overwriting ``grad`` with ``ε grad`` (no temporary array: the training
        loop's step on its one parameter vector). The same numbers as :meth:`step`.

        ``scaled=True``: ``grad`` is already ``ε ∇E`` (the training loop scales the
        loss gradient, a few values, before backpropagating it): one pass,
        ``params −= grad``.
        """
        if not (isinstance(params, np.ndarray) and isinstance(grad, np.ndarray)
                and params.shape == grad.shape):
            raise ParameterError("descend needs two numpy arrays of one shape (the "
                                 "parameters and their gradient), got "
                                 f"{type(params).__name__} and {type(grad).__name__}")
        self.t += 1
        if not scaled:
            grad *= self.lr
        params -= grad

    def _update(self, p, g, state):
        tmp = state.get("tmp")
        if tmp is None:
            tmp = state["tmp"] = np.empty_like(p)
        np.multiply(g, self.lr, out=tmp)  # no temporary array per step
        p -= tmp


class Momentum(Optimizer):
    """Gradient descent with momentum: ``v ← μ v − ε g``, ``w ← w + v``.

    The course's ``Δw(t) = −ε Σ_k ∇E_k + α Δw(t−1)`` with ``α = momentum``.
    ``nesterov=True`` is :class:`Nesterov`.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> w = np.array([1.0]); opt = ns.Momentum(lr=0.1, momentum=0.5)
    >>> opt.step([w], [np.array([1.0])]); opt.step([w], [np.array([1.0])]); w
    array([0.75])
    """

    name = "momentum"

    def __init__(self, lr: float = 0.1, momentum: float = 0.9, nesterov: bool = False) -> None:
        super().__init__(lr)
        self.momentum = _fraction(momentum, "momentum")
        if not isinstance(nesterov, bool):
            raise ParameterError(f"nesterov must be True or False, got {nesterov!r}")
        self.nesterov = nesterov

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
        if self.nesterov:  # φ ← φ + μ v − ε g (see the module docstring)
            p -= tmp
            tmp[...] = v
            tmp *= self.momentum
            p += tmp
        else:
            p += v


class Nesterov(Momentum):
    """Nesterov momentum: ``v ← μ v − ε g``, ``w ← w + μ v − ε g``.

    The stored weights are the look-ahead point, so this is Nesterov's accelerated
    gradient ``v ← μ v − ε ∇E(w + μ v)``, ``w ← w + v`` (module docstring).

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> w = np.array([1.0]); opt = ns.Nesterov(lr=0.1, momentum=0.5)
    >>> opt.step([w], [np.array([1.0])]); w     # v = −0.1; w = 1 − 0.05 − 0.1
    array([0.85])
    """

    name = "nesterov"

    def __init__(self, lr: float = 0.1, momentum: float = 0.9) -> None:
        super().__init__(lr, momentum, nesterov=True)


def _check_inside(eps_inside: Any) -> bool:
    if not isinstance(eps_inside, bool):
        raise ParameterError(f"eps_inside must be True or False, got {eps_inside!r}")
    return eps_inside


def _scaled_step(p: Array, g: Array, acc: Array, lr: float, eps: float, inside: bool) -> None:
    """``p ← p − lr g / (√acc + eps)``, or ``/ √(acc + eps)`` with ``inside``."""
    root = np.sqrt(acc + eps) if inside else np.sqrt(acc) + eps
    p -= lr * g / root


class AdaGrad(Optimizer):
    """``G ← G + g²``, ``w ← w − ε g / (√G + δ)``; ``eps_inside=True``: ``/ √(G + δ)``.

    ``eps`` is the course's smoothing term δ; the course puts it inside the root
    (``eps_inside=True``), PyTorch and Keras outside (the default).

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> w = np.array([0.0]); ns.AdaGrad(lr=0.01, eps=1.0, eps_inside=True).step(
    ...     [w], [np.array([3.0])]); w                   # 0.01·3/√(9 + 1)
    array([-0.00948683])
    """

    name = "adagrad"

    def __init__(self, lr: float = 0.01, eps: float = 1e-8, eps_inside: bool = False) -> None:
        super().__init__(lr)
        self.eps = _positive(eps, "eps")
        self.eps_inside = _check_inside(eps_inside)

    def _update(self, p, g, state):
        acc = state.get("G")
        if acc is None:
            acc = state["G"] = np.zeros_like(p)
        acc += g * g
        _scaled_step(p, g, acc, self.lr, self.eps, self.eps_inside)


class RMSProp(Optimizer):
    """``s ← ρ s + (1 − ρ) g²``, ``w ← w − ε g / (√s + δ)``; ``eps_inside=True``:
    ``/ √(s + δ)``, the course's form.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> w = np.array([0.0]); ns.RMSProp(lr=0.001, rho=0.9).step([w], [np.array([2.0])])
    >>> w.round(8)                                      # 0.001·2/√(0.1·4)
    array([-0.00316228])
    """

    name = "rmsprop"

    def __init__(
        self, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8, eps_inside: bool = False
    ) -> None:
        super().__init__(lr)
        self.rho = _fraction(rho, "rho")
        self.eps = _positive(eps, "eps")
        self.eps_inside = _check_inside(eps_inside)

    def _update(self, p, g, state):
        s = state.get("s")
        if s is None:
            s = state["s"] = np.zeros_like(p)
        s *= self.rho
        s += (1 - self.rho) * g * g
        _scaled_step(p, g, s, self.lr, self.eps, self.eps_inside)


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
    cls.name: cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam)
}

#: The learning rate each optimizer uses when ``train`` is given none.
DEFAULT_LR: dict[str, float] = {
    name: inspect.signature(cls).parameters["lr"].default for name, cls in OPTIMIZERS.items()
}


def get_optimizer(optimizer: str | Optimizer, lr: float | None = None) -> Optimizer:
    """An optimizer object from a name (``"sgd"``, ``"momentum"``, ``"nesterov"``,
    ``"adagrad"``, ``"rmsprop"``, ``"adam"``) or an :class:`Optimizer` (returned as is).

    Without ``lr`` a named optimizer gets its own default rate (:data:`DEFAULT_LR`).

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


class AdaptiveLR:
    """The course's adaptive learning rate: raise ε slightly while the error falls,
    cut it when the error rises.

    After every epoch :func:`~netsim.train` reports the epoch's training loss to
    :meth:`observe`: when it is lower than the previous epoch's, ``ε ← up · ε``; when
    it is higher, ``ε ← down · ε``; when equal, ε stays. ε is kept within
    ``[min_lr, max_lr]``. Pass it as ``lr``: ``ns.train(..., lr=ns.AdaptiveLR(0.1))``.
    It keeps state, so use a fresh one per training run (or call :meth:`reset`).

    Parameters
    ----------
    lr : float
        The starting rate ε(0) > 0.
    up : float
        Factor > 1 applied while the error falls (default 1.05: "increase slightly").
    down : float
        Factor in (0, 1) applied when the error rises (default 0.5).
    min_lr, max_lr : float
        Bounds for ε (defaults 1e-8 and 10).

    Examples
    --------
    >>> import netsim as ns
    >>> rule = ns.AdaptiveLR(0.1, up=1.1, down=0.5)
    >>> for loss in [1.0, 0.8, 0.9, 0.7]:
    ...     rule.observe(loss)
    >>> round(rule(4), 6)     # 0.1 · 1.1 (fell) · 0.5 (rose) · 1.1 (fell)
    0.0605
    """

    def __init__(
        self,
        lr: float = 0.1,
        up: float = 1.05,
        down: float = 0.5,
        min_lr: float = 1e-8,
        max_lr: float = 10.0,
    ) -> None:
        self.initial = _positive(lr, "lr")
        self.up = _positive(up, "up")
        self.down = _positive(down, "down")
        if self.up <= 1:
            raise ParameterError(f"up must be a factor > 1, got {up!r}")
        if self.down >= 1:
            raise ParameterError(f"down must be a factor in (0, 1), got {down!r}")
        self.min_lr = _positive(min_lr, "min_lr")
        self.max_lr = _positive(max_lr, "max_lr")
        if not self.min_lr <= self.initial <= self.max_lr:
            raise ParameterError(
                f"lr must lie in [min_lr, max_lr] = [{self.min_lr:g}, {self.max_lr:g}], "
                f"got {lr!r}"
            )
        self.reset()

    def reset(self) -> None:
        """Back to the starting rate, with no error seen."""
        self.lr = self.initial
        self.previous: float | None = None

    def observe(self, loss: float) -> None:
        """Adapt ε to the error of the epoch just finished."""
        loss = float(loss)
        if self.previous is not None and np.isfinite(loss):
            if loss < self.previous:
                self.lr = min(self.lr * self.up, self.max_lr)
            elif loss > self.previous:
                self.lr = max(self.lr * self.down, self.min_lr)
        self.previous = loss

    def __call__(self, epoch: int) -> float:
        return self.lr

    def __repr__(self) -> str:
        return f"<AdaptiveLR lr={self.lr:g} up={self.up:g} down={self.down:g}>"


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
