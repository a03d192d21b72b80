"""Inner-potential functions ξ: the registry and the built-in entries.

A potential combines the outputs ``y_i`` of a neuron's predecessors with the weights
``w_ji`` of its incoming connections. The functions here work on many neurons at once
in CSR layout: ``values`` holds the incoming outputs of every connection (the last axis
runs over connections, grouped by target neuron), ``weights`` the matching weights and
``indptr`` the offsets of each neuron's block (length ``n + 1``). Parameters arrive
per neuron (shape ``(n,)``) or as scalars.

``gradient`` returns ∂ξ/∂(incoming value) and ∂ξ/∂(weight) per connection; the bias
derivative is 1 for potentials that have a bias and absent otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .registry import Parameter, ParametrisedEntry, Registry

__all__ = [
    "POTENTIALS",
    "Potential",
    "get_potential",
    "per_connection",
    "register_potential",
    "segment_sum",
]

Array = np.ndarray


def segment_sum(values: Array, indptr: Array) -> Array:
    """Sum ``values`` along its last axis over the CSR segments of ``indptr``.

    Empty segments sum to 0 (``np.add.reduceat`` alone would not give that).
    """
    indptr = np.asarray(indptr)
    n = len(indptr) - 1
    out_shape = (*values.shape[:-1], n)
    if values.shape[-1] == 0 or n == 0:
        return np.zeros(out_shape, dtype=values.dtype)
    nonempty = indptr[:-1] < indptr[1:]
    if nonempty.all():
        return np.add.reduceat(values, indptr[:-1], axis=-1)
    # reduceat only over the non-empty segments: clipping the starts of trailing empty
    # segments would cut the last non-empty one short.
    sums = np.zeros(out_shape, dtype=values.dtype)
    sums[..., nonempty] = np.add.reduceat(values, indptr[:-1][nonempty], axis=-1)
    return sums


def per_connection(param: Array | float, indptr: Array) -> Array | float:
    """Repeat a per-neuron parameter once per incoming connection (scalars pass)."""
    if np.ndim(param) == 0:
        return param
    return np.repeat(np.asarray(param), np.diff(indptr))


@dataclass(frozen=True)
class Potential(ParametrisedEntry):
    """One registered potential function.

    Attributes
    ----------
    name : str
        Registry key.
    forward : callable
        ``forward(values, weights, indptr, bias, **params) -> xi`` of shape
        ``values.shape[:-1] + (n,)``.
    gradient : callable or None
        ``gradient(values, weights, indptr, xi, **params) -> (dxi_dvalues,
        dxi_dweights)``, each shaped like ``values``.
    params : tuple of Parameter
    has_bias : bool
        Whether the neuron's bias enters ξ (``ξ = b + ...``) and is part of the
        configuration.
    symbol, doc : str
    """

    name: str
    forward: Callable[..., Array]
    gradient: Callable[..., tuple[Array, Array]] | None = None
    params: tuple[Parameter, ...] = ()
    has_bias: bool = True
    symbol: str = ""
    doc: str = ""
    _defaults: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    kind: ClassVar[str] = "potential"

    @property
    def differentiable(self) -> bool:
        return self.gradient is not None

    def __call__(self, inputs: Any, weights: Any, bias: float = 0.0, **params: Any) -> Array:
        """Potential of one neuron from its inputs and weights (a convenience)."""
        values = np.asarray(inputs, dtype=float)
        w = np.asarray(weights, dtype=float)
        indptr = np.array([0, w.shape[-1]])
        xi = self.forward(values, w, indptr, np.array([bias], float), **self.resolve(params))
        return xi[..., 0]


POTENTIALS: Registry[Potential] = Registry("potential")


def get_potential(name: str) -> Potential:
    """Return the registered potential ``name``."""
    return POTENTIALS.get(name)


def register_potential(
    name: str,
    forward: Callable[..., Array],
    gradient: Callable[..., tuple[Array, Array]] | None = None,
    *,
    params: Mapping[str, float] | Sequence[Parameter] = (),
    has_bias: bool = True,
    symbol: str = "",
    doc: str = "",
    replace: bool = False,
) -> Potential:
    """Register a user potential (CSR signature, see the module docstring)."""
    if isinstance(params, Mapping):
        spec = tuple(Parameter(k, float(v)) for k, v in params.items())
    else:
        spec = tuple(params)
    entry = Potential(name, forward, gradient, spec, has_bias, symbol or name, doc)
    return POTENTIALS.add(name, entry, replace=replace)


# --- built-in entries --------------------------------------------------------------


def _weighted_sum(values: Array, weights: Array, indptr: Array, bias: Array) -> Array:
    return bias + segment_sum(values * weights, indptr)


def _weighted_sum_grad(values: Array, weights: Array, indptr: Array, xi: Array):
    return np.broadcast_to(weights, values.shape), values


def segment_max(values: Array, indptr: Array) -> Array:
    """The maximum of ``values`` (>= 0) along its last axis per CSR segment; 0 if empty."""
    indptr = np.asarray(indptr)
    n = len(indptr) - 1
    out = np.zeros((*values.shape[:-1], n), dtype=values.dtype)
    if values.shape[-1] == 0 or n == 0:
        return out
    nonempty = np.flatnonzero(indptr[:-1] < indptr[1:])
    out[..., nonempty] = np.maximum.reduceat(values, indptr[:-1][nonempty], axis=-1)
    return out


def _distance(
    values: Array, weights: Array, indptr: Array, bias: Array, p: Array | float = 2.0
) -> Array:
    diff = np.abs(values - weights)
    if np.ndim(p) == 0 and p == 2.0:
        return np.sqrt(segment_sum(diff * diff, indptr))
    # ‖d‖_p = m·‖d/m‖_p with m = max|d_i|: the scaled terms are <= 1, so a huge p
    # neither overflows nor underflows and tends to the max-norm, as it should.
    m = segment_max(diff, indptr)
    safe = np.where(m > 0, m, 1.0)
    scaled = diff / np.repeat(safe, np.diff(indptr), axis=-1)
    pc = per_connection(p, indptr)
    return m * segment_sum(scaled**pc, indptr) ** (1.0 / np.asarray(p))


def _distance_grad(values: Array, weights: Array, indptr: Array, xi: Array, p=2.0):
    # ∂ξ/∂y_i = sign(d_i)·(|d_i|/ξ)^(p−1) with d = y − w (|d_i| <= ξ, so no overflow for
    # a huge p); at ξ = 0 every d_i = 0 and we take the subgradient 0 (the minimum).
    diff = values - weights
    pc = per_connection(p, indptr)
    xi_c = np.repeat(xi, np.diff(indptr), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_values = np.sign(diff) * (np.abs(diff) / xi_c) ** (pc - 1.0)
    d_values = np.where(xi_c > 0, d_values, 0.0)
    return d_values, -d_values


_BUILTINS = [
    Potential(
        "weighted_sum",
        _weighted_sum,
        _weighted_sum_grad,
        has_bias=True,
        symbol="Σ",
        doc="ξ_j = b_j + Σ_i w_ji · y_i",
    ),
    Potential(
        "distance",
        _distance,
        _distance_grad,
        params=(Parameter("p", 2.0, low=1.0, doc="order of the norm (2 = Euclidean)"),),
        has_bias=False,
        symbol="‖·‖",
        doc="ξ_j = ‖(y_i) − (w_ji)‖_p, the incoming weights are the centre (p = 2 default)",
    ),
]

for _entry in _BUILTINS:
    POTENTIALS.add(_entry.name, _entry)
