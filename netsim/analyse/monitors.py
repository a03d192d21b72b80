"""Monitors: derived quantities computed on every record of a run.

A monitor is any callable ``f(states) -> values`` taking states ``(M, N)`` (every
neuron's value, in neuron order) and returning one value or one row of values per
state. Pass them to a run as ``monitors={name: f}``; the values come back on
``run.monitors[name]``, shaped like the trace (the spirit of brian2's monitors):

>>> import netsim as ns
>>> x = [[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]]
>>> net = ns.hopfield(x)
>>> run = net.run(initial_state=[-1, -1, 1, -1, 1, -1], rule="sequential",
...               record="sweep", monitors={"overlap": ns.overlap_monitor(x),
...                                         "energy": ns.energy_monitor(net)})
>>> run.monitors["overlap"].tolist()          # one row per sweep, one column per pattern
[[0.6666666666666666, 0.0], [1.0, 0.3333333333333333], [1.0, 0.3333333333333333]]
>>> run.monitors["energy"].round(4).tolist()  # −(1/12)·Σ_k ((x^k·y)² − N): −1/3, −7/3
[-0.3333, -2.3333, -2.3333]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..checks import keywords
from ..errors import ParameterError
from ..limits import describe
from ..network import Network, NeuronId
from ._dense import DenseDynamics
from .energy import warn_asymmetric

__all__ = ["energy_monitor", "overlap_monitor"]

Array = np.ndarray


@keywords
def overlap_monitor(patterns: Any) -> Callable[[Array], Array]:
    """``f(states)``: the overlap of each state with each pattern, ``(M, P)``.

    ``m_k = (1/N) Σ_i x_i^k y_i`` (1 = the pattern, −1 = its negation, for ±1 values).

    Examples
    --------
    >>> import netsim as ns
    >>> f = ns.overlap_monitor([[1, -1, 1, -1]])
    >>> f([[1, -1, 1, -1], [1, 1, 1, 1]]).tolist()
    [[1.0], [0.0]]
    """
    try:
        x = np.array(patterns, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"patterns must be numbers, one row per pattern, got "
                             f"{describe(patterns)}") from None
    x = x[None, :] if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[1] == 0 or not np.all(np.isfinite(x)):
        raise ParameterError(f"patterns must be finite numbers of shape (P, N), got shape "
                             f"{x.shape}")
    xt = np.ascontiguousarray(x.T)

    def overlaps(states: Any) -> Array:
        y = np.asarray(states, dtype=np.float64)
        if y.shape[-1] != x.shape[1]:
            raise ParameterError(f"patterns have {x.shape[1]} values each, the states "
                                 f"{y.shape[-1]}")
        return y @ xt / x.shape[1]

    return overlaps


@keywords
def energy_monitor(net: Network, clamp: Mapping[NeuronId, float] | None = None
                   ) -> Callable[[Array], Array]:
    """``f(states)``: the energy ``E = −½ yᵀWy − bᵀy`` of each state, ``(M,)``
    (as :func:`netsim.energy`; warns once, here, when W is not symmetric).

    Examples
    --------
    >>> import netsim as ns
    >>> f = ns.energy_monitor(ns.hopfield([[1, -1, 1, -1]]))
    >>> f([[1, -1, 1, -1]]).tolist()
    [-1.5]
    """
    dyn = DenseDynamics.build(net, clamp, what="energy")
    warn_asymmetric(dyn, stacklevel=4)

    def energy(states: Any) -> Array:
        return dyn.energy(dyn.prepare(np.asarray(states, dtype=np.float64)))

    return energy
