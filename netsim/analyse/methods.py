"""``attractors(net, method=...)``: one entry point for the attractor searches.

- ``"exhaustive"`` (default): every state, with basins and transients
  (:func:`netsim.analyse.statespace.attractors`, as many free neurons as memory holds);
- ``"solver"``: every fixed point and cycle up to ``max_period`` of the parallel rule
  with a constraint solver, for networks of any size
  (:func:`netsim.analyse.solver.solver_attractors`, OR-Tools);
- ``"sample"``: random start states run to their attractors, basin fractions with
  confidence intervals (:func:`netsim.analyse.sampled.sample_attractors`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from ..checks import keywords
from ..errors import ParameterError, did_you_mean
from ..network import Network, NeuronId
from . import statespace

if TYPE_CHECKING:  # pragma: no cover
    from .sampled import SampledAnalysis
    from .solver import SolverAnalysis
    from .statespace import StateSpaceAnalysis

__all__ = ["METHODS", "attractors"]

METHODS = ("exhaustive", "solver", "sample")
SOLVER_OPTIONS = ("time_limit", "max_solutions")
SAMPLE_OPTIONS = ("samples", "states", "seed", "max_steps", "order")


# The result's type follows ``method`` (for type checkers; one implementation below).
@overload
def attractors(
    net: Network, rule: str = ..., clamp: Mapping[NeuronId, float] | None = ..., *,
    method: Literal["exhaustive"] = ..., max_period: int | None = ..., **options: Any,
) -> StateSpaceAnalysis: ...
@overload
def attractors(
    net: Network, rule: str = ..., clamp: Mapping[NeuronId, float] | None = ..., *,
    method: Literal["solver"], max_period: int | None = ..., **options: Any,
) -> SolverAnalysis: ...
@overload
def attractors(
    net: Network, rule: str = ..., clamp: Mapping[NeuronId, float] | None = ..., *,
    method: Literal["sample"], max_period: int | None = ..., **options: Any,
) -> SampledAnalysis: ...
@overload
def attractors(
    net: Network, rule: str = ..., clamp: Mapping[NeuronId, float] | None = ..., *,
    method: str, max_period: int | None = ..., **options: Any,
) -> StateSpaceAnalysis | SolverAnalysis | SampledAnalysis: ...
@keywords(network=True)
def attractors(
    net: Network,
    rule: str = "parallel",
    clamp: Mapping[NeuronId, float] | None = None,
    *,
    method: str = "exhaustive",
    max_period: int | None = None,
    **options: Any,
) -> StateSpaceAnalysis | SolverAnalysis | SampledAnalysis:
    """The attractors of a discrete network, exhaustively or with a solver.

    Parameters
    ----------
    net : Network
    rule : {"parallel", "sequential"}
        The solver handles the parallel rule (its fixed points are also those of
        the sequential rule).
    clamp : mapping, optional
        Neuron id → value held fixed.
    method : {"exhaustive", "solver", "sample"}
        ``"exhaustive"`` returns a :class:`~netsim.analyse.StateSpaceAnalysis` (every
        state, basins; as many free neurons as memory holds); ``"solver"`` a
        :class:`~netsim.analyse.solver.SolverAnalysis` (every fixed point and cycle of
        length ≤ ``max_period``, no basins, any size; needs ``netsim[solver]``);
        ``"sample"`` a :class:`~netsim.analyse.sampled.SampledAnalysis` (the
        attractors that random start states reach, estimated basin fractions).
    max_period : int, optional
        Solver only: the longest cycle searched (default 4).
    **options
        Solver: ``time_limit`` (seconds per period), ``max_solutions``. Sample:
        ``samples`` (default 10 000), ``states``, ``seed``, ``max_steps``, ``order``.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.hopfield([[1, -1, 1, -1, 1, -1]])
    >>> sorted(ns.attractors(net).periods) == ns.attractors(net, method="solver").periods
    True
    """
    if method not in METHODS:
        raise ParameterError(
            f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}"
            f"{did_you_mean(method, METHODS)}"
        )
    allowed = {"exhaustive": (), "solver": SOLVER_OPTIONS, "sample": SAMPLE_OPTIONS}[method]
    for key in options:
        if key not in allowed:
            owner = next((m for m, o in (("solver", SOLVER_OPTIONS), ("sample", SAMPLE_OPTIONS))
                          if key in o), None)
            if owner is not None:
                raise ParameterError(f"{key} applies to method={owner!r} only")
            raise ParameterError(
                f"attractors() got an unexpected keyword argument {key!r}"
                f"{did_you_mean(key, SOLVER_OPTIONS + SAMPLE_OPTIONS)}"
            )
    if max_period is not None and method != "solver":
        raise ParameterError("max_period applies to method='solver' only")
    if method == "exhaustive":
        return statespace.attractors(net, rule=rule, clamp=clamp)
    if method == "sample":
        from .sampled import sample_attractors

        return sample_attractors(net, rule, clamp, **options)
    from .solver import solver_attractors

    if rule != "parallel":
        raise ParameterError(
            f"method='solver' searches the parallel rule, got rule={rule!r} (the fixed "
            "points, max_period=1, are the same under both rules)"
        )
    return solver_attractors(
        net, clamp, max_period=4 if max_period is None else max_period, **options
    )
