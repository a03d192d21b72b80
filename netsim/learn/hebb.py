"""The Hebb rule for auto-associative (Hopfield) networks.

For bipolar patterns x^1 … x^P over N neurons the rule sets

    w_ji = (1/N) Σ_k x_i^k x_j^k   for i ≠ j,        w_jj = 0,

the normalised form (``normalize=True``, the default). ``normalize=False`` gives the
textbook variant without the factor 1/N, ``w_ji = Σ_k x_i^k x_j^k``; both have the
same sign pattern and therefore the same dynamics for sign neurons with zero bias.
Biases are not changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..checks import keywords
from ..errors import DataError, NetworkError
from ..limits import describe
from ..network import Network, NeuronId

__all__ = ["hebb", "hebb_weights"]

Array = np.ndarray


def _patterns(patterns: Any, n: int | None = None) -> Array:
    try:
        x = np.asarray(patterns, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):  # ragged rows, text, 10**400
        raise DataError("patterns must be a (P, N) array of numbers, every row of the same "
                        f"length, got {describe(patterns)}") from None
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise DataError(
            f"patterns must be a non-empty (P, N) array, got shape {np.shape(patterns)}"
        )
    if n is not None and x.shape[1] != n:
        raise DataError(f"patterns must have {n} values each (one per neuron), got {x.shape[1]}")
    if not np.all(np.isfinite(x)):
        raise DataError("patterns contain a non-finite value")
    return x


def hebb_weights(patterns: Any, normalize: bool = True) -> Array:
    """The Hebb matrix ``W[j, i] = (1/N) Σ_k x_i^k x_j^k`` with a zero diagonal.

    Examples
    --------
    >>> (hebb_weights([[1, -1, 1]]) * 3).tolist()
    [[0.0, -1.0, 1.0], [-1.0, 0.0, -1.0], [1.0, -1.0, 0.0]]
    """
    x = _patterns(patterns)
    w = x.T @ x
    if normalize:
        w /= x.shape[1]
    np.fill_diagonal(w, 0.0)
    return w


@keywords(network=True)
def hebb(
    net: Network,
    patterns: Any,
    neurons: Sequence[NeuronId] | None = None,
    *,
    normalize: bool = True,
    add: bool = False,
) -> Array:
    """Set (or, with ``add=True``, increase) the weights of ``net`` by the Hebb rule.

    Parameters
    ----------
    net : Network
        Changed in place. Missing connections between distinct listed neurons are
        created; an existing self-loop gets weight 0 (left alone with ``add=True``).
    patterns : array_like, shape (P, N)
        One pattern per row, values in neuron order of ``neurons``.
    neurons : sequence of ids, optional
        The neurons the patterns cover (default: every neuron, in neuron order).
    normalize : bool
        Use the factor 1/N (default) or the textbook sum without it.
    add : bool
        Add the Hebb weights to the current ones (incremental storage).

    Returns
    -------
    ndarray
        The Hebb matrix that was written (or added), ``W[j, i]`` for neurons in order.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.hopfield([[1, 1, -1]])
    >>> _ = ns.hebb(net, [[1, -1, 1]])
    >>> net.weight("y1", "y2"), net.weight("y2", "y3")
    (-0.3333333333333333, -0.3333333333333333)
    """
    ids = list(net.neurons if neurons is None else neurons)
    for n in ids:
        if n not in net:
            net.neuron(n)  # raises NeuronNotFoundError with a suggestion
    if len(set(ids)) != len(ids):
        raise NetworkError("hebb: the neuron list repeats a neuron")
    x = _patterns(patterns, len(ids))
    w = hebb_weights(x, normalize=normalize)
    graph = net.graph
    edges = []
    for a, i in enumerate(ids):
        succ = graph._succ[i]
        row = w[:, a]
        for b, j in enumerate(ids):
            if a == b:
                if j in succ and not add:
                    edges.append((i, j, 0.0))
                continue
            value = float(row[b])
            if add and j in succ:
                value += float(succ[j].get("weight", 1.0))
            edges.append((i, j, value))
    graph.add_weighted_edges_from(edges)
    return w
