"""Neuron values for the state overlay: a state, a batch sample, a mapping, a run, a trace.

Private to :mod:`netsim.io.dot`. Runs are duck-typed (anything with ``.state`` or
``.trace``), so this module does not depend on the simulation engine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["state_vector", "trace_frames"]


def state_vector(net: Network, state: Any, sample: int | None = None) -> np.ndarray:
    """One value per neuron (neuron order) from a vector, batch, mapping or run.

    Parameters
    ----------
    net : Network
    state : array-like, mapping or object with ``.state``
        ``(N,)`` in neuron order; ``(B, N)`` with ``sample``; ``{id: value}`` (neurons
        not given are left unfilled); or a run (its ``.state`` is used).
    sample : int, optional
        Which sample of a batch to show.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.mlp([2, 1], seed=0)
    >>> state_vector(net, {"y1": 0.5}).tolist()
    [nan, nan, 0.5]
    """
    if not isinstance(state, np.ndarray | Mapping | list | tuple) and hasattr(state, "state"):
        state = state.state
    ids = net.neurons
    if isinstance(state, Mapping):
        vector = np.full(len(ids), np.nan)
        index = {n: k for k, n in enumerate(ids)}
        for key, value in state.items():
            if key not in index:
                net.neuron(key)  # raises NeuronNotFoundError with a suggestion
            vector[index[key]] = _finite_value(value, f"state[{key!r}]")
        return vector
    try:
        arr = np.asarray(state, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(
            f"state must be numbers in neuron order, a mapping or a run, got "
            f"{type(state).__name__}"
        ) from None
    if arr.ndim == 2:
        arr = arr[_sample_index(sample, arr.shape[0], "state")]
    elif sample is not None and sample != 0:
        raise ParameterError(f"sample={sample!r} given, but the state is a single state")
    if arr.shape != (len(ids),):
        raise ParameterError(
            f"state must have one value per neuron ({len(ids)}, in neuron order), "
            f"got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ParameterError(f"state value of neuron {ids[bad]!r} is not finite: {arr[bad]}")
    return arr


def _finite_value(value: object, what: str) -> float:
    bad = isinstance(value, bool) or not isinstance(value, int | float | np.number)
    if bad or not math.isfinite(float(value)):  # type: ignore[arg-type]
        raise ParameterError(f"{what} must be a finite number, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def _sample_index(sample: object, size: int, what: str) -> int:
    if sample is None:
        if size == 1:
            return 0
        raise ParameterError(
            f"{what} is a batch of {size} samples; pass sample=k with 0 <= k < {size}"
        )
    if isinstance(sample, bool) or not isinstance(sample, int | np.integer):
        raise ParameterError(f"sample must be an integer, got {sample!r}")
    if not -size <= sample < size:
        raise ParameterError(f"sample must satisfy 0 <= sample < {size}, got {sample}")
    return int(sample)



def trace_frames(net: Network, trace: Any, sample: int | None = None) -> np.ndarray:
    """The trace as an array ``(T+1, N)`` (a run's ``.trace``, or ``(T+1, B, N)``)."""
    if not isinstance(trace, np.ndarray | list | tuple) and hasattr(trace, "trace"):
        trace = trace.trace
        if trace is None:
            raise ParameterError("the run has no trace; run it with record=True")
    try:
        arr = np.asarray(trace, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(
            f"trace must be an array (T+1, N) or a recorded run, got {type(trace).__name__}"
        ) from None
    if arr.ndim == 3:
        arr = arr[:, _sample_index(sample, arr.shape[1], "trace"), :]
    n = len(net)
    if arr.ndim != 2 or arr.shape[1] != n or arr.shape[0] == 0:
        raise ParameterError(
            f"trace must have shape (T+1, {n}) (one state per step, in neuron order), "
            f"got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ParameterError("trace contains values that are not finite")
    return arr
