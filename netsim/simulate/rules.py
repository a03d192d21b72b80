"""Update rules as small strategy objects over a compiled program.

Each rule turns a batch of public initial states ``(B, N)`` into a *work* object and
advances it by at most one *unit*: one step (parallel), one sweep of ``n`` steps
(sequential, ``n`` = number of neurons with inputs) or the whole pass over the ``L``
layers (layered). The run loop in :mod:`netsim.simulate.engine` owns stopping,
stability, cycle detection, batches and traces; a rule only computes.

An :class:`Advance` reports, per active sample, whether anything changed by more
than ``tol`` and the offset of the last such change within the unit, plus the
states after every step when recording.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compile import Program
from ..core import Plan, derived, plan_for
from ..errors import ParameterError, did_you_mean

__all__ = [
    "ORDERS",
    "RULES",
    "Advance",
    "Layered",
    "Parallel",
    "Rule",
    "make_rule",
]

Array = np.ndarray

RULES = ("layered", "parallel", "sequential")
ORDERS = ("cyclic", "random", "random-replacement")


@dataclass
class Advance:
    """What one unit of work did, for the ``b`` active samples."""

    steps: int  # steps taken by every active sample
    changed: Array  # (b,) bool: some neuron changed by more than tol
    last_change: Array  # (b,) int: step offset (1-based) of the last such change, 0 none
    stable: Array  # (b,) bool: the state is known to be stable after this unit
    records: Array | None = None  # (steps, b, N) public states after each step


def digest_rows(codes: Array) -> list[bytes]:
    """A 128-bit BLAKE2b digest of each row of a 2-D array (state keys)."""
    codes = np.ascontiguousarray(codes)
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in codes]


class Rule:
    """Base class: the interface the run loop relies on."""

    name: str = ""
    order: str | None = None
    deterministic: bool = True
    unit: int = 1  # steps per unit (set by prepare)

    def prepare(self, prog: Program) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def start(self, init: Any, seed: Any, tol: float, record: bool) -> Any:
        raise NotImplementedError  # pragma: no cover

    def advance(self, work: Any, steps: int) -> Advance:
        raise NotImplementedError  # pragma: no cover

    def keys(self, work: Any) -> list[bytes]:
        raise NotImplementedError  # pragma: no cover

    def compact(self, work: Any, keep: Array) -> Any:
        raise NotImplementedError  # pragma: no cover

    def public(self, work: Any, owned: bool = False) -> Array:
        """Public ``(B, N)`` states; ``owned``: the work is not used afterwards."""
        raise NotImplementedError  # pragma: no cover

    def outputs(self, work: Any) -> Array:
        """The output neurons' values ``(B, m)`` (without building the whole state)."""
        return self.public(work)[:, self.prog.outputs]


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

    def public(self, work: dict, owned: bool = False) -> Array:
        return self.plan.to_public(work["cur"], owned)

    def outputs(self, work: dict) -> Array:
        rows = self.plan.inv[self.prog.outputs]
        cur = work["cur"]
        return cur[:, rows] if self.plan.layout == "bn" else cur[rows].T

    def compact(self, work: dict, keep: Array) -> dict:
        if self.plan.layout == "bn":
            return {"cur": work["cur"][keep], "blocks": {}}  # blocks: not needed any more
        return {k: np.ascontiguousarray(v[:, keep]) for k, v in work.items()}


class Layered(_Synchronous):
    """Step ℓ evaluates layer ℓ (ℓ = 1..L); after step L the state is final.

    Steps beyond L (only with a fixed ``steps``) evaluate nothing.
    """

    name = "layered"

    def prepare(self, prog: Program) -> None:
        self.prog = prog
        targets = prog.layer_targets  # raises CycleError naming a cycle
        self.plan = plan_for(prog, "layered", lambda: targets, allow_bn=True)
        self.unit = len(self.plan.stages)

    def start(self, init: Any, seed: Any, tol: float, record: bool) -> dict:
        self.tol, self.record = tol, record
        self.t = 0
        self.batch = init.x.shape[0]
        rows = self.plan.inv[self.prog.inputs]
        if self.plan.layout == "bn" and len(rows) and np.array_equal(
                rows, np.arange(rows[0], rows[0] + len(rows))):
            # dense layers: keep the inputs and each layer's outputs as contiguous
            # blocks; the whole (B, N) state is assembled only if someone asks for it
            return {"cur": None, "blocks": {(int(rows[0]), int(rows[-1]) + 1): init.x}}
        return {"cur": self.plan.initial(self.prog, init.x), "blocks": {}}

    def _state(self, work: dict) -> Array:
        """The internal state, assembling it from the blocks when needed."""
        if work["cur"] is None:
            plan, prog = self.plan, self.prog
            cur = np.empty((self.batch, prog.n_neurons), dtype=prog.dtype)
            cur[...] = prog.initial[plan.perm]
            for (a, b), block in work["blocks"].items():
                cur[:, a:b] = block
            work["cur"] = cur
        return work["cur"]

    def public(self, work: dict, owned: bool = False) -> Array:
        return self.plan.to_public(self._state(work), owned)

    def outputs(self, work: dict) -> Array:
        rows = self.plan.inv[self.prog.outputs]
        if work["cur"] is None and len(rows):
            lo, hi = int(rows.min()), int(rows.max())
            for (a, b), block in work["blocks"].items():
                if a <= lo and hi < b:
                    return block[:, rows - a]
        return super().outputs({"cur": self._state(work)})

    def compact(self, work: dict, keep: Array) -> dict:
        self._state(work)
        self.batch = len(keep)
        return super().compact(work, keep)

    def advance(self, work: dict, steps: int) -> Advance:
        records = [] if self.record else None
        stages = self.plan.stages
        bn = self.plan.layout == "bn"
        b = self.batch
        first = self.t
        for k in range(first, first + steps):
            if k < len(stages):  # layers read only earlier layers: update in place
                st = stages[k]
                if bn:
                    src = st.src
                    known = isinstance(src, slice) and (src.start, src.stop) in work["blocks"]
                    if work["cur"] is None and not known:
                        self._state(work)
                    st.evaluate_bn(work["cur"], work["blocks"])
                else:
                    st.evaluate(work["cur"], work["cur"][st.lo : st.hi])
            if records is not None:
                records.append(self.plan.to_public(self._state(work)))
        # The layered rule does not compare states: the transient is the number of
        # layers evaluated (the state is final once the last layer is done).
        evaluated = max(0, min(first + steps, len(stages)) - first)
        changed = np.full(b, evaluated > 0)
        last = np.full(b, evaluated, dtype=np.int64)
        self.t = first + steps
        done = np.full(b, self.t >= len(stages))
        rec = np.stack(records) if records else None
        return Advance(steps, changed, last, done, rec)

    def keys(self, work: dict) -> list[bytes]:  # pragma: no cover - not used
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
        self.two = derived(prog, "two_values", lambda: _two_values(prog, neurons))

    def start(self, init: Any, seed: Any, tol: float, record: bool) -> dict:
        self.tol, self.record = tol, record
        self.bits = self.two is not None and tol == 0
        cur = self.plan.initial(self.prog, init.x)
        work = {"cur": cur, "nxt": cur.copy()}
        if self.bits:
            block = cur[self.stage.lo : self.stage.hi]
            low, high, mid = self.two
            work["exact"] = ((block == low) | (block == high)).all(axis=0)
            work["packed"] = np.packbits(block > mid, axis=0)
        return work

    def advance(self, work: dict, steps: int) -> Advance:
        st = self.stage
        b = work["cur"].shape[1]
        changed = np.zeros(b, dtype=bool)
        last = np.zeros(b, dtype=np.int64)
        records = [] if self.record else None
        for k in range(steps):
            cur, nxt = work["cur"], work["nxt"]
            new = nxt[st.lo : st.hi]
            st.evaluate(cur, new)
            if self.bits:
                packed = np.packbits(new > self.two[2], axis=0)
                if work["exact"].all():
                    ch = (packed != work["packed"]).any(axis=0)
                else:  # the first step from an initial state with other values
                    ch = _changed(new, cur[st.lo : st.hi], 0.0)
                    work["exact"] = np.ones(b, dtype=bool)
                work["packed"] = packed
            else:
                ch = _changed(new, cur[st.lo : st.hi], self.tol)
            changed |= ch
            last[ch] = k + 1
            work["cur"], work["nxt"] = nxt, cur
            if records is not None:
                records.append(self.plan.to_public(nxt))
        rec = np.stack(records) if records else None
        return Advance(steps, changed, last, ~changed, rec)

    def keys(self, work: dict) -> list[bytes]:
        st = self.stage
        if self.bits and work["exact"].all():  # two values per neuron: one bit each
            return digest_rows(work["packed"].T)
        block = work["cur"][st.lo : st.hi]
        if self.bits:
            keys = digest_rows(block.T)
            packed_keys = digest_rows(work["packed"].T)
            return [pk if ok else fk for pk, fk, ok in
                    zip(packed_keys, keys, work["exact"].tolist(), strict=True)]
        return digest_rows(block.T)

    def compact(self, work: dict, keep: Array) -> dict:
        out = {k: np.ascontiguousarray(work[k][:, keep]) for k in ("cur", "nxt")}
        if "packed" in work:
            out["packed"] = work["packed"][:, keep]
            out["exact"] = work["exact"][keep]
        return out


def _two_values(prog: Program, neurons: Array) -> tuple[Array, Array, Array] | None:
    """Per neuron, its two possible values and their midpoint (columns), if all have 2."""
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
    """The rule object for ``name`` (None: layered if acyclic, else parallel)."""
    if name is None:
        name = "parallel" if prog.is_recurrent else "layered"
    if not isinstance(name, str) or name not in RULES:
        raise ParameterError(
            f"unknown rule {name!r}; allowed: {', '.join(RULES)}" + did_you_mean(name, RULES)
        )
    if not isinstance(order, str) or order not in ORDERS:
        raise ParameterError(
            f"unknown order {order!r}; allowed: {', '.join(ORDERS)}"
            + did_you_mean(order, ORDERS)
        )
    if name == "layered":
        rule: Rule = Layered()
    elif name == "parallel":
        rule = Parallel()
    else:
        from .sequential import Sequential

        rule = Sequential(order)
    rule.prepare(prog)
    return rule
