"""The Hebb rule for auto-associative (Hopfield) networks.

For bipolar patterns x^1 … x^P over N neurons the rule sets

    w_ji = (1/N) Σ_k x_i^k x_j^k   for i ≠ j,        w_jj = 0,

the normalised form (``normalize=True``, the default). ``normalize=False`` gives the
textbook variant without the factor 1/N, ``w_ji = Σ_k x_i^k x_j^k``; both have the
same sign pattern and therefore the same dynamics for sign neurons with zero bias.
Biases are not changed.

Exactly the same dynamics, ties included: for integer patterns (e.g. bipolar) the
factor is stored as ``c``, the float nearest 1/N whose mantissa is short enough that
every weight ``k·c`` (``|k| ≤`` the largest sum) is an exact float. The potential is
then exactly ``c·Σ k·y``, whose sign — decided exactly by the engine — is that of the
integer sum, so a tie (ξ = 0) of the plain network is a tie of the normalised one.
With ``fl(k/N)`` instead, some weights round on their own and an exact zero of the
plain network becomes ±1e−17. Relatively, ``c`` differs from 1/N by at most
``2⁻⁽⁵³⁻ᵇ⁾`` for sums below 2ᵇ (10⁻¹³ for 1,000 patterns); it equals ``fl(1/N)`` for
one or two patterns and 1/N itself when N is a power of two.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..checks import keywords
from ..errors import DataError, NetworkError
from ..limits import describe
from ..network import Network, NeuronId

__all__ = ["check_patterns", "hebb", "hebb_weights", "unit_fraction"]

Array = np.ndarray


def check_patterns(patterns: Any, n: int | None = None) -> Array:
    """The patterns as a finite ``(P, N)`` float array, or a :class:`DataError`."""
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
    >>> (hebb_weights([[1, -1, 1]]) * 3).round(12).tolist()
    [[0.0, -1.0, 1.0], [-1.0, 0.0, -1.0], [1.0, -1.0, 0.0]]
    >>> hebb_weights([[1, -1, 1]], normalize=False).tolist()
    [[0.0, -1.0, 1.0], [-1.0, 0.0, -1.0], [1.0, -1.0, 0.0]]
    """
    x = check_patterns(patterns)
    w = x.T @ x
    if normalize:
        n = x.shape[1]
        largest = float(np.abs(w).max())
        if np.all(w == np.round(w)) and largest < 2.0**40:  # integer sums: k·c exact
            w *= unit_fraction(n, int(largest))
        else:
            w /= n
    np.fill_diagonal(w, 0.0)
    return w


def unit_fraction(n: int, largest: int) -> float:
    """The float nearest ``1/n`` with a mantissa short enough that ``k * c`` is exact
    for every integer ``|k| <= largest`` (see the module docstring).

    Examples
    --------
    >>> unit_fraction(4, 100) == 0.25, abs(unit_fraction(100, 100) - 0.01) < 1e-15
    (True, True)
    >>> c = unit_fraction(100, 7)
    >>> all(float(k * c) == k * __import__("fractions").Fraction(c) for k in range(8))
    True
    """
    odd = max(1, int(largest) - (int(largest) % 2 == 0))  # even k: an odd one times 2^j
    bits = 53 - (odd - 1).bit_length()  # odd * (2^bits - 1) < 2^53: every product exact
    mantissa, exponent = math.frexp(1.0 / n)
    return math.ldexp(round(math.ldexp(mantissa, bits)), exponent - bits)


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
    x = check_patterns(patterns, len(ids))
    w = hebb_weights(x, normalize=normalize)
    graph = net.graph
    edges = []
    for a, i in enumerate(ids):
        succ = graph.succ[i]
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
