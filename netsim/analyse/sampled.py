"""Sampled attractor search: many random start states run to their attractors.

For networks beyond the exhaustive analysis: K start states (random over the free
neurons' alphabet, or given) run through the engine in batches until their state
repeats. Each sample's attractor is identified by its cycle, rotated to start at its
smallest state (the same labels as the exhaustive table); the fraction of samples
reaching an attractor estimates its basin fraction, with a 95 % Wilson confidence
interval, and the transient lengths are reported.

The samples run through the engine from full states, ``net.run(initial_state=S,
clamp=clamp)``, in batches of about :data:`BATCH_ELEMENTS` values; the start states
are drawn batch by batch, and a cycle is known by its smallest state (found by
walking it once around), so memory stays at a few bytes per sample besides one
batch: networks of 10^5 neurons work.

- ``rule="parallel"``: every sample that repeats within ``max_steps`` ends on a fixed
  point or a cycle; the rest are reported as unresolved.
- ``rule="sequential"`` (``order="random"`` by default, seeded): a sample is resolved
  when it reaches a fixed point (stable for a whole sweep); sequential attractors that
  are not fixed points (terminal components) are not identified and count as
  unresolved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..checks import as_floats, check_seed
from ..errors import ParameterError
from ..limits import MAX_STEPS, check_count, check_memory
from ..network import Network, NeuronId
from ._space import StateSpace, state_space

__all__ = ["SampledAnalysis", "SampledAttractor", "sample_attractors", "wilson_interval"]

Array = np.ndarray

Z95 = 1.959963984540054
BATCH_ELEMENTS = 1 << 22  # samples per engine call: about 32 MB of float64 states


def wilson_interval(count: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (95 % by default).

    >>> [round(v, 4) for v in wilson_interval(50, 100)]
    [0.4038, 0.5962]
    """
    if total <= 0:
        return (0.0, 1.0)
    p = count / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(eq=False)
class SampledAttractor:
    """One attractor reached by the samples.

    Attributes
    ----------
    index : int
    bits : ndarray of bool, shape (period, n)
        The cycle over the free neurons (True = high value), starting at its smallest
        state, in visiting order.
    count : int
        Samples that reached it.
    fraction : float
        ``count / samples``: the estimated basin fraction.
    interval : tuple of float
        Its 95 % Wilson confidence interval.
    mean_transient, max_transient : float, int
        Steps before the samples entered it.
    """

    index: int
    bits: Array
    count: int
    fraction: float
    interval: tuple[float, float]
    mean_transient: float
    max_transient: int
    space: StateSpace = field(repr=False)

    @property
    def period(self) -> int:
        return len(self.bits)

    @property
    def is_fixed_point(self) -> bool:
        return self.period == 1

    @property
    def labels(self) -> list[str]:
        high, low = ("+", "-") if self.space.bipolar else ("1", "0")
        return ["".join(high if b else low for b in row) for row in self.bits]

    @property
    def states(self) -> Array:
        """The full network states ``(period, N)``."""
        out = np.broadcast_to(self.space.base_state, (self.period, len(self.space.base_state)))
        out = out.copy()
        low, high = self.space.alphabet
        out[:, self.space.free] = np.where(self.bits, high, low)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": "fixed point" if self.is_fixed_point else "cycle",
            "period": self.period,
            "states": self.labels,
            "count": self.count,
            "fraction": self.fraction,
            "interval": list(self.interval),
            "mean_transient": self.mean_transient,
            "max_transient": self.max_transient,
        }


@dataclass(eq=False)
class SampledAnalysis:
    """The result of :func:`sample_attractors` (``ns.attractors(net, method="sample")``).

    Attributes
    ----------
    attractors : list of SampledAttractor
        By decreasing count (then by first state).
    samples : int
    unresolved : int
        Samples without an identified attractor within ``max_steps``.
    attractor_of : ndarray of int
        Per sample: the index of its attractor, −1 when unresolved.
    transient : ndarray of int
        Per sample: the steps before its attractor (−1 when unresolved).
    """

    space: StateSpace
    rule: str
    attractors: list[SampledAttractor]
    samples: int
    unresolved: int
    attractor_of: Array
    transient: Array
    method: str = "sample"

    @property
    def periods(self) -> list[int]:
        return [a.period for a in self.attractors]

    @property
    def fractions(self) -> list[float]:
        return [a.fraction for a in self.attractors]

    def summary(self) -> dict[str, Any]:
        """A JSON-ready dict of the search and every attractor found."""
        free = self.space.free_ids
        return {
            "rule": self.rule,
            "method": self.method,
            "samples": self.samples,
            "unresolved": self.unresolved,
            "free_neurons": [n if isinstance(n, int) else str(n) for n in free],
            "constants": {str(k): v for k, v in self.space.constants.items()},
            "attractors": [a.to_dict() for a in self.attractors],
        }

    def table(self, max_rows: int = 50) -> str:
        """The attractors found as text, one row each."""
        free = self.space.free_ids
        names = " ".join(map(str, free[:20])) + (f" ... ({len(free)})" if len(free) > 20 else "")
        head = [
            f"rule: {self.rule} (sampled); free neurons ({len(free)}): {names}",
            f"{self.samples} samples, {len(self.attractors)} attractors found, "
            f"{self.unresolved} unresolved",
        ]
        rows = [f"{'#':>4}  {'period':>6}  {'fraction':>8}  {'95% interval':>15}  "
                f"{'transient':>9}  states"]
        for a in self.attractors[:max_rows]:
            labels = [lab if len(lab) <= 64 else lab[:61] + "..." for lab in a.labels[:3]]
            text = " -> ".join(labels) + (" -> ..." if a.period > 3 else "")
            lo, hi = a.interval
            rows.append(f"{a.index:>4}  {a.period:>6}  {a.fraction:>8.4f}  "
                        f"[{lo:.4f}, {hi:.4f}]  {a.mean_transient:>9.2f}  {text}")
        if len(self.attractors) > max_rows:
            rows.append(f"... {len(self.attractors) - max_rows} more attractors")
        return "\n".join([*head, *rows])


def _packed(states: Array, space: StateSpace) -> Array:
    """The free neurons of full states ``(R, N)`` as packed bits ``(R, ⌈n/8⌉)``."""
    return np.packbits(states[:, space.free] == space.alphabet[1], axis=1)


def _less(a: Array, b: Array) -> Array:
    """Per row: packed state ``a`` is smaller than ``b`` (its code, first neuron highest)."""
    diff = a != b
    first = diff.argmax(axis=1)
    rows = np.arange(len(a))
    return diff.any(axis=1) & (a[rows, first] < b[rows, first])


def _walk(run: Any, start: Array, lengths: Array, visit: Any) -> None:
    """Step every row of ``start`` ``lengths[r]`` times under the parallel rule.

    ``visit(rows, states)`` sees the states after each step of the rows still walking.
    The engine records the steps in blocks whose trace stays within
    :data:`BATCH_ELEMENTS` values (``run(states, steps)`` runs from full states).
    """
    big_n = start.shape[1]
    rows = np.arange(len(start))
    left = lengths.astype(np.int64).copy()
    cur = start
    keep = left > 0
    rows, cur, left = rows[keep], cur[keep], left[keep]
    while len(rows):
        span = int(min(left.max(), max(1, BATCH_ELEMENTS // (big_n * len(rows)))))
        trace = run(cur, span)
        for t in range(span):
            on = left > t
            visit(rows[on], trace[t + 1][on])
        left -= span
        keep = left > 0
        rows, cur, left = rows[keep], trace[span][keep], left[keep]


def sample_attractors(
    net: Network,
    rule: str = "parallel",
    clamp: Mapping[NeuronId, float] | None = None,
    *,
    samples: int = 10_000,
    states: Any = None,
    seed: int | None = 0,
    max_steps: int = 1000,
    order: str = "random",
) -> SampledAnalysis:
    """Run random start states to their attractors and estimate the basin fractions.

    Parameters
    ----------
    net : Network
        Free neurons of one two-valued alphabet (step or sign).
    rule : {"parallel", "sequential"}
    clamp : mapping, optional
        Neuron id → value held fixed.
    samples : int
        Random start states (ignored when ``states`` is given).
    states : array_like, optional
        Start states ``(K, N)`` (full states) instead of random ones.
    seed : int, optional
        Seed of the start states and of the sequential order.
    max_steps : int
        Steps (parallel) or sweeps (sequential) before a sample counts as unresolved.
    order : {"random", "cyclic", "random-replacement"}
        The sequential rule's order.

    Returns
    -------
    SampledAnalysis

    Notes
    -----
    The samples run through ``net.run(initial_state=..., clamp=...)`` in batches of
    about :data:`BATCH_ELEMENTS` values; the start states are drawn batch by batch
    (the same stream as one draw of ``(samples, n)`` uniforms ``< 0.5``), so memory
    stays at a few bytes per sample besides one batch, whatever the network's size.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.hopfield([[1, -1, 1, -1, 1, -1]])
    >>> found = ns.attractors(net, method="sample", samples=2000, seed=0)
    >>> found.unresolved, sorted(found.periods)[:2]
    (0, [1, 1])
    """
    if rule not in ("parallel", "sequential"):
        raise ParameterError(f"rule must be 'parallel' or 'sequential', got {rule!r}")
    samples = check_count(samples, "samples", 1)
    max_steps = check_count(max_steps, "max_steps", 1, MAX_STEPS)
    seed = check_seed(seed)
    space = state_space(net, clamp, what="the sampled attractor search")
    n, big_n = space.n, len(space.base_state)
    low, high = space.alphabet
    rng = np.random.default_rng(seed)
    given: Array | None = None
    if states is not None:
        given = as_floats(states, "states")
        if given.ndim != 2 or given.shape[1] != big_n:
            raise ParameterError(
                f"states must be full states of shape (K, {big_n}), got {given.shape}"
            )
        values = given[:, space.free]
        bad = ~((values == low) | (values == high))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise ParameterError(
                f"states[{r}]: neuron {space.free_ids[c]!r} has {values[r, c]:g}, outside "
                f"the alphabet ({low:g}, {high:g})"
            )
    total = int(samples) if given is None else len(given)
    chunk = max(1, BATCH_ELEMENTS // max(big_n, 1))
    # per sample: period, transient, attractor (int64); per batch: the states, the
    # random draw and the packed keys
    check_memory(24.0 * total + 4.0 * 8 * min(total, chunk) * (big_n + n),
                 f"attractors(method='sample', samples={total:,})")
    run_options: dict[str, Any] = {"rule": rule, "max_steps": int(max_steps), "clamp": clamp}
    if rule == "sequential":
        run_options.update(order=order, seed=None if seed is None else int(seed))

    def steps_of(start: Array, k: int) -> Array:
        trace = net.run(initial_state=start, clamp=clamp, rule="parallel", steps=k,
                        record=True).trace
        assert trace is not None  # record=True
        return trace

    attractor_of = np.full(total, -1, dtype=np.int64)
    transient = np.full(total, -1, dtype=np.int64)
    period_of: list[int] = []  # per attractor found
    smallest: list[Array] = []  # per attractor: its smallest state, packed
    found: dict[bytes, int] = {}
    for a in range(0, total, chunk):
        part = slice(a, min(total, a + chunk))
        rows = part.stop - part.start
        full = np.broadcast_to(space.base_state, (rows, big_n)).copy()
        if given is None:
            full[:, space.free] = np.where(rng.random((rows, n)) < 0.5, high, low)
        else:  # the free neurons' values; the constants stay
            full[:, space.free] = given[part][:, space.free]
        run = net.run(initial_state=full, **run_options)
        end = run.state
        if rule == "parallel":
            period = np.asarray(run.period, dtype=np.int64).reshape(rows)
            steps_before = np.asarray(run.transient, dtype=np.int64).reshape(rows)
        else:  # sequential: only fixed points are identified
            conv = np.asarray(run.converged, dtype=bool).reshape(rows)
            period = np.where(conv, 1, 0)
            steps_before = np.where(conv, np.asarray(run.steps).reshape(rows), -1)
        # each cycle is known by its smallest state: walk the cycles once around
        best = _packed(end, space)
        cycling = np.flatnonzero(period > 1)
        if len(cycling):
            sub = best[cycling]

            def keep_smaller(members: Array, later: Array, sub: Array = sub) -> None:
                packed = _packed(later, space)
                smaller = _less(packed, sub[members])
                sub[members[smaller]] = packed[smaller]

            _walk(steps_of, end[cycling], period[cycling] - 1, keep_smaller)
            best[cycling] = sub
        for k in np.flatnonzero(period > 0).tolist():
            key = best[k].tobytes()
            index = found.setdefault(key, len(found))
            if index == len(period_of):
                period_of.append(int(period[k]))
                smallest.append(best[k].copy())
            attractor_of[a + k] = index
            transient[a + k] = steps_before[k]
    resolved = attractor_of >= 0
    counts = np.bincount(attractor_of[resolved], minlength=len(found))
    keys = list(found)
    order_of = sorted(range(len(found)), key=lambda i: (-counts[i], keys[i]))
    renumber = np.empty(len(found), dtype=np.int64)
    renumber[order_of] = np.arange(len(found))
    attractor_of[resolved] = renumber[attractor_of[resolved]]
    cycles = _cycles_bits(space, steps_of, smallest, period_of)
    attractors = []
    for new, old in enumerate(order_of):
        mine = transient[attractor_of == new]
        attractors.append(SampledAttractor(
            new, cycles[old],
            int(counts[old]), counts[old] / total, wilson_interval(int(counts[old]), total),
            float(mine.mean()), int(mine.max()), space,
        ))
    return SampledAnalysis(space, rule, attractors, total, int((~resolved).sum()),
                           attractor_of, transient)


def _cycles_bits(space: StateSpace, steps_of: Any, smallest: list[Array],
                 periods: list[int]) -> list[Array]:
    """Each cycle ``(period, n)`` as bits, from its smallest state in visiting order;
    all cycles walked together in one batch (one run per block of steps, not one per
    attractor)."""
    out = []
    for packed, period in zip(smallest, periods, strict=True):
        bits = np.empty((period, space.n), dtype=bool)
        bits[0] = np.unpackbits(packed, count=space.n).astype(bool)
        out.append(bits)
    multi = [k for k, period in enumerate(periods) if period > 1]
    if multi:
        start = np.broadcast_to(space.base_state, (len(multi), len(space.base_state))).copy()
        first = np.stack([out[k][0] for k in multi])
        start[:, space.free] = np.where(first, space.alphabet[1], space.alphabet[0])
        at = np.ones(len(multi), dtype=np.int64)

        def store(members: Array, later: Array) -> None:
            free_bits = later[:, space.free] == space.alphabet[1]
            for m, row in zip(members.tolist(), free_bits, strict=True):
                out[multi[m]][at[m]] = row
                at[m] += 1

        _walk(steps_of, start, np.array([periods[k] - 1 for k in multi]), store)
    return out
