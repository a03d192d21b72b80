"""Sampled attractor search: many random start states run to their attractors.

For networks beyond the exhaustive analysis: K start states (random over the free
neurons' alphabet, or given) run through the engine in batches until their state
repeats. Each sample's attractor is identified by its cycle, rotated to start at its
smallest state (the same labels as the exhaustive table); the fraction of samples
reaching an attractor estimates its basin fraction, with a 95 % Wilson confidence
interval, and the transient lengths are reported.

How the engine starts from a state: the runs go through ``net.run`` on a copy of the
network whose neurons are all inputs (the neurons with incoming connections are
updated, the others keep their value), with the incoming connections of clamped
neurons removed so that they keep their clamp value.

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


def _probe(net: Network, clamp: Mapping[NeuronId, float] | None) -> Network:
    probe = net.copy()
    probe.set_inputs(net.neurons)  # a run then starts from the full state given
    for key in clamp or {}:
        for source in list(probe.graph.predecessors(key)):
            probe.disconnect(source, key)  # a clamped neuron keeps its value
    return probe


def _canonical(cycles: Array, periods: Array) -> list[bytes]:
    """A key per sample: its cycle's bits rotated to start at the smallest state."""
    keys = []
    for rows, p in zip(cycles, periods.tolist(), strict=True):
        states = [r.tobytes() for r in np.packbits(rows[:p], axis=1)]
        start = min(range(p), key=lambda t: states[t])
        keys.append(b"".join(states[start:] + states[:start]) + p.to_bytes(4, "little"))
    return keys


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
    if states is None:
        # the start bits, the random draw behind them and the final states
        check_memory(float(samples) * (10 * n + 16),
                     f"attractors(method='sample', samples={samples:,}): the start states")
        start_bits = rng.random((int(samples), n)) < 0.5
    else:
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
        start_bits = values == high
    total = len(start_bits)
    probe = _probe(net, clamp)
    run_options: dict[str, Any] = {"rule": rule, "max_steps": int(max_steps)}
    if rule == "sequential":
        run_options.update(order=order, seed=None if seed is None else int(seed))
    period = np.zeros(total, dtype=np.int64)
    transient = np.full(total, -1, dtype=np.int64)
    final = np.empty((total, n), dtype=bool)
    chunk = max(1, BATCH_ELEMENTS // max(big_n, 1))
    for a in range(0, total, chunk):
        part = slice(a, min(total, a + chunk))
        full = np.broadcast_to(space.base_state, (part.stop - part.start, big_n)).copy()
        full[:, space.free] = np.where(start_bits[part], high, low)
        run = probe.run(full, **run_options)
        final[part] = run.state[:, space.free] == high
        if rule == "parallel":
            period[part] = np.asarray(run.period)
            transient[part] = np.asarray(run.transient)
        else:  # sequential: only fixed points are identified
            conv = np.asarray(run.converged, dtype=bool)
            period[part] = np.where(conv, 1, 0)
            transient[part] = np.where(conv, np.asarray(run.steps), -1)
    resolved = period > 0
    # the cycle of each resolved sample: its final state stepped period − 1 more times
    max_p = int(period.max(initial=1))
    cycles = np.zeros((total, max_p, n), dtype=bool)
    cycles[:, 0] = final
    if max_p > 1:
        idx = np.flatnonzero(period > 1)
        for a in range(0, len(idx), chunk):
            sel = idx[a : a + chunk]
            full = np.broadcast_to(space.base_state, (len(sel), big_n)).copy()
            full[:, space.free] = np.where(final[sel], high, low)
            trace = probe.run(full, rule="parallel", steps=max_p - 1, record=True).trace
            cycles[sel] = np.transpose(trace[:max_p, :, space.free] == high, (1, 0, 2))
    keys = _canonical(cycles[resolved], period[resolved])
    attractor_of = np.full(total, -1, dtype=np.int64)
    found: dict[bytes, int] = {}
    first: list[int] = []
    for k, key in zip(np.flatnonzero(resolved).tolist(), keys, strict=True):
        a = found.setdefault(key, len(found))
        if a == len(first):
            first.append(k)
        attractor_of[k] = a
    counts = np.bincount(attractor_of[resolved], minlength=len(found))
    order_of = sorted(range(len(found)), key=lambda a: (-counts[a], list(found)[a]))
    renumber = np.empty(len(found), dtype=np.int64)
    renumber[order_of] = np.arange(len(found))
    attractor_of[resolved] = renumber[attractor_of[resolved]]
    attractors = []
    for new, old in enumerate(order_of):
        k = first[old]
        p = int(period[k])
        rows = cycles[k, :p]
        start = min(range(p), key=lambda t: np.packbits(rows[t]).tobytes())
        rows = np.concatenate([rows[start:], rows[:start]])
        mine = transient[attractor_of == new]
        attractors.append(SampledAttractor(
            new, rows, int(counts[old]), counts[old] / total,
            wilson_interval(int(counts[old]), total),
            float(mine.mean()), int(mine.max()), space,
        ))
    return SampledAnalysis(space, rule, attractors, total, int((~resolved).sum()),
                           attractor_of, np.where(resolved, transient, -1))
