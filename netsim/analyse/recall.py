"""Recall in Hopfield networks, Glauber dynamics and the capacity experiment.

:func:`recall` runs a network of weighted-sum threshold neurons from probe states
under the parallel or the sequential rule and tracks the overlap with each stored
pattern, ``m_k = (1/N) Σ_i x_i^k y_i`` (1 = the pattern, −1 = its negation).
The trace is recorded per *step* for the parallel rule and per *sweep* (N single-neuron
updates, one per free neuron) for the sequential rule.

:func:`glauber` runs finite-temperature sequential dynamics: the updated neuron takes
the high value with probability ``σ((hi − lo)·ξ/T)`` (σ the logistic function), i.e.
``P(y = +1) = σ(2ξ/T)`` for bipolar and ``P(y = 1) = σ(ξ/T)`` for binary neurons —
the heat-bath rule whose stationary law is ∝ exp(−E/T) for zero self-weights. T → 0
gives the deterministic rule.

:func:`capacity_experiment` measures the error rate of Hebbian storage against the
load α = P/N (see its docstring for exactly what is measured).

All three are thin wrappers over ``net.run`` (:func:`netsim.simulate.run`): a run from
full initial states (``initial_state``), with held neurons (``clamp``), recorded per
sweep (``record="sweep"``), with the overlaps as a monitor
(:func:`netsim.overlap_monitor`) and the Glauber rule as ``temperature``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..checks import check_network, check_seed, keywords
from ..compile import compile_network
from ..errors import ParameterError
from ..limits import MAX_NEURONS, MAX_SWEEPS, check_count, check_memory, describe
from ..network import Network, NeuronId
from ..simulate import run as run_network
from ..simulate.start import held_indices, held_program
from .monitors import overlap_monitor

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["CapacityResult", "GlauberRun", "Recall", "capacity_experiment", "glauber", "recall"]

Array = np.ndarray


def free_neurons(net: Network, clamp: Mapping[NeuronId, float] | None) -> int:
    """The number of neurons a run updates (with inputs, not clamped): one sweep."""
    prog = compile_network(net)
    clamped, _ = held_indices(prog, clamp, None)
    return len(held_program(prog, clamped).updated)


def continue_cycles(values: Any, rows: Array, period: Array) -> Any:
    """Rows after each sample's stop continue its cycle (in place): ``values`` is
    ``(T+1, B, ...)``, ``rows[b]`` the row of its last state, ``period[b]`` its period in
    rows (samples with period ≤ 1 keep their final state)."""
    for b in np.flatnonzero(period > 1).tolist():
        r, p = int(rows[b]), int(period[b])
        later = np.arange(r + 1, values.shape[0])
        values[later, b] = values[r - p + (later - r - 1) % p + 1, b]
    return values


@dataclass
class Recall:
    """The result of :func:`recall`.

    Attributes
    ----------
    state : ndarray
        Final states ``(B, N)`` (``(N,)`` for one probe).
    trace : ndarray
        States after each step (parallel) or sweep (sequential), ``(T+1, B, N)``.
    overlaps : ndarray or None
        ``(T+1, B, P)``: overlap of each recorded state with each pattern.
    steps : ndarray of int
        Steps (parallel) or sweeps (sequential) until the state stopped changing.
    converged : ndarray of bool
        Reached a fixed point within the bound.
    period : ndarray of int
        1 for a fixed point, p for a cycle of p steps (parallel) or sweeps (sequential,
        cyclic order), 0 when undecided. A probe that reached a cycle stops there; its
        later rows of ``trace`` and ``overlaps`` go on around the cycle.
    """

    state: Array
    trace: Array
    overlaps: Array | None
    steps: Array
    converged: Array
    period: Array
    rule: str

    def __repr__(self) -> str:
        from ..io.display import recall_text

        return recall_text(self)

    def _repr_html_(self) -> str:
        from ..io.display import recall_html

        return recall_html(self)

    def plot(self, net: Any = None, ax: Any = None, **options: Any) -> Any:
        """Overlaps (and, given ``net``, energy) per step (see :func:`netsim.plot.plot_recall`)."""
        from ..plot import plot_recall

        return plot_recall(self, net, ax, **options)

    @property
    def final_overlaps(self) -> Array | None:
        return None if self.overlaps is None else self.overlaps[-1]

    @property
    def retrieved(self) -> Array | None:
        """Index of the pattern with the largest final overlap, per probe."""
        if self.overlaps is None:
            return None
        return np.argmax(self.overlaps[-1], axis=-1)


@keywords(network=True)
def recall(
    net: Network,
    probes: Any,
    patterns: Any = None,
    *,
    rule: str = "sequential",
    order: str = "cyclic",
    max_steps: int = 100,
    seed: int | None = None,
    clamp: Mapping[NeuronId, float] | None = None,
) -> Recall:
    """Run a threshold network from ``probes`` until stable, tracking pattern overlaps.

    Parameters
    ----------
    net : Network
        Weighted-sum neurons (a Hopfield network from :func:`netsim.hopfield`).
    probes : array_like, shape (N,) or (B, N)
        Initial states (every neuron's value).
    patterns : array_like, shape (P, N), optional
        Stored patterns whose overlaps are tracked.
    rule : {"sequential", "parallel"}
    order : {"cyclic", "random"}
        Sequential: neuron order, or a fresh permutation per sweep (seeded).
    max_steps : int
        Bound on steps (parallel) or sweeps (sequential).
    seed : int, optional
    clamp : mapping, optional
        Neurons held at a value.

    Examples
    --------
    >>> import netsim as ns
    >>> x = [[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]]
    >>> net = ns.hopfield(x)
    >>> r = ns.recall(net, [-1, -1, 1, -1, 1, -1], x)
    >>> r.state.tolist(), r.final_overlaps.tolist()
    ([1.0, -1.0, 1.0, -1.0, 1.0, -1.0], [1.0, 0.3333333333333333])
    """
    if rule not in ("sequential", "parallel"):
        raise ParameterError(f"rule must be 'sequential' or 'parallel', got {rule!r}")
    if order not in ("cyclic", "random"):
        raise ParameterError(f"order must be 'cyclic' or 'random', got {order!r}")
    check_network(net, "recall")
    max_steps = check_count(max_steps, "max_steps", 0, MAX_SWEEPS)
    unit = free_neurons(net, clamp) if rule == "sequential" else 1
    monitors = None if patterns is None else {"overlaps": overlap_monitor(patterns)}
    run = run_network(net, initial_state=probes, rule=rule, order=order, seed=seed,
                      clamp=clamp, max_steps=max_steps * max(unit, 1), record="sweep",
                      monitors=monitors)
    single = np.ndim(run.steps) == 0
    steps = np.atleast_1d(run.steps) // max(unit, 1)
    period = np.atleast_1d(np.asarray(run.period if run.period is not None else 0))
    # a cycle of the sequential rule in sweeps (a fixed point has period 1 either way)
    period = np.where(period > 1, period // max(unit, 1), period)
    converged = np.atleast_1d(run.converged)
    trace = run.trace if not single else run.trace[:, None]
    overlaps = None
    if monitors is not None:
        overlaps = run.monitors["overlaps"]
        overlaps = overlaps if not single else overlaps[:, None]
    # a sample stopped on a cycle: its later rows go on around the cycle
    continue_cycles(trace, steps, period)
    if overlaps is not None:
        continue_cycles(overlaps, steps, period)
    steps = np.where(period == 1, np.maximum(steps - 1, 0), steps)  # the change-free one
    if single:
        return Recall(trace[-1, 0], trace[:, 0], None if overlaps is None else overlaps[:, 0],
                      steps[0], converged[0], period[0], rule)
    return Recall(trace[-1], trace, overlaps, steps, converged, period, rule)


@dataclass
class GlauberRun:
    """The result of :func:`glauber`: ``trace`` per sweep ``(T+1, B, N)``, ``state``."""

    state: Array
    trace: Array
    temperature: float

    def __repr__(self) -> str:
        from ..io.display import glauber_text

        return glauber_text(self)


@keywords
def glauber(
    net: Network,
    states: Any,
    temperature: float,
    sweeps: int = 10,
    *,
    order: str = "random",
    seed: int | None = None,
    clamp: Mapping[NeuronId, float] | None = None,
) -> GlauberRun:
    """Finite-temperature sequential (Glauber, heat-bath) dynamics, seeded.

    Each update sets the neuron to its high value with probability
    ``σ((hi − lo)·ξ/T)``: ``σ(2ξ/T)`` for sign neurons (−1/+1), ``σ(ξ/T)`` for step
    neurons (0/1). ``temperature=0`` is the deterministic sequential rule.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.hopfield([[1, -1, 1, -1, 1, -1]])
    >>> run = ns.glauber(net, [1, -1, 1, -1, 1, -1], temperature=0.05, sweeps=5, seed=0)
    >>> run.state.tolist()
    [1.0, -1.0, 1.0, -1.0, 1.0, -1.0]
    """
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not (
        temperature >= 0 and math.isfinite(temperature)
    ):
        raise ParameterError(f"temperature must be a finite number >= 0, got {temperature!r}")
    check_network(net, "glauber")
    sweeps = check_count(sweeps, "sweeps", 0, MAX_SWEEPS)
    seed = check_seed(seed)
    if order not in ("cyclic", "random"):
        raise ParameterError(f"order must be 'cyclic' or 'random', got {order!r}")
    n = free_neurons(net, clamp)
    size = np.size(states) if isinstance(states, np.ndarray) else len(np.ravel(states))
    check_memory(2 * (sweeps + 1) * size * 8,
                 f"glauber(sweeps={sweeps}): the trace of {size:,} values per sweep")
    run = run_network(net, initial_state=states, rule="sequential", order=order, seed=seed,
                      clamp=clamp, steps=sweeps * n, record="sweep",
                      temperature=float(temperature))
    return GlauberRun(run.trace[-1], run.trace, float(temperature))


@dataclass
class CapacityResult:
    """Error rate against the load α = P/N (see :func:`capacity_experiment`)."""

    n: int
    loads: Array
    patterns: Array  # P for each load
    error_rate: Array  # mean fraction of wrong bits after recall from stored patterns
    recalled: Array  # fraction of patterns recalled with at most `tolerance` wrong bits
    initial_error: Array  # fraction of bits unstable at the stored pattern (one update)
    tolerance: float

    def __repr__(self) -> str:
        from ..io.display import capacity_text

        return capacity_text(self)

    def _repr_html_(self) -> str:
        from ..io.display import capacity_html

        return capacity_html(self)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Error rate against the load (see :func:`netsim.plot.plot_capacity`)."""
        from ..plot import plot_capacity

        return plot_capacity(self, ax)

    def table(self) -> str:
        rows = [
            f"N = {self.n}: recall from each stored pattern (sequential, until stable)",
            f"{'P/N':>6} {'P':>5} {'bit error':>10} {'recalled':>9} {'unstable@x':>11}",
        ]
        for a, p, e, r, i in zip(
            self.loads, self.patterns, self.error_rate, self.recalled, self.initial_error,
            strict=True,
        ):
            rows.append(f"{a:6.3f} {p:5d} {e:10.4f} {r:9.3f} {i:11.4f}")
        return "\n".join(rows)

    def breakdown(self, threshold: float = 0.05) -> float | None:
        """The smallest load whose error rate exceeds ``threshold`` (None if none)."""
        above = np.flatnonzero(self.error_rate > threshold)
        return float(self.loads[above[0]]) if len(above) else None


@keywords
def capacity_experiment(
    n: int = 200,
    loads: Sequence[float] = (0.05, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.25),
    trials: int = 3,
    *,
    max_sweeps: int = 100,
    tolerance: float = 0.01,
    seed: int | None = 0,
) -> CapacityResult:
    """Error rate of a Hebbian Hopfield network against the load α = P/N.

    For each load, ``trials`` times: draw P = round(α·N) random bipolar patterns
    (independent, uniform ±1), store them with the Hebb rule (1/N, zero diagonal, sign
    neurons with sign(0) = +1), start a run **at each stored pattern** and apply the
    sequential rule (a fresh random order per sweep) until no neuron changes.

    Measured, averaged over all patterns and trials:

    - ``error_rate``: the fraction of bits of the final state that differ from the
      stored pattern. Theory (Amit, Gutfreund & Sompolinsky 1985, N → ∞): below
      α_c ≈ 0.138 it stays under ~1.5 %; above, the retrieval state disappears and the
      error jumps to large values (the "avalanche"). At N = 200–400 the jump is
      smoothed over ≈ 0.12–0.18.
    - ``recalled``: the fraction of patterns whose final state has at most
      ``tolerance`` (default 1 %) wrong bits.
    - ``initial_error``: the fraction of bits that one update would flip at the stored
      pattern itself (≈ Φ(−1/√α), smooth in α: it has no breakdown).

    Examples
    --------
    >>> res = capacity_experiment(n=100, loads=(0.05, 0.3), trials=1, seed=0)
    >>> bool(res.error_rate[0] < 0.02), bool(res.error_rate[1] > 0.05)
    (True, True)
    """
    from ..learn.hebb import hebb_weights

    n = check_count(n, "n", 2, MAX_NEURONS)
    trials = check_count(trials, "trials", 1, MAX_SWEEPS)
    max_sweeps = check_count(max_sweeps, "max_sweeps", 0, MAX_SWEEPS)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    try:
        loads_a = np.asarray(loads, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"loads must be positive numbers, got {describe(loads)}") from None
    if loads_a.ndim != 1 or not np.all(np.isfinite(loads_a)) or np.any(loads_a <= 0) or (
            np.any(loads_a > 100)):
        raise ParameterError(f"loads must be numbers in (0, 100] (P/N), got {describe(loads)}")
    counts = np.maximum(1, np.rint(loads_a * n)).astype(np.int64)
    p_max = int(counts.max())
    # the weights (and their product), the patterns, their recall and potentials
    check_memory(8 * (2 * n * n + 4 * p_max * n),
                 f"capacity_experiment(n={n}, loads up to {loads_a.max():g}): the {n} x {n} "
                 f"weights and {p_max} patterns")
    err = np.zeros(len(loads_a))
    ok = np.zeros(len(loads_a))
    init = np.zeros(len(loads_a))

    # The complete graph on n sign neurons (sign(0) = +1, no biases), built from arrays;
    # connections target-major with sources ascending: the CSR order of the weights
    off = ~np.eye(n, dtype=bool)
    targets, sources = np.nonzero(off)
    template = compile_network(Network.from_arrays(sources, targets, np.zeros(len(sources)),
                                                   neurons=n, activation="sign"))
    bias = np.zeros(n)
    for li, p in enumerate(counts.tolist()):
        e_sum = ok_sum = i_sum = 0.0
        for _ in range(trials):
            x = np.where(rng.random((p, n)) < 0.5, -1.0, 1.0)
            w = hebb_weights(x)
            i_sum += float(np.mean(np.where(x @ w.T >= 0, 1.0, -1.0) != x))
            # the same complete graph every time: only the weights change (CSR by
            # target, sources ascending: the off-diagonal entries of W row by row)
            prog = template.with_values(w[off], bias)
            # a fresh random order per sweep, from the experiment's own generator
            run = run_network(prog, initial_state=x, rule="sequential", order="random",
                              seed=int(rng.integers(2**63)), max_steps=max_sweeps * n)
            wrong = np.mean(run.state != x, axis=1)
            e_sum += float(wrong.mean())
            ok_sum += float(np.mean(wrong <= tolerance))
        err[li], ok[li], init[li] = e_sum / trials, ok_sum / trials, i_sum / trials
    return CapacityResult(n, loads_a, counts, err, ok, init, tolerance)
