"""Named data: pandas DataFrames, Series and mappings matched to neurons by name.

A network's inputs (and outputs) are ordered neurons with names; a table's columns
have names too. :func:`by_name` puts the columns of a table in the order of the
neurons, so that a DataFrame whose columns come in another order than the inputs is
never read by position:

- a **DataFrame** whose column labels are strings, or are exactly the neuron ids, is
  matched by name (any order); a missing column or one that names no neuron is an
  error naming it. A DataFrame with other labels (e.g. the default ``0, 1, …`` of a
  frame made from an array) is read by position, like an array;
- a **Series** is one sample, matched by its index labels;
- a **mapping** ``{neuron: value}`` is one sample, ``{neuron: column}`` a batch.

Anything else passes through unchanged. pandas is never imported here: tables are
recognised by their ``columns``/``index`` and ``to_numpy`` attributes, so this module
sits below the simulator and the trainer, which call it on their data.
:func:`to_frame` builds an output DataFrame (it needs pandas: ``pip install
netsim[pandas]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .errors import DataError, MissingExtraError

__all__ = ["by_name", "to_frame"]


def _label(names: Sequence[Any], limit: int = 8) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (", ..." if len(names) > limit else "")


def _order(labels: list[Any], names: Sequence[Any], what: str, kind: str) -> list[Any]:
    """The labels in neuron order, or a :class:`DataError` naming the mismatch."""
    for label in labels:
        if labels.count(label) > 1:
            raise DataError(f"{what}: the {kind} names {label!r} twice")
    known = set(labels)
    missing = [n for n in names if n not in known]
    wanted = set(names)
    extra = [c for c in labels if c not in wanted]
    if missing:
        raise DataError(
            f"{what}: the {kind} has no {'column' if kind == 'DataFrame' else 'entry'} "
            f"{missing[0]!r} for the neuron {missing[0]!r} (it has {_label(labels)})"
        )
    if extra:
        raise DataError(
            f"{what}: the {kind} {'column' if kind == 'DataFrame' else 'entry'} "
            f"{extra[0]!r} names no neuron (expected {_label(list(names))})"
        )
    return list(names)


def _floats(values: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"{what}: the table holds values that are not numbers") from None


def by_name(data: Any, names: Sequence[Any], what: str = "inputs") -> Any:
    """``data`` as an array with its columns in the order of ``names`` when it has names.

    Parameters
    ----------
    data : DataFrame, Series, mapping or anything else
        The table; other values are returned unchanged.
    names : sequence
        The neuron ids, in the order the columns must come in.
    what : str
        What the data are, for error messages (``"inputs"``, ``"targets"``).

    Returns
    -------
    ndarray or the given object
        A float array ``(B, k)`` for a DataFrame or a mapping of columns, ``(k,)``
        for a Series or a mapping of numbers; ``data`` itself otherwise.

    Raises
    ------
    DataError
        A column (entry) is missing, names no neuron, or appears twice.

    Examples
    --------
    >>> from netsim.columns import by_name
    >>> by_name({"x2": 1.0, "x1": 0.0}, ["x1", "x2"])
    array([0., 1.])
    >>> by_name({"x1": [0, 1], "x2": [1, 1]}, ["x1", "x2"])
    array([[0., 1.],
           [1., 1.]])
    >>> by_name({"x1": 0.0, "z": 1.0}, ["x1", "x2"])
    Traceback (most recent call last):
    ...
    netsim.errors.DataError: inputs: the mapping has no entry 'x2' for the neuron 'x2' ...
    """
    if isinstance(data, np.ndarray | list | tuple) or np.isscalar(data):
        return data  # the common case first: nothing to match
    if hasattr(data, "columns") and hasattr(data, "to_numpy"):  # a DataFrame
        labels = list(data.columns)
        by_label = all(isinstance(c, str) for c in labels) or set(labels) == set(names)
        # to_numpy() without arguments: other table libraries (polars) take no dtype
        if not by_label:
            return _floats(data.to_numpy(), what)
        order = _order(labels, names, what, "DataFrame")
        return _floats(data[order].to_numpy(), what)
    if hasattr(data, "index") and hasattr(data, "to_numpy") and getattr(data, "ndim", 0) == 1:
        order = _order(list(data.index), names, what, "Series")
        return _floats(data[order].to_numpy(), what)
    if isinstance(data, Mapping):
        order = _order(list(data), names, what, "mapping")
        try:
            columns = [np.asarray(data[n], dtype=np.float64) for n in order]
        except (TypeError, ValueError):
            raise DataError(f"{what}: the mapping's values must be numbers") from None
        if all(c.ndim == 0 for c in columns):
            return np.array(columns, dtype=np.float64)
        if any(c.ndim != 1 for c in columns) or len({len(c) for c in columns}) != 1:
            raise DataError(
                f"{what}: the mapping's values must be numbers (one sample) or columns "
                "of the same length (a batch)"
            )
        return np.stack(columns, axis=1)
    return data


def to_frame(values: Any, names: Sequence[Any], index: Any = None) -> Any:
    """A pandas DataFrame of ``values`` ``(B, k)`` or ``(k,)`` with columns ``names``.

    ``index`` (e.g. the index of the input DataFrame) labels the rows.

    Examples
    --------
    >>> import numpy as np
    >>> from netsim.columns import to_frame
    >>> to_frame(np.array([[0.25, 0.75]]), ["y1", "y2"])
         y1    y2
    0  0.25  0.75
    """
    try:
        import pandas as pd
    except ImportError:
        raise MissingExtraError(
            "outputs as a DataFrame need pandas: pip install netsim[pandas]"
        ) from None
    arr = np.atleast_2d(np.asarray(values))
    return pd.DataFrame(arr, columns=list(names), index=index)
