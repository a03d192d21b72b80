"""Update rules as small strategy objects over a compiled program, in a registry.

Each rule turns a batch of public initial states ``(B, N)`` into a *work* object and
advances it by at most one *unit*: one step (parallel), one sweep of ``n`` steps
(sequential, ``n`` = number of neurons with inputs) or the whole pass over the ``L``
layers (layered). The run loop in :mod:`netsim.simulate.engine` owns stopping,
stability, cycle detection, batches and traces; a rule only computes.

An :class:`Advance` reports, per active sample, whether anything changed by more
than ``tol`` and the offset of the last such change within the unit, plus the
states after every step when recording.

Rules are registered with their declared capabilities (:class:`RuleInfo`): whether
they need an acyclic network, their unit of work, whether they take an ``order``,
whether a repeated state means a cycle. The run loop reads only these, never a rule's
name or class: adding a rule is one :class:`Rule` subclass and one
:func:`register_rule` call (see docs/architecture.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compile import Program
from ..core import Plan, derived, is_derived, plan_for
from ..core.kernels import SMALL, max_abs
from ..core.threshold import value_bound
from ..errors import ParameterError, did_you_mean
from ..functions.registry import Registry

__all__ = [
    "ORDERS",
    "RULES",
    "RULE_REGISTRY",
    "Advance",
    "Layered",
    "Parallel",
    "Rule",
    "RuleInfo",
    "magnitude_of",
    "make_rule",
    "register_rule",
    "row_codes",
    "two_values",
]

Array = np.ndarray

ORDERS = ("cyclic", "random", "random-replacement")


@dataclass(frozen=True)
class RuleInfo:
    """A registered update rule and its declared capabilities.

    Attributes
    ----------
    name : str
        The name users pass as ``rule=``.
    make : callable
        ``make(order) -> Rule``: a fresh rule object (prepared by :func:`make_rule`).
    needs_acyclic : bool
        The rule refuses a recurrent network (with a CycleError naming a cycle).
    unit : {"step", "sweep", "pass"}
        What one unit of work is: one step; a sweep of ``n`` steps (the default bound
        ``max_steps`` then counts sweeps); or the whole pass over an acyclic network.
    takes_order : bool
        The rule uses ``order=`` (and ``seed=`` for the random orders).
    compares_states : bool
        Whether a repeated state is a cycle (for a deterministic order on discrete
        states); the layered rule's state is final after its pass instead.
    takes_temperature : bool
        The rule has stochastic (Glauber) updates: ``run(..., temperature=T)`` sets
        the rule object's ``temperature`` before :meth:`Rule.start`.
    """

    name: str
    make: Callable[[str], Rule]
    needs_acyclic: bool = False
    unit: str = "step"
    takes_order: bool = False
    compares_states: bool = True
    takes_temperature: bool = False


RULE_REGISTRY: Registry[RuleInfo] = Registry("rule")


def register_rule(info: RuleInfo, *, replace: bool = False) -> RuleInfo:
    """Make a rule available as ``net.run(..., rule=info.name)``.

    Examples
    --------
    >>> from netsim.simulate.rules import RULE_REGISTRY
    >>> info = RULE_REGISTRY.get("parallel")
    >>> info.unit, info.needs_acyclic, info.takes_order
    ('step', False, False)
    """
    if info.unit not in ("step", "sweep", "pass"):
        raise ParameterError(f"rule {info.name!r}: unit must be 'step', 'sweep' or 'pass', "
                             f"got {info.unit!r}")
    return RULE_REGISTRY.add(info.name, info, replace=replace)


@dataclass
class Advance:
    """What one unit of work did, for the ``b`` active samples."""

    steps: int  # steps taken by every active sample
    changed: Array  # (b,) bool: some neuron changed by more than tol
    last_change: Array  # (b,) int: step offset (1-based) of the last such change, 0 none
    stable: Array  # (b,) bool: the state is known to be stable after this unit
    records: Array | None = None  # (steps, b, N) public states after each step


@dataclass
class SyncWork:
    """The work of a synchronous rule (layered, parallel): the internal state ``cur``
    (``None`` while a dense layered pass keeps only its ``blocks``), the parallel rule's
    second buffer ``nxt``, and its packed bits (one per neuron with two values) with
    ``exact``: per sample, whether the state holds only those two values."""

    cur: Array | None
    nxt: Array | None = None
    blocks: dict[tuple[int, int], Array] = field(default_factory=dict)
    packed: Array | None = None
    exact: Array | None = None


def digest_rows(codes: Array) -> list[bytes]:
    """A 128-bit BLAKE2b digest of each row of a 2-D array (state keys)."""
    codes = np.ascontiguousarray(codes)
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in codes]


# A state whose bytes fit in this many 64-bit words is its own code (exact); a longer
# one is coded by its 128-bit BLAKE2b digest.
EXACT_WORDS = 2


def row_codes(rows: Array) -> Array:
    """Codes of the rows of a 2-D array ``(b, m)``: ``(b, W)`` ``uint64`` words, equal
    exactly when the rows' bytes are (the bytes themselves, zero-padded, for up to
    :data:`EXACT_WORDS` words; else the rows' 128-bit digests).

    >>> import numpy as np
    >>> c = row_codes(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1]], dtype=np.uint8))
    >>> c.shape, bool((c[0] == c[1]).all()), bool((c[0] == c[2]).all())
    ((3, 1), True, False)
    """
    rows = np.ascontiguousarray(rows)
    b = rows.shape[0]
    raw = rows.view(np.uint8).reshape(b, -1)
    width = raw.shape[1]
    if width > 8 * EXACT_WORDS:
        return np.frombuffer(b"".join(digest_rows(raw)), dtype=np.uint64).reshape(b, 2)
    words = max(1, -(-width // 8))
    if width == 8 * words:
        return raw.view(np.uint64)
    padded = np.zeros((b, 8 * words), dtype=np.uint8)
    padded[:, :width] = raw
    return padded.view(np.uint64)


class Rule:
    """Base class: the interface the run loop relies on."""

    name: str = ""
    order: str | None = None
    deterministic: bool = True
    unit: int = 1  # steps per unit (set by prepare)
    temperature: float | None = None  # Glauber updates (rules that take a temperature)
    info: RuleInfo  # the registered capabilities (set by make_rule)
    prog: Program  # the program it runs (set by prepare)

    def prepare(self, prog: Program) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    #: The rule offers :meth:`run_pass` (a single-pass rule: the whole run from the
    #: default initial state in one call, which a run with every option at its default
    #: then makes). A subclass that redefines :meth:`start` or :meth:`advance` without
    #: its own :meth:`run_pass` does not offer it (see ``__init_subclass__``).
    single_pass: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__
        if ("start" in own or "advance" in own) and "run_pass" not in own:
            cls.single_pass = False  # the inherited pass would not be this rule's

    def run_pass(self, x: Array, magnitude: tuple[float, bool] | None = None
                 ) -> Any:  # pragma: no cover - interface
        """The whole run from the default initial state with inputs ``x`` ``(B, k)``:
        the work after the single pass (rules with ``single_pass``); ``magnitude`` is
        ``x``'s :func:`magnitude_of` when the caller knows it."""
        raise NotImplementedError

    def start(self, init: Any, seed: Any, tol: float, record: bool) -> Any:
        raise NotImplementedError  # pragma: no cover

    def advance(self, work: Any, steps: int) -> Advance:
        raise NotImplementedError  # pragma: no cover

    def keys(self, work: Any) -> list[bytes]:
        raise NotImplementedError  # pragma: no cover

    def codes(self, work: Any) -> tuple[Array, Array | None]:
        """The active samples' states as codes ``(b, W)`` (``uint64`` rows equal exactly
        when the states are; see :func:`row_codes`) and, optionally, a ``(b,)`` mask of
        the codes that may match (False: a state that can never recur). By default, the
        128-bit digests of :meth:`keys`."""
        keys = self.keys(work)
        return np.frombuffer(b"".join(keys), dtype=np.uint64).reshape(len(keys), -1), None

    def compact(self, work: Any, keep: Array) -> Any:
        raise NotImplementedError  # pragma: no cover

    def public(self, work: Any, owned: bool = False) -> Array:
        """Public ``(B, N)`` states; ``owned``: the work is not used afterwards."""
        raise NotImplementedError  # pragma: no cover

    def outputs(self, work: Any) -> Array:
        """The output neurons' values ``(B, m)`` (without building the whole state)."""
        return self.public(work)[:, self.prog.outputs]

    def public_rows(self, work: Any, rows: Array) -> Array:
        """The public states of the active samples at positions ``rows``."""
        return self.public(work)[rows]


def magnitude_of(x: Array, integers: bool = True) -> tuple[float, bool]:
    """The largest ``|value|`` of ``x`` (finite values) and, when ``integers`` is asked,
    whether every value is an integer.

    >>> import numpy as np
    >>> magnitude_of(np.array([[1.0, -3.0]])), magnitude_of(np.array([0.5]))
    ((3.0, True), (0.5, False))
    """
    if x.size <= SMALL:  # a few values: plain Python costs less than array calls
        values = (x if x.ndim == 1 else x.ravel()).tolist()
        return (max(map(abs, values), default=0.0),
                integers and all(map(float.is_integer, values)))
    return max_abs(x), integers and bool(np.array_equal(x, np.rint(x)))


def _changed(new: Array, old: Array, tol: float) -> Array:
    """Per column (sample): did some row change by more than ``tol``?"""
    if new.shape[0] == 0:
        return np.zeros(new.shape[1], dtype=bool)
    if tol == 0:
        return (new != old).any(axis=0)
    return (np.abs(new - old) > tol).any(axis=0)


class _Synchronous(Rule):
    """Shared by the layered and parallel rules: an internal ``(N, B)`` state."""

    plan: Plan

    def patch_values(self, prog: Program, weight_positions: Any, bias_neurons: Any) -> bool:
        """The program's values changed in place (:func:`netsim.core.patch_values`):
        what this rule prepared is its plan and the structure, so it stays prepared
        while its plan could be patched."""
        return is_derived(prog, self.plan)

    def public(self, work: SyncWork, owned: bool = False) -> Array:
        return self.plan.to_public(work.cur, owned)

    def public_rows(self, work: SyncWork, rows: Array) -> Array:
        if self.plan.layout == "bn" or work.cur is None:
            return self.public(work)[rows]
        return self.plan.to_public(work.cur[:, rows], owned=True)

    def outputs(self, work: SyncWork) -> Array:
        return self.plan.outputs_of(self.prog, work.cur)

    def compact(self, work: SyncWork, keep: Array) -> SyncWork:
        if self.plan.layout == "bn":
            return SyncWork(work.cur[keep])  # blocks: not needed any more
        return SyncWork(np.ascontiguousarray(work.cur[:, keep]))


class Layered(_Synchronous):
    """Step ℓ evaluates layer ℓ (ℓ = 1..L); after step L the state is final.

    Steps beyond L (only with a fixed ``steps``) evaluate nothing.
    """

    name = "layered"
    single_pass = True

    def prepare(self, prog: Program) -> None:
        self.prog = prog
        targets = prog.layer_targets  # raises CycleError naming a cycle
        self.plan = plan_for(prog, "layered", lambda: targets, allow_bn=True)
        self.unit = len(self.plan.stages)

    def start(self, init: Any, seed: Any, tol: float, record: bool) -> SyncWork:
        self.tol, self.record = tol, record
        self.t = 0
        self.batch = init.x.shape[0]
        block = self._pass()[0]
        if not init.given and block is not None:
            # dense layers: keep the inputs and each layer's outputs as contiguous
            # blocks; the whole (B, N) state is assembled only if someone asks for it.
            self.ymax = None
            return SyncWork(None, blocks={block: init.x})
        cur = init.internal(self.plan)
        # discrete neurons: one bound of every |value| for the whole pass (the rounding
        # bounds of the threshold rows), else each stage measures the state
        vmax = value_bound(self.prog) if self.plan.stages and any(
            st.exact is not None for st in self.plan.stages) else None
        self.ymax = None if vmax is None else max(vmax, max_abs(cur))
        return SyncWork(cur)

    def run_pass(self, x: Array, magnitude: tuple[float, bool] | None = None) -> SyncWork:
        """The whole pass from the default initial state with inputs ``x`` ``(B, k)``
        (finite; or one input ``(k,)``, a batch of one): the work :meth:`start` and
        :meth:`advance` over every layer leave, without their per-step bookkeeping (no
        record) and without changing the rule object (a prepared rule may serve every
        run). When every value the layers
        read is an integer, threshold layers whose sums are then exact decide by one
        comparison (see :class:`netsim.core.layout.IntegerRule`). ``magnitude``:
        ``x``'s largest ``|value|`` and whether every value is an integer, when the
        caller knows them."""
        plan = self.plan
        block, bound, limit = self._pass()
        if plan.layout == "bn":
            if x.ndim == 1:
                x = x[None]
            work = SyncWork(None, blocks={block: x}) if block is not None else SyncWork(
                plan.initial(self.prog, x))
            for st in plan.stages:
                self._evaluate_bn(work, st)
            return work
        cur = plan.initial(self.prog, x)
        ymax = None
        whole = False
        if bound is not None:
            xmax, whole = magnitude or magnitude_of(x, integers=limit > 0)
            ymax = max(bound, xmax)
        if whole and ymax < limit:
            plan.decide_integer(cur)
        else:
            for st in plan.stages:
                st.evaluate(cur, cur[st.lo : st.hi], ymax)
        return SyncWork(cur)

    def _pass(self) -> tuple[tuple[int, int] | None, float | None, float]:
        """What a pass from the default initial state needs, computed once per plan:

        - the inputs' internal columns when the pass can keep its values as blocks (a
          ``(B, N)`` plan whose inputs are contiguous and not updated: a later layer
          must read an updated input's new value, not the input block), else None;
        - a bound of every ``|value|`` but the inputs' (None: some neuron is not
          discrete, each stage measures the state);
        - the bound of ``|values|`` below which every layer decides by its
          :class:`~netsim.core.layout.IntegerRule` (0: some layer cannot, or some
          initial value is not an integer).
        """
        memo = self.plan.memo
        found = memo.get("pass")
        if found is None:
            prog, plan = self.prog, self.plan
            _rows, at, _start = plan.input_rows(prog)
            block = (at.start, at.stop) if (plan.layout == "bn" and at is not None and not (
                prog.has_input[prog.inputs].any())) else None
            vmax = value_bound(prog) if plan.stages and any(
                st.exact is not None for st in plan.stages) else None
            others = np.ones(prog.n_neurons, dtype=bool)
            others[prog.inputs] = False
            initial = prog.initial[others]
            bound = None if vmax is None else max(vmax, max_abs(initial))
            rules = [st.integer_rule for st in plan.stages]
            limit = 0.0
            if rules and all(r is not None for r in rules) and np.array_equal(
                    initial, np.rint(initial)):
                limit = min(r.limit for r in rules if r is not None)
            found = memo["pass"] = (block, bound, limit)
        return found

    def _evaluate_bn(self, work: SyncWork, st: Any) -> None:
        """Stage ``st`` of a ``(B, N)`` plan, from the blocks while it reads exactly one
        (else from the state, assembled now)."""
        src = st.src
        if work.cur is None and not (isinstance(src, slice)
                                     and (src.start, src.stop) in work.blocks):
            self._state(work)
        st.evaluate_bn(work.cur, work.blocks)

    def _state(self, work: SyncWork) -> Array:
        """The internal state, assembling it from the blocks when needed."""
        if work.cur is None:
            plan, prog = self.plan, self.prog
            batch = next(iter(work.blocks.values())).shape[0]
            cur = np.empty((batch, prog.n_neurons), dtype=prog.dtype)
            cur[...] = prog.initial[plan.perm]
            for (a, b), block in work.blocks.items():
                cur[:, a:b] = block
            work.cur = cur
        return work.cur

    def public(self, work: SyncWork, owned: bool = False) -> Array:
        return self.plan.to_public(self._state(work), owned)

    def outputs(self, work: SyncWork) -> Array:
        cur = work.cur
        if cur is None:  # the outputs from the block holding them, if one does
            at = self.plan.output_index(self.prog)
            if isinstance(at, slice):
                lo, hi = at.start, at.stop - 1
            elif len(at):
                lo, hi = int(at.min()), int(at.max())
            else:
                lo, hi = 0, -1  # no output: any block holds them
            for (a, b), block in work.blocks.items():
                if a <= lo and hi < b:
                    if isinstance(at, slice):
                        return block[:, at.start - a : at.stop - a].copy()
                    return block[:, at - a]
        return self.plan.outputs_of(self.prog, self._state(work) if cur is None else cur)

    def compact(self, work: SyncWork, keep: Array) -> SyncWork:
        self._state(work)
        self.batch = len(keep)
        return super().compact(work, keep)

    def advance(self, work: SyncWork, steps: int) -> Advance:
        records = [] if self.record else None
        stages = self.plan.stages
        bn = self.plan.layout == "bn"
        b = self.batch
        first = self.t
        for k in range(first, first + steps):
            if k < len(stages):  # layers read only earlier layers: update in place
                st = stages[k]
                if bn:
                    self._evaluate_bn(work, st)
                else:
                    st.evaluate(work.cur, work.cur[st.lo : st.hi], self.ymax)
            if records is not None:
                records.append(self.plan.to_public(self._state(work)))
        # The layered rule does not compare states: the transient is the number of
        # layers evaluated (the state is final once the last layer is done).
        evaluated = max(0, min(first + steps, len(stages)) - first)
        changed = np.ones(b, dtype=bool) if evaluated > 0 else np.zeros(b, dtype=bool)
        last = np.empty(b, dtype=np.int64)
        last.fill(evaluated)
        self.t = first + steps
        done = changed if self.t >= len(stages) and evaluated > 0 else np.full(
            b, self.t >= len(stages))
        rec = np.stack(records) if records else None
        return Advance(steps, changed, last, done, rec)

    def keys(self, work: SyncWork) -> list[bytes]:  # pragma: no cover - not used
        return []


class Parallel(_Synchronous):
    """Every step recomputes every neuron with inputs from the previous state.

    When every updated neuron has two possible values (step, sign) and ``tol`` is 0,
    a state is summarised by one bit per neuron (packed): change detection and the
    state keys then read 1/64 of the data. A state holding any other value (an
    initial state, before the first step) is compared and keyed by its exact floats.
    """

    name = "parallel"

    def prepare(self, prog: Program) -> None:
        self.prog = prog
        self.plan = plan_for(prog, "parallel", lambda: [prog.updated])
        self.stage = self.plan.stages[0]
        self.unit = 1 if len(self.stage.acts) else 0  # no neuron with inputs: nothing to do
        neurons = self.plan.perm[self.stage.lo : self.stage.hi]
        # (low, high, mid) columns, or None
        self.two = derived(prog, "two_values", lambda: two_values(prog, neurons))

    def start(self, init: Any, seed: Any, tol: float, record: bool) -> SyncWork:
        self.tol, self.record = tol, record
        # one bit per neuron only while every value stays on the two values: a neuron
        # keeping a tie may keep a value off them for good
        keeps = self.stage.exact is not None and self.stage.exact.keep
        self.bits = self.two is not None and tol == 0 and not keeps
        cur = init.internal(self.plan)
        # discrete neurons: one bound of every |value| for the whole run (rounding bounds)
        vmax = value_bound(self.prog)
        self.ymax = None if vmax is None else max(vmax, float(np.max(np.abs(cur), initial=0)))
        work = SyncWork(cur, cur.copy())
        if self.bits:
            block = cur[self.stage.lo : self.stage.hi]
            low, high, mid = self.two
            work.exact = ((block == low) | (block == high)).all(axis=0)
            work.packed = _pack_columns(block > mid)
        return work

    def advance(self, work: SyncWork, steps: int) -> Advance:
        st = self.stage
        b = work.cur.shape[1]
        changed = np.zeros(b, dtype=bool)
        last = np.zeros(b, dtype=np.int64)
        records = [] if self.record else None
        for k in range(steps):
            cur, nxt = work.cur, work.nxt
            new = nxt[st.lo : st.hi]
            st.evaluate(cur, new, self.ymax)
            if self.bits:
                packed = _pack_columns(new > self.two[2])
                if work.exact.all():
                    ch = (packed != work.packed).any(axis=0)
                else:  # the first step from an initial state with other values
                    ch = _changed(new, cur[st.lo : st.hi], 0.0)
                    work.exact = np.ones(b, dtype=bool)
                work.packed = packed
            else:
                ch = _changed(new, cur[st.lo : st.hi], self.tol)
            changed |= ch
            last[ch] = k + 1
            work.cur, work.nxt = nxt, cur
            if records is not None:
                records.append(self.plan.to_public(nxt))
        rec = np.stack(records) if records else None
        return Advance(steps, changed, last, ~changed, rec)

    def codes(self, work: SyncWork) -> tuple[Array, Array | None]:
        if self.bits:  # two values per neuron: one bit each
            # a state off the two values (an initial state) never recurs: it matches
            # nothing once every later state is on them
            return row_codes(work.packed.T), None if work.exact.all() else work.exact
        st = self.stage
        return row_codes(work.cur[st.lo : st.hi].T), None

    def keys(self, work: SyncWork) -> list[bytes]:
        st = self.stage
        if self.bits and work.exact.all():  # two values per neuron: one bit each
            return digest_rows(work.packed.T)
        block = work.cur[st.lo : st.hi]
        if self.bits:
            keys = digest_rows(block.T)
            packed_keys = digest_rows(work.packed.T)
            return [pk if ok else fk for pk, fk, ok in
                    zip(packed_keys, keys, work.exact.tolist(), strict=True)]
        return digest_rows(block.T)

    def compact(self, work: SyncWork, keep: Array) -> SyncWork:
        cur = np.ascontiguousarray(work.cur[:, keep])
        # the second buffer: only its rows outside the stage are read (the neurons
        # without inputs, equal in both buffers)
        out = SyncWork(cur, cur.copy())
        if work.packed is not None:
            out.packed = work.packed[:, keep]
            out.exact = work.exact[keep]
        return out


def _pack_columns(bits: Array) -> Array:
    """``np.packbits(bits, axis=0)``, packed along rows of a transposed copy (about
    3× faster than along the first axis of a (neurons, batch) block)."""
    return np.packbits(np.ascontiguousarray(bits.T), axis=1).T


def two_values(prog: Program, neurons: Array) -> tuple[Array, Array, Array] | None:
    """Per neuron of ``neurons``, its two possible values and their midpoint (columns
    ``(n, 1)``), if every one has exactly two (else None)."""
    if not prog.discrete or len(neurons) == 0:
        return None
    low = np.empty(len(neurons))
    high = np.empty(len(neurons))
    act_ids = prog.activation_ids[neurons]
    for aid in np.unique(act_ids):
        act = prog.activations[int(aid)]
        rows = np.flatnonzero(act_ids == aid)
        params = prog.activation_params[act.name]
        if not params:
            combos, inverse = [()], np.zeros(len(rows), dtype=np.int64)
        else:
            stacked = np.stack([params[k][neurons[rows]] for k in params], axis=1)
            combos, inverse = np.unique(stacked, axis=0, return_inverse=True)
            inverse = inverse.ravel()
        for c, combo in enumerate(combos):
            values = act.values(dict(zip(params, np.asarray(combo).tolist(), strict=True)))
            if len(values) != 2:
                return None
            low[rows[inverse == c]] = min(values)
            high[rows[inverse == c]] = max(values)
    dt = prog.dtype
    return (low[:, None].astype(dt), high[:, None].astype(dt),
            ((low + high) / 2)[:, None].astype(dt))


def make_rule(name: str | None, order: str, prog: Program) -> Rule:
    """The prepared rule object for ``name`` (None: layered if acyclic, else parallel)."""
    if name is None:
        name = "parallel" if prog.is_recurrent else "layered"
    names = RULE_REGISTRY.names()
    if not isinstance(name, str) or name not in RULE_REGISTRY:
        raise ParameterError(
            f"unknown rule {name!r}; allowed: {', '.join(names)}" + did_you_mean(name, names)
        )
    if not isinstance(order, str) or order not in ORDERS:
        raise ParameterError(
            f"unknown order {order!r}; allowed: {', '.join(ORDERS)}"
            + did_you_mean(order, ORDERS)
        )
    info = RULE_REGISTRY.get(name)

    def prepared() -> Rule:
        if info.needs_acyclic:
            prog.layer_targets  # noqa: B018 - raises CycleError naming a cycle
        rule = info.make(order)
        rule.info = info
        rule.prepare(prog)
        return rule

    # What a rule prepares depends only on the program: prepared once, then each run
    # gets its own shallow copy (a run sets per-run attributes on it).
    protos: PreparedRules = derived(prog, "rules", PreparedRules)
    proto = protos.get((name, order))
    if proto is None or proto.info is not info:  # (a rule registered again: rebuilt)
        proto = protos[name, order] = prepared()
    rule = object.__new__(type(proto))
    rule.__dict__.update(proto.__dict__)
    return rule


class PreparedRules(dict):
    """The rules prepared for one program, by (name, order).

    After a change of values in place, a rule that can follow it (its own
    ``patch_values``, e.g. a plan that was patched) stays; the others are prepared
    again on their next use. Patched after the plans it holds (see
    :func:`netsim.core.patch_values`).
    """

    derived_from_others = True

    def patch_values(self, prog: Program, weight_positions: Any, bias_neurons: Any) -> bool:
        for key, rule in list(self.items()):
            patch = getattr(rule, "patch_values", None)
            if patch is None or not patch(prog, weight_positions, bias_neurons):
                del self[key]
        return True


def _sequential(order: str) -> Rule:
    from .sequential import Sequential  # the largest rule: loaded when first used

    return Sequential(order)


register_rule(RuleInfo("layered", lambda _order: Layered(), needs_acyclic=True, unit="pass",
                       compares_states=False))
register_rule(RuleInfo("parallel", lambda _order: Parallel()))
register_rule(RuleInfo("sequential", _sequential, unit="sweep", takes_order=True,
                       takes_temperature=True))

# The built-in rule names (the public tuple; RULE_REGISTRY also holds any added later).
RULES = tuple(RULE_REGISTRY.names())
