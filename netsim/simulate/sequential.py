"""The sequential (asynchronous) rule: one neuron per step.

A *sweep* is ``n`` consecutive steps, ``n`` = the number of neurons with inputs.
Step ``t`` (1-based) belongs to sweep ``(t − 1) // n`` and selects:

- ``order="cyclic"``: the neurons with inputs in neuron order;
- ``order="random"``: sweep ``s`` follows the ``s``-th permutation drawn from
  ``numpy.random.default_rng(seed)`` (``rng.permutation`` of the neurons with
  inputs, one per sweep, drawn in sweep order);
- ``order="random-replacement"``: sweep ``s`` follows the ``s``-th block of ``n``
  uniform draws (``rng.integers(0, n, size=n)``), so a neuron may be selected twice
  in a sweep or not at all.

Every sample of a batch follows the same selections (the same seed gives the same
run, and a batch gives exactly the per-sample runs). The selected neuron is
evaluated from the current state and takes its new value at once; a neuron of a
softmax group evaluates its whole group.

Speed without changing the semantics: for weighted-sum neurons with elementwise
activations, the potentials are kept up to date incrementally (when neuron ``i``
changes by ``δ``, ``ξ_j += δ·w_ji`` for its successors) and a selection whose neuron
would not change is skipped without Python work (it is still counted as a step).
Only a neuron the incremental potentials mark as changing — or, for discrete
activations, as lying within rounding distance of a jump — is evaluated, from a
freshly computed potential, so rounding in the incremental sums never decides an
update. Other networks are evaluated neuron by neuron.

On a dense float64 network of step/sign neurons, the full products that (re)start
the incremental potentials are taken in float32 (half the memory traffic, which
bounds this rule on Hopfield networks) and a rigorous bound of their rounding error
(``γ_(n+1)·Σ_i |w_ji·y_i|`` with the float32 unit roundoff, doubled) is added to the
margins: a neuron that bound leaves undecided is evaluated on a fresh float64 sum,
so the result is the float64 run's.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from ..compile import Program
from ..core import Plan, activate_into, derived, evaluate_stage, parallel_stage, plan_for, stage
from ..core.threshold import exact_sign, gamma, jump_arrays
from ..functions import Activation
from .rules import Advance, Rule, digest_rows

__all__ = ["Sequential"]

Array = np.ndarray

# Incremental potentials are recomputed from scratch after this many changes.
RESYNC_CHANGES = 1000
# Dense networks up to this size keep a dense weight matrix for batched changes.
DENSE_MAX_NEURONS = 4096
# Most changes speculated on at once by _sweep_threshold_dense.
BLOCK = 32


def _out_csr(prog: Program) -> tuple[Array, Array, Array]:
    """Outgoing connections (CSR by source): indptr, targets, weights (cached)."""

    def build() -> tuple[Array, Array, Array]:
        n = prog.n_neurons
        row_of = np.repeat(np.arange(n), prog.in_degree)
        order = np.argsort(prog.sources, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(prog.sources, minlength=n), out=indptr[1:])
        return indptr, row_of[order], prog.weights[order]

    return derived(prog, "out_csr", build)


@dataclass
class SequentialTables:
    """What the sequential rule derives from a program once (kept beside it)."""

    upd: Array  # neurons with inputs
    fast: bool  # weighted sums and elementwise activations: incremental potentials
    act_ids: Array  # activations of the updated neurons
    discrete: bool
    uniform: tuple[Activation, dict[str, float]] | None = None  # one activation, params
    threshold: tuple[float, float] | None = None  # (low, high): a jump at ξ = 0
    # per neuron: the jump of a threshold activation (low, high, at ξ = 0; NaN: keep)
    has_jump: Array | None = None
    jumps: Array | None = None  # (3, N)
    dense: Array | None = None  # dense weights, row i = out of neuron i
    dense32: Array | None = None  # its float32 copy for screening
    out: tuple[Array, Array, Array] | None = None  # outgoing CSR
    plan: Plan | None = None  # the parallel layout (fresh potentials)
    absrow: Array | None = None  # Σ_i |w_ji| per neuron
    vmax: float = 0.0  # the largest |value| of a discrete activation


@dataclass
class SampleWork:
    """One sample's state under the sequential rule: the state ``y`` and, on the fast
    paths, the incremental potentials ``xi`` with their rounding ``margin``, the side
    of the jump (threshold path) or the marks of neurons that may change (``uns``),
    and the number of changes since the last fresh computation."""

    y: Array
    xi: Array | None = None
    margin: Array | None = None
    side: Array | None = None
    uns: Array | None = None
    fresh: Array | None = None  # rounding bound of a fresh potential (threshold neurons)
    changes: int = 0


@dataclass
class BatchWork:
    """The whole batch's states ``y`` ``(B, N)``, advanced in lockstep (every sample
    takes the same step at once): the path of Glauber updates, and of large batches
    on dense threshold networks (one matrix-vector product per step for the batch)."""

    y: Array


# Batches at least this large on a dense threshold network run in lockstep.
LOCKSTEP_BATCH = 8


def _static(prog: Program) -> SequentialTables:
    """What the sequential rule derives from a program once (cached on it)."""
    upd = prog.updated.astype(np.int64)
    ws = [k for k, p in enumerate(prog.potentials) if p.name == "weighted_sum"]
    acts = np.unique(prog.activation_ids[upd])
    fast = bool(
        len(upd)
        and np.isin(prog.potential_ids[upd], ws).all()
        and not any(prog.activations[int(a)].group for a in acts)
    )
    out = SequentialTables(upd=upd, fast=fast, act_ids=acts, discrete=prog.discrete)
    out.has_jump = np.zeros(prog.n_neurons, dtype=bool)
    out.jumps = np.full((3, prog.n_neurons), np.nan)
    for a in acts:
        act = prog.activations[int(a)]
        if act.jump is not None:
            at = upd[prog.activation_ids[upd] == a]
            params = {k: v[at] for k, v in prog.activation_params[act.name].items()}
            out.has_jump[at] = True
            out.jumps[:, at] = np.stack(jump_arrays(act, params, len(at)))
    if not fast:
        return out
    out.out = _out_csr(prog)
    out.plan = plan_for(prog, "parallel", lambda: [prog.updated])
    if len(acts) == 1:
        act = prog.activations[int(acts[0])]
        params = {k: v[upd] for k, v in prog.activation_params[act.name].items()}
        if all(len(v) == 0 or np.all(v == v[0]) for v in params.values()):
            scalars = {k: float(v[0]) for k, v in params.items()}
            out.uniform = (act, scalars)
            if act.jump is not None:
                low, high, tie = act.jump(scalars)
                if tie != tie or tie in (low, high):  # two values: the threshold path
                    out.threshold = (low, high)
    if prog.discrete:
        row_of = np.repeat(np.arange(prog.n_neurons), prog.in_degree)
        out.absrow = np.bincount(row_of, weights=np.abs(prog.weights.astype(np.float64)),
                                    minlength=prog.n_neurons)
    n = prog.n_neurons
    if (out.threshold is not None and n <= DENSE_MAX_NEURONS
            and prog.n_connections >= 0.5 * n * n):
        # dense weights in neuron order, for batches of changes (see _sweep_threshold_dense)
        row_of = np.repeat(np.arange(n), prog.in_degree)
        # transposed: row i holds the weights out of neuron i (gathered by rows)
        dense_t = np.zeros((n, n), dtype=prog.dtype)
        dense_t[prog.sources, row_of] = prog.weights
        out.dense = dense_t
        aw = np.abs(prog.weights[prog.weights != 0])
        f32 = np.finfo(np.float32)
        if prog.dtype == np.float64 and len(aw) and (
            aw.min() >= float(f32.tiny) and float(out.absrow.max()) < float(f32.max) / 4
        ):
            # a float32 copy screens the full potential products (see _resync); only
            # for weights whose float32 rounding is relative (no underflow, no overflow)
            out.dense32 = dense_t.astype(np.float32)
    if prog.discrete:
        vmax = 0.0
        for a in acts:
            act = prog.activations[int(a)]
            params = prog.activation_params[act.name]
            if params:
                stacked = np.stack([v[upd] for v in params.values()], axis=1)
                for combo in np.unique(stacked, axis=0):
                    vals = act.values(dict(zip(params, combo.tolist(), strict=True)))
                    vmax = max(vmax, max(abs(v) for v in vals))
            else:
                vmax = max(vmax, max(abs(v) for v in act.values({})))
        out.vmax = vmax
    return out


class Sequential(Rule):
    """One neuron per step, in ``order`` (see the module docstring)."""

    name = "sequential"

    def __init__(self, order: str) -> None:
        self.order = order
        self.deterministic = order == "cyclic"

    # --- preparation -------------------------------------------------------------------

    def prepare(self, prog: Program) -> None:
        self.prog = prog
        self.tab = derived(prog, "sequential", lambda: _static(prog))
        self.unit = len(self.tab.upd)

    def _sigma(self, idx: Array, xi: Array) -> Array:
        """σ_j(ξ_j) for the neurons ``idx`` (1-D), elementwise activations only."""
        if self.tab.uniform is not None:
            act, params = self.tab.uniform
            out = np.empty_like(xi)
            activate_into(act, xi, out, params)
            return out
        prog = self.prog
        out = np.empty_like(xi)
        ids = prog.activation_ids[idx]
        for a in self.tab.act_ids:
            m = ids == a
            if m.any():
                act = prog.activations[int(a)]
                params = {k: v[idx[m]] for k, v in prog.activation_params[act.name].items()}
                out[m] = act.forward(xi[m], **params)  # a fancy-indexed copy: no kernel
        return out

    def _decide(self, w: SampleWork, j: int, xj: float) -> float:
        """The new value of threshold neuron ``j`` from its fresh potential ``xj``: exact
        where rounding could decide the side (:mod:`netsim.core.threshold`), the tie
        rule at exactly 0 (a value, or NaN: keep)."""
        prog = self.prog
        a, e = prog.indptr[j], prog.indptr[j + 1]
        if w.fresh is not None:
            bound = w.fresh[j]
        else:  # values without a bound (continuous neurons): the row's own
            row = np.abs(prog.weights[a:e]) @ np.abs(w.y[prog.sources[a:e]])
            bound = gamma(e - a + 1, w.y.dtype) * (abs(prog.bias[j]) + row)
        if abs(xj) <= bound:
            sgn = exact_sign(float(prog.bias[j]), prog.weights[a:e], w.y[prog.sources[a:e]])
        else:
            sgn = 1 if xj > 0 else -1 if xj < 0 else 0
        low, high, tie = self.tab.jumps[:, j]
        if sgn > 0:
            return high
        if sgn < 0:
            return low
        return w.y[j] if tie != tie else tie

    def _unstable(self, w: SampleWork, idx: Array) -> Array:
        """Neurons of ``idx`` that may change when selected (see module docstring)."""
        xi, y = w.xi[idx], w.y[idx]
        if self.tab.threshold is not None:  # step / sign: 'high' iff ξ >= 0, jump at 0
            low, high = self.tab.threshold
            return ((xi >= 0) != (y == high)) | (np.abs(xi) <= w.margin[idx]) | (
                (y != low) & (y != high))
        out = self._sigma(idx, xi) != y
        if self.tab.discrete:
            m = w.margin[idx]
            out |= (self._sigma(idx, xi + m) != y) | (self._sigma(idx, xi - m) != y)
        return out

    # --- work --------------------------------------------------------------------------

    def start(self, init: Any, seed: Any, tol: float, record: bool
              ) -> list[SampleWork] | BatchWork:
        state = init.public()
        self.tol, self.record = tol, record
        self.rng = np.random.default_rng(seed)
        self.orders: list[Array] = []
        self.t = 0
        self.deterministic = self.order == "cyclic" and not self.temperature
        if self.temperature or (
                state.shape[0] >= LOCKSTEP_BATCH and self.tab.dense is not None
                and self.order != "random-replacement"):
            # discrete neurons: one bound of every |value| for the whole run
            self.ymax = max(self.tab.vmax, float(np.max(np.abs(state), initial=0.0))) \
                if self.tab.discrete and self.tab.fast else None
            return BatchWork(np.array(state, order="C"))
        work = [SampleWork(state[b].copy()) for b in range(state.shape[0])]
        if self.tab.fast:
            for w in work:
                self._resync(w)
        return work

    def _resync(self, w: SampleWork) -> None:
        """Fresh potentials of every neuron with inputs, margins, unstable marks.

        Arrays already in ``w`` are overwritten in place, so a sweep holding them stays
        valid.
        """

        def put(key: str, value: Array) -> None:
            held = getattr(w, key)
            if held is None:
                setattr(w, key, value)
            else:
                held[...] = value

        y = w.y
        screened = False
        if self.tab.dense32 is not None:
            # states on the two values only: the products are ±w or 0, exactly
            low, high = self.tab.threshold
            screened = bool(np.all((y == low) | (y == high)))
        if screened:
            # Potentials in float32 from the float32 weights: half the memory traffic
            # of the one full product. The error bound below joins the margins, so a
            # neuron they leave uncertain is decided on a fresh float64 sum, as always.
            xi = (y.astype(np.float32) @ self.tab.dense32).astype(y.dtype)
            xi[self.tab.upd] += self.prog.bias[self.tab.upd]
        else:
            st = self.tab.plan.stages[0]
            internal = self.tab.plan.to_internal(y[None, :])
            xi = np.zeros(self.prog.n_neurons, dtype=y.dtype)
            xi[self.tab.plan.perm[st.lo : st.hi]] = st.potentials(internal)[:, 0]
        put("xi", xi)
        w.changes = 0
        if self.tab.discrete:
            ymax = max(self.tab.vmax, float(np.max(np.abs(y), initial=0.0)))
            scale = np.abs(self.prog.bias) + self.tab.absrow * ymax
            # a fresh sum's rounding is below γ_(n+1)·scale: within it, decide exactly
            fresh = gamma(self.prog.in_degree + 1, y.dtype) * scale
            put("fresh", fresh)
            margin = np.maximum(1000 * np.finfo(y.dtype).eps * scale, 2 * fresh)
            if screened:
                # |fl32(Σ w·y) − Σ w·y| ≤ γ_(n+1)·Σ|w·y| (rounding of w, then of the
                # n-term sum in any order), γ_k = k·u/(1 − k·u), u = 2⁻²⁴; doubled
                k = (self.prog.n_neurons + 1) * 2.0**-24
                margin += 2 * k / (1 - k) * self.tab.absrow * ymax
            put("margin", margin.astype(y.dtype))
        if self.tab.threshold is not None:
            low, high = self.tab.threshold
            # side = ±1 for the two values; 0 for any other value (always re-evaluated)
            put("side", np.where(y == high, 1.0, np.where(y == low, -1.0, 0.0)).astype(y.dtype))
            return
        uns = np.zeros(self.prog.n_neurons, dtype=bool)
        uns[self.tab.upd] = self._unstable(w, self.tab.upd)
        put("uns", uns)

    def _sweep_order(self, s: int) -> Array:
        if self.order == "cyclic":
            return self.tab.upd
        while len(self.orders) <= s:  # shared by every sample: same seed, same run
            n = len(self.tab.upd)
            if self.order == "random":
                self.orders.append(self.tab.upd[self.rng.permutation(n)])
            else:
                self.orders.append(self.tab.upd[self.rng.integers(0, n, size=n)])
        return self.orders[s]

    def advance(self, work: list[SampleWork] | BatchWork, steps: int) -> Advance:
        n = self.unit
        s, p0 = divmod(self.t, n) if n else (0, 0)
        order = self._sweep_order(s) if n else self.tab.upd
        p1 = p0 + steps
        if isinstance(work, BatchWork):
            self.t += steps
            return self._advance_batch(work, order, p0, p1)
        b = len(work)
        changed = np.zeros(b, dtype=bool)
        last = np.zeros(b, dtype=np.int64)
        stable = np.zeros(b, dtype=bool)
        records = np.empty((steps, b, self.prog.n_neurons), dtype=work[0].y.dtype) \
            if self.record and b else None
        for k, w in enumerate(work):
            y0 = w.y.copy() if records is not None else None
            if self.tab.threshold is not None:
                sweep = (self._sweep_threshold if self.order == "random-replacement"
                         else self._sweep_threshold_dense if self.tab.dense is not None
                         else self._sweep_threshold_perm)
            else:
                sweep = self._sweep_fast if self.tab.fast else self._sweep_slow
            events = sweep(w, order, p0, p1)
            big = [e for e in events if e[3]]
            changed[k] = bool(big)
            last[k] = big[-1][0] - p0 + 1 if big else 0
            if p1 - p0 == n:  # a whole sweep
                stable[k] = not big and (self.order != "random-replacement"
                                         or self._is_fixed_point(w))
            if records is not None:
                records[:, k] = y0
                for pos, j, value, _big in events:
                    records[pos - p0 :, k, j] = value
        self.t += steps
        return Advance(steps, changed, last, stable, records)

    def _sweep_fast(self, w: SampleWork, order: Array, p0: int, p1: int) -> list[tuple]:
        prog = self.prog
        indptr, sources, weights, bias = prog.indptr, prog.sources, prog.weights, prog.bias
        oip, otg, ow = self.tab.out
        y, uns = w.y, w.uns
        events: list[tuple] = []
        p = p0
        while p < p1:
            hits = uns[order[p:p1]]
            q = int(hits.argmax())
            if not hits[q]:
                break  # every remaining selection of this sweep is a no-op
            pos = p + q
            j = int(order[pos])
            a, e = indptr[j], indptr[j + 1]
            xj = bias[j] + np.dot(weights[a:e], y[sources[a:e]])
            one = np.array([j])
            if self.tab.has_jump[j]:
                new = y.dtype.type(self._decide(w, j, xj))
            else:
                new = self._sigma(one, np.array([xj], dtype=y.dtype))[0]
            xi = w.xi
            xi[j] = xj
            old = y[j]
            if new != old:
                delta = new - old
                y[j] = new
                c, d = oip[j], oip[j + 1]
                targets = otg[c:d]
                xi[targets] += delta * ow[c:d]
                uns[targets] = self._unstable(w, targets)
                events.append((pos, j, new, abs(delta) > self.tol))
                w.changes += 1
            uns[j] = self._unstable(w, one)[0]
            if w.changes >= RESYNC_CHANGES:
                self._resync(w)
                uns = w.uns
            p = pos + 1
        return events

    def _sweep_threshold(self, w: SampleWork, order: Array, p0: int, p1: int) -> list[tuple]:
        """``_sweep_fast`` for one step/sign activation (jump at ξ = 0), leaner.

        With ``s_j = ±1`` (the side of the jump ``y_j`` is on) the neurons that may
        change are exactly those with ``s_j·ξ_j ≤ margin_j``: the wrong side, or
        within rounding distance of the jump.
        """
        prog = self.prog
        indptr, sources, weights, bias = prog.indptr, prog.sources, prog.weights, prog.bias
        oip, otg, ow = self.tab.out
        _low, high = self.tab.threshold
        y, xi, side, margin = w.y, w.xi, w.side, w.margin
        events: list[tuple] = []
        sel = order[p0:p1]
        p, end = 0, p1 - p0
        while p < end:
            idx = sel[p:]
            hits = side[idx] * xi[idx] <= margin[idx]
            q = int(hits.argmax())
            if not hits[q]:
                break  # every remaining selection of this sweep is a no-op
            pos = p + q
            j = int(sel[pos])
            a, e = indptr[j], indptr[j + 1]
            xj = bias[j] + np.dot(weights[a:e], y[sources[a:e]])
            xi[j] = xj
            new = self._decide(w, j, xj)
            if new != y[j]:
                delta = new - y[j]
                y[j] = new
                side[j] = 1.0 if new == high else -1.0
                c, d = oip[j], oip[j + 1]
                xi[otg[c:d]] += delta * ow[c:d]
                events.append((p0 + pos, j, new, abs(delta) > self.tol))
                w.changes += 1
                if w.changes >= RESYNC_CHANGES:
                    self._resync(w)
                    xi, side, margin = w.xi, w.side, w.margin
            p = pos + 1
        return events

    def _sweep_threshold_perm(self, w: SampleWork, order: Array, p0: int, p1: int) -> list[tuple]:
        """``_sweep_threshold`` for a sweep that selects each neuron once (cyclic, random).

        The potentials, sides and margins are laid out in the sweep's order, so the
        search for the next neuron that may change reads contiguous slices. A selected
        neuron on the wrong side by more than its margin changes for sure (rounding
        in the incremental sums is below the margin); only one within the margin is
        recomputed from scratch.
        """
        prog = self.prog
        indptr, sources, weights, bias = prog.indptr, prog.sources, prog.weights, prog.bias
        oip, otg, ow = self.tab.out
        low, high = self.tab.threshold
        y, xi, side, margin = w.y, w.xi, w.side, w.margin
        sel = order[p0:p1]
        end = len(sel)
        partial = end < self.unit
        pos_of = np.full(prog.n_neurons, end, dtype=np.int64)  # spare slot: not in sweep
        pos_of[sel] = np.arange(end)
        xo = np.append(xi[sel], 0.0)
        so = side[sel]
        mo = margin[sel]
        events: list[tuple] = []
        p = 0
        while p < end:
            hits = so[p:] * xo[p:end] <= mo[p:]
            q = int(hits.argmax())
            if not hits[q]:
                break  # every remaining selection of this sweep is a no-op
            pos = p + q
            j = int(sel[pos])
            x_inc = xo[pos]
            if abs(x_inc) <= mo[pos]:  # near the jump: decide on a fresh sum
                a, e = indptr[j], indptr[j + 1]
                x_inc = bias[j] + np.dot(weights[a:e], y[sources[a:e]])
                xo[pos] = x_inc
                new = self._decide(w, j, x_inc)
            else:  # clearly on one side
                new = high if x_inc > 0 else low
            if new != y[j]:
                delta = new - y[j]
                y[j] = new
                so[pos] = side[j] = 1.0 if new == high else -1.0
                c, d = oip[j], oip[j + 1]
                change = delta * ow[c:d]
                # repeated indices only hit the spare slot, which is discarded
                xo[pos_of[otg[c:d]]] += change
                if partial:  # successors outside this (last, partial) sweep
                    xi[otg[c:d]] += change
                events.append((p0 + pos, j, new, abs(delta) > self.tol))
                w.changes += 1
            p = pos + 1
        xi[sel] = xo[:end]
        if w.changes >= RESYNC_CHANGES:
            self._resync(w)
        return events

    def _sweep_threshold_dense(self, w: SampleWork, order: Array, p0: int, p1: int) -> list[tuple]:
        """The threshold sweep on a dense network, deciding up to BLOCK changes at once.

        From position p, take the next candidates c_1 < ... < c_K (neurons on the wrong
        side of the jump, or near it) and speculate that each flips in turn. This is
        exact when (1) every candidate is still clearly on the wrong side once the
        flips before it are added in (checked with the K×K block of weights among
        them; the first that fails ends the batch), and (2) every other selection
        before the last accepted candidate stays a no-op once the flips before it are
        added in (checked with the weights from the candidates into those neurons).
        The batch is cut at the first failure; a candidate within rounding distance
        of the jump is decided alone on a fresh sum.
        """
        prog = self.prog
        dense = self.tab.dense
        low, high = self.tab.threshold
        jump = high - low
        y, xi, side, margin = w.y, w.xi, w.side, w.margin
        sel = order[p0:p1]
        end = len(sel)
        events: list[tuple] = []
        p = 0
        while p < end:
            rest = sel[p:]
            # whole contiguous arrays, then one gather (cheaper than gathering three)
            cand = np.flatnonzero((side * xi <= margin)[rest])
            if len(cand) == 0:
                break  # every remaining selection of this sweep is a no-op
            first = int(cand[0])
            j = int(rest[first])
            if side[j] == 0 or abs(xi[j]) <= margin[j]:  # decide this one alone, fresh
                a, e = prog.indptr[j], prog.indptr[j + 1]
                xj = prog.bias[j] + np.dot(prog.weights[a:e], y[prog.sources[a:e]])
                new = self._decide(w, j, xj)
                xi[j] = xj
                if new != y[j]:
                    self._apply(w, np.array([j]), np.array([new - y[j]], dtype=y.dtype),
                                new=np.array([new], dtype=y.dtype))
                    events.append((p0 + p + first, j, new, jump > self.tol))
                p += first + 1
                continue
            cand = cand[:BLOCK]
            js = rest[cand]
            odd = side[js] == 0  # a value off the two: decided alone later
            if odd.any():
                cand = cand[: int(np.argmax(odd))]  # the first candidate is never odd here
                js = js[: len(cand)]
            delta = np.where(side[js] > 0, low - high, high - low).astype(y.dtype)
            # the weights out of the candidates: whole rows, read as contiguous streams
            # (gathering scattered elements instead costs a cache miss each when cold)
            rows = dense[js]
            cut = int(cand[-1]) + 1  # accept the candidates before this position
            if len(js) > 1:
                # (1) each candidate still flips given the flips before it
                inner = np.tril(rows[:, js].T, -1) @ delta
                ok = side[js] * (xi[js] + inner) < -margin[js]
                if not ok.all():
                    cut = int(cand[int(np.argmin(ok))])
                # (2) no selection between them turns into a change
                others = np.ones(cut, dtype=bool)
                others[: int(cand[0]) + 1] = False  # before c_1: no flip before them
                others[cand[cand < cut]] = False
                q_pos = np.flatnonzero(others)
                if len(q_pos):
                    q = rest[q_pos]
                    # effect on q of the flips before it (candidate l < the count before q)
                    n_before = np.searchsorted(cand, q_pos)
                    mask = np.arange(len(cand))[:, None] < n_before[None, :]
                    effect = delta @ (rows[:, q] * mask)
                    moved = side[q] * (xi[q] + effect) <= margin[q]
                    if moved.any():
                        cut = int(q_pos[int(np.argmax(moved))])
                if cut <= cand[-1]:  # the accepted candidates are a prefix: views
                    k = int(np.count_nonzero(cand < cut))
                    cand, js, delta, rows = cand[:k], js[:k], delta[:k], rows[:k]
            self._apply(w, js, delta, rows)
            # every flip moves by the whole jump: one 'big' flag for all
            events.extend(zip((p0 + p + cand).tolist(), js.tolist(), y[js].tolist(),
                              repeat(jump > self.tol)))
            p += int(cand[-1]) + 1
        return events

    def _apply(self, w: SampleWork, js: Array, delta: Array, rows: Array | None = None,
               new: Array | None = None) -> None:
        """Flip neurons ``js`` by ``delta`` and update every potential (dense).

        ``rows`` are ``dense[js]`` when the caller has them already. ``new`` are the
        new values when the old ones may lie off the two values (``old + delta`` may
        then round off them).
        """
        y, xi, side = w.y, w.xi, w.side
        if new is None:
            y[js] += delta  # exact: ±(high − low) from one of the two values
        else:
            y[js] = new
        side[js] = np.where(y[js] == self.tab.threshold[1], 1.0, -1.0)
        xi += delta @ (self.tab.dense[js] if rows is None else rows)
        w.changes += len(js)
        if w.changes >= RESYNC_CHANGES:
            self._resync(w)

    def _sweep_slow(self, w: SampleWork, order: Array, p0: int, p1: int) -> list[tuple]:
        y = w.y
        events: list[tuple] = []
        for pos in range(p0, p1):
            j = int(order[pos])
            st = stage(self.prog, [j])  # the neuron, or its whole softmax group
            _xi, new = evaluate_stage(self.prog, st, y[None, :])
            for t, v in zip(st.targets.tolist(), new[0].tolist(), strict=True):
                if v != y[t]:
                    events.append((pos, t, v, abs(v - y[t]) > self.tol))
                    y[t] = v
        return events

    def _is_fixed_point(self, w: SampleWork) -> bool:
        """No neuron with inputs would change by more than tol (fresh evaluation)."""
        prog, y = self.prog, w.y
        if not self.tab.fast:
            st = parallel_stage(prog)
            _xi, new = evaluate_stage(prog, st, y[None, :])
            return not np.any(np.abs(new[0] - y[st.targets]) > self.tol)
        threshold = self.tab.threshold is not None
        flagged = w.side * w.xi <= w.margin if threshold else w.uns
        for j in self.tab.upd[flagged[self.tab.upd]].tolist():  # only the flagged ones
            a, e = prog.indptr[j], prog.indptr[j + 1]
            xj = prog.bias[j] + np.dot(prog.weights[a:e], y[prog.sources[a:e]])
            if self.tab.has_jump[j]:
                new = self._decide(w, j, xj)
            else:
                new = self._sigma(np.array([j]), np.array([xj], dtype=y.dtype))[0]
            if abs(new - y[j]) > self.tol:
                return False
        return True

    def keys(self, work: list[SampleWork] | BatchWork) -> list[bytes]:
        if isinstance(work, BatchWork):
            return digest_rows(work.y[:, self.tab.upd])
        if not work:
            return []
        return digest_rows(np.stack([w.y[self.tab.upd] for w in work]))

    def compact(self, work: list[SampleWork] | BatchWork, keep: Array
                ) -> list[SampleWork] | BatchWork:
        if isinstance(work, BatchWork):
            return BatchWork(np.ascontiguousarray(work.y[keep]))
        return [work[i] for i in np.asarray(keep).tolist()]

    def public(self, work: list[SampleWork] | BatchWork, owned: bool = False) -> Array:
        if isinstance(work, BatchWork):
            return work.y if owned else work.y.copy()
        return np.stack([w.y for w in work])

    # --- the whole batch in lockstep ---------------------------------------------------

    def _advance_batch(self, work: BatchWork, order: Array, p0: int, p1: int) -> Advance:
        """Steps ``p0:p1`` of the sweep ``order`` for every sample at once.

        Each step evaluates the selected neuron for the whole batch from a fresh
        potential (no incremental sums): deterministically (exact at the jump, as
        :meth:`_decide`), or with a temperature the Glauber rule: high with probability
        ``σ((hi − lo)·ξ/T)`` against one uniform draw per sample (``rng.random(B)``,
        after the sweep's order was drawn).
        """
        y = work.y
        b = y.shape[0]
        steps = p1 - p0
        changed = np.zeros(b, dtype=bool)
        last = np.zeros(b, dtype=np.int64)
        records = np.empty((steps, b, y.shape[1]), dtype=y.dtype) if self.record else None
        potential = self._batch_potential()
        temp = self.temperature
        jumps = self.tab.jumps
        tol = self.tol
        if not temp and records is None and self.tab.threshold is not None and (
                self.ymax is not None and self.tab.dense is not None):
            self._sweep_batch_threshold(y, order, p0, p1, changed, last)
            return Advance(steps, changed, last,
                           ~changed if steps == self.unit else np.zeros(b, dtype=bool))
        for pos in range(p0, p1):
            j = int(order[pos])
            xi = potential(y, j)
            old = y[:, j]
            if temp:
                low, high = jumps[0, j], jumps[1, j]
                # σ((hi − lo)·ξ/T) without overflow warnings: exp of a large
                # negative argument is 0, of a large positive one inf → probability 0
                with np.errstate(over="ignore"):
                    p_high = 1.0 / (1.0 + np.exp(-(high - low) * xi / temp))
                new = np.where(self.rng.random(b) < p_high, high, low).astype(y.dtype)
            elif self.tab.has_jump[j]:
                new = self._decide_batch(y, j, xi)
            else:
                new = self._sigma(np.full(b, j), xi)
            moved = np.abs(new - old) > tol if tol else new != old
            if moved.any():
                changed |= moved
                last[moved] = pos - p0 + 1
            y[:, j] = new
            if records is not None:
                records[pos - p0] = y
        stable = ~changed if steps == self.unit else np.zeros(b, dtype=bool)
        return Advance(steps, changed, last, stable, records)

    def _sweep_batch_threshold(self, y: Array, order: Array, p0: int, p1: int,
                               changed: Array, last: Array) -> None:
        """The deterministic lockstep sweep on a dense network of one step/sign
        activation, with plain per-neuron tables (the hot loop)."""
        prog = self.prog
        win = derived(prog, "dense_in", lambda: np.ascontiguousarray(self.tab.dense.T))
        low, high = self.tab.threshold
        key = ("batch_bound", self.ymax)
        # per neuron: the rounding bound of a fresh potential (values ≤ ymax)
        bounds = derived(prog, key, lambda: (gamma(prog.in_degree + 1, y.dtype) * (
            np.abs(prog.bias) + self.tab.absrow * self.ymax)).tolist())
        bias = prog.bias.tolist()
        where, absolute = np.where, np.abs
        for pos in range(p0, p1):
            j = int(order[pos])
            xi = y @ win[j]
            if bias[j]:
                xi += bias[j]
            new = where(xi >= 0, high, low)
            if absolute(xi).min() <= bounds[j]:  # within rounding of the jump: exact
                new = self._decide_batch(y, j, xi)
            moved = new != y[:, j]
            if moved.any():
                changed |= moved
                last[moved] = pos - p0 + 1
                y[:, j] = new

    def _batch_potential(self) -> Any:
        """``potential(y, j)``: the fresh ``ξ_j`` of every sample ``(B,)``."""
        prog = self.prog
        if self.tab.dense is not None:
            win = derived(prog, "dense_in", lambda: np.ascontiguousarray(self.tab.dense.T))
            bias = prog.bias
            return lambda y, j: y @ win[j] + bias[j]
        if self.tab.fast:
            indptr, sources, weights, bias = prog.indptr, prog.sources, prog.weights, prog.bias

            def sparse(y: Array, j: int) -> Array:
                a, e = indptr[j], indptr[j + 1]
                return y[:, sources[a:e]] @ weights[a:e] + bias[j]

            return sparse

        def general(y: Array, j: int) -> Array:  # any potential: the core's stage
            xi, _new = evaluate_stage(prog, stage(prog, [j]), y)
            return xi[:, 0]

        return general

    def _decide_batch(self, y: Array, j: int, xi: Array) -> Array:
        """:meth:`_decide` for the whole batch: the side of the jump, exact where
        rounding could decide it, the tie rule at exactly 0."""
        prog = self.prog
        low, high, tie = self.tab.jumps[:, j]
        new = np.where(xi >= 0, high, low).astype(y.dtype)
        a, e = prog.indptr[j], prog.indptr[j + 1]
        src, w = prog.sources[a:e], prog.weights[a:e]
        # a bound of the values the sum reads: for the run, or per sample
        ymax = self.ymax if self.ymax is not None else np.max(
            np.abs(y[:, src]), axis=1, initial=0.0)
        absrow = self.tab.absrow[j] if self.tab.absrow is not None else np.abs(w).sum()
        bound = gamma(e - a + 1, y.dtype) * (abs(prog.bias[j]) + absrow * ymax)
        for k in np.flatnonzero(np.abs(xi) <= bound).tolist():
            sgn = exact_sign(float(prog.bias[j]), w, y[k, src])
            new[k] = high if sgn > 0 else low if sgn < 0 else (y[k, j] if tie != tie else tie)
        return new
