"""The Hopfield network builder: ``ns.hopfield(patterns, rule=...)``.

A Hopfield network is a complete directed graph on N sign neurons (every ordered
pair i ≠ j is connected, no self-loops, zero biases) storing bipolar patterns. Every
neuron is an input (the probe sets the initial state) and an output.

Rules for the weights (patterns x^1 … x^P as the rows of X, shape (P, N)):

- ``"hebb"``: ``w_ji = (1/N) Σ_k x_i^k x_j^k`` (see :mod:`netsim.learn.hebb`);
- ``"pseudo-inverse"`` (projection rule): ``W = X⁺X``, the orthogonal projection onto
  the span of the patterns, with its diagonal then set to zero. Every stored pattern
  is a fixed point as long as the removed diagonal entries are below 1 (always for
  linearly independent patterns with P < N), even for correlated patterns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .checks import keywords
from .errors import DataError, ParameterError
from .learn.hebb import check_patterns, hebb_weights
from .limits import check_network_size
from .network import Network, NeuronId

__all__ = ["hopfield", "pseudo_inverse_weights"]

RULES = ("hebb", "pseudo-inverse")


def pseudo_inverse_weights(patterns: Any) -> np.ndarray:
    """``W = X⁺X`` with a zero diagonal (the projection rule)."""
    x = check_patterns(patterns)
    w = np.linalg.pinv(x) @ x
    w = 0.5 * (w + w.T)  # exact symmetry (the projection is symmetric up to rounding)
    np.fill_diagonal(w, 0.0)
    return w


@keywords
def hopfield(
    patterns: Any,
    rule: str = "hebb",
    *,
    ids: Sequence[NeuronId] | None = None,
    name: str | None = "hopfield",
    normalize: bool = True,
    zero: float = 1.0,
) -> Network:
    """Build a Hopfield network storing bipolar ``patterns``.

    Parameters
    ----------
    patterns : array_like, shape (P, N) or (N,)
        Bipolar patterns (values −1 and +1), one per row.
    rule : {"hebb", "pseudo-inverse"}
    ids : sequence, optional
        Neuron ids (default ``y1`` … ``yN``).
    name : str, optional
    normalize : bool
        Hebb rule with the factor 1/N (default) or without.
    zero : {1, -1}
        The sign neurons' output at ξ = 0.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.hopfield([[1, -1, 1, -1], [1, 1, -1, -1]])
    >>> net
    <Network 'hopfield': 4 neurons (4 inputs, 4 outputs), 12 connections, recurrent>
    >>> net.weight("y1", "y2")
    0.0
    """
    x = check_patterns(patterns)
    n = x.shape[1]
    check_network_size(n, n * (n - 1), f"hopfield(patterns of {n} values)")
    if not np.all(np.abs(x) == 1.0):
        bad = x[np.abs(x) != 1.0][0]
        raise DataError(
            f"Hopfield patterns must be bipolar (-1/+1), got the value {bad:g} "
            "(map 0/1 bits with 2*x - 1)"
        )
    if rule == "hebb":
        w = hebb_weights(x, normalize=normalize)
    elif rule in ("pseudo-inverse", "pseudoinverse", "projection"):
        w = pseudo_inverse_weights(x)
    else:
        raise ParameterError(f"rule must be one of {', '.join(RULES)}, got {rule!r}")
    if zero not in (1.0, -1.0):
        raise ParameterError(f"zero must be 1 or -1 (the output at ξ = 0), got {zero!r}")
    n = x.shape[1]
    names = [f"y{k + 1}" for k in range(n)] if ids is None else list(ids)
    if len(names) != n:
        raise ParameterError(f"ids must name {n} neurons (one per pattern value), got {len(names)}")
    net = Network(name=name)
    params: dict[str, Any] = {} if zero == 1.0 else {"zero": zero}
    for nid in names:
        net.add_neuron(nid, activation="sign", **params)
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))  # all i ≠ j, source-major
    weights = w[cols, rows].tolist()  # edge i -> j carries W[j, i]
    pairs = zip(rows.tolist(), cols.tolist(), weights, strict=True)
    net.connect_many((names[i], names[j], wt) for i, j, wt in pairs)
    net.set_inputs(names)
    net.set_outputs(names)
    return net
