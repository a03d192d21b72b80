"""Exhaustive state-space analysis of discrete networks: attractors, basins, transients.

Every state of the free neurons (see :mod:`netsim.analyse._space`) is evaluated once,
vectorised in chunks through :func:`netsim.core.evaluate_stage`: the result is the
*successor array* ``succ[c]``, the code of the state after one parallel step from
state ``c``. Everything else is computed from it with whole-array numpy operations:

- **parallel rule** (the map ``c → succ[c]``): ``succ`` applied ``2^n`` times (by
  pointer doubling, ``n`` squarings) lands every state on its cycle, which marks the
  cycle states; each cycle is labelled by its smallest code (min-doubling along the
  cycle); the transient length and the cycle state reached come from pointer-jumping
  list ranking; basins are counts of the attractor reached; garden-of-Eden states
  have in-degree 0.
- **sequential rule** (the asynchronous state graph: ``c → c'`` where ``c'`` is ``c``
  after updating one neuron, for each neuron whose update changes it): neuron ``k``'s
  new value from ``c`` is bit ``k`` of ``succ[c]``, so the edges are the differing bits.
  Attractors are the terminal strongly connected components (``scipy.sparse.csgraph``);
  a fixed point is a terminal component of one state. From a state the sequential rule
  may reach several attractors. The *reach* of an attractor (states from which it can
  be reached) is a reverse breadth-first search, one per attractor when there are at
  most ``MAX_REACH_ATTRACTORS``; a state found by exactly one search is in that
  attractor's *strong basin* (every run from it ends there). With more attractors the
  strong basins come from joining attractor labels backwards to a fixpoint instead.

Limits: the parallel analysis goes as far as memory allows: :func:`parallel_limit` is
the largest ``n`` whose ``2^n`` states fit in the memory available now, at
:data:`PARALLEL_STATE_BYTES` bytes per state (the successor array and the analysis'
working arrays; 2^28 states take about 12 GiB), at most :data:`MAX_CODE_BITS`. The
successors of threshold networks are computed without whole network states
(:class:`ThresholdTable`). The sequential analysis handles up to
:data:`MAX_SEQUENTIAL` = 20 free neurons (its graph has up to n·2^n edges). More free
neurons raise :class:`~netsim.SizeLimitError`; clamp neurons or use
:func:`fixed_points`. (:data:`MAX_PARALLEL` = 24 remains the limit of the
fixed-point sweep, which needs time rather than memory.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

from ..checks import check_network, keywords
from ..core import evaluate_stage, stage
from ..errors import NetworkError, ParameterError
from ..limits import available_memory, check_memory
from ..network import Network, NeuronId
from ._space import StateSpace, chunks, state_space

if TYPE_CHECKING:  # pragma: no cover
    import graphviz
    import networkx as nx

__all__ = [
    "MAX_CODE_BITS",
    "MAX_PARALLEL",
    "MAX_REACH_ATTRACTORS",
    "MAX_SEQUENTIAL",
    "PARALLEL_STATE_BYTES",
    "Attractor",
    "StateSpaceAnalysis",
    "attractors",
    "parallel_limit",
    "successors",
]

Array = np.ndarray

MAX_PARALLEL = 24
MAX_CODE_BITS = 34  # 2^34 states: beyond any memory this library meets
PARALLEL_STATE_BYTES = 48  # peak bytes per state of the parallel analysis (int32 codes)
MAX_SEQUENTIAL = 20
MAX_REACH_ATTRACTORS = 64
CHUNK = 1 << 15  # states evaluated per call of evaluate_stage

_UNKNOWN, _MIXED = -2, -1


def parallel_limit() -> int:
    """The most free neurons the exhaustive parallel analysis takes now: the largest
    ``n`` with ``2^n`` states of :data:`PARALLEL_STATE_BYTES` bytes (twice that from
    31 neurons on, with 64-bit codes) in the memory available
    (:func:`netsim.limits.available_memory`), at most :data:`MAX_CODE_BITS`.

    >>> import os
    >>> os.environ["NETSIM_MEMORY_LIMIT"] = str(2**30)  # 1 GiB
    >>> parallel_limit()
    24
    >>> del os.environ["NETSIM_MEMORY_LIMIT"]
    """
    memory = available_memory()
    n = 0
    while n < MAX_CODE_BITS and (PARALLEL_STATE_BYTES * (2 if n + 1 >= 31 else 1)
                                 << (n + 1)) <= memory:
        n += 1
    return n


def _code_dtype(n: int) -> type:
    return np.int32 if n < 31 else np.int64


def successors(space: StateSpace) -> Array:
    """``succ[c]``: the code after one parallel step from every state ``c``.

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.analyse import state_space, successors
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="step"); net.add_neuron("b", activation="step")
    >>> net.connect("a", "b", 1.0); net.connect("b", "a", 1.0)
    >>> net.set_neuron("a", bias=-0.5); net.set_neuron("b", bias=-0.5)
    >>> successors(state_space(net)).tolist()   # 00→00, 01→10, 10→01, 11→11
    [0, 2, 1, 3]
    """
    prog = space.program
    n, total = space.n, space.size
    dtype = _code_dtype(n)
    succ: Array = np.empty(total, dtype=dtype)
    if n == 0:
        succ[:] = 0
        return succ
    table = ThresholdTable.build(space)
    if table is not None:
        table.successors(succ)
        return succ
    st = stage(prog, space.free)
    if not np.array_equal(st.targets, space.free):  # pragma: no cover - groups are continuous
        raise NetworkError("a group activation cannot be analysed exhaustively")
    low, high = space.alphabet
    weights = np.int64(1) << np.arange(n - 1, -1, -1, dtype=np.int64)
    # Every chunk enumerates the same low bits: build that block once, then only
    # the columns of the high bits change from chunk to chunk.
    size = min(CHUNK, total)
    block = space.states(np.arange(size, dtype=np.int64))
    n_low = size.bit_length() - 1
    high_cols = space.free[: n - n_low]
    for part in chunks(total, CHUNK):
        if part.start:
            top = space.states(np.array([part.start]))[0]
            block[:, high_cols] = top[high_cols]
        _xi, y = evaluate_stage(prog, st, block)
        is_high = y == high
        bad = ~(is_high | (y == low))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise NetworkError(
                f"neuron {space.free_ids[c]!r} produced {y[r, c]:g}, outside the alphabet "
                f"({low:g}, {high:g})"
            )
        succ[part.start : part.stop] = is_high.astype(np.int64) @ weights
    return succ


def _dyadic_exponent(values: Array, limit: int = 60) -> int | None:
    """The smallest ``e`` with every ``value·2^e`` an integer (exactly), or None."""
    values = np.asarray(values, dtype=np.float64)
    if not np.isfinite(values).all():
        return None

    def whole(e: int) -> bool:
        scaled = np.ldexp(values, e)
        return bool(np.array_equal(scaled, np.round(scaled)))

    if not whole(limit):
        return None
    lo, hi = -1, limit  # whole(hi) holds; whole(e) is monotone in e
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if whole(mid) else (mid, hi)
    return hi


@dataclass(frozen=True, eq=False)
class ThresholdTable:
    """Free threshold neurons over the state bits: the successor of every state
    without evaluating whole network states.

    Every free neuron has a weighted-sum potential and a threshold activation whose two
    values are the alphabet, so its potential is ``base + Σ_k W[j, k]·v_k`` over the
    free neurons' values ``v`` (the constants folded into ``base``). A code's low bits
    and high bits contribute separately: the low-bit part of every potential is a table
    of ``2^n_low`` rows computed once, and each chunk of states adds one row for its
    high bits. Rounding never decides: when every weight, bias and value is a dyadic
    rational whose sums stay below 2^53 the float sums are exact; otherwise the
    potentials within the rounding bound of 0 are decided by
    :func:`netsim.core.threshold.exact_sign` on the exact terms.
    """

    weights: Array  # (n, n): W[j, k], free neuron k's weight into free neuron j
    base: Array  # (n,): bias plus the constants' contributions
    low: float
    high: float
    at_zero: Array  # (n,): 1 high, 0 low, -1 keep the current value, at ξ = 0 exactly
    exact: bool  # every float sum is exact
    slack: Array  # (n,): the rounding bound of each row's potential
    rows: tuple[tuple[float, Array, Array, Array], ...]  # per row: bias, weights, sources
    space: StateSpace

    @classmethod
    def build(cls, space: StateSpace) -> ThresholdTable | None:
        """The table, or None when some free neuron is not such a threshold unit."""
        prog = space.program
        free = space.free
        n = len(free)
        low, high = space.alphabet
        col = np.full(prog.n_neurons, -1, dtype=np.int64)
        col[free] = np.arange(n)
        weights = np.zeros((n, n))
        base = np.zeros(n)
        at_zero = np.zeros(n)
        rows = []
        terms_bound = np.zeros(n)
        counts = np.zeros(n, dtype=np.int64)
        all_weights: list[Array] = [np.zeros(1)]
        all_values: list[Array] = [np.array([low, high])]
        vmax = max(abs(low), abs(high))
        for r, j in enumerate(free.tolist()):
            pot = prog.potentials[int(prog.potential_ids[j])]
            act = prog.activations[int(prog.activation_ids[j])]
            if pot.name != "weighted_sum" or act.jump is None:
                return None
            params = {k: float(v[j]) for k, v in prog.activation_params[act.name].items()}
            j_low, j_high, tie = act.jump(params)
            if (j_low, j_high) != (low, high) or (tie == tie and tie not in (low, high)):
                return None  # not two-valued on the alphabet
            at_zero[r] = -1 if tie != tie else (1 if tie == high else 0)
            a, b = prog.indptr[j], prog.indptr[j + 1]
            src, w = prog.sources[a:b], prog.weights[a:b].astype(np.float64)
            values = space.base_state[src].astype(np.float64)
            bias = float(prog.bias[j])
            inner = col[src] >= 0
            np.add.at(weights[r], col[src[inner]], w[inner])
            base[r] = float(np.dot(w[~inner], values[~inner])) + bias
            rows.append((bias, w, src, values))
            terms_bound[r] = abs(bias) + float(
                np.abs(w) @ np.where(inner, vmax, np.abs(values)))
            counts[r] = b - a
            all_weights += [w, np.array([bias])]
            all_values.append(values[~inner])
        from ..core.threshold import gamma

        # any summation order: γ over every term (the constants, the free neurons, the
        # bias), times the sum of their magnitudes
        slack = gamma(counts + n + 2, np.dtype(np.float64)) * terms_bound
        e_w = _dyadic_exponent(np.concatenate(all_weights))
        e_v = _dyadic_exponent(np.concatenate(all_values))
        exact = (e_w is not None and e_v is not None
                 and float(terms_bound.max(initial=0.0)) * 2.0 ** (e_w + e_v) < 2.0**52)
        return cls(weights, base, float(low), float(high), at_zero, exact, slack,
                   tuple(rows), space)

    def successors(self, succ: Array) -> None:
        """Fill ``succ`` (one code per state) chunk by chunk."""
        space = self.space
        n = space.n
        n_low = min(n, CHUNK.bit_length() - 1)
        n_high = n - n_low
        wt = np.ascontiguousarray(self.weights.T)  # (n sources, n rows)
        low_codes = np.arange(1 << n_low, dtype=np.int64)
        low_bits = ((low_codes[:, None] >> np.arange(n_low - 1, -1, -1)) & 1).astype(bool)
        low_values = np.where(low_bits, self.high, self.low)
        # the low bits are the last n_low free neurons
        table = low_values @ wt[n_high:]  # (2^n_low, n)
        shift = 8 * ((n + 7) // 8) - n
        width = (n + 7) // 8
        keep = self.at_zero < 0
        tie_high = self.at_zero > 0
        word = np.zeros((len(table), 8), dtype=np.uint8)
        codes = np.empty(len(table), dtype=np.uint64)
        xi = np.empty_like(table)
        bits = np.empty(table.shape, dtype=bool)
        scratch = np.empty_like(table)
        for h in range(1 << n_high):
            high_bits = ((h >> np.arange(n_high - 1, -1, -1)) & 1).astype(bool)
            offset = self.base + np.where(high_bits, self.high, self.low) @ wt[:n_high]
            np.add(table, offset, out=xi)
            maybe_zero = self.exact
            if not self.exact:  # a potential within rounding of 0: its exact sign
                np.abs(xi, out=scratch)
                near = scratch <= self.slack
                if near.any():  # (an exact 0 is among these)
                    self._settle(xi, near, low_bits, high_bits)
                    maybe_zero = True
            np.greater(xi, 0, out=bits)
            zero = xi == 0 if maybe_zero else None
            if zero is not None and zero.any():
                current = np.concatenate([np.broadcast_to(high_bits, (len(table), n_high)),
                                          low_bits], axis=1)
                bits |= zero & (tie_high | (keep & current))
            # the bits read as one big-endian number (free neuron 0 first)
            word[:, 8 - width :] = np.packbits(bits, axis=1)
            lo = h << n_low
            np.right_shift(word.view(">u8")[:, 0], shift, out=codes, casting="unsafe")
            succ[lo : lo + len(table)] = codes

    def _settle(self, xi: Array, near: Array, low_bits: Array, high_bits: Array) -> None:
        """Replace the potentials within rounding of 0 by their exact sign (±1, 0)."""
        from ..core.threshold import exact_sign

        free_col = {j: k for k, j in enumerate(self.space.free.tolist())}
        for s, r in zip(*np.nonzero(near), strict=True):
            bias, w, src, values = self.rows[r]
            bits = np.concatenate([high_bits, low_bits[s]])
            vals = values.copy()
            for i, j in enumerate(src.tolist()):
                k = free_col.get(j)
                if k is not None:
                    vals[i] = self.high if bits[k] else self.low
            xi[s, r] = float(exact_sign(bias, w, vals))


@dataclass(eq=False)
class Attractor:
    """One attractor of a :class:`StateSpaceAnalysis`.

    Attributes
    ----------
    index : int
        Its number in ``analysis.attractors``.
    codes : tuple of int
        Its states: for the parallel rule the cycle in the order visited, starting at
        the smallest code; for the sequential rule the states of the terminal
        component, ascending.
    basin : int
        Parallel: the number of states that end in it (its own states included).
        Sequential: the strong basin, the states from which every run ends in it.
    reach : int or None
        Sequential only: the states from which it can be reached (weak basin);
        ``None`` when not computed (more than ``MAX_REACH_ATTRACTORS`` attractors).
    """

    index: int
    codes: tuple[int, ...]
    basin: int
    space: StateSpace = field(repr=False)
    rule: str = "parallel"
    reach: int | None = None

    @property
    def period(self) -> int:
        """Parallel: the cycle length (1 for a fixed point). Sequential: the size."""
        return len(self.codes)

    @property
    def size(self) -> int:
        return len(self.codes)

    @property
    def is_fixed_point(self) -> bool:
        return len(self.codes) == 1

    @property
    def labels(self) -> list[str]:
        return [self.space.label(c) for c in self.codes]

    @property
    def states(self) -> Array:
        """The full network states ``(size, N)``."""
        return self.space.states(np.array(self.codes))

    @property
    def values(self) -> Array:
        """The free neurons' values ``(size, n)``."""
        return self.space.values(np.array(self.codes))

    @property
    def kind(self) -> str:
        if self.is_fixed_point:
            return "fixed point"
        return f"cycle of length {self.period}" if self.rule == "parallel" else (
            f"terminal component of {self.size} states"
        )

    def __repr__(self) -> str:
        shown = ", ".join(self.labels[:4]) + (", …" if self.size > 4 else "")
        return f"<Attractor {self.index}: {self.kind}, basin {self.basin}, states [{shown}]>"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "kind": "fixed point" if self.is_fixed_point else (
                "cycle" if self.rule == "parallel" else "terminal component"
            ),
            "states": self.labels,
            "basin": self.basin,
        }
        if self.rule == "parallel":
            out["period"] = self.period
        else:
            out["size"] = self.size
            out["reach"] = self.reach
        return out


@dataclass(eq=False)
class StateSpaceAnalysis:
    """The result of :func:`attractors`.

    Attributes
    ----------
    space : StateSpace
        Free neurons, constants and alphabet; ``space.label(code)`` names a state.
    rule : {"parallel", "sequential"}
    successor : ndarray
        ``successor[c]``: the state after one parallel step (for the sequential rule:
        bit k differs from c exactly when updating neuron k changes the state).
    attractors : list of Attractor
    attractor_of : ndarray of int
        Parallel: the attractor each state ends in. Sequential: the attractor each
        state always ends in, or −1 when it can reach several.
    transient : ndarray of int or None
        Parallel: steps from each state until it is on its attractor.
    garden_of_eden : ndarray of bool or None
        Parallel: states without a predecessor.
    """

    space: StateSpace
    rule: str
    successor: Array
    attractors: list[Attractor]
    attractor_of: Array
    transient: Array | None = None
    garden_of_eden: Array | None = None

    @property
    def n_states(self) -> int:
        return self.space.size

    @cached_property
    def fixed_points(self) -> Array:
        """Codes of the fixed points (the same under both rules)."""
        return np.flatnonzero(self.successor == np.arange(self.space.size))

    @property
    def periods(self) -> list[int]:
        return [a.period for a in self.attractors]

    @property
    def basin_sizes(self) -> list[int]:
        return [a.basin for a in self.attractors]

    def label(self, code: int) -> str:
        return self.space.label(code)

    def attractor(self, state: Any) -> Attractor | None:
        """The attractor a state (label, code or values) ends in (None: several)."""
        if isinstance(state, str):
            code = self.space.code_of_label(state)
        elif isinstance(state, int | np.integer):
            code = int(state)
        else:
            code = int(self.space.codes(state)[0])
        a = int(self.attractor_of[code])
        return None if a < 0 else self.attractors[a]

    def summary(self) -> dict[str, Any]:
        """A JSON-ready dict: neurons, constants, alphabet and every attractor."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "free_neurons": [str(n) if not isinstance(n, int) else n for n in self.space.free_ids],
            "constants": {str(k): v for k, v in self.space.constants.items()},
            "alphabet": list(self.space.alphabet),
            "n_states": self.n_states,
            "n_fixed_points": len(self.fixed_points),
            "attractors": [a.to_dict() for a in self.attractors],
        }
        if self.rule == "parallel":
            assert self.transient is not None and self.garden_of_eden is not None
            out["max_transient"] = int(self.transient.max(initial=0))
            out["n_garden_of_eden"] = int(self.garden_of_eden.sum())
        else:
            out["n_ambiguous"] = int(np.count_nonzero(self.attractor_of < 0))
        return out

    def table(self, max_rows: int = 50) -> str:
        """The attractor table as text (one row per attractor)."""
        space = self.space
        head = [
            f"rule: {self.rule}; free neurons ({space.n}): "
            + " ".join(map(str, space.free_ids)),
        ]
        if space.constants:
            head.append(
                "constants: " + ", ".join(f"{k}={v:g}" for k, v in space.constants.items())
            )
        head.append(
            f"{self.n_states} states, {len(self.attractors)} attractor"
            f"{'s' * (len(self.attractors) != 1)}, {len(self.fixed_points)} fixed point"
            f"{'s' * (len(self.fixed_points) != 1)}"
        )
        if self.rule == "parallel":
            assert self.transient is not None and self.garden_of_eden is not None
            head.append(
                f"longest transient: {int(self.transient.max(initial=0))} steps; "
                f"garden-of-Eden states: {int(self.garden_of_eden.sum())}"
            )
            cols = f"{'#':>4}  {'period':>6}  {'basin':>8}  states"
        else:
            head.append(
                f"states that can reach several attractors: "
                f"{int(np.count_nonzero(self.attractor_of < 0))}"
            )
            head.append(
                "basin: states from which every run ends in it; reach: states from which "
                "it can be reached"
            )
            cols = f"{'#':>4}  {'size':>6}  {'basin':>8}  {'reach':>8}  states"
        rows = [cols]
        for a in self.attractors[:max_rows]:
            shown = [label or "(no free neurons)" for label in a.labels[:8]]
            states = (" -> " if self.rule == "parallel" else ", ").join(shown)
            if a.size > 8:
                states += f" ... ({a.size} states)"
            if self.rule == "parallel":
                rows.append(f"{a.index:>4}  {a.period:>6}  {a.basin:>8}  {states}")
            else:
                reach = "-" if a.reach is None else str(a.reach)
                rows.append(f"{a.index:>4}  {a.size:>6}  {a.basin:>8}  {reach:>8}  {states}")
        if len(self.attractors) > max_rows:
            rows.append(f"... {len(self.attractors) - max_rows} more attractors")
        return "\n".join([*head, *rows])

    def __repr__(self) -> str:
        from ..io.display import analysis_text

        return analysis_text(self)

    def _repr_html_(self) -> str:
        from ..io.display import analysis_html

        return analysis_html(self)

    def graph(self, max_free: int = 16) -> nx.DiGraph:
        """The state transition graph (see :func:`netsim.analyse.state_graph`)."""
        from .stategraph import state_graph

        return state_graph(self, max_free=max_free)

    def to_dot(self, max_free: int | None = None, **options: Any) -> graphviz.Digraph:
        """The state graph as a ``graphviz.Digraph``, with a title and legend: every state
        up to ``max_states`` (64) states, else one node per attractor with its basin
        (see :func:`netsim.io.statedot.state_diagram` for ``options``). ``max_free``
        also asks for the condensed view beyond that many free neurons."""
        from ..io.statedot import state_diagram

        if max_free is not None and self.space.n > max_free:
            options.setdefault("condensed", True)
        return state_diagram(self, **options)


@keywords
def attractors(
    net: Network,
    rule: str = "parallel",
    clamp: Mapping[NeuronId, float] | None = None,
) -> StateSpaceAnalysis:
    """Exhaustive analysis of every state of a discrete network.

    Parameters
    ----------
    net : Network
        Every free neuron (with incoming connections, not clamped) must have one
        two-valued activation alphabet: ``step`` (0/1) or ``sign`` (−1/+1).
    rule : {"parallel", "sequential"}
    clamp : mapping, optional
        Neuron id → value held fixed (inputs and any other neuron). Neurons without
        incoming connections that are not clamped keep their ``initial`` value.

    Returns
    -------
    StateSpaceAnalysis

    Raises
    ------
    SizeLimitError
        More free neurons than memory allows (parallel, see :func:`parallel_limit`:
        24 with 1 GiB available, 28 with 12 GiB) or than 20 (sequential).

    Examples
    --------
    The two-neuron oscillator: b copies a, a copies the negation of b.

    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="sign"); net.add_neuron("b", activation="sign")
    >>> net.connect("a", "b", 1.0); net.connect("b", "a", -1.0)
    >>> result = ns.attractors(net)
    >>> [(a.labels, a.period, a.basin) for a in result.attractors]
    [(['--', '+-', '++', '-+'], 4, 4)]
    """
    check_network(net, "attractors")
    if rule not in ("parallel", "sequential"):
        raise ParameterError(f"rule must be 'parallel' or 'sequential', got {rule!r}")
    limit = parallel_limit() if rule == "parallel" else MAX_SEQUENTIAL
    space = state_space(net, clamp, max_free=limit, what=f"exhaustive {rule} analysis")
    # successor codes, labels, basins and the graph's index arrays, per state (and per
    # neuron for the sequential rule's one-flip successors)
    per_state = (PARALLEL_STATE_BYTES * (2 if space.n >= 31 else 1) if rule == "parallel"
                 else 64 + 8 * space.n)
    check_memory(space.size * per_state,
                 f"attractors(rule={rule!r}): {space.n} free neurons, {space.size:,} states")
    succ = successors(space)
    if rule == "parallel":
        return _parallel(space, succ)
    return _sequential(space, succ)


# --- parallel rule --------------------------------------------------------------------


def _parallel(space: StateSpace, succ: Array) -> StateSpaceAnalysis:
    n, total = space.n, space.size
    dtype = succ.dtype
    # succ^(2^n): after 2^n ≥ (transient + period) steps every state is on its cycle,
    # and the image of that map is exactly the set of cycle states.
    p = succ
    for _ in range(n):
        p = p[p]
    on_cycle = np.zeros(total, dtype=bool)
    on_cycle[p] = True
    cyc = np.flatnonzero(on_cycle).astype(dtype)  # ascending codes
    n_cyc = len(cyc)
    local = np.full(total, -1, dtype=dtype)
    local[cyc] = np.arange(n_cyc, dtype=dtype)
    perm = local[succ[cyc]]  # the map restricted to cycle states: a permutation
    # Label each cycle by its smallest member (local indices follow code order).
    lab = np.arange(n_cyc, dtype=dtype)
    jump, span = perm, 1
    while span < n_cyc:
        lab = np.minimum(lab, lab[jump])
        jump = jump[jump]
        span *= 2
    roots, cycle_id = np.unique(lab, return_inverse=True)
    periods = np.bincount(cycle_id)
    # List ranking: distance to the first cycle state and that state.
    nxt = np.where(on_cycle, np.arange(total, dtype=dtype), succ)
    dist = (~on_cycle).astype(np.int32)
    while True:
        nn = nxt[nxt]
        if np.array_equal(nn, nxt):
            break
        dist = dist + dist[nxt]
        nxt = nn
    attractor_of = cycle_id[local[nxt]].astype(np.int32)
    basins = np.bincount(attractor_of, minlength=len(roots))
    garden = np.ones(total, dtype=bool)  # states that are nobody's successor
    garden[succ] = False
    attractors = []
    succ_list = succ  # follow each cycle from its root, in visiting order
    for k, (root, period) in enumerate(zip(cyc[roots].tolist(), periods.tolist(), strict=True)):
        codes = [root]
        for _ in range(period - 1):
            codes.append(int(succ_list[codes[-1]]))
        attractors.append(
            Attractor(k, tuple(int(c) for c in codes), int(basins[k]), space, "parallel")
        )
    return StateSpaceAnalysis(
        space=space,
        rule="parallel",
        successor=succ,
        attractors=attractors,
        attractor_of=attractor_of,
        transient=dist,
        garden_of_eden=garden,
    )


# --- sequential rule ------------------------------------------------------------------


def async_edges(space: StateSpace, succ: Array) -> tuple[Array, Array, Array]:
    """Edges ``(source, target, neuron position)`` of the asynchronous state graph.

    Only updates that change the state are edges (no self-loops).
    """
    n = space.n
    codes = np.arange(space.size, dtype=succ.dtype)
    flips = succ ^ codes
    src, dst, who = [], [], []
    for k in range(n):
        bit = succ.dtype.type(1 << (n - 1 - k))
        s = np.flatnonzero(flips & bit).astype(succ.dtype)
        src.append(s)
        dst.append(s ^ bit)
        who.append(np.full(len(s), k, dtype=np.int16))
    if not src:
        empty = np.empty(0, dtype=succ.dtype)
        return empty, empty, np.empty(0, dtype=np.int16)
    return np.concatenate(src), np.concatenate(dst), np.concatenate(who)


def _sequential(space: StateSpace, succ: Array) -> StateSpaceAnalysis:
    n, total = space.n, space.size
    src, dst, _who = async_edges(space, succ)
    matrix = sp.csr_matrix(
        (np.ones(len(src), dtype=np.int8), (src, dst)), shape=(total, total)
    )
    _n_comp, comp = connected_components(matrix, directed=True, connection="strong")
    leaves = np.ones(_n_comp, dtype=bool)
    leaves[comp[src][comp[src] != comp[dst]]] = False  # a component with an exit edge
    terminal = np.flatnonzero(leaves)
    # Number the attractors by their smallest code.
    member_of = np.full(_n_comp, -1, dtype=np.int64)
    in_terminal = leaves[comp]
    first_code = np.full(_n_comp, total, dtype=np.int64)
    np.minimum.at(first_code, comp, np.arange(total, dtype=np.int64))
    order = terminal[np.argsort(first_code[terminal])]
    member_of[order] = np.arange(len(order))
    reach: list[int | None] = [None] * len(order)
    if len(order) <= MAX_REACH_ATTRACTORS:
        # Few attractors: one reverse breadth-first search each gives its reach; a
        # state reached by exactly one search is in that attractor's strong basin.
        reverse = matrix.T.tocsr()
        hits = np.zeros(total, dtype=np.int32)
        label = np.full(total, _MIXED, dtype=np.int64)
        for a in range(len(order)):
            start = int(first_code[order[a]])
            nodes = breadth_first_order(reverse, start, directed=True, return_predecessors=False)
            hits[nodes] += 1
            label[nodes] = a
            reach[a] = len(nodes)
        label[hits != 1] = _MIXED
    else:
        label = np.where(in_terminal, member_of[comp], _UNKNOWN).astype(np.int64)
        label = _propagate_labels(label, succ, n)
    strong = np.bincount(label[label >= 0], minlength=len(order))
    # Group the member states of each attractor (ascending codes).
    codes_sorted = np.flatnonzero(in_terminal)
    att_of_code = member_of[comp[codes_sorted]]
    by_att = np.argsort(att_of_code, kind="stable")
    bounds = np.searchsorted(att_of_code[by_att], np.arange(len(order) + 1))
    attractors = []
    for a in range(len(order)):
        members = codes_sorted[by_att[bounds[a] : bounds[a + 1]]]
        attractors.append(
            Attractor(
                a, tuple(int(c) for c in members), int(strong[a]), space, "sequential", reach[a]
            )
        )
    return StateSpaceAnalysis(
        space=space,
        rule="sequential",
        successor=succ,
        attractors=attractors,
        attractor_of=label,
    )


def _propagate_labels(label: Array, succ: Array, n: int) -> Array:
    """Join the attractor labels of all successors until nothing changes.

    A label is an attractor index, ``_MIXED`` (several reachable) or ``_UNKNOWN``;
    the join of two different indices is ``_MIXED``. States in attractors keep theirs.
    """
    total = len(label)
    codes = np.arange(total, dtype=succ.dtype)
    flips = succ ^ codes
    fixed = label >= 0
    big = np.iinfo(np.int64).max
    while True:
        lo = np.where(label >= 0, label, big)
        hi = label.copy()
        mixed = label == _MIXED
        for k in range(n):
            bit = succ.dtype.type(1 << (n - 1 - k))
            moves = (flips & bit) != 0
            nb = label[codes ^ bit]
            nb = np.where(moves, nb, _UNKNOWN)
            mixed |= nb == _MIXED
            known = nb >= 0
            lo = np.where(known, np.minimum(lo, nb), lo)
            hi = np.where(known, np.maximum(hi, nb), hi)
        some = lo != big
        new = np.where(mixed | (some & (lo != hi)), _MIXED, np.where(some, lo, _UNKNOWN))
        new = np.where(fixed, label, new)
        if np.array_equal(new, label):
            return new
        label = new
