"""The array kernels every evaluation path shares: one place for each.

- :data:`DENSE_FILL`: when a sparse block of weights is evaluated as a dense product;
- :func:`activate_into`: σ(ξ) written into an output array, with the activation's own
  in-place kernel when its registry entry has one (a user's entry too), else its
  vectorised ``forward``;
- :func:`backward_into`: ∂E/∂ξ from ∂E/∂y for an elementwise activation, with its
  fused in-place kernel when it has one.

Parameters arrive either as scalars (uniform over the rows) or as arrays that
broadcast against ``xi``; :func:`column` and :func:`uniform` shape them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..functions import Activation

__all__ = ["DENSE_FILL", "SMALL", "activate_into", "all_finite", "backward_into", "column",
           "max_abs", "min_abs", "uniform"]

Array = np.ndarray

# A block of weighted sums is evaluated as a dense product (zeros where there is no
# connection) when at least this fraction of its (rows × distinct sources) matrix is
# filled; else as a sparse product.
DENSE_FILL = 0.5


# Arrays up to this many values are reduced in plain Python: one ``tolist`` call costs
# less than a numpy reduction's dispatch (which dominates a small network's run).
SMALL = 64


def min_abs(values: Array) -> float:
    """The smallest ``|value|`` (``inf`` for no values).

    >>> import numpy as np
    >>> min_abs(np.array([[3.0, -0.5], [2.0, 1.0]]))
    0.5
    """
    if values.size <= SMALL:
        items = values.ravel().tolist()
        total = sum(items)
        if total == total:  # no NaN (else numpy's NaN-propagating reduction below)
            return min(map(abs, items), default=math.inf)
    return float(np.abs(values).min(initial=math.inf))


def max_abs(values: Array) -> float:
    """The largest ``|value|`` (0 for no values), without a temporary array.

    >>> import numpy as np
    >>> max_abs(np.array([[3.0, -5.0], [2.0, 1.0]]))
    5.0
    """
    if values.size <= SMALL:
        items = values.ravel().tolist()
        total = sum(items)
        if total == total:  # no NaN (else numpy's NaN-propagating reduction below)
            return max(map(abs, items), default=0.0)
    if not values.size:
        return 0.0
    return max(float(values.max()), -float(values.min()))


def all_finite(values: Array) -> bool:
    """Whether every value is finite (no NaN, no infinity).

    >>> import numpy as np
    >>> all_finite(np.array([1.0, 2.0])), all_finite(np.array([1.0, np.nan]))
    (True, False)
    """
    if values.size <= SMALL:
        return all(map(math.isfinite, values.ravel().tolist()))
    return bool(np.isfinite(values).all())


def uniform(values: Array) -> bool:
    """Whether a per-row parameter has one value for every row."""
    return bool(len(values) == 0 or np.all(values == values[0]))


def column(values: Array) -> Array | float:
    """A per-row parameter as a broadcastable ``(rows, 1)`` column, or a scalar when
    uniform (the neurons-first layout)."""
    if len(values) and uniform(values):
        return float(values[0])
    return values[:, None]


def activate_into(act: Activation, xi: Array, out: Array, params: dict[str, Any],
                  rows_last: bool = True) -> None:
    """``out[...] = σ(ξ)`` for an elementwise activation.

    ``params`` hold scalars or arrays broadcasting against ``xi``. With
    ``rows_last=False`` (the neurons-first layout) a non-scalar parameter is a
    ``(rows, 1)`` column; the registry's ``forward`` (which takes the neurons on the
    last axis) is then called on the transposed array.
    """
    if act.inplace is not None:
        act.inplace(xi, out, **params)
    elif rows_last or all(np.ndim(v) == 0 for v in params.values()):
        out[...] = act.forward(xi, **params)
    else:
        flat = {k: v if np.ndim(v) == 0 else np.ravel(v) for k, v in params.items()}
        out[...] = act.forward(xi.T, **flat).T


def backward_into(act: Activation, xi: Array, y: Array, grad_y: Array, out: Array,
                  params: dict[str, Any], rows_last: bool = True) -> None:
    """``out[...] = ∂E/∂ξ = σ'(ξ)·∂E/∂y`` for an elementwise activation (see
    :func:`activate_into` for ``params`` and ``rows_last``)."""
    if act.inplace_backward is not None:
        act.inplace_backward(xi, y, grad_y, out, **params)
    elif rows_last or all(np.ndim(v) == 0 for v in params.values()):
        np.multiply(grad_y, act.derivative(xi, y, **params), out=out)
    else:
        flat = {k: v if np.ndim(v) == 0 else np.ravel(v) for k, v in params.items()}
        np.multiply(grad_y, act.derivative(xi.T, y.T, **flat).T, out=out)
