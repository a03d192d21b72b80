"""The incremental single-neuron update: what the sequential rule is made of.

One primitive, :meth:`NeuronUpdate.evaluate`: the new value of neuron ``j`` of a state
from a *fresh* potential (every term summed anew), exact at a threshold's jump
(:mod:`netsim.core.threshold`: rounding never decides a side, the tie rule at exactly
0, ``zero="keep"`` included). Everything else here is a faster way of applying it
that gives the same values:

- :meth:`NeuronUpdate.update` applies it to one state in place (a neuron of a softmax
  group updates its whole group) and says whether anything changed;
- :meth:`NeuronUpdate.update_batch` applies it to neuron ``j`` of every state of a
  batch ``(B, N)`` at once, deterministically or with a temperature (the Glauber rule:
  high with probability ``σ((hi − lo)·ξ/T)`` against one uniform draw per sample);
- :meth:`NeuronUpdate.sweep` applies it along a sequence of selected neurons to one
  state (:class:`Incremental`), keeping every potential up to date incrementally
  (when neuron ``i`` changes by ``δ``, ``ξ_j += δ·w_ji`` for its successors) so that a
  selection whose neuron cannot change is skipped without Python work (it is still
  counted as a step). Only a neuron the incremental potentials mark as changing — or,
  for discrete activations, as lying within rounding distance of a jump — is
  evaluated, by the primitive, so rounding in the incremental sums never decides an
  update. Networks that are not weighted sums with elementwise activations are
  evaluated selection by selection;
- :meth:`NeuronUpdate.lockstep` applies it along a sequence to a whole batch, every
  sample taking the same step at once.

On a dense float64 network of step/sign neurons, the full products that (re)start
the incremental potentials are taken in float32 (half the memory traffic, which
bounds this rule on Hopfield networks) and a rigorous bound of their rounding error
(``γ_(n+1)·Σ_i |w_ji·y_i|`` with the float32 unit roundoff, doubled) is added to the
margins: a neuron that bound leaves undecided is evaluated on a fresh float64 sum,
so the result is the float64 run's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import Any

import numpy as np

from ..compile import Program
from ..functions import Activation
from .cache import derived
from .dense import dense_matrix
from .kernels import activate_into, uniform
from .layout import Plan, plan_for
from .stages import evaluate_stage, parallel_stage, stage
from .threshold import ExactRow, gamma, integer_form, integral, jump_arrays, threshold_into

__all__ = ["Incremental", "NeuronUpdate", "SequentialTables", "sequential_tables"]

Array = np.ndarray

# Incremental potentials are recomputed from scratch after this many changes.
RESYNC_CHANGES = 1000
# Dense networks up to this size keep a dense weight matrix for batched changes.
DENSE_MAX_NEURONS = 4096
# Most changes speculated on at once by _sweep_threshold_dense.
BLOCK = 32


def out_csr(prog: Program) -> tuple[Array, Array, Array]:
    """Outgoing connections (CSR by source): indptr, targets, weights (cached)."""

    def build() -> tuple[Array, Array, Array]:
        n = prog.n_neurons
        row_of = np.repeat(np.arange(n), prog.in_degree)
        order = np.argsort(prog.sources, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(prog.sources, minlength=n), out=indptr[1:])
        return indptr, row_of[order], prog.weights[order]

    return derived(prog, "out_csr", build)


@dataclass(eq=False)
class SequentialTables:
    """What single-neuron updates derive from a program once (kept beside it).

    The dense matrices and the parallel layout are built on first use: a run in
    lockstep needs only :attr:`dense_in`, a run sample by sample only the others.
    """

    prog: Program
    upd: Array  # neurons with inputs
    fast: bool  # weighted sums and elementwise activations: incremental potentials
    act_ids: Array  # activations of the updated neurons
    discrete: bool
    uniform: tuple[Activation, dict[str, float]] | None = None  # one activation, params
    threshold: tuple[float, float] | None = None  # (low, high): a jump at ξ = 0
    # per neuron: the jump of a threshold activation (low, high, at ξ = 0; NaN: keep)
    has_jump: Array | None = None
    jumps: Array | None = None  # (3, N)
    dense_ok: bool = False  # a dense threshold network: the dense paths apply
    dense_many: bool = False  # dense weighted sums (any activations): window products
    absrow: Array | None = None  # Σ_i |w_ji| per neuron
    vmax: float = 0.0  # the largest |value| of a discrete activation
    bounds: dict[float, list[float]] = field(default_factory=dict)  # by ymax
    bound_arrays: dict[float, Array] = field(default_factory=dict)  # by ymax
    rows: dict[int, ExactRow] = field(default_factory=dict)  # see exact_row

    @cached_property
    def out(self) -> tuple[Array, Array, Array]:
        """The outgoing CSR (see :func:`out_csr`)."""
        return out_csr(self.prog)

    @cached_property
    def plan(self) -> Plan:
        """The parallel layout (fresh potentials of every neuron at once)."""
        prog = self.prog
        return plan_for(prog, "parallel", lambda: [prog.updated])

    @property
    def dense_in(self) -> Array:
        """``W[j, i] = w_ji`` in neuron order (row j: the weights into j), read-only."""
        return dense_matrix(self.prog)

    @cached_property
    def dense(self) -> Array:
        """The transposed weights: row i holds the weights out of neuron i (gathered by
        rows, for batches of changes; see ``_sweep_threshold_dense``)."""
        return np.ascontiguousarray(self.dense_in.T)

    @cached_property
    def dense32(self) -> Array | None:
        """A float32 copy of :attr:`dense` that screens the full potential products
        (see :meth:`NeuronUpdate.resync`); only for weights whose float32 rounding is
        relative (no underflow, no overflow)."""
        prog = self.prog
        aw = np.abs(prog.weights[prog.weights != 0])
        f32 = np.finfo(np.float32)
        if prog.dtype == np.float64 and len(aw) and (
                aw.min() >= float(f32.tiny) and float(self.absrow.max()) < float(f32.max) / 4):
            return self.dense.astype(np.float32)
        return None

    def exact_row(self, j: int) -> ExactRow:
        """The core's exact form of weighted-sum threshold neuron ``j`` (made on first
        use, kept: a tie needs only its own row)."""
        row = self.rows.get(j)
        if row is None:
            prog = self.prog
            a, e = prog.indptr[j], prog.indptr[j + 1]
            ints, int_bias, room = self.integers
            form = (np.zeros(e - a, dtype=np.int64), 0, math.inf) if (
                ints is None or int_bias is None or room is None) else (
                ints[a:e], int(int_bias[j]), float(room[j]))
            row = self.rows[j] = ExactRow.of(prog.weights[a:e], prog.bias[j],
                                             prog.sources[a:e], self.jumps[:, j], form)
        return row

    @cached_property
    def integers(self) -> tuple[Array | None, Array | None, Array | None]:
        """The program's rows as integers times a power of two (see
        :func:`~netsim.core.threshold.integer_form`), made on the first tie."""
        prog = self.prog
        return integer_form(prog.weights, prog.bias, prog.indptr)

    def bound_array(self, ymax: float) -> Array:
        """:meth:`fresh_bounds` as an array (kept)."""
        hit = self.bound_arrays.get(ymax)
        if hit is None:
            hit = self.bound_arrays[ymax] = np.asarray(self.fresh_bounds(ymax))
        return hit

    def fresh_bounds(self, ymax: float) -> list[float]:
        """Per neuron: the rounding bound of a fresh potential when every value the sum
        reads is at most ``ymax`` in magnitude."""
        hit = self.bounds.get(ymax)
        if hit is None:
            prog = self.prog
            hit = self.bounds[ymax] = (gamma(prog.in_degree + 1, prog.dtype) * (
                np.abs(prog.bias) + self.absrow * ymax)).tolist()
        return hit


def sequential_tables(prog: Program) -> SequentialTables:
    """The :class:`SequentialTables` of ``prog`` (built once, kept beside it)."""
    return derived(prog, "sequential", lambda: _tables(prog))


def _tables(prog: Program) -> SequentialTables:
    upd = prog.updated.astype(np.int64)
    ws = [k for k, p in enumerate(prog.potentials) if p.name == "weighted_sum"]
    acts = np.unique(prog.activation_ids[upd])
    fast = bool(
        len(upd)
        and np.isin(prog.potential_ids[upd], ws).all()
        and not any(prog.activations[int(a)].group for a in acts)
    )
    out = SequentialTables(prog=prog, upd=upd, fast=fast, act_ids=acts,
                           discrete=prog.discrete)
    out.has_jump = np.zeros(prog.n_neurons, dtype=bool)
    out.jumps = np.full((3, prog.n_neurons), np.nan)
    for a in acts:
        act = prog.activations[int(a)]
        if act.jump is not None:
            at = upd[prog.activation_ids[upd] == a]
            params = {k: v[at] for k, v in prog.activation_params[act.name].items()}
            out.has_jump[at] = True
            if all(uniform(v) for v in params.values()):  # one call for every row
                one = {k: float(v[0]) for k, v in params.items()}
                out.jumps[:, at] = np.array(act.jump(one), dtype=np.float64)[:, None]
            else:
                out.jumps[:, at] = np.stack(jump_arrays(act, params, len(at)))
    if not fast:
        return out
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
    # Σ|w| per row: the rounding bounds of fresh sums
    row_of = np.repeat(np.arange(prog.n_neurons), prog.in_degree)
    out.absrow = np.bincount(row_of, weights=np.abs(prog.weights.astype(np.float64)),
                             minlength=prog.n_neurons)
    n = prog.n_neurons
    out.dense_many = n <= DENSE_MAX_NEURONS and prog.n_connections >= 0.5 * n * n
    out.dense_ok = out.threshold is not None and out.dense_many
    if prog.discrete:
        vmax = 0.0
        for a in acts:
            act = prog.activations[int(a)]
            params = prog.activation_params[act.name]
            if params:
                at = upd[prog.activation_ids[upd] == a]
                stacked = np.stack([v[at] for v in params.values()], axis=1)
                combos = stacked[:1] if all(uniform(c) for c in stacked.T) else (
                    np.unique(stacked, axis=0))
                for combo in combos:
                    vals = act.values(dict(zip(params, combo.tolist(), strict=True)))
                    vmax = max(vmax, max(abs(v) for v in vals))
            else:
                vmax = max(vmax, max(abs(v) for v in act.values({})))
        out.vmax = vmax
    return out


@dataclass
class Incremental:
    """One state under incremental updates: the state ``y`` and, on the fast paths,
    the incremental potentials ``xi`` with their rounding ``margin``, the side of the
    jump (threshold path) or the marks of neurons that may change (``uns``), and the
    number of changes since the last fresh computation."""

    y: Array
    xi: Array | None = None
    margin: Array | None = None
    side: Array | None = None
    uns: Array | None = None
    fresh: Array | None = None  # rounding bound of a fresh potential (threshold neurons)
    changes: int = 0


# An event of a sweep: (position in the sequence, neuron, new value, changed by > tol).
Event = tuple[int, int, float, bool]


class NeuronUpdate:
    """Single-neuron updates of a program's states (see the module docstring).

    ``tol``: a change counts (in events and ``moved``) when it exceeds ``tol``.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> from netsim.core.sequential import NeuronUpdate
    >>> prog = ns.hopfield([[1, -1, 1, -1]]).compile()
    >>> y = np.array([1.0, 1.0, 1.0, -1.0])
    >>> up = NeuronUpdate(prog)
    >>> up.update(y, 1), y.tolist()        # ξ = (−1 − 1 + 1)/4 < 0: y2 flips
    (True, [1.0, -1.0, 1.0, -1.0])
    >>> up.update(y, 1)                    # now stable
    False
    """

    def __init__(self, prog: Program, tol: float = 0.0) -> None:
        self.prog = prog
        self.tol = tol
        self.tab = sequential_tables(prog)

    # --- the primitive ----------------------------------------------------------------

    def potential(self, y: Array, j: int) -> float:
        """The fresh potential ``ξ_j`` of one state (a weighted-sum neuron)."""
        prog = self.prog
        a, e = prog.indptr[j], prog.indptr[j + 1]
        return prog.bias[j] + np.dot(prog.weights[a:e], y[prog.sources[a:e]])

    def evaluate(self, y: Array, j: int, xj: float | None = None,
                 bound: float | None = None) -> float:
        """The new value of weighted-sum neuron ``j`` (elementwise activation) of the
        state ``y`` from its fresh potential ``xj`` (computed when not given).

        A threshold neuron whose ``|ξ|`` is within the rounding bound of the fresh sum
        (``bound`` when known) is decided by the core's exact rule
        (:meth:`~netsim.core.threshold.ExactRow.settle`: the exact sum's side, the tie
        rule at exactly 0 — a value, or keep ``y[j]``).
        """
        if xj is None:
            xj = self.potential(y, j)
        if not self.tab.has_jump[j]:
            return self.sigma(np.array([j]), np.array([xj], dtype=y.dtype))[0]
        low, high, _tie = self.tab.jumps[:, j]
        prog = self.prog
        a, e = prog.indptr[j], prog.indptr[j + 1]
        if bound is None:  # values without a bound (continuous neurons): the row's own
            row = np.abs(prog.weights[a:e]) @ np.abs(y[prog.sources[a:e]])
            bound = gamma(e - a + 1, y.dtype) * (abs(prog.bias[j]) + row)
        if abs(xj) > bound:
            return high if xj > 0 else low
        out = np.array([high if xj >= 0 else low], dtype=y.dtype)
        ymax = float(np.max(np.abs(y[prog.sources[a:e]]), initial=0.0))
        self.settle(y[None, :], j, np.array([xj], dtype=y.dtype), out, ymax, bound=bound)
        return out[0]

    def changes(self, y: Array, j: int) -> list[tuple[int, float, float]]:
        """Update neuron ``j`` (its whole group for a group function) of the state
        ``y`` ``(N,)`` in place; return ``(neuron, old, new)`` for each value that
        changed."""
        if self.tab.fast:
            new = y.dtype.type(self.evaluate(y, j))
            old = y[j]
            if new == old:
                return []
            y[j] = new
            return [(j, old, new)]
        st = stage(self.prog, [j])  # any potential, any activation: the core's stage
        _xi, values = evaluate_stage(self.prog, st, y[None, :])
        out = []
        for t, v in zip(st.targets.tolist(), values[0].tolist(), strict=True):
            if v != y[t]:
                out.append((t, float(y[t]), v))
                y[t] = v
        return out

    def update(self, y: Array, j: int) -> bool:
        """Update neuron ``j`` of the state ``y`` ``(N,)`` in place; whether some value
        changed by more than ``tol``."""
        return any(abs(new - old) > self.tol for _t, old, new in self.changes(y, j))

    def sigma(self, idx: Array, xi: Array) -> Array:
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

    # --- the batched form -------------------------------------------------------------

    def batch_potential(self) -> Any:
        """``potential(y, j)``: the fresh ``ξ_j`` of every sample of ``y`` ``(B, N)``."""
        prog = self.prog
        if self.tab.dense_ok:
            win = self.tab.dense_in
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

    def decide_batch(self, y: Array, j: int, xi: Array, ymax: float | None,
                     whole: bool = False, bound: float | None = None) -> Array:
        """:meth:`evaluate` of threshold neuron ``j`` for every sample of ``y`` from
        the fresh potentials ``xi`` ``(B,)``; ``ymax`` bounds every value the sums read
        (None: the largest in ``y``), ``whole``: every such value is an integer;
        ``bound``: the sums' rounding bound for ``ymax`` when known."""
        low, high, _tie = self.tab.jumps[:, j]
        new = np.where(xi >= 0, high, low).astype(y.dtype)
        if ymax is None:
            ymax = float(np.max(np.abs(y), initial=0.0))
        self.settle(y, j, xi, new, ymax, whole, bound)
        return new

    def settle(self, y: Array, j: int, xi: Array, out: Array, ymax: float,
               whole: bool = False, bound: float | None = None) -> None:
        """Decide threshold neuron ``j`` of the states ``y`` ``(B, N)`` exactly where
        its fresh potentials ``xi`` ``(B,)`` are within rounding of the jump, and apply
        its tie rule, into ``out`` ``(B,)`` (holding the rounded decisions): the core's
        :meth:`~netsim.core.threshold.ExactRow.settle` on the row of ``j``. ``bound``:
        the fresh sum's rounding bound for ``ymax``, when known."""
        if bound is None:
            bound = self.tab.fresh_bounds(ymax)[j]
        self.tab.exact_row(j).settle(xi, out, y[:, j], y, bound, ymax, whole)

    def run_bound(self, y: Array) -> float | None:
        """One bound of every |value| a run from the states ``y`` reads (discrete
        weighted-sum networks), else None."""
        if self.tab.discrete and self.tab.fast:
            return max(self.tab.vmax, float(np.max(np.abs(y), initial=0.0)))
        return None

    def update_batch(self, y: Array, j: int, temperature: float | None = None,
                     rng: np.random.Generator | None = None, ymax: float | None = None,
                     potential: Any = None) -> Array:
        """Update neuron ``j`` (its whole group for a group function) of every state of
        ``y`` ``(B, N)`` in place; return which samples changed by more than ``tol``.

        With a ``temperature`` (two-valued neurons): high with probability
        ``σ((hi − lo)·ξ/T)`` against ``rng.random(B)``. ``ymax``: see
        :meth:`run_bound`; ``potential``: :meth:`batch_potential` when already made.
        """
        if not self.tab.fast and not temperature:  # any potential, a group: its stage
            st = stage(self.prog, [j])
            _xi, values = evaluate_stage(self.prog, st, y)
            old_values = y[:, st.targets]
            moved = (np.abs(values - old_values) > self.tol).any(axis=1) if self.tol else (
                values != old_values).any(axis=1)
            y[:, st.targets] = values
            return moved
        xi = (potential or self.batch_potential())(y, j)
        old = y[:, j]
        b = y.shape[0]
        if temperature:
            low, high = self.tab.jumps[0, j], self.tab.jumps[1, j]
            # σ((hi − lo)·ξ/T) without overflow warnings: exp of a large
            # negative argument is 0, of a large positive one inf → probability 0
            with np.errstate(over="ignore"):
                p_high = 1.0 / (1.0 + np.exp(-(high - low) * xi / temperature))
            new = np.where(rng.random(b) < p_high, high, low).astype(y.dtype)
        elif self.tab.has_jump[j]:
            new = self.decide_batch(y, j, xi, ymax)
        else:
            new = self.sigma(np.full(b, j), xi)
        moved = np.abs(new - old) > self.tol if self.tol else new != old
        y[:, j] = new
        return moved

    def lockstep(self, y: Array, order: Array, temperature: float | None = None,
                 rng: np.random.Generator | None = None, ymax: float | None = None,
                 record: bool = False) -> tuple[Array, Array, Array | None]:
        """Update the neurons ``order`` in turn, every sample of ``y`` ``(B, N)`` at
        once, in place. Returns ``(changed, last, records)``: per sample, whether some
        value changed by more than ``tol``, the 1-based position of the last such
        change (0: none), and the states after each update when ``record``."""
        b = y.shape[0]
        steps = len(order)
        changed = np.zeros(b, dtype=bool)
        last = np.zeros(b, dtype=np.int64)
        records = np.empty((steps, b, y.shape[1]), dtype=y.dtype) if record else None
        if not temperature and not self.tol and not record and (
                self.tab.threshold is not None and ymax is not None and self.tab.dense_ok):
            self._lockstep_threshold(y, order, changed, last, ymax)
            return changed, last, None
        if temperature and not self.tol:
            self._lockstep_glauber(y, order, temperature, rng, changed, last, records)
            return changed, last, records
        potential = self.batch_potential()
        for pos, j in enumerate(order.tolist()):
            moved = self.update_batch(y, j, temperature, rng, ymax, potential)
            if moved.any():
                changed |= moved
                last[moved] = pos + 1
            if records is not None:
                records[pos] = y
        return changed, last, records

    def _lockstep_glauber(self, y: Array, order: Array, temperature: float,
                          rng: np.random.Generator, changed: Array, last: Array,
                          records: Array | None) -> None:
        """:meth:`lockstep` with a temperature: :meth:`update_batch`'s Glauber rule, the
        same operations on the same values.

        The uniform draws of all the steps are drawn at once, ``rng.random((steps,
        B))``: the generator's stream is the same as one ``rng.random(B)`` per step. On
        a dense network the potentials of a window of steps are one matrix product and
        their probabilities one pass (as for :meth:`_lockstep_threshold`): the steps up
        to the first that changes some sample change nothing, so their potentials stay
        fresh; from that one on, the window is recomputed.
        """
        steps, b = len(order), y.shape[0]
        draws = rng.random((steps, b))  # the stream of one rng.random(b) per step
        lows, highs = self.tab.jumps[0], self.tab.jumps[1]
        gain = lows - highs  # −(hi − lo)
        yt = y.T
        if not self.tab.dense_many:
            potential = self.batch_potential()
            p_high = np.empty(b)
            moved = np.empty(b, dtype=bool)
            with np.errstate(over="ignore"):  # exp → inf: probability 0
                for pos, j in enumerate(order.tolist()):
                    np.multiply(potential(y, j), gain[j], out=p_high)
                    p_high /= temperature
                    np.exp(p_high, out=p_high)
                    p_high += 1.0
                    np.divide(1.0, p_high, out=p_high)
                    new = np.where(draws[pos] < p_high, highs[j], lows[j])
                    np.not_equal(new, yt[j], out=moved)
                    if np.count_nonzero(moved):
                        changed |= moved
                        last[moved] = pos + 1
                        yt[j] = new
                    if records is not None:
                        records[pos] = y
            return
        win = self.tab.dense_in
        bias = self.prog.bias
        biased = bool(np.any(bias != 0))
        p, window = 0, 8
        with np.errstate(over="ignore"):  # σ((hi − lo)·ξ/T): exp → inf is probability 0
            while p < steps:
                js = order[p : p + window]
                z = win[js] @ yt  # (k, B): the fresh potentials of the window's neurons
                if biased:
                    z += bias[js][:, None]
                z *= gain[js][:, None]
                z /= temperature
                np.exp(z, out=z)
                z += 1.0
                np.divide(1.0, z, out=z)  # P(high)
                new = np.where(draws[p : p + len(js)] < z, highs[js][:, None],
                               lows[js][:, None])
                moved = new != yt[js]
                rows = np.logical_or.reduce(moved, axis=1)
                q = int(rows.argmax())
                if not rows[q]:  # nobody changes in the whole window
                    if records is not None:
                        records[p : p + len(js)] = y
                    p += len(js)
                    window = min(2 * window, 256)
                    continue
                if records is not None:
                    records[p : p + q] = y
                hit = moved[q]
                changed |= hit
                last[hit] = p + q + 1
                yt[js[q]] = new[q]
                if records is not None:
                    records[p + q] = y
                p += q + 1
                window = max(4, min(2 * (q + 1), 256))

    def _lockstep_threshold(self, y: Array, order: Array, changed: Array, last: Array,
                            ymax: float) -> None:
        """:meth:`lockstep` on a dense network of one step/sign activation (the hot
        loop), a window of steps at a time.

        The fresh potentials of the next ``k`` selected neurons are one matrix product
        from the current states (its rounding has the same bound as one neuron's sum:
        the bound holds for any order of summation). A neuron every sample keeps — its
        potential on its side of the jump by more than that bound — changes nothing, so
        the state stays as it is and the next potentials of the window stay fresh; the
        first neuron some sample may change is decided as one step (exactly near the
        jump). After a change the rest of the window is recomputed; the window grows
        while whole windows change nothing and shrinks when changes come close
        together.
        """
        win = self.tab.dense_in
        low, high = self.tab.threshold
        bounds = self.tab.bound_array(ymax)
        bias = self.prog.bias
        biased = bool(np.any(bias != 0))
        # sides[j] = ±1: the side of the jump each sample's y_j is on (0: off the values)
        yt = y.T
        two = bool(np.all((yt == high) | (yt == low)))  # and so it stays: no value off
        bipolar = (low, high) == (-1.0, 1.0)
        if bipolar and two:
            sides = np.ascontiguousarray(yt)  # the sides are the values
        else:
            sides = np.ascontiguousarray(np.where(yt == high, 1.0, np.where(yt == low, -1.0,
                                                                              0.0)))
        b = y.shape[0]
        new = np.empty(b, dtype=y.dtype)
        held = np.empty(b, dtype=y.dtype)
        moved = np.empty(b, dtype=bool)
        # ufuncs and C methods, without the Python wrappers of ndarray.min and np.any
        smallest, count, differ = np.minimum.reduce, np.count_nonzero, np.not_equal
        # integer values throughout (the start and both values): ties settle in bulk
        whole = float(low).is_integer() and float(high).is_integer() and integral(y)
        steps, p, window = len(order), 0, 8
        while p < steps:
            js = order[p : p + window]
            xis = win[js] @ yt  # (k, B): the fresh potentials of the window's neurons
            if biased:
                xis += bias[js][:, None]
            keeps = smallest(xis * sides[js], axis=1) > bounds[js]
            q = int(keeps.argmin())
            if keeps[q]:  # nobody changes in the whole window
                p += len(js)
                window = min(2 * window, 256)
                continue
            while True:  # steps p + q, with the window's potentials still fresh
                j = int(js[q])
                xi = xis[q]
                if bipolar:
                    np.sign(xi, out=new)  # 0 at a tie: settled below
                else:
                    threshold_into(xi, new, low, high)
                np.abs(xi, out=held)
                out = new
                if smallest(held) <= bounds[j]:  # within rounding of the jump: exact
                    self.settle(y, j, xi, out, ymax, whole, float(bounds[j]))
                differ(out, yt[j], out=moved)
                if count(moved):
                    changed |= moved
                    last[moved] = p + q + 1
                    yt[j] = out
                    if bipolar and two:
                        sides[j] = out
                    elif two:
                        sides[j] = np.where(out == high, 1.0, -1.0)
                    else:
                        sides[j] = np.where(out == high, 1.0, np.where(out == low, -1.0, 0.0))
                    p += q + 1
                    window = max(4, min(2 * (q + 1), 256))
                    break
                rest = np.flatnonzero(~keeps[q + 1 :])  # nothing changed: same potentials
                if not len(rest):
                    p += len(js)
                    break
                q += 1 + int(rest[0])

    # --- one state, incrementally ----------------------------------------------------

    def start(self, y: Array) -> Incremental:
        """The incremental form of the state ``y`` ``(N,)`` (a copy)."""
        w = Incremental(y.copy())
        if self.tab.fast:
            self.resync(w)
        return w

    def resync(self, w: Incremental) -> None:
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
        dense32 = self.tab.dense32 if self.tab.dense_ok else None
        if dense32 is not None:
            # states on the two values only: the products are ±w or 0, exactly
            low, high = self.tab.threshold
            screened = bool(np.all((y == low) | (y == high)))
        if screened:
            # Potentials in float32 from the float32 weights: half the memory traffic
            # of the one full product. The error bound below joins the margins, so a
            # neuron they leave uncertain is decided on a fresh float64 sum, as always.
            xi = (y.astype(np.float32) @ dense32).astype(y.dtype)
            xi[self.tab.upd] += self.prog.bias[self.tab.upd]
        else:
            plan = self.tab.plan
            st = plan.stages[0]
            internal = plan.to_internal(y[None, :])
            xi = np.zeros(self.prog.n_neurons, dtype=y.dtype)
            xi[plan.perm[st.lo : st.hi]] = st.potentials(internal)[:, 0]
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

    def _unstable(self, w: Incremental, idx: Array) -> Array:
        """Neurons of ``idx`` that may change when selected (see module docstring)."""
        xi, y = w.xi[idx], w.y[idx]
        if self.tab.threshold is not None:  # step / sign: 'high' iff ξ >= 0, jump at 0
            low, high = self.tab.threshold
            return ((xi >= 0) != (y == high)) | (np.abs(xi) <= w.margin[idx]) | (
                (y != low) & (y != high))
        out = self.sigma(idx, xi) != y
        if self.tab.discrete:
            m = w.margin[idx]
            out |= (self.sigma(idx, xi + m) != y) | (self.sigma(idx, xi - m) != y)
        return out

    def _fresh(self, w: Incremental, j: int, xj: float) -> float:
        """The primitive on the fresh potential ``xj``, with the state's bound."""
        return self.evaluate(w.y, j, xj, None if w.fresh is None else w.fresh[j])

    def sweep(self, w: Incremental, order: Array, p0: int, p1: int, unit: int,
              each_once: bool = True) -> list[Event]:
        """Update the neurons ``order[p0:p1]`` of ``w`` in turn; return the changes.

        ``unit`` is the length of a whole sweep; ``each_once``: the sweep selects each
        neuron once (a permutation; else draws with replacement).
        """
        if self.tab.threshold is not None:
            if not each_once:
                return self._sweep_threshold(w, order, p0, p1)
            if self.tab.dense_ok:
                return self._sweep_threshold_dense(w, order, p0, p1)
            return self._sweep_threshold_perm(w, order, p0, p1, unit)
        if self.tab.fast:
            return self._sweep_fast(w, order, p0, p1)
        return self._sweep_slow(w, order, p0, p1)

    def _sweep_slow(self, w: Incremental, order: Array, p0: int, p1: int) -> list[Event]:
        events: list[Event] = []
        for pos in range(p0, p1):
            for t, old, new in self.changes(w.y, int(order[pos])):
                events.append((pos, t, new, abs(new - old) > self.tol))
        return events

    def _sweep_fast(self, w: Incremental, order: Array, p0: int, p1: int) -> list[Event]:
        oip, otg, ow = self.tab.out
        y, uns = w.y, w.uns
        events: list[Event] = []
        p = p0
        while p < p1:
            hits = uns[order[p:p1]]
            q = int(hits.argmax())
            if not hits[q]:
                break  # every remaining selection of this sweep is a no-op
            pos = p + q
            j = int(order[pos])
            xj = self.potential(y, j)
            one = np.array([j])
            new = y.dtype.type(self._fresh(w, j, xj))
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
                self.resync(w)
                uns = w.uns
            p = pos + 1
        return events

    def _sweep_threshold(self, w: Incremental, order: Array, p0: int, p1: int
                         ) -> list[Event]:
        """``_sweep_fast`` for one step/sign activation (jump at ξ = 0), leaner.

        With ``s_j = ±1`` (the side of the jump ``y_j`` is on) the neurons that may
        change are exactly those with ``s_j·ξ_j ≤ margin_j``: the wrong side, or
        within rounding distance of the jump.
        """
        oip, otg, ow = self.tab.out
        _low, high = self.tab.threshold
        y, xi, side, margin = w.y, w.xi, w.side, w.margin
        events: list[Event] = []
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
            xj = self.potential(y, j)
            xi[j] = xj
            new = self._fresh(w, j, xj)
            if new != y[j]:
                delta = new - y[j]
                y[j] = new
                side[j] = 1.0 if new == high else -1.0
                c, d = oip[j], oip[j + 1]
                xi[otg[c:d]] += delta * ow[c:d]
                events.append((p0 + pos, j, new, abs(delta) > self.tol))
                w.changes += 1
                if w.changes >= RESYNC_CHANGES:
                    self.resync(w)
                    xi, side, margin = w.xi, w.side, w.margin
            p = pos + 1
        return events

    def _sweep_threshold_perm(self, w: Incremental, order: Array, p0: int, p1: int,
                              unit: int) -> list[Event]:
        """``_sweep_threshold`` for a sweep that selects each neuron once (cyclic, random).

        The potentials, sides and margins are laid out in the sweep's order, so the
        search for the next neuron that may change reads contiguous slices. A selected
        neuron on the wrong side by more than its margin changes for sure (rounding
        in the incremental sums is below the margin); only one within the margin is
        recomputed from scratch.
        """
        oip, otg, ow = self.tab.out
        low, high = self.tab.threshold
        y, xi, side, margin = w.y, w.xi, w.side, w.margin
        sel = order[p0:p1]
        end = len(sel)
        partial = end < unit
        pos_of = np.full(self.prog.n_neurons, end, dtype=np.int64)  # spare slot: not in sweep
        pos_of[sel] = np.arange(end)
        xo = np.append(xi[sel], 0.0)
        so = side[sel]
        mo = margin[sel]
        events: list[Event] = []
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
                x_inc = self.potential(y, j)
                xo[pos] = x_inc
                new = self._fresh(w, j, x_inc)
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
            self.resync(w)
        return events

    def _sweep_threshold_dense(self, w: Incremental, order: Array, p0: int, p1: int
                               ) -> list[Event]:
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
        dense = self.tab.dense
        low, high = self.tab.threshold
        jump = high - low
        y, xi, side, margin = w.y, w.xi, w.side, w.margin
        sel = order[p0:p1]
        end = len(sel)
        events: list[Event] = []
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
                xj = self.potential(y, j)
                new = self._fresh(w, j, xj)
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

    def _apply(self, w: Incremental, js: Array, delta: Array, rows: Array | None = None,
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
            self.resync(w)

    def is_fixed_point(self, w: Incremental) -> bool:
        """No neuron with inputs would change by more than tol (fresh evaluation)."""
        prog, y = self.prog, w.y
        if not self.tab.fast:
            st = parallel_stage(prog)
            _xi, new = evaluate_stage(prog, st, y[None, :])
            return not np.any(np.abs(new[0] - y[st.targets]) > self.tol)
        threshold = self.tab.threshold is not None
        flagged = w.side * w.xi <= w.margin if threshold else w.uns
        for j in self.tab.upd[flagged[self.tab.upd]].tolist():  # only the flagged ones
            new = self._fresh(w, j, self.potential(y, j))
            if abs(new - y[j]) > self.tol:
                return False
        return True
