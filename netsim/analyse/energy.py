"""The energy of symmetric networks and the convergence guarantees that apply.

For a network of weighted-sum neurons the energy (Hopfield's Lyapunov function) is

    E(y) = −½ yᵀ W y − bᵀ y,        W[j, i] = w_ji.

netsim evaluates it over the *free* neurons (with incoming connections, not clamped)
and folds every other neuron (inputs, clamped neurons: constants during the dynamics)
into the biases: ``E = −½ y_fᵀ W_ff y_f − (b_f + W_fc y_c)ᵀ y_f``. When every neuron is
free (a Hopfield network) this is exactly the formula above; with constants and a
symmetric W it differs from it by a constant only.

Guarantees (for free neurons with the weighted-sum potential and a two-valued
threshold activation, step or sign):

- W_ff symmetric with a non-negative diagonal: every sequential update leaves E equal
  or lower, and the sequential rule reaches a fixed point (Hopfield 1982);
- W_ff symmetric: the parallel rule reaches a fixed point or a cycle of length 2
  (Goles & Olivos 1980), whatever the diagonal.

A non-symmetric W_ff voids both; :func:`energy` and :func:`check_energy` then warn
with :class:`NetsimWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import as_floats, keywords
from ..errors import NetsimWarning
from ..network import Network, NeuronId
from ._dense import DenseDynamics

__all__ = ["EnergyCheck", "NetsimWarning", "check_energy", "energy", "energy_trace"]

Array = np.ndarray

SYMMETRY_TOL = 1e-12


def warn_asymmetric(dyn: DenseDynamics, stacklevel: int = 3) -> None:
    """Warn (NetsimWarning) when the free neurons' weights are not symmetric."""
    asym = dyn.asymmetry()
    if asym > SYMMETRY_TOL:
        i, j = np.unravel_index(np.argmax(np.abs(dyn.w_ff - dyn.w_ff.T)), dyn.w_ff.shape)
        names = dyn.program.neurons
        a, b = names[dyn.free[i]], names[dyn.free[j]]
        warnings.warn(
            f"the weights are not symmetric (w[{a!r}<-{b!r}] = {dyn.w_ff[i, j]:g} but "
            f"w[{b!r}<-{a!r}] = {dyn.w_ff[j, i]:g}); the energy is not a Lyapunov function "
            "and no convergence guarantee applies",
            NetsimWarning,
            stacklevel=stacklevel,
        )


@keywords(network=True)
def energy(
    net: Network, states: Any, clamp: Mapping[NeuronId, float] | None = None
) -> float | Array:
    """E(y) = −½ yᵀWy − bᵀy for one state ``(N,)`` or states ``(..., N)``.

    Warns (:class:`NetsimWarning`) when W is not symmetric.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.hopfield([[1, -1, 1, -1]])
    >>> float(ns.energy(net, [1, -1, 1, -1]))      # −½ · 12 · (1/4)
    -1.5
    """
    dyn = DenseDynamics.build(net, clamp, what="energy")
    warn_asymmetric(dyn)
    arr = as_floats(states, "states")
    shape = arr.shape[:-1]
    flat = dyn.prepare(arr.reshape(-1, arr.shape[-1]) if arr.ndim > 1 else arr)
    e = dyn.energy(flat)
    return float(e[0]) if arr.ndim == 1 else e.reshape(shape)


@keywords(network=True)
def energy_trace(
    net: Network, run: Any, clamp: Mapping[NeuronId, float] | None = None
) -> Array:
    """The energy after every step of a recorded run: ``(T+1,)`` or ``(T+1, B)``.

    ``run`` is anything with a ``trace`` (a :func:`netsim.simulate.run` result made
    with ``record=True``, a :class:`~netsim.analyse.Recall`, a Glauber run) or the
    trace array itself.
    """
    trace = getattr(run, "trace", run)
    if trace is None:
        from ..errors import ParameterError

        raise ParameterError("the run has no trace; run it with record=True")
    return np.asarray(energy(net, trace, clamp))


@dataclass
class EnergyCheck:
    """Which convergence guarantees apply to a network (see :func:`check_energy`)."""

    symmetric: bool
    max_asymmetry: float
    diagonal_nonnegative: bool
    threshold_units: bool
    sequential_fixed_point: bool
    parallel_period_at_most_2: bool
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        yes = {True: "yes", False: "no"}
        lines = [
            f"symmetric weights: {yes[self.symmetric]} (max |w_ji - w_ij| = "
            f"{self.max_asymmetry:g})",
            f"non-negative diagonal: {yes[self.diagonal_nonnegative]}",
            f"two-valued threshold units (step/sign, weighted sum): "
            f"{yes[self.threshold_units]}",
            f"sequential rule reaches a fixed point: "
            f"{'guaranteed' if self.sequential_fixed_point else 'not guaranteed'}",
            f"parallel rule reaches a fixed point or a 2-cycle: "
            f"{'guaranteed' if self.parallel_period_at_most_2 else 'not guaranteed'}",
        ]
        return "\n".join(lines + self.notes)


@keywords(network=True)
def check_energy(net: Network, clamp: Mapping[NeuronId, float] | None = None) -> EnergyCheck:
    """Report the convergence guarantees that apply (and warn when W is not symmetric).

    Examples
    --------
    >>> import netsim as ns
    >>> check = ns.check_energy(ns.hopfield([[1, -1, 1, -1]]))
    >>> check.sequential_fixed_point, check.parallel_period_at_most_2
    (True, True)
    """
    dyn = DenseDynamics.build(net, clamp, what="the energy check")
    prog = dyn.program
    asym = dyn.asymmetry()
    symmetric = asym <= SYMMETRY_TOL
    diag_ok = bool(np.all(np.diag(dyn.w_ff) >= 0))
    notes: list[str] = []
    threshold = True
    for j in dyn.free.tolist():
        act = prog.activations[int(prog.activation_ids[j])]
        params = {k: float(v[j]) for k, v in prog.activation_params[act.name].items()}
        if act.jump is None or len(act.values(params)) != 2:  # type: ignore[misc]
            threshold = False
            notes.append(
                f"neuron {prog.neurons[j]!r} ({act.name}) is not a two-valued threshold unit"
            )
            break
    if not symmetric:
        warn_asymmetric(dyn)
    if symmetric and not diag_ok:
        notes.append("a negative self-weight allows sequential oscillation")
    return EnergyCheck(
        symmetric=symmetric,
        max_asymmetry=asym,
        diagonal_nonnegative=diag_ok,
        threshold_units=threshold,
        sequential_fixed_point=symmetric and diag_ok and threshold,
        parallel_period_at_most_2=symmetric and threshold,
        notes=notes,
    )
