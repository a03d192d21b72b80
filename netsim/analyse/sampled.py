"""Sampled attractor search: many random start states run to their attractors.

For networks beyond the exhaustive analysis: K start states (random over the free
neurons' alphabet, or given) run through the engine in batches until their state
repeats. Each sample's attractor is identified by its cycle, rotated to start at its
smallest state (the same labels as the exhaustive table); the fraction of samples
reaching an attractor estimates its basin fraction, with a 95 % Wilson confidence
interval, and the transient lengths are reported.

The samples run through the engine from full states, ``net.run(initial_state=S,
clamp=clamp)``, in batches of about :data:`BATCH_ELEMENTS` values; the start states
are drawn batch by batch. A cycle is known by its smallest state: each distinct
cycle reached is walked once around with a prepared stepper
(:class:`~netsim.simulate.stepper.ParallelStepper`: whole batches of parallel steps,
no run set-up) and kept packed, one bit per free neuron and state, in a
:class:`CycleBook`; a later sample ending on any of its states is looked up, not
walked again. Memory stays at a few bytes per sample, one batch, and the cycles
found (which the result holds anyway): networks of 10^5 neurons work.

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
from ..simulate.stepper import ParallelStepper
from ._space import StateSpace, state_space

__all__ = ["CycleBook", "SampledAnalysis", "SampledAttractor", "sample_attractors",
           "wilson_interval"]

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


class CycleBook:
    """The attractors found so far: each one's states, packed (one bit per free
    neuron), in visiting order from its smallest; and any of its states → its index.

    A cycle is known by its smallest state (the first neuron the most significant
    bit), so its label is the exhaustive table's.

    >>> book = CycleBook()
    >>> book.add(np.array([[3], [1], [2]], dtype=np.uint8))
    0
    >>> book.cycles[0].ravel().tolist(), book.find(np.array([[2], [7]], np.uint8)).tolist()
    ([1, 2, 3], [0, -1])
    """

    def __init__(self) -> None:
        self.cycles: list[Array] = []
        self.index_of: dict[bytes, int] = {}

    def find(self, packed: Array) -> Array:
        """Per packed state ``(R, bytes)``: the index of its attractor, −1 if unknown."""
        get = self.index_of.get
        return np.fromiter((get(row.tobytes(), -1) for row in packed), dtype=np.int64,
                           count=len(packed))

    def add(self, states: Array) -> int:
        """Add the cycle of the packed ``states`` (in visiting order); its index."""
        keys = [row.tobytes() for row in states]
        index = len(self.cycles)
        self.cycles.append(np.roll(states, -keys.index(min(keys)), axis=0))
        self.index_of.update(dict.fromkeys(keys, index))
        return index


def _walk_cycles(stepper: ParallelStepper, starts: Array, periods: Array, packed: Array,
                 book: CycleBook) -> None:
    """Walk every cycle reached once around and add it to ``book``.

    ``starts`` are full states on cycles of ``periods``, ``packed`` their bits. One
    walker per distinct start state not yet in the book, in groups of at most
    :data:`BATCH_ELEMENTS` state values and as many bytes of walked states; a walker
    that steps onto the start of another one still walking stops there (they share
    their cycle, which the other one walks whole).
    """
    firsts: dict[bytes, int] = {}
    for k, row in enumerate(packed):
        firsts.setdefault(row.tobytes(), k)
    todo = np.fromiter(firsts.values(), dtype=np.int64, count=len(firsts))
    most = max(1, BATCH_ELEMENTS // max(starts.shape[1], 1))
    room = max(1, 4 * BATCH_ELEMENTS // max(packed.shape[1], 1))  # walked states per group
    while len(todo):
        todo = todo[book.find(packed[todo]) < 0]  # walked meanwhile (a shared cycle)
        fits = np.cumsum(periods[todo]) <= room
        size = min(most, max(1, int(np.count_nonzero(fits))))
        group, todo = todo[:size], todo[size:]
        if len(group):
            _walk_group(stepper, starts[group], periods[group], packed[group], book)


def _walk_group(stepper: ParallelStepper, starts: Array, periods: Array, packed: Array,
                book: CycleBook) -> None:
    """Walk the distinct cycle states ``starts`` together, one step per batch step."""
    count = len(starts)
    offsets = np.zeros(count, dtype=np.int64)
    np.cumsum(periods[:-1], out=offsets[1:])
    walked = np.empty((int(periods.sum()), packed.shape[1]), dtype=np.uint8)
    walked[offsets] = packed
    start_of = {row.tobytes(): w for w, row in enumerate(packed)}
    merged = np.zeros(count, dtype=bool)
    batch = stepper.start(starts)
    active = np.arange(count)  # the walker of each row of the batch
    live = periods[active] > 1  # rows still walking (the others wait to be dropped)
    t = 0
    while live.any():
        t += 1
        stepper.step(batch)
        bits = stepper.bits(batch)
        rows = np.flatnonzero(live)
        walkers = active[rows]
        walked[offsets[walkers] + t] = bits[rows]
        for r, w in zip(rows.tolist(), walkers.tolist(), strict=True):
            v = start_of.get(bits[r].tobytes())
            if v is not None and not merged[v]:  # v walks this cycle whole (v != w)
                merged[w] = True
        live &= ~merged[active] & (periods[active] > t + 1)
        # Finished rows are dropped once they are half of the batch (each drop
        # copies the batch's state).
        if live.any() and 2 * np.count_nonzero(~live) >= len(live):
            keep = np.flatnonzero(live)
            stepper.keep(batch, keep)
            active, live = active[keep], live[keep]
    for w in np.flatnonzero(~merged).tolist():
        book.add(walked[offsets[w] : offsets[w] + periods[w]])


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
    if rule == "sequential":  # the engine counts steps: max_steps sweeps of n steps
        run_options.update(order=order, seed=None if seed is None else int(seed),
                           max_steps=min(MAX_STEPS, int(max_steps) * max(1, n)))

    attractor_of = np.full(total, -1, dtype=np.int64)
    transient = np.full(total, -1, dtype=np.int64)
    book = CycleBook()
    stepper: ParallelStepper | None = None  # prepared when a first cycle is walked
    for a in range(0, total, chunk):
        part = slice(a, min(total, a + chunk))
        rows = part.stop - part.start
        full = np.broadcast_to(space.base_state, (rows, big_n)).copy()
        if given is None:
            full[:, space.free] = np.where(rng.random((rows, n)) < 0.5, high, low)
        else:  # the free neurons' values; the constants stay
            full[:, space.free] = given[part][:, space.free]
        run = net.run(initial_state=full, **run_options)
        del full
        end = run.state
        if rule == "parallel":
            period = np.asarray(run.period, dtype=np.int64).reshape(rows)
            steps_before = np.asarray(run.transient, dtype=np.int64).reshape(rows)
        else:  # sequential: only fixed points are identified
            conv = np.asarray(run.converged, dtype=bool).reshape(rows)
            period = np.where(conv, 1, 0)
            steps_before = np.where(conv, np.asarray(run.steps).reshape(rows), -1)
        packed = _packed(end, space)
        index = book.find(packed)
        for k in np.flatnonzero((index < 0) & (period == 1)).tolist():  # new fixed points
            index[k] = book.index_of.get(packed[k].tobytes(), -1)
            if index[k] < 0:
                index[k] = book.add(packed[k : k + 1])
        cycling = np.flatnonzero((index < 0) & (period > 1))
        if len(cycling):  # each new cycle walked once around (to its smallest state)
            if stepper is None:
                stepper = ParallelStepper(space.program, clamp)
                assert np.array_equal(stepper.neurons, space.free)
            _walk_cycles(stepper, end[cycling], period[cycling], packed[cycling], book)
            index[cycling] = book.find(packed[cycling])
        reached = period > 0
        attractor_of[a + np.flatnonzero(reached)] = index[reached]
        transient[a + np.flatnonzero(reached)] = steps_before[reached]
    resolved = attractor_of >= 0
    found = len(book.cycles)
    counts = np.bincount(attractor_of[resolved], minlength=found)
    keys = [cycle[0].tobytes() for cycle in book.cycles]
    order_of = sorted(range(found), key=lambda i: (-counts[i], keys[i]))
    renumber = np.empty(found, dtype=np.int64)
    renumber[order_of] = np.arange(found)
    attractor_of[resolved] = renumber[attractor_of[resolved]]
    attractors = []
    for new, old in enumerate(order_of):
        mine = transient[attractor_of == new]
        bits = np.unpackbits(book.cycles[old], axis=1, count=n).astype(bool)
        attractors.append(SampledAttractor(
            new, bits,
            int(counts[old]), counts[old] / total, wilson_interval(int(counts[old]), total),
            float(mine.mean()), int(mine.max()), space,
        ))
    return SampledAnalysis(space, rule, attractors, total, int((~resolved).sum()),
                           attractor_of, transient)
