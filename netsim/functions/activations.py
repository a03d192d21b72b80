"""Activation functions σ: the registry and the built-in entries.

Each entry keeps the forward function and its derivative side by side. Functions are
vectorised: ``xi`` has the neurons on its last axis and every parameter arrives as an
array (one value per neuron) or a scalar that broadcasts against that axis.

An *elementwise* activation maps each potential on its own; its ``derivative(xi, y,
**params)`` returns dσ/dξ (``y = forward(xi)`` is passed so that e.g. the sigmoid can
use λ·y·(1 − y)). A *group* activation (softmax) maps the potentials of all neurons of
one group together along the last axis; instead of a derivative it has
``vjp(xi, y, grad_y, **params)``, the product of its Jacobian with the gradient of the
outputs. An activation without a derivative (step, sign) is not differentiable, and
backpropagation through it is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy.special import expit

from ..errors import NotDifferentiableError
from .registry import Parameter, ParametrisedEntry, Registry

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "register_activation",
]

Array = np.ndarray


@dataclass(frozen=True)
class Activation(ParametrisedEntry):
    """One registered activation function.

    Attributes
    ----------
    name : str
        Registry key, as written in Python and JSON.
    forward : callable
        ``forward(xi, **params) -> y``, same shape as ``xi``.
    derivative : callable or None
        ``derivative(xi, y, **params) -> dσ/dξ`` for elementwise activations;
        ``None`` when not differentiable.
    params : tuple of Parameter
        The accepted per-neuron parameters with defaults and bounds.
    group : bool
        True for group functions (softmax) evaluated over the neurons of a group.
    vjp : callable or None
        For group functions: ``vjp(xi, y, grad_y, **params) -> grad_xi``.
    values : callable or None
        ``values(params) -> tuple`` of the finitely many outputs the function can
        take (step: 0, 1), or ``None`` for continuous functions.
    symbol : str
        A compact symbol for diagrams and tables.
    doc : str
        The formula, one line.
    inplace : callable or None
        Optional fast kernel ``inplace(xi, out, **params)`` writing ``forward(xi)``
        into ``out`` (the same values); parameters are scalars or arrays that
        broadcast against ``xi``. Every evaluation path uses it when present.
    inplace_backward : callable or None
        Optional fused kernel ``inplace_backward(xi, y, grad_y, out, **params)``
        writing ``derivative(xi, y)·grad_y`` into ``out`` (elementwise only).
    jump : callable or None
        For a threshold function: ``jump(params) -> (low, high, at_zero)``, the value
        below 0, above 0 and at exactly ξ = 0 (:data:`~netsim.functions.KEEP`, NaN:
        the neuron keeps its current value). The core then decides every ξ near 0
        exactly (rounding never decides a threshold) and applies the tie rule; the
        forward function returns NaN where the neuron keeps its value.
    """

    name: str
    forward: Callable[..., Array]
    derivative: Callable[..., Array] | None = None
    params: tuple[Parameter, ...] = ()
    group: bool = False
    vjp: Callable[..., Array] | None = None
    values: Callable[[Mapping[str, float]], tuple[float, ...]] | None = None
    symbol: str = ""
    doc: str = ""
    inplace: Callable[..., None] | None = None
    inplace_backward: Callable[..., None] | None = None
    jump: Callable[[Mapping[str, float]], tuple[float, float, float]] | None = None
    _defaults: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    kind: ClassVar[str] = "activation"

    @property
    def differentiable(self) -> bool:
        return (self.vjp if self.group else self.derivative) is not None

    @property
    def discrete(self) -> bool:
        return self.values is not None

    def __call__(self, xi: Any, **params: Any) -> Array:
        """Evaluate on potentials ``xi`` with default parameters where none are given."""
        return self.forward(np.asarray(xi, dtype=float), **self.resolve(params))

    def backward(self, xi: Array, y: Array, grad_y: Array, **params: Any) -> Array:
        """Return ∂E/∂ξ from ∂E/∂y (elementwise or group)."""
        full = self.resolve(params)
        if self.group:
            if self.vjp is None:
                raise NotDifferentiableError(f"activation {self.name!r} is not differentiable")
            return self.vjp(xi, y, grad_y, **full)
        if self.derivative is None:
            raise NotDifferentiableError(f"activation {self.name!r} is not differentiable")
        return grad_y * self.derivative(xi, y, **full)


ACTIVATIONS: Registry[Activation] = Registry("activation")


def get_activation(name: str) -> Activation:
    """Return the registered activation ``name`` (with a "did you mean" on typos)."""
    return ACTIVATIONS.get(name)


def register_activation(
    name: str,
    forward: Callable[..., Array],
    derivative: Callable[..., Array] | None = None,
    *,
    params: Mapping[str, float] | Sequence[Parameter] = (),
    group: bool = False,
    vjp: Callable[..., Array] | None = None,
    values: Sequence[float] | Callable[[Mapping[str, float]], tuple[float, ...]] | None = None,
    symbol: str = "",
    doc: str = "",
    inplace: Callable[..., None] | None = None,
    inplace_backward: Callable[..., None] | None = None,
    jump: Callable[[Mapping[str, float]], tuple[float, float, float]] | None = None,
    replace: bool = False,
) -> Activation:
    """Register a user activation so networks (and JSON files) can name it.

    Parameters
    ----------
    name : str
        The name neurons use.
    forward : callable
        ``forward(xi, **params)``, vectorised over arrays.
    derivative : callable, optional
        ``derivative(xi, y, **params)`` returning dσ/dξ; omit for a function that
        backpropagation must refuse.
    params : mapping of name to default, or sequence of Parameter
        Accepted per-neuron parameters. A plain mapping accepts any finite number.
    group, vjp : see :class:`Activation`.
    values : sequence of float, optional
        The finite set of outputs, for discrete functions.
    inplace, inplace_backward : callable, optional
        Fast kernels (see :class:`Activation`): the simulation and backpropagation use
        them exactly as they use the built-ins'.
    jump : callable, optional
        For a threshold function, its ``(low, high, at_zero)`` (see
        :class:`Activation`): exact decisions near 0 and the tie rule, as for step.
    replace : bool
        Allow replacing an existing entry.

    Examples
    --------
    >>> import numpy as np
    >>> import netsim as ns
    >>> act = ns.register_activation(
    ...     "softsign", lambda xi: xi / (1 + np.abs(xi)),
    ...     lambda xi, y: 1 / (1 + np.abs(xi)) ** 2, replace=True)
    >>> float(act(1.0))
    0.5
    """
    if isinstance(params, Mapping):
        spec = tuple(Parameter(k, float(v)) for k, v in params.items())
    else:
        spec = tuple(params)
    if values is not None and not callable(values):
        fixed = tuple(float(v) for v in values)

        def values_fn(_params: Mapping[str, float]) -> tuple[float, ...]:
            return fixed

    else:
        values_fn = values  # type: ignore[assignment]
    entry = Activation(
        name=name,
        forward=forward,
        derivative=derivative,
        params=spec,
        group=group,
        vjp=vjp,
        values=values_fn,
        symbol=symbol or name,
        doc=doc,
        inplace=inplace,
        inplace_backward=inplace_backward,
        jump=jump,
    )
    return ACTIVATIONS.add(name, entry, replace=replace)


# --- built-in entries: forward and derivative side by side ---------------------------


def _identity(xi: Array) -> Array:
    return xi.copy()


def _identity_d(xi: Array, y: Array) -> Array:
    return np.ones_like(xi)


def _identity_k(xi: Array, out: Array) -> None:
    out[...] = xi


def _at_zero(xi: Array, out: Array, zero: Array | float, default: float) -> None:
    """Write the tie value ``zero`` (NaN: keep) where ξ is exactly 0."""
    if np.ndim(zero) == 0 and zero == default:
        return
    at_zero = xi == 0
    if at_zero.any():
        out[at_zero] = np.broadcast_to(zero, xi.shape)[at_zero]


def _step(xi: Array, zero: Array | float = 1.0) -> Array:
    out = (xi >= 0).astype(xi.dtype)
    _at_zero(xi, out, zero, 1.0)
    return out


def _step_k(xi: Array, out: Array, zero: Array | float = 1.0) -> None:
    np.greater_equal(xi, 0, out=out)
    _at_zero(xi, out, zero, 1.0)


def _step_jump(params: Mapping[str, float]) -> tuple[float, float, float]:
    return 0.0, 1.0, float(params.get("zero", 1.0))


def _sign(xi: Array, zero: Array | float = 1.0) -> Array:
    return np.where(xi > 0, 1.0, np.where(xi < 0, -1.0, zero)).astype(xi.dtype)


def _sign_k(xi: Array, out: Array, zero: Array | float = 1.0) -> None:
    np.sign(xi, out=out)
    _at_zero(xi, out, zero, 0.0)


def _sign_jump(params: Mapping[str, float]) -> tuple[float, float, float]:
    return -1.0, 1.0, float(params.get("zero", 1.0))


def _sign_values(params: Mapping[str, float]) -> tuple[float, ...]:
    return (-1.0, 0.0, 1.0) if params.get("zero", 1.0) == 0.0 else (-1.0, 1.0)


def _sigmoid(xi: Array, steepness: Array | float = 1.0) -> Array:
    return expit(steepness * xi).astype(xi.dtype, copy=False)


def _sigmoid_d(xi: Array, y: Array, steepness: Array | float = 1.0) -> Array:
    return steepness * y * (1.0 - y)


def _sigmoid_k(xi: Array, out: Array, steepness: Array | float = 1.0) -> None:
    if not isinstance(steepness, np.ndarray) and steepness == 1.0:  # (np.ndim costs ~1 µs)
        expit(xi, out=out)
    else:
        np.multiply(xi, steepness, out=out)
        expit(out, out=out)


def _sigmoid_kb(xi: Array, y: Array, grad_y: Array, out: Array,
                steepness: Array | float = 1.0) -> None:
    # λ·y·(1 − y)·∂E/∂y, written in place
    np.subtract(1.0, y, out=out)
    out *= y
    out *= grad_y
    if isinstance(steepness, np.ndarray) or steepness != 1.0:
        out *= steepness


def _tanh(xi: Array) -> Array:
    return np.tanh(xi)


def _tanh_d(xi: Array, y: Array) -> Array:
    return 1.0 - y * y


def _tanh_k(xi: Array, out: Array) -> None:
    np.tanh(xi, out=out)


def _bipolar_sigmoid(xi: Array, steepness: Array | float = 1.0) -> Array:
    # (1 − e^(−λξ)) / (1 + e^(−λξ)) = tanh(λξ/2): tanh never overflows for large |ξ|
    return np.tanh(0.5 * steepness * xi)


def _bipolar_sigmoid_d(xi: Array, y: Array, steepness: Array | float = 1.0) -> Array:
    return 0.5 * steepness * (1.0 - y * y)


def _scaled_tanh(xi: Array, a: Array | float = 1.7159, b: Array | float = 2 / 3) -> Array:
    return a * np.tanh(b * xi)


def _scaled_tanh_d(xi: Array, y: Array, a: Array | float = 1.7159, b: Array | float = 2 / 3):
    t = np.tanh(b * xi)
    return a * b * (1.0 - t * t)


def _relu(xi: Array) -> Array:
    return np.maximum(xi, 0.0)


def _relu_d(xi: Array, y: Array) -> Array:
    return (xi > 0).astype(xi.dtype)


def _relu_k(xi: Array, out: Array) -> None:
    np.maximum(xi, 0.0, out=out)


def _saturated(xi: Array) -> Array:
    return np.clip(xi, 0.0, 1.0)


def _saturated_d(xi: Array, y: Array) -> Array:
    return ((xi > 0) & (xi < 1)).astype(xi.dtype)


def _gaussian(xi: Array, width: Array | float = 1.0) -> Array:
    return np.exp(-((xi / width) ** 2))


def _gaussian_d(xi: Array, y: Array, width: Array | float = 1.0) -> Array:
    return -2.0 * xi / (width * width) * y


def _softmax(xi: Array) -> Array:
    # stable: the largest exponent is 0; a difference beyond the float range becomes
    # −inf, whose exponential is exactly 0 (the right limit), so silence that overflow
    with np.errstate(over="ignore"):
        shifted = xi - np.max(xi, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_vjp(xi: Array, y: Array, grad_y: Array) -> Array:
    return y * (grad_y - np.sum(grad_y * y, axis=-1, keepdims=True))


_BUILTINS = [
    Activation("identity", _identity, _identity_d, symbol="id", doc="σ(ξ) = ξ",
               inplace=_identity_k),
    Activation(
        "step",
        _step,
        params=(
            Parameter("zero", 1.0, choices=(0.0, 1.0), words=("keep",),
                      doc="the output at ξ = 0 ('keep': the neuron keeps its value)"),
        ),
        values=lambda p: (0.0, 1.0),
        symbol="H",
        doc="σ(ξ) = 1 if ξ > 0, 0 if ξ < 0, `zero` (default 1; 'keep': unchanged) if ξ = 0",
        inplace=_step_k,
        jump=_step_jump,
    ),
    Activation(
        "sign",
        _sign,
        params=(
            Parameter("zero", 1.0, choices=(-1.0, 0.0, 1.0), words=("keep",),
                      doc="the output at ξ = 0 ('keep': the neuron keeps its value)"),
        ),
        values=_sign_values,
        symbol="sgn",
        doc="σ(ξ) = +1 if ξ > 0, −1 if ξ < 0, `zero` (default +1; 'keep': unchanged) if ξ = 0",
        inplace=_sign_k,
        jump=_sign_jump,
    ),
    Activation(
        "sigmoid",
        _sigmoid,
        _sigmoid_d,
        params=(Parameter("steepness", 1.0, low=0.0, low_inclusive=False, doc="λ"),),
        symbol="σ",
        doc="σ(ξ) = 1 / (1 + e^(−λξ)), steepness λ > 0 (default 1)",
        inplace=_sigmoid_k,
        inplace_backward=_sigmoid_kb,
    ),
    Activation("tanh", _tanh, _tanh_d, symbol="tanh", doc="σ(ξ) = tanh ξ", inplace=_tanh_k),
    Activation(
        "bipolar_sigmoid",
        _bipolar_sigmoid,
        _bipolar_sigmoid_d,
        params=(Parameter("steepness", 1.0, low=0.0, low_inclusive=False, doc="λ"),),
        symbol="σ±",
        doc="σ(ξ) = (1 − e^(−λξ)) / (1 + e^(−λξ)) = tanh(λξ/2), the course's "
        "'hyperbolic tangens', steepness λ > 0 (default 1)",
    ),
    Activation(
        "scaled_tanh",
        _scaled_tanh,
        _scaled_tanh_d,
        params=(
            Parameter("a", 1.7159, doc="amplitude"),
            Parameter("b", 2 / 3, doc="slope of the argument"),
        ),
        symbol="a·tanh",
        doc="σ(ξ) = a·tanh(bξ), default a = 1.7159, b = 2/3",
    ),
    Activation("relu", _relu, _relu_d, symbol="ReLU", doc="σ(ξ) = max(0, ξ)",
               inplace=_relu_k),
    Activation(
        "saturated",
        _saturated,
        _saturated_d,
        symbol="sat",
        doc="σ(ξ) = 0 if ξ < 0, ξ if 0 ≤ ξ ≤ 1, 1 if ξ > 1",
    ),
    Activation(
        "gaussian",
        _gaussian,
        _gaussian_d,
        params=(Parameter("width", 1.0, low=0.0, low_inclusive=False, doc="width > 0"),),
        symbol="gauss",
        doc="σ(ξ) = exp(−(ξ / width)²), width > 0 (default 1)",
    ),
    Activation(
        "softmax",
        _softmax,
        group=True,
        vjp=_softmax_vjp,
        symbol="softmax",
        doc="y_j = e^(ξ_j) / Σ_{k in group} e^(ξ_k), over the neurons of one group",
    ),
]

for _entry in _BUILTINS:
    ACTIVATIONS.add(_entry.name, _entry)
