"""Execution layouts: the compiled program laid out for fast evaluation of stages.

A :class:`Plan` is built once per (program, set of stages) and kept beside the program
(:func:`netsim.core.derived`). It is a private layout choice, invisible to callers:

- the state is held as ``(N, B)`` (neurons first), so a stage's rows are contiguous
  and matrix products read and write whole blocks;
- neurons are *permuted internally* so that every stage (a layer, or every neuron
  with inputs) is one contiguous slice, and inside a stage the neurons sharing a
  potential, an activation and a group are contiguous too. Writes are then plain
  slice assignments (views), never fancy indexing;
- the weighted-sum part of a stage is one dense matrix (a plain ``matmul``) when at
  least :data:`DENSE_FILL` of its (rows × distinct sources) block is filled, and a
  ``scipy.sparse`` CSR matrix otherwise; other potentials use their registered CSR
  function; activations run on contiguous slices, with the in-place kernels their
  registry entries carry (:func:`netsim.core.kernels.activate_into`).

The public state order is the network's neuron order; :attr:`Plan.perm` maps
internal rows to neuron indices (``internal = public[perm]``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..compile import Program, gather_ranges
from ..functions import Activation, Potential
from .backend import get_backend
from .cache import derived
from .kernels import (
    DENSE_FILL,
    GroupBucket,
    activate_into,
    column,
    group_buckets,
    group_forward_into,
)
from .patching import ValueMap, patch_plan, value_map
from .threshold import ExactRows, integral, jump_arrays, threshold_near_into

__all__ = ["ActKernel", "Plan", "StagePlan", "build_plan", "plan_for"]

Array = np.ndarray

@dataclass(frozen=True, eq=False)
class ActKernel:
    """One activation over the contiguous rows ``lo:hi`` of a stage."""

    lo: int
    hi: int
    activation: Activation
    params: dict[str, Any]  # scalars or (rows, 1) columns: the (N, B) layout
    # group functions: the positions of each group (a slice, or indices when the
    # group is split), relative to lo; one parameter set per group
    groups: tuple[slice | Array, ...] = ()
    group_params: tuple[dict[str, float], ...] = ()
    # a threshold activation: (low, high) as scalars or columns, and its rows' largest
    # rounding slack (see ExactRows.tolerance); the core decides these rows itself
    jump: tuple[Any, Any] | None = None
    tol: tuple[float, float] = (0.0, 0.0)

    @cached_property
    def buckets(self) -> tuple[GroupBucket, ...]:
        """The groups stacked by size and parameters (one call each)."""
        return group_buckets(self.groups, self.group_params)

    def __call__(self, xi: Array, out: Array) -> None:
        act = self.activation
        if act.group:
            group_forward_into(act.forward, xi, out, self.buckets, rows_last=False)
            return
        activate_into(act, xi, out, self.params, rows_last=False)

    def bn(self, xi: Array, out: Array) -> None:
        """The same in the ``(B, N)`` layout (rows on the last axis)."""
        act = self.activation
        if act.group:
            group_forward_into(act.forward, xi, out, self.buckets)
            return
        activate_into(act, xi, out, self.row_params)

    @cached_property
    def row_params(self) -> dict[str, Any]:
        """The parameters for the ``(B, N)`` layout: scalars, or one value per row."""
        return {k: v[:, 0] if np.ndim(v) else v for k, v in self.params.items()}


@dataclass(frozen=True, eq=False)
class OtherPotential:
    """Rows ``lo:hi`` of a stage with a non-weighted-sum potential (CSR function)."""

    lo: int
    hi: int
    potential: Potential
    indptr: Array
    sources: Array  # internal rows of the sources, one per connection
    weights: Array
    bias: Array
    params: dict[str, Array]

    def __call__(self, state: Array) -> Array:
        values = state[self.sources].T  # (B, connections): the registry's layout
        bias = self.bias if self.potential.has_bias else np.zeros(self.hi - self.lo)
        return np.asarray(
            self.potential.forward(values, self.weights, self.indptr, bias, **self.params)
        ).T


@dataclass(frozen=True, eq=False)
class StagePlan:
    """A stage as contiguous internal rows ``lo:hi`` and the kernels that compute it.

    ``linear`` covers the weighted-sum rows ``lin_lo:lin_hi`` (a dense ``matrix``
    with source rows ``src``, or a CSR matrix over all internal rows).
    """

    lo: int
    hi: int
    lin_lo: int
    lin_hi: int
    dense: Array | None
    src: slice | Array | None
    sparse: sp.csr_matrix | None
    bias: Array | None  # (rows, 1), None when all zero
    others: tuple[OtherPotential, ...]
    acts: tuple[ActKernel, ...]
    exact: ExactRows | None = None  # threshold rows: exact decisions, the tie rule

    @cached_property
    def bias_row(self) -> Array:
        """The bias as a contiguous row, for the ``(B, N)`` layout."""
        return np.ascontiguousarray(self.bias[:, 0])

    @cached_property
    def integer_rule(self) -> IntegerRule | None:
        """How the stage decides its rows when every value it reads is an integer, or
        None when that needs the general exact path (see :class:`IntegerRule`)."""
        return IntegerRule.of(self)

    def decide_integer(self, state: Array, out: Array) -> None:
        """``out[:] = σ(ξ(state))`` by :attr:`integer_rule` (which must not be None):
        every value in ``state`` is an integer of magnitude below its ``limit``, so the
        computed ξ is the exact sum and one comparison decides every row, ties included.
        """
        # (``dot``: on tiny arrays it costs half of ``@``, and an exact sum is the same
        # in any order)
        xi = self.dense.dot(state[self.src]) if self.dense is not None else self._linear(state)
        if self.bias is not None:
            xi += self.bias
        rule = self.integer_rule
        assert rule is not None
        if rule.unit:  # low 0, high 1: the step function itself, its tie value h0
            np.heaviside(xi, rule.h0, out=out)
        else:
            high = np.greater(xi, 0.0) if rule.strict else np.greater_equal(xi, 0.0)
            np.copyto(out, np.where(high, rule.high, rule.low))

    @property
    def plain_dense(self) -> bool:
        """Only weighted sums, as one dense matrix, and no threshold rows (those are
        decided exactly in the ``(N, B)`` layout)."""
        return (self.dense is not None and not self.others and self.lin_lo == 0
                and self.lin_hi == self.hi - self.lo and self.exact is None)

    def evaluate_bn(self, state: Array | None, blocks: dict[tuple[int, int], Array]) -> None:
        """In the ``(B, N)`` layout: ``state[:, lo:hi] = σ(state[:, src] @ Wᵀ + b)``.

        One plain matrix product per stage, on a contiguous operand: when the stage
        reads exactly a block computed before (the inputs, or the previous layer of
        an MLP), that block itself, not a strided view of the state. The activation
        is applied in place and the result copied once into the state; it is kept in
        ``blocks`` for the next stage.
        """
        src = self.src
        operand = None
        if isinstance(src, slice):
            operand = blocks.get((src.start, src.stop))
        if operand is None:
            operand = state[:, src]
        xi = operand @ self.dense.T
        if self.bias is not None:
            xi += self.bias_row
        for k in self.acts:
            k.bn(xi[:, k.lo : k.hi], xi[:, k.lo : k.hi])
        if state is not None:  # else the state is assembled from the blocks later
            state[:, self.lo : self.hi] = xi
        blocks[(self.lo, self.hi)] = xi

    def potentials(self, state: Array) -> Array:
        """ξ of the stage's rows from the internal state ``(N, B)``: ``(rows, B)``."""
        rows = self.hi - self.lo
        if rows == 0:
            return np.empty((0, state.shape[1]), dtype=state.dtype)
        if self.lin_lo == 0 and self.lin_hi == rows and not self.others:
            xi = self._linear(state)
        else:
            xi = np.empty((rows, state.shape[1]), dtype=state.dtype)
            if self.lin_hi > self.lin_lo:
                xi[self.lin_lo : self.lin_hi] = self._linear(state)
            for seg in self.others:
                xi[seg.lo : seg.hi] = seg(state)
        if self.bias is not None:
            xi[self.lin_lo : self.lin_hi] += self.bias
        return xi

    def _linear(self, state: Array) -> Array:
        if self.dense is not None:
            return self.dense @ state[self.src]
        return np.asarray(self.sparse @ state)

    def activate(self, xi: Array, out: Array) -> None:
        """Write σ(ξ) into ``out`` (both ``(rows, B)``)."""
        for k in self.acts:
            k(xi[k.lo : k.hi], out[k.lo : k.hi])

    def evaluate(self, state: Array, out: Array, ymax: float | None = None) -> None:
        """``out[:] = σ(ξ(state))`` for the stage's rows (exact at threshold jumps).

        ``ymax`` bounds every ``|value|`` in ``state`` (computed when not given).
        """
        xi = self.potentials(state)
        ex = self.exact
        if ex is None:
            self.activate(xi, out)
            return
        # before ``out`` (which may be a view of the state) is overwritten
        old = state[self.lo + ex.rows] if ex.keep else None
        if ymax is None:
            ymax = _ymax(state)
        near = False
        for k in self.acts:
            if k.jump is None:
                k(xi[k.lo : k.hi], out[k.lo : k.hi])
                continue
            tol = k.tol[0] * ymax + k.tol[1]
            near |= threshold_near_into(xi[k.lo : k.hi], out[k.lo : k.hi], *k.jump, tol,
                                        ex.scratch)
        if near:  # some potential within rounding of 0 (a tie, or nearly): decide exactly
            ex.settle(xi, out, old, lambda src, b: state[src, b], ymax, rows_first=True,
                      whole=integral(state))


@dataclass(frozen=True, eq=False)
class IntegerRule:
    """A stage of threshold rows whose computed potentials are exact sums on integer
    states, and the comparison that then decides them (tie rule included).

    Every row is a weighted sum whose weights and bias are integers times one power of
    two, ``K·2**q`` (:func:`netsim.core.threshold.integer_form`), of a threshold
    activation with integer values whose value at ξ = 0 is its high one (``ξ ≥ 0``)
    for every row, or its low one for every row (``ξ > 0``; ``strict``). While every
    value the sums read is an integer of magnitude below ``limit`` (``Σ|K| + |B|``
    times it stays below 2**p, p the dtype's precision), no partial sum rounds, in any
    order: the computed ξ is the exact sum, so its comparison with 0 is the exact
    decision and ``ξ = 0`` exactly at a tie.
    """

    limit: float
    strict: bool
    low: Array | float
    high: Array | float
    unit: bool  # the values are 0 (low) and 1 (high) for every row
    h0: float  # the value at ξ = 0: 0.0 (strict) or 1.0 (see numpy.heaviside)

    @classmethod
    def of(cls, st: StagePlan) -> IntegerRule | None:
        """The rule of stage ``st``, or None when some row does not qualify."""
        ex, rows = st.exact, st.hi - st.lo
        if (ex is None or rows == 0 or len(ex.rows) != rows or st.others
                or st.lin_lo != 0 or st.lin_hi != rows or ex.keep
                or not bool(ex.linear.all())):
            return None
        int_room = ex.integers[2]
        if int_room is None:
            return None
        room = float(int_room.max())
        values = np.concatenate([ex.low, ex.high])
        info = np.finfo(ex.dtype)
        precision = info.nmant + 1  # 53 bits (float64), 24 (float32)
        # and no partial sum (below 2**p times the row's power of two) overflows
        biggest = float(max(np.abs(ex.weights).max(initial=0.0), np.abs(ex.bias).max()))
        if not (np.isfinite(room) and np.isfinite(values).all()
                and np.array_equal(values, np.rint(values))
                and biggest < 2.0 ** (info.maxexp - precision - 2)):
            return None
        if np.array_equal(ex.at_zero, ex.high):
            strict = False
        elif np.array_equal(ex.at_zero, ex.low):
            strict = True
        else:
            return None
        # ex.rows are the stage's rows in order (all of them): columns in row order;
        # the limit is halved so that its rounded quotient errs on the safe side
        limit = 2.0 ** (precision - 1) / max(room, 1.0)
        if limit <= 1.0:  # not even states of 0 and ±1 keep every sum exact
            return None
        low, high = column(ex.low), column(ex.high)
        unit = not isinstance(low, np.ndarray) and not isinstance(high, np.ndarray) and (
            low == 0.0 and high == 1.0)
        return cls(limit=limit, strict=strict, low=low, high=high, unit=unit,
                   h0=0.0 if strict else 1.0)


@dataclass(frozen=True, eq=False)
class Plan:
    """Internal layout of a program for one set of disjoint stages.

    ``perm[r]`` is the neuron index held in internal row ``r``; ``inv`` is its
    inverse. ``stages[s]`` covers internal rows ``stages[s].lo:stages[s].hi``.
    """

    perm: Array
    inv: Array
    stages: tuple[StagePlan, ...]
    identity: bool  # perm is the identity
    layout: str = "nb"  # "nb": internal (N, B); "bn": (B, N), dense layered plans only
    # what depends only on the program, computed on the first run (see input_rows)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def input_rows(self, prog: Program) -> tuple[Array, slice | None, Array]:
        """The internal rows of ``prog``'s inputs, the same as a slice when they are
        contiguous (else None), and the initial values in internal order; computed
        once per plan (a plan belongs to one program)."""
        found = self.memo.get("inputs")
        if found is None:
            rows = self.inv[prog.inputs]
            lo = int(rows[0]) if len(rows) else 0
            contiguous = len(rows) and np.array_equal(rows, np.arange(lo, lo + len(rows)))
            found = self.memo["inputs"] = (
                rows, slice(lo, lo + len(rows)) if contiguous else None,
                prog.initial[self.perm])
        return found

    def decide_integer(self, state: Array) -> None:
        """Every stage in order, each by its :attr:`StagePlan.integer_rule` (none may be
        None), on the internal state ``(N, B)`` whose values are integers below every
        rule's ``limit`` (see :meth:`StagePlan.decide_integer`; the common case of 0/1
        rows on a dense block runs here without a call per stage)."""
        steps = self.memo.get("integer steps")
        if steps is None:
            steps = self.memo["integer steps"] = [_integer_step(st) for st in self.stages]
        for dense, src, threshold, compare, rows, st in steps:
            if dense is None:
                st.decide_integer(state, state[rows])
            else:  # 0/1 rows: value = [Σ w·y ≥ −b] (> for strict), every term exact
                state[rows] = compare(dense.dot(state[src]), threshold)

    def output_rows(self, prog: Program) -> Array:
        """The internal rows of ``prog``'s outputs (computed once per plan)."""
        found = self.memo.get("outputs")
        if found is None:
            found = self.memo["outputs"] = self.inv[prog.outputs]
        return found

    def output_index(self, prog: Program) -> slice | Array:
        """The internal rows of ``prog``'s outputs as a slice when they are contiguous,
        else as an array (computed once per plan)."""
        at = self.memo.get("output slice")
        if at is None:
            rows = self.output_rows(prog)
            lo = int(rows[0]) if len(rows) else 0
            contiguous = len(rows) and np.array_equal(rows, np.arange(lo, lo + len(rows)))
            at = self.memo["output slice"] = slice(lo, lo + len(rows)) if contiguous else rows
        return at

    def outputs_of(self, prog: Program, internal: Array) -> Array:
        """The output neurons' values ``(B, m)`` of an internal state, as a new array
        (one slice and one copy when the outputs' rows are contiguous, as they are in
        a layered plan: a gather costs several times that on a small state)."""
        at = self.output_index(prog)
        if isinstance(at, slice):
            return (internal[:, at] if self.layout == "bn" else internal[at].T).copy()
        return internal[:, at] if self.layout == "bn" else internal[at].T

    def patch_values(self, prog: Program, weight_positions: Array | None,
                     bias_neurons: Array | None) -> bool:
        """Take ``prog``'s new values at these positions (see :mod:`netsim.core.patching`)."""
        for key in ("pass", "integer steps"):  # derived from the values: derived again
            self.memo.pop(key, None)
        return patch_plan(self, prog, weight_positions, bias_neurons)

    def value_map(self, prog: Program) -> ValueMap:
        """Where each weight lives in this plan (built on the first patch, then kept)."""
        vmap = self.__dict__.get("_value_map")
        if vmap is None:
            vmap = self.__dict__["_value_map"] = value_map(self, prog)
        return vmap

    def initial(self, prog: Program, x: Array) -> Array:
        """The internal initial state for inputs ``x`` ``(B, k)`` (or one input ``(k,)``:
        a batch of one), built directly."""
        rows, at, start = self.input_rows(prog)
        if x.ndim == 1 and self.layout == "nb":  # one input: one copy, one write
            column = self.memo.get("initial column")
            if column is None:
                column = self.memo["initial column"] = np.ascontiguousarray(start[:, None])
            state = column.copy()
            state[rows if at is None else at, 0] = x
            return state
        if x.ndim == 1:
            x = x[None]
        batch = x.shape[0]
        contiguous = at is not None
        if not contiguous:
            at = rows
        if self.layout == "bn":
            state = np.empty((batch, prog.n_neurons), dtype=prog.dtype)
            if contiguous:  # write every column once
                state[:, : at.start] = start[: at.start]
                state[:, at.stop :] = start[at.stop :]
            else:
                state[...] = start
            state[:, at] = x
        else:
            state = np.empty((prog.n_neurons, batch), dtype=prog.dtype)
            if contiguous:
                state[: at.start] = start[: at.start, None]
                state[at.stop :] = start[at.stop :, None]
            else:
                state[...] = start[:, None]
            state[at] = x.T
        return state

    def to_internal(self, public: Array, owned: bool = False) -> Array:
        """``(B, N)`` public states → the internal array (a new one unless ``owned``).

        ``owned=True`` lets a ``"bn"`` plan with the identity order use ``public``
        itself.
        """
        if self.layout == "bn":
            if self.identity:
                return public if owned else public.copy()
            return public[:, self.perm]
        if self.identity:
            return np.array(public.T, order="C")  # always a copy, even for B = 1
        return np.ascontiguousarray(public[:, self.perm].T)

    def to_public(self, internal: Array, owned: bool = False) -> Array:
        """Internal states → ``(B, N)`` public states (a new array unless ``owned``)."""
        if self.layout == "bn":
            if self.identity:
                return internal if owned else internal.copy()
            return internal[:, self.inv]
        # a transposed view: one gather pass at most (the result need not be C-ordered)
        if self.identity:
            return internal.T if owned else internal.T.copy()
        return internal[self.inv].T


def _integer_step(st: StagePlan) -> tuple[Any, ...]:
    """What :meth:`Plan.decide_integer` does for stage ``st``: a dense stage of 0/1 rows
    compares its sums with the negated bias (exact, as the sums are); any other one
    calls :meth:`StagePlan.decide_integer`."""
    rule = st.integer_rule
    assert rule is not None  # (the caller checked every stage)
    rows = slice(st.lo, st.hi)
    if st.dense is None or not rule.unit:
        return None, None, None, None, rows, st
    threshold = 0.0 if st.bias is None else -st.bias
    return (st.dense, st.src, threshold, np.greater if rule.strict else np.greater_equal,
            rows, st)


def _ymax(state: Array) -> float:
    """A bound of every |value| a stage's sums read (the largest in the state)."""
    return float(np.max(np.abs(state), initial=0.0))


def build_plan(prog: Program, stages: Sequence[Array], allow_bn: bool = False) -> Plan:
    """Lay ``prog`` out for the disjoint target sets ``stages`` (neuron indices).

    With ``allow_bn``, a plan whose every stage is one plain dense product uses the
    ``(B, N)`` layout: inputs then need no transposition and each layer is one
    ``matmul`` on views (the layered rule on MLPs).
    """
    n = prog.n_neurons
    stage_of = np.full(n, -1, dtype=np.int64)
    for s, targets in enumerate(stages):
        stage_of[np.asarray(targets, dtype=np.int64)] = s
    # Internal order: neurons outside every stage first, then stage by stage; within a
    # stage by potential, activation and group so each kernel gets a contiguous slice.
    keys = (
        np.arange(n),
        prog.groups.astype(np.int64),
        prog.activation_ids.astype(np.int64),
        prog.potential_ids.astype(np.int64),
        stage_of,
    )
    perm = np.lexsort(keys)
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    boundaries = np.searchsorted(stage_of[perm], np.arange(len(stages) + 1))
    plans = [
        _stage_plan(prog, perm, inv, int(boundaries[s]), int(boundaries[s + 1]))
        for s in range(len(stages))
    ]
    layout = "bn" if allow_bn and plans and all(p.plain_dense for p in plans) else "nb"
    return Plan(perm, inv, tuple(plans), bool(np.array_equal(perm, np.arange(n))), layout)


def _runs(values: Array) -> list[tuple[int, int]]:
    """(start, stop) of the runs of equal consecutive values."""
    if len(values) == 0:
        return []
    cut = np.flatnonzero(values[1:] != values[:-1]) + 1
    edges = [0, *cut.tolist(), len(values)]
    return list(itertools.pairwise(edges))


def _stage_plan(prog: Program, perm: Array, inv: Array, lo: int, hi: int) -> StagePlan:
    neurons = perm[lo:hi]  # neuron indices of the stage's rows, in internal order
    dt = prog.dtype
    indptr = prog.indptr
    ws_id = next((k for k, p in enumerate(prog.potentials) if p.name == "weighted_sum"), -1)
    is_ws = prog.potential_ids[neurons] == ws_id
    # Weighted-sum rows are contiguous (sorted by potential id); find them.
    ws_rows = np.flatnonzero(is_ws)
    lin_lo, lin_hi = (int(ws_rows[0]), int(ws_rows[-1]) + 1) if len(ws_rows) else (0, 0)
    dense = src = sparse = None
    if lin_hi > lin_lo:
        lin = neurons[lin_lo:lin_hi]
        counts = indptr[lin + 1] - indptr[lin]
        pos = gather_ranges(indptr[lin], counts)
        cols = inv[prog.sources[pos]]
        data = prog.weights[pos]
        distinct = np.unique(cols)
        nrows = lin_hi - lin_lo
        if len(pos) >= DENSE_FILL * nrows * max(len(distinct), 1) and len(distinct):
            local = np.searchsorted(distinct, cols)
            row_of = np.repeat(np.arange(nrows), counts)
            dense = np.zeros((nrows, len(distinct)), dtype=dt)
            dense[row_of, local] = data
            a, b = int(distinct[0]), int(distinct[-1]) + 1
            src = slice(a, b) if b - a == len(distinct) else distinct
        else:
            local_indptr = np.zeros(nrows + 1, dtype=np.int64)
            np.cumsum(counts, out=local_indptr[1:])
            idx_dtype = np.int32 if prog.n_neurons < 2**31 and len(pos) < 2**31 else np.int64
            sparse = get_backend().csr(
                data, cols.astype(idx_dtype), local_indptr.astype(idx_dtype),
                (nrows, prog.n_neurons),
            )
            sparse.sort_indices()
    bias = None
    if lin_hi > lin_lo:
        b = prog.bias[neurons[lin_lo:lin_hi]]
        if np.any(b != 0):
            bias = b[:, None].astype(dt)
    others = []
    for a, b in _runs(prog.potential_ids[neurons]):
        if is_ws[a]:
            continue
        seg = neurons[a:b]
        pot = prog.potentials[int(prog.potential_ids[seg[0]])]
        counts = indptr[seg + 1] - indptr[seg]
        pos = gather_ranges(indptr[seg], counts)
        local_indptr = np.zeros(len(seg) + 1, dtype=np.int64)
        np.cumsum(counts, out=local_indptr[1:])
        others.append(
            OtherPotential(
                lo=a,
                hi=b,
                potential=pot,
                indptr=local_indptr,
                sources=inv[prog.sources[pos]],
                weights=prog.weights[pos],
                bias=prog.bias[seg],
                params={k: v[seg] for k, v in prog.potential_params[pot.name].items()},
            )
        )
    exact = ExactRows.build(prog, neurons, np.arange(len(neurons)), is_ws, inv)
    acts = []
    act_ids = prog.activation_ids[neurons]
    for a, b in _runs(act_ids):
        act = prog.activations[int(act_ids[a])]
        if act.group:
            continue  # below: a group may span runs (members with different potentials)
        seg = neurons[a:b]
        raw = {k: v[seg] for k, v in prog.activation_params[act.name].items()}
        jump = tol = None
        if act.jump is not None:
            low, high, _tie = jump_arrays(act, raw, b - a)
            jump, tol = (column(low), column(high)), exact.tolerance(a, b)
        acts.append(ActKernel(lo=a, hi=b, activation=act,
                              params={k: column(v) for k, v in raw.items()},
                              jump=jump, tol=tol or (0.0, 0.0)))
    stage_groups = prog.groups[neurons]
    for aid in np.unique(act_ids):
        act = prog.activations[int(aid)]
        if not act.group:
            continue
        members = act_ids == aid
        groups = []
        group_params = []
        for gid in np.unique(stage_groups[members]):
            idx = np.flatnonzero(members & (stage_groups == gid))
            contiguous = idx[-1] - idx[0] + 1 == len(idx)
            groups.append(slice(int(idx[0]), int(idx[-1]) + 1) if contiguous else idx)
            group_params.append({k: float(v[neurons[idx[0]]])  # one value per group
                                 for k, v in prog.activation_params[act.name].items()})
        acts.append(ActKernel(lo=0, hi=hi - lo, activation=act, params={},
                              groups=tuple(groups), group_params=tuple(group_params)))
    return StagePlan(
        lo=lo,
        hi=hi,
        lin_lo=lin_lo,
        lin_hi=lin_hi,
        dense=dense,
        src=src,
        sparse=sparse,
        bias=bias,
        others=tuple(others),
        acts=tuple(acts),
        exact=exact,
    )


def plan_for(
    prog: Program, key: str, stages: Callable[[], Sequence[Array]], allow_bn: bool = False
) -> Plan:
    """The plan of ``prog`` named ``key`` (built on first use, kept beside it)."""
    return derived(prog, ("plan", key), lambda: build_plan(prog, stages(), allow_bn))
