"""Fixed points of larger networks: a stability check and an enumeration.

A state is a *fixed point* (stable) when updating any free neuron leaves it unchanged —
the same states under the parallel and the sequential rule.

:func:`is_fixed_point` checks given states in one vectorised evaluation.

:func:`fixed_points` enumerates every fixed point by a breadth-first branch and bound
over the free neurons in neuron order, vectorised over the whole frontier of partial
assignments: after assigning the first k neurons, each neuron j already assigned must
still be able to produce its value, given the range its potential can take over the
unassigned neurons, ``ξ_j ∈ [c_j + Σ_assigned w_ji y_i + Σ_unassigned min(w_ji·lo,
w_ji·hi), … max …]``. For monotone activations (step, sign) the test is
``σ(ξ_min) ≤ y_j ≤ σ(ξ_max)``; other discrete activations are tested once their
potential is exact. Every candidate is finally verified with the compiled program.
The search prunes well on sparse networks and networks with strong biases or strong
couplings; the frontier is limited to ``max_frontier`` partial assignments (default
2^16), beyond which :class:`~netsim.SizeLimitError` is raised. For at most
:data:`SWEEP_LIMIT` = 20 free neurons ``method="auto"`` uses the exhaustive sweep
instead, whose cost is known in advance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..checks import as_floats, check_network, keywords
from ..core import evaluate_stage, stage
from ..errors import ParameterError, SizeLimitError
from ..limits import check_count, check_memory
from ..network import Network, NeuronId
from ._dense import DenseDynamics
from ._space import chunks, state_space
from .statespace import CHUNK

__all__ = ["SWEEP_LIMIT", "fixed_points", "is_fixed_point"]

Array = np.ndarray

SWEEP_LIMIT = 20
MAX_FRONTIER = 1 << 16


@keywords(network=True)
def is_fixed_point(
    net: Network, states: Any, clamp: Mapping[NeuronId, float] | None = None
) -> bool | Array:
    """True where a state ``(N,)`` (or each of ``(B, N)``) is stable.

    Clamped neurons are not updated (their values are set to the clamp).

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.hopfield([[1, -1, 1, -1]])
    >>> ns.is_fixed_point(net, [[1, -1, 1, -1], [1, 1, 1, 1]]).tolist()
    [True, False]
    """
    space = state_space(net, clamp, what="the fixed-point check")
    prog = space.program
    arr = as_floats(states, "states", prog.dtype)
    single = arr.ndim == 1
    y = np.atleast_2d(arr).copy()
    if y.ndim != 2 or y.shape[1] != prog.n_neurons:
        raise ParameterError(
            f"a state must have {prog.n_neurons} values (one per neuron), got shape {arr.shape}"
        )
    for name, value in (clamp or {}).items():
        y[:, prog.index[name]] = value
    if space.n == 0:
        out = np.ones(len(y), dtype=bool)
    else:
        _xi, new = evaluate_stage(prog, stage(prog, space.free), y)
        out = np.all(new == y[:, space.free], axis=1)
    return bool(out[0]) if single else out


@keywords
def fixed_points(
    net: Network,
    clamp: Mapping[NeuronId, float] | None = None,
    *,
    method: str = "auto",
    max_frontier: int = MAX_FRONTIER,
) -> Array:
    """Every fixed point of a discrete network, as full states ``(K, N)``.

    Rows are sorted by the free neurons' values read as a binary number (the codes
    of :func:`netsim.analyse.state_space`).

    Parameters
    ----------
    net : Network
    clamp : mapping, optional
        Neurons held at a value.
    method : {"auto", "sweep", "search"}
        ``"sweep"`` evaluates all 2^n states (n ≤ 24); ``"search"`` is the branch and
        bound (weighted-sum neurons); ``"auto"`` sweeps up to 20 free neurons.
    max_frontier : int
        The largest frontier of partial assignments the search may hold.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.hopfield([[1, -1, 1, -1, 1, -1, 1, -1]])
    >>> ns.fixed_points(net, method="search").tolist()
    [[-1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0], [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0]]
    """
    check_network(net, "fixed_points")
    max_frontier = check_count(max_frontier, "max_frontier", 1)
    if method not in ("auto", "sweep", "search"):
        raise ParameterError(f"method must be 'auto', 'sweep' or 'search', got {method!r}")
    space = state_space(net, clamp, what="fixed-point enumeration")
    if method == "sweep" or (method == "auto" and space.n <= SWEEP_LIMIT):
        return _sweep(net, clamp)
    return _search(net, clamp, max_frontier)


def _sweep(net: Network, clamp: Mapping[NeuronId, float] | None) -> Array:
    from .statespace import MAX_PARALLEL

    space = state_space(net, clamp, max_free=MAX_PARALLEL, what="the fixed-point sweep")
    prog = space.program
    if space.n == 0:
        return space.states(np.zeros(1, dtype=np.int64))
    st = stage(prog, space.free)
    found = []
    for part in chunks(space.size, CHUNK):
        codes = np.arange(part.start, part.stop, dtype=np.int64)
        y = space.states(codes)
        _xi, new = evaluate_stage(prog, st, y)
        found.append(codes[np.all(new == y[:, space.free], axis=1)])
    return space.states(np.concatenate(found))


def _search(net: Network, clamp: Mapping[NeuronId, float] | None, max_frontier: int) -> Array:
    space = state_space(net, clamp, what="fixed-point search")
    dyn = DenseDynamics.build(net, clamp, what="the fixed-point search")
    prog = space.program
    n = space.n
    lo_v, hi_v = space.alphabet
    base = space.base_state[None, :]
    w = dyn.w_ff
    c = dyn.bias_f(base)[0]  # constants folded into the biases
    # Range of each unassigned neuron's contribution, as suffix sums over positions.
    cmin = np.minimum(w * lo_v, w * hi_v)
    cmax = np.maximum(w * lo_v, w * hi_v)
    rest_min = np.zeros((n + 1, n))
    rest_max = np.zeros((n + 1, n))
    rest_min[:-1] = np.cumsum(cmin[:, ::-1], axis=1)[:, ::-1].T
    rest_max[:-1] = np.cumsum(cmax[:, ::-1], axis=1)[:, ::-1].T
    eps = 1e-9 * (1.0 + np.abs(w).sum(axis=1) + np.abs(c))  # rounding margin
    # threshold units (a jump in their entry) are monotone: low below 0, high above
    monotone = np.array(
        [prog.activations[int(prog.activation_ids[j])].jump is not None for j in space.free]
    )
    values = np.zeros((1, 0))
    xi = c[None, :].copy()  # partial potentials of every free neuron
    for k in range(n):
        if 2 * len(values) > max_frontier:
            raise SizeLimitError(
                f"the fixed-point search frontier exceeds max_frontier={max_frontier} "
                f"partial assignments at neuron {k + 1} of {n}; the network prunes badly "
                "(raise max_frontier or clamp neurons)"
            )
        # the doubled frontier: values and potentials, and their working copies
        check_memory(6 * 8 * 2 * len(values) * (n + 1),
                     f"the fixed-point search (max_frontier={max_frontier}) at neuron {k + 1} "
                     f"of {n}")
        values = np.concatenate(
            [
                np.hstack([values, np.full((len(values), 1), lo_v)]),
                np.hstack([values, np.full((len(values), 1), hi_v)]),
            ]
        )
        xi = np.concatenate([xi + lo_v * w[:, k], xi + hi_v * w[:, k]])
        m = k + 1  # assigned neurons 0..k
        lo_xi = xi[:, :m] + rest_min[m, :m] - eps[:m]
        hi_xi = xi[:, :m] + rest_max[m, :m] + eps[:m]
        exact = (rest_min[m, :m] == 0) & (rest_max[m, :m] == 0)
        ok = np.ones(len(values), dtype=bool)
        low_out = dyn.activate(_pad(lo_xi, n))[:, :m]
        high_out = dyn.activate(_pad(hi_xi, n))[:, :m]
        assigned = values[:, :m]
        # NaN: a tie kept by the neuron (ξ = 0 at that end): any value is possible there
        feasible_mono = ((low_out <= assigned) | np.isnan(low_out)) & (
            (assigned <= high_out) | np.isnan(high_out))
        exact_out = dyn.activate(_pad(xi[:, :m], n))[:, :m]
        feasible_exact = (exact_out == assigned) | np.isnan(exact_out)
        check = np.where(
            monotone[:m], feasible_mono, np.where(exact, feasible_exact, True)
        )
        ok &= np.all(check, axis=1)
        values, xi = values[ok], xi[ok]
        if not len(values):
            return np.zeros((0, prog.n_neurons))
    states = np.broadcast_to(space.base_state, (len(values), prog.n_neurons)).copy()
    states[:, space.free] = values
    if len(states):
        states = states[is_fixed_point(net, states, clamp)]
        if n:
            bits = states[:, space.free] == hi_v
            states = states[np.lexsort(bits.T[::-1])]  # first free neuron: primary key
    return states


def _pad(cols: Array, n: int) -> Array:
    """Widen ``(K, m)`` potentials to ``(K, n)`` so activations see every free neuron."""
    if cols.shape[1] == n:
        return cols
    out = np.zeros((cols.shape[0], n))
    out[:, : cols.shape[1]] = cols
    return out
