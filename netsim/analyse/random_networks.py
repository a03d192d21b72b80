"""Random threshold networks (RTNs), the weighted cousins of Kauffman's random Boolean networks.

:func:`random_threshold_network` draws the ensemble studied by Kürten (1988) and
Rohlf & Bornholdt (2002, *Criticality in random threshold networks: annealed
approximation and beyond*, Physica A 310, 245): N neurons, each with in-degree K
(fixed: exactly K distinct sources; Poisson: a Poisson(K) number, so K is the mean),
sources drawn uniformly among the other neurons, weights ``+1``/``−1`` with equal
probability (or Gaussian / uniform floats), and one threshold for all. The update is
``σ_i(t+1) = sgn(Σ_j w_ij σ_j(t) + h)``: netsim's ``sign`` neuron with bias ``h`` and
``sgn(0) = +1`` (``zero=1``, Rohlf & Bornholdt's convention) — or the 0/1 version
with ``step`` neurons. The network has no inputs: every neuron is free.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..checks import check_seed, keywords
from ..errors import ParameterError
from ..limits import MAX_NEURONS, check_count, check_network_size
from ..matrices import from_matrix
from ..network import Network

__all__ = ["WEIGHTS", "random_threshold_network"]

Array = np.ndarray

WEIGHTS = ("pm1", "gaussian", "uniform")
IN_DEGREES = ("fixed", "poisson")


@keywords
def random_threshold_network(
    n: int,
    k: float,
    *,
    in_degree: str = "fixed",
    weights: str = "pm1",
    p_positive: float = 0.5,
    bias: float = 0.0,
    activation: str | Mapping[str, Any] = "sign",
    self_loops: bool = False,
    seed: int | np.random.Generator | None = None,
    name: str | None = None,
    **params: Any,
) -> Network:
    """A random threshold network of ``n`` neurons with (mean) in-degree ``k``.

    Parameters
    ----------
    n : int
        Number of neurons (ids ``y1`` … ``yN``).
    k : float
        In-degree: exactly ``k`` sources per neuron (``in_degree="fixed"``, an
        integer), or a Poisson(``k``) number of sources (``"poisson"``, capped at the
        available sources).
    in_degree : {"fixed", "poisson"}
    weights : {"pm1", "gaussian", "uniform"}
        ``"pm1"``: +1 with probability ``p_positive``, else −1 (Rohlf & Bornholdt);
        ``"gaussian"``: standard normal; ``"uniform"``: uniform on [−1, 1].
    p_positive : float
        The probability of a +1 weight (``"pm1"`` only).
    bias : float
        The bias ``h`` of every neuron (the threshold with its sign flipped).
    activation : str or mapping
        ``"sign"`` (±1 states, default) or ``"step"`` (0/1 states); any activation works.
    self_loops : bool
        Allow a neuron to be its own source.
    seed : int or Generator, optional
        The random source; the same seed gives the same network.
    name : str, optional
        Default ``"rtn N=.. K=.."``.
    **params
        Activation parameters, e.g. ``zero=-1`` for ``sgn(0) = −1``.

    Returns
    -------
    Network
        No inputs or outputs: every neuron has incoming connections (unless its
        Poisson in-degree is 0) and is free.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.random_threshold_network(6, 2, seed=1)
    >>> net
    <Network 'rtn N=6 K=2': 6 neurons (0 inputs, 0 outputs), 12 connections, recurrent>
    >>> sorted(set(w for _, _, w in net.connections))
    [-1.0, 1.0]
    """
    n = check_count(n, "n", 1, MAX_NEURONS)
    if isinstance(k, bool) or not isinstance(k, int | float | np.number) or not (
        math.isfinite(float(k)) and k >= 0
    ):
        raise ParameterError(f"k must be a number >= 0, got {k!r}")
    if in_degree not in IN_DEGREES:
        raise ParameterError(f"in_degree must be 'fixed' or 'poisson', got {in_degree!r}")
    if weights not in WEIGHTS:
        raise ParameterError(f"weights must be one of {', '.join(WEIGHTS)}, got {weights!r}")
    if not isinstance(p_positive, int | float) or not 0.0 <= p_positive <= 1.0:
        raise ParameterError(f"p_positive must be a probability in [0, 1], got {p_positive!r}")
    available = n if self_loops else n - 1
    if in_degree == "fixed" and (float(k) != int(k) or k > available):
        raise ParameterError(
            f"with in_degree='fixed', k must be a whole number <= {available} "
            f"(the possible sources of each of {n} neurons), got {k!r}"
        )
    rng = np.random.default_rng(check_seed(seed))
    check_network_size(n, int(n * min(float(k), available)),
                       f"random_threshold_network(n={n:,}, k={k:g})")
    if in_degree == "fixed":
        degrees = np.full(n, int(k))
    else:
        degrees = np.minimum(rng.poisson(float(k), size=n), available)
    # about n·k connections, gathered as a sparse matrix (a dense one would take 8·n²
    # bytes: 80 GB at 10^5 neurons)
    targets: list[Array] = []
    sources: list[Array] = []
    values: list[Array] = []
    for j in range(n):
        d = int(degrees[j])
        if not d:
            continue
        # sources uniformly among the others: draw from 0..available-1 and skip j
        src = rng.choice(available, size=d, replace=False)
        if not self_loops:
            src = src + (src >= j)
        if weights == "pm1":
            vals = np.where(rng.random(d) < p_positive, 1.0, -1.0)
        elif weights == "gaussian":
            vals = rng.standard_normal(d)
            vals[vals == 0.0] = 1.0  # a zero weight would be no connection
        else:
            vals = rng.uniform(-1.0, 1.0, d)
            vals[vals == 0.0] = 1.0
        targets.append(np.full(d, j))
        sources.append(src)
        values.append(vals)
    w = sp.csr_matrix((np.concatenate([np.zeros(0), *values]),
                       (np.concatenate([np.zeros(0, dtype=np.int64), *targets]),
                        np.concatenate([np.zeros(0, dtype=np.int64), *sources]))),
                      shape=(n, n))
    label = f"{int(k)}" if float(k) == int(k) else f"{k:g}"
    return from_matrix(
        w,
        bias=bias,
        activation=activation,
        name=name or f"rtn N={n} K={label}",
        **params,
    )
