"""analyse: attractors, basins, fixed points, energy and stochastic dynamics.

The analysis layer works on compiled programs (:mod:`netsim.compile`) of discrete
networks (step: 0/1, sign: −1/+1):

- :func:`attractors` — exhaustive state-space analysis under the parallel or sequential
  rule (attractors, periods, basins, transients, garden-of-Eden states), with
  :func:`state_graph` / :func:`state_graph_dot` for the transition graph;
- :func:`is_fixed_point`, :func:`fixed_points` — stability checks and fixed-point
  enumeration for larger networks;
- :func:`energy`, :func:`energy_trace`, :func:`check_energy` — the Hopfield energy
  and the convergence guarantees that apply;
- :func:`glauber` — finite-temperature sequential dynamics;
- :func:`energy_monitor`, :func:`overlap_monitor` — monitors for ``net.run(..., monitors=)``;
- :func:`recall`, :func:`capacity_experiment` — Hopfield recall with overlaps, capacity curve.
"""

from ._space import StateSpace, state_space
from .energy import EnergyCheck, NetsimWarning, check_energy, energy, energy_trace
from .fixed_points import fixed_points, is_fixed_point
from .methods import attractors
from .monitors import energy_monitor, overlap_monitor
from .recall import (
    CapacityResult,
    GlauberRun,
    Recall,
    capacity_experiment,
    glauber,
    recall,
)
from .stategraph import state_graph
from .stategraph import to_dot as state_graph_dot
from .statespace import (
    MAX_PARALLEL,
    MAX_SEQUENTIAL,
    Attractor,
    StateSpaceAnalysis,
    parallel_limit,
    successors,
)

__all__ = [
    "MAX_PARALLEL",
    "MAX_SEQUENTIAL",
    "Attractor",
    "CapacityResult",
    "EnergyCheck",
    "GlauberRun",
    "NetsimWarning",
    "Recall",
    "StateSpace",
    "StateSpaceAnalysis",
    "attractors",
    "capacity_experiment",
    "check_energy",
    "energy",
    "energy_monitor",
    "energy_trace",
    "fixed_points",
    "glauber",
    "is_fixed_point",
    "overlap_monitor",
    "parallel_limit",
    "recall",
    "state_graph",
    "state_graph_dot",
    "state_space",
    "successors",
]
