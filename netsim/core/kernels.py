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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import NotDifferentiableError
from ..functions import Activation

__all__ = ["DENSE_FILL", "SMALL", "GroupBucket", "activate_into", "all_finite",
           "backward_into", "column", "group_buckets", "group_forward_into", "max_abs",
           "min_abs", "uniform"]

Array = np.ndarray

# A block of weighted sums is evaluated as a dense product (zeros where there is no
# connection) when at least this fraction of its (rows × distinct sources) matrix is
# filled; else as a sparse product.
DENSE_FILL = 0.5


# Arrays up to this many values are reduced in plain Python: one ``tolist`` call costs
# less than a numpy reduction's dispatch (which dominates a small network's run).
SMALL = 64


def _items(values: Array) -> list[float] | None:
    """The values as a Python list when there are few and none is NaN (else None: a
    numpy reduction, which propagates NaN, decides)."""
    if values.size > SMALL:
        return None
    items = values.ravel().tolist()
    total = sum(items)
    return items if total == total else None


def min_abs(values: Array) -> float:
    """The smallest ``|value|`` (``inf`` for no values).

    >>> import numpy as np
    >>> min_abs(np.array([[3.0, -0.5], [2.0, 1.0]]))
    0.5
    """
    items = _items(values)
    if items is not None:
        return min(map(abs, items), default=math.inf)
    return float(np.abs(values).min(initial=math.inf))


def max_abs(values: Array) -> float:
    """The largest ``|value|`` (0 for no values), without a temporary array.

    >>> import numpy as np
    >>> max_abs(np.array([[3.0, -5.0], [2.0, 1.0]]))
    5.0
    """
    items = _items(values)
    if items is not None:
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
    derivative = act.derivative
    if act.inplace_backward is not None:
        act.inplace_backward(xi, y, grad_y, out, **params)
    elif derivative is None:  # callers check differentiability first; say so if not
        raise NotDifferentiableError(f"activation {act.name!r} has no derivative")
    elif rows_last or all(np.ndim(v) == 0 for v in params.values()):
        np.multiply(grad_y, derivative(xi, y, **params), out=out)
    else:
        flat = {k: v if np.ndim(v) == 0 else np.ravel(v) for k, v in params.items()}
        np.multiply(grad_y, derivative(xi.T, y.T, **flat).T, out=out)


@dataclass(frozen=True, eq=False)
class GroupBucket:
    """Groups of one size and one parameter set, evaluated in one call: ``positions``
    ``(G, s)`` (rows of the groups' members), or the slice ``block`` of ``G·s``
    consecutive rows when they are back to back."""

    positions: Array
    block: slice | None
    params: Mapping[str, float]


def group_buckets(groups: Sequence[slice | Array],
                  group_params: Sequence[Mapping[str, float]]) -> tuple[GroupBucket, ...]:
    """The groups of a group activation (their member rows, a slice or indices, and
    one parameter set each) stacked by size and parameters.

    >>> import numpy as np
    >>> b = group_buckets([slice(0, 3), slice(3, 6), np.array([6, 8])], [{}, {}, {}])
    >>> [(x.positions.shape, x.block) for x in b]
    [((2, 3), slice(0, 6, None)), ((1, 2), None)]
    """
    by: dict[tuple[Any, ...], tuple[list[Array], Mapping[str, float]]] = {}
    for g, params in zip(groups, group_params, strict=True):
        pos = np.arange(g.start, g.stop) if isinstance(g, slice) else np.asarray(g)
        key = (len(pos), tuple(sorted(params.items())))
        by.setdefault(key, ([], params))[0].append(pos)
    out = []
    for members, params in by.values():
        positions = np.stack(members)
        a = int(positions[0, 0])
        back_to_back = np.array_equal(positions.ravel(), np.arange(a, a + positions.size))
        out.append(GroupBucket(positions, slice(a, a + positions.size) if back_to_back
                               else None, params))
    return tuple(out)


def group_forward_into(forward: Any, xi: Array, out: Array,
                       buckets: Sequence[GroupBucket], rows_last: bool = True) -> None:
    """``out = σ(ξ)`` for a group activation, one call of ``forward`` per bucket (the
    function maps along the last axis: members of a group there, groups and samples
    on the leading axes). ``rows_last=False``: ``xi``/``out`` are ``(rows, B)``."""
    for b in buckets:
        g, s = b.positions.shape
        if rows_last:  # (B, rows) -> (B, G, s)
            if b.block is not None:
                out[:, b.block] = forward(xi[:, b.block].reshape(-1, g, s),
                                          **b.params).reshape(-1, g * s)
            else:
                out[:, b.positions] = forward(xi[:, b.positions], **b.params)
        else:  # (rows, B) -> (G, s, B), the members on the last axis: (B, G, s)
            if b.block is not None:
                part = xi[b.block].reshape(g, s, -1)
                out[b.block] = np.moveaxis(forward(np.moveaxis(part, 2, 0), **b.params),
                                           0, 2).reshape(g * s, -1)
            else:
                part = xi[b.positions]
                out[b.positions] = np.moveaxis(
                    forward(np.moveaxis(part, 2, 0), **b.params), 0, 2)
