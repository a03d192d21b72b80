"""Threshold neurons: exact decisions near the jump and the tie rule, in one place.

An activation whose registry entry has a ``jump`` (step, sign, or a user's threshold
function) takes the value ``low`` for ξ < 0, ``high`` for ξ > 0 and ``at_zero`` at
ξ = 0 exactly — or keeps its current value there when ``at_zero`` is
:data:`~netsim.functions.KEEP` (NaN).

**Rounding never decides a threshold.** A computed potential carries a rounding error
bounded by ``γ_(n+1)·(|b| + Σ_i |w_i|·|y_i|)`` for a weighted sum of ``n`` terms in any
summation order (``γ_k = k·u / (1 − k·u)``, ``u`` the unit roundoff of the dtype;
Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1). Where ``|ξ|`` is
within that bound, the sign of the exact sum of the stored weights times the state is
computed instead (:func:`exact_sign`): every product is split exactly into two floats
(Dekker's two-product) and :func:`math.fsum` rounds their sum correctly, so its sign is
the exact sum's sign; values too large or too small for the split are summed as
fractions. Decisions away from the jump are the rounded computation's, which is then
provably right.

Most networks at a tie need no per-sum work: when a row's weights and bias are integers
times one power of two (±1 Hebb weights, Hebb's ``k·c`` with the 1/N factor ``c``) and
the state's values are integers, the exact sum is an int64 sum — or, when it is below
2**53, the computed one — so those ties are settled for every sample at once.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from ..functions import Activation
from .cache import derived
from .kernels import min_abs

__all__ = ["ExactRow", "ExactRows", "exact_sign", "gamma", "integer_form", "integral",
           "jump_arrays", "threshold_into", "threshold_near_into", "tie_values", "value_bound"]

Array = np.ndarray

_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant
_SAFE_HI = 2.0**995  # products and splits stay finite below this
_SAFE_LO = 2.0**-969  # error terms stay representable above this (unless exactly 0)


def gamma(n_terms: Array | int, dtype: np.dtype) -> Array | float:
    """``γ_k = k·u / (1 − k·u)`` for ``k`` rounded operations in ``dtype``."""
    u = float(np.finfo(dtype).eps) / 2
    k = np.asarray(n_terms, dtype=np.float64) * u
    return k / (1.0 - k)


def exact_sign(bias: float, weights: Array, values: Array) -> int:
    """The sign (−1, 0, +1) of ``bias + Σ weights·values``, computed exactly.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([0.1, 0.2, -0.3])
    >>> float(w @ np.ones(3))  # rounding says: not zero
    5.551115123125783e-17
    >>> exact_sign(0.0, w, np.ones(3))  # the stored 0.1 + 0.2 − 0.3 is exactly that
    1
    >>> exact_sign(0.0, np.array([0.5, -0.25, -0.25]), np.ones(3))
    0
    """
    if len(weights) <= _SHORT:
        found = _short_sign(float(bias), np.asarray(weights, dtype=np.float64).tolist(),
                            np.asarray(values, dtype=np.float64).tolist())
        if found is not None:
            return found
    a = np.asarray(weights, dtype=np.float64)
    b = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):  # checked just below
        p = a * b
    mag = np.abs(p[(a != 0) & (b != 0)])  # a product of nonzeros that underflows fails
    ok = (
        math.isfinite(bias)
        and np.all(np.abs(a) < _SAFE_HI)
        and np.all(np.abs(b) < _SAFE_HI)
        and (len(mag) == 0 or (mag.min() > _SAFE_LO and mag.max() < _SAFE_HI))
    )
    if ok:
        e = _product_error(a, b, p)
        total = math.fsum([float(bias), *p.tolist(), *e.tolist()])
        return (total > 0) - (total < 0)
    exact = Fraction(float(bias)) + sum(
        (Fraction(float(x)) * Fraction(float(y)) for x, y in zip(a, b, strict=True)),
        Fraction(0),
    )
    return (exact > 0) - (exact < 0)


def _product_error(a: Any, b: Any, p: Any) -> Any:
    """Dekker's two-product: ``a·b = p + e`` exactly, for ``p = fl(a·b)`` in the safe
    range (floats or arrays alike)."""
    ca = _SPLIT * a
    a_hi = ca - (ca - a)
    a_lo = a - a_hi
    cb = _SPLIT * b
    b_hi = cb - (cb - b)
    b_lo = b - b_hi
    return ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


_SHORT = 32  # rows up to this many terms are summed in plain Python (no array calls)


def _short_sign(bias: float, weights: list[float], values: list[float]) -> int | None:
    """:func:`exact_sign` for a short row with Python floats (the same two-product and
    correctly rounded sum), or None when a term is outside the safe range."""
    if not math.isfinite(bias):
        return None
    terms = [bias]
    for a, b in zip(weights, values, strict=True):
        if not (abs(a) < _SAFE_HI and abs(b) < _SAFE_HI):
            return None
        if a == 0.0 or b == 0.0:
            continue  # an exact zero
        p = a * b
        if not _SAFE_LO < abs(p) < _SAFE_HI:
            return None
        terms.append(p)
        terms.append(_product_error(a, b, p))
    total = math.fsum(terms)
    return (total > 0) - (total < 0)


def jump_arrays(act: Activation, params: Mapping[str, Array], rows: int
                ) -> tuple[Array, Array, Array]:
    """Per row: ``low``, ``high`` and ``at_zero`` (NaN: keep) of a threshold activation
    whose parameters are the per-row arrays ``params`` (one call per distinct set)."""
    out = np.empty((3, rows))
    names = list(params)
    if not names:
        out[:] = np.array(act.jump({}), dtype=np.float64)[:, None]
        return out[0], out[1], out[2]
    stacked = np.stack([np.asarray(params[k], dtype=np.float64) for k in names], axis=1)
    # NaN (keep) compares unequal to itself: group rows by their bytes instead
    keys = [row.tobytes() for row in stacked]
    cache: dict[bytes, tuple[float, float, float]] = {}
    for r, key in enumerate(keys):
        jump = cache.get(key)
        if jump is None:
            jump = cache[key] = act.jump(dict(zip(names, stacked[r].tolist(), strict=True)))
        out[:, r] = jump
    return out[0], out[1], out[2]


def threshold_into(xi: Array, out: Array, low: Any, high: Any) -> None:
    """``out = high`` where ``ξ ≥ 0`` else ``low``, in one pass where possible.

    ``low``/``high`` are scalars or columns broadcasting against ``xi``. Exact ties and
    near-ties are then settled by :meth:`ExactRows.settle` (sign's 0 at ξ = 0 too).
    """
    if not isinstance(low, np.ndarray) and not isinstance(high, np.ndarray):
        if low == -1.0 and high == 1.0:
            np.sign(xi, out=out)
            return
        np.greater_equal(xi, 0, out=out)
        if not (low == 0.0 and high == 1.0):
            out *= high - low
            out += low
        return
    out[...] = np.where(xi >= 0, high, low)


_CHUNK = 1 << 15  # elements per block: the block's |ξ| stays in cache for the check


def threshold_near_into(xi: Array, out: Array, low: Any, high: Any, tol: float,
                        scratch: dict[tuple[int, ...], Array]) -> bool:
    """:func:`threshold_into` over the rows of ``xi`` ``(rows, B)`` block by block, and
    whether some ``|ξ| ≤ tol`` (a potential within rounding of the jump).

    Blocks keep each one's ``|ξ|`` in cache, so the check costs little beyond the
    decision itself; ``scratch`` holds the block buffer between calls.
    """
    rows = xi.shape[0]
    if rows == 0:
        return False
    if xi.size <= _CHUNK:  # one block: no buffer, no loop
        threshold_into(xi, out, low, high)
        return min_abs(xi) <= tol
    step = max(1, _CHUNK // max(1, xi[0].size))
    shape = (min(step, rows), *xi.shape[1:])
    buf = scratch.get(shape)
    if buf is None:
        scratch.clear()
        buf = scratch[shape] = np.empty(shape, dtype=xi.dtype)
    near = False
    for a in range(0, rows, step):
        b = min(rows, a + step)
        threshold_into(xi[a:b], out[a:b], low[a:b] if np.ndim(low) else low,
                       high[a:b] if np.ndim(high) else high)
        if not near:
            part = buf[: b - a]
            np.abs(xi[a:b], out=part)
            near = float(part.min()) <= tol
    return near


@dataclass(frozen=True, eq=False)
class ExactRows:
    """The threshold rows of a stage and what deciding them exactly needs.

    ``rows`` are positions within the stage's rows; every array below has one entry
    per such row. ``indptr``/``sources``/``weights`` are the rows' incoming
    connections (``sources`` indexing the state's neuron axis in the caller's layout).
    """

    rows: Array
    low: Array
    high: Array
    at_zero: Array  # NaN: keep the current value
    linear: Array  # weighted-sum rows (decided exactly); others: on their computed ξ
    bias: Array
    indptr: Array
    sources: Array
    weights: Array
    slack: Array  # γ_(n+1)·Σ|w| per row: times max|y| gives the error bound
    slack_bias: Array  # γ_(n+1)·|b| per row
    neurons: Array  # neuron index of each row (into the program's bias)
    wpos: Array  # positions of ``weights`` in the program's weight array
    dtype: np.dtype
    keep: bool = False  # some row keeps its value at a tie
    scratch: dict[tuple[int, ...], Array] = field(default_factory=dict, repr=False)

    @cached_property
    def integers(self) -> tuple[Array | None, Array | None, Array | None]:
        """The rows' weights and bias as integers times 2**scale, and each row's room
        (see :func:`integer_form`): ties on such rows are settled by int64 sums,
        vectorised, instead of one by one. Made on first use."""
        return integer_form(self.weights, self.bias, self.indptr)

    def tolerance(self, lo: int, hi: int) -> tuple[float, float]:
        """``(w, b)``: the largest rounding slack of the rows ``lo:hi`` (stage positions),
        so that ``w·max|y| + b`` bounds the rounding of every one of them."""
        a, b = np.searchsorted(self.rows, [lo, hi])
        if a == b:
            return 0.0, 0.0
        return float(self.slack[a:b].max()), float(self.slack_bias[a:b].max())

    def near_by_samples(self, xi: Array, state: Array, n_rows: int) -> bool:
        """For ``xi`` ``(B, rows)`` computed from ``state`` ``(B, N)``: whether some
        threshold row's potential may lie within rounding of 0. Block by block over the
        samples (each block's |ξ| and |y| stay in cache), each block against its own
        largest |y|."""
        if xi.size == 0 or len(self.rows) == 0:
            return False
        w, b = float(self.slack.max()), float(self.slack_bias.max())
        every = len(self.rows) == n_rows  # all the stage's rows: no gather
        step = max(1, _CHUNK // max(1, state.shape[1]))
        for a in range(0, xi.shape[0], step):
            x = xi[a : a + step] if every else xi[a : a + step, self.rows]
            ymax = float(np.abs(state[a : a + step]).max(initial=0.0))
            if float(np.abs(x).min()) <= w * ymax + b:
                return True
        return False

    def near(self, xi: Array, lo: int, hi: int, tol: tuple[float, float], ymax: float,
             rows_first: bool) -> bool:
        """Whether some potential of the rows ``lo:hi`` may lie within rounding of 0
        (one pass: the smallest |ξ| against the rows' largest bound)."""
        x = xi[lo:hi] if rows_first else xi[:, lo:hi]
        if not x.size:
            return False
        buf = self.scratch.get(x.shape)
        if buf is None:  # kept: a fresh large array each step costs its page faults
            self.scratch.clear()
            buf = self.scratch[x.shape] = np.empty(x.shape, dtype=x.dtype)
        np.abs(x, out=buf)
        return float(buf.min()) <= tol[0] * ymax + tol[1]

    @classmethod
    def build(cls, prog: Any, neurons: Array, rows: Array, linear: Array, source_of: Array
              ) -> ExactRows | None:
        """The threshold rows among ``neurons`` (the stage's rows in order; ``rows`` of
        them sit at positions ``rows``), or None when there are none. ``linear`` marks
        weighted-sum rows (others, e.g. distance potentials, are decided on their
        computed ξ); ``source_of`` maps a neuron index to the state's neuron axis."""
        act_ids = prog.activation_ids[neurons]
        parts = []
        for aid in np.unique(act_ids):
            act = prog.activations[int(aid)]
            if act.jump is None:
                continue
            at = np.flatnonzero(act_ids == aid)
            params = {k: v[neurons[at]] for k, v in prog.activation_params[act.name].items()}
            parts.append((at, jump_arrays(act, params, len(at))))
        if not parts:
            return None
        at = np.concatenate([r for r, _j in parts])
        order = np.argsort(at)
        at = at[order]
        low, high, at_zero = (np.concatenate([j[k] for _r, j in parts])[order] for k in range(3))
        seg = neurons[at]
        counts = prog.indptr[seg + 1] - prog.indptr[seg]
        starts = np.repeat(prog.indptr[seg] - np.concatenate([[0], np.cumsum(counts)[:-1]]),
                           counts)
        wpos = starts + np.arange(int(counts.sum()))
        indptr = np.zeros(len(seg) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        lin = np.asarray(linear, dtype=bool)[at]
        base = cls(rows=np.asarray(rows, dtype=np.int64)[at], low=low, high=high,
                   at_zero=at_zero, linear=lin, bias=np.zeros(len(at)), indptr=indptr,
                   sources=np.asarray(source_of[prog.sources[wpos]], dtype=np.int64),
                   weights=np.zeros(len(wpos)), slack=np.zeros(len(at)),
                   slack_bias=np.zeros(len(at)), neurons=seg, wpos=wpos, dtype=prog.dtype,
                   keep=bool(np.isnan(at_zero).any()))
        return base.with_values(prog.weights, prog.bias)

    def with_values(self, weights: Array, bias: Array) -> ExactRows:
        """The same rows with the program-wide ``weights`` and ``bias`` arrays."""
        w = np.asarray(weights, dtype=np.float64)[self.wpos]
        b = np.where(self.linear, np.asarray(bias, dtype=np.float64)[self.neurons], 0.0)
        counts = np.diff(self.indptr)
        g = gamma(counts + 1, self.dtype)
        row_of = np.repeat(np.arange(len(self.rows)), counts)
        absrow = np.bincount(row_of, weights=np.abs(w), minlength=len(self.rows))
        return dataclasses.replace(self, weights=w, bias=b, scratch={},
                                   slack=np.where(self.linear, g * absrow, 0.0),
                                   slack_bias=g * np.abs(b))

    def settle(self, xi: Array, out: Array, old: Array | None, value_of: callable,
               ymax: float, rows_first: bool, whole: bool = False) -> None:
        """Correct ``out`` where the rounded ``xi`` may be on the wrong side of the jump,
        and apply the tie rule.

        ``xi``/``out`` hold the stage's rows (first axis when ``rows_first``, else last);
        ``old`` the threshold rows' current values (needed only for keep), laid out like
        ``xi[rows]``; ``value_of(r, b)`` the source values of threshold row ``r`` in
        sample ``b``; ``ymax`` bounds every ``|y|`` the sums read; ``whole`` says that
        every value the sums read is an integer (ties then settle in bulk).
        """
        x = xi[self.rows] if rows_first else xi[:, self.rows]
        if whole and self._all_exact(ymax):
            self._settle_exact_ties(x, out, old, rows_first)
            return
        tol = self.slack * ymax + self.slack_bias
        near = np.abs(x) <= (tol[:, None] if rows_first else tol)
        if not near.any():
            return
        pairs = np.argwhere(near if rows_first else near.T)  # (row, sample)
        room = self.integers[2]
        if whole and room is not None:
            # integer values and a row of K·2**q with Σ|K|·ymax < 2**53: every partial
            # sum is representable, so the computed ξ is the exact sum, ties included
            r, b = pairs[:, 0], pairs[:, 1]
            exact = self.linear[r] & (room[r] * max(ymax, 1.0) < 2.0**53)
            if exact.any():
                v = x[r[exact], b[exact]] if rows_first else x[b[exact], r[exact]]
                self._put(np.sign(v), r[exact], b[exact], out, old, rows_first)
                pairs = pairs[~exact]
        rest = self._settle_integer(pairs, out, old, value_of, ymax, rows_first, whole)
        if not len(rest):
            return
        signs = np.empty(len(rest))
        for k, (r, b) in enumerate(rest.tolist()):
            if self.linear[r]:
                lo, hi = self.indptr[r], self.indptr[r + 1]
                signs[k] = exact_sign(self.bias[r], self.weights[lo:hi],
                                      value_of(self.sources[lo:hi], b))
            else:  # decided on its computed ξ
                signs[k] = np.sign(x[r, b] if rows_first else x[b, r])
        self._put(signs, rest[:, 0], rest[:, 1], out, old, rows_first)

    def _all_exact(self, ymax: float) -> bool:
        """Whether every row's computed ξ is its exact sum for integer values up to
        ``ymax`` (weights ``K·2**q`` with ``Σ|K|·ymax < 2**53``: no partial sum rounds)."""
        room = self.integers[2]
        return (room is not None and len(room) > 0 and bool(self.linear.all())
                and float(room.max()) * max(ymax, 1.0) < 2.0**53)

    def _settle_exact_ties(self, x: Array, out: Array, old: Array | None,
                           rows_first: bool) -> None:
        """Every ξ is exact: the jump was decided right, only ξ = 0 takes the tie rule
        (one pass over the block, no per-pair work)."""
        tie = x == 0
        if not tie.any():
            return
        at = self.at_zero[:, None] if rows_first else self.at_zero
        if self.keep:  # NaN: keep the current value
            assert old is not None  # given whenever a row keeps
            at = np.where(np.isnan(at), old, at)
        if rows_first:
            out[self.rows] = np.where(tie, at, out[self.rows])
        else:
            out[:, self.rows] = np.where(tie, at, out[:, self.rows])

    def _settle_integer(self, pairs: Array, out: Array, old: Array | None,
                        value_of: callable, ymax: float, rows_first: bool, whole: bool
                        ) -> Array:
        """Settle the ``(row, sample)`` pairs whose exact sum is an int64 computation
        (integer weights times 2**scale and integer source values), all at once; return
        the pairs left for :func:`exact_sign`."""
        int_weights, int_bias, room = self.integers
        if room is None or not len(pairs):
            return pairs
        r, b = pairs[:, 0], pairs[:, 1]
        # |Σ K·y + B| ≤ room·ymax < 2**62 keeps every partial int64 sum exact
        fits = self.linear[r] & (room[r] * max(ymax, 1.0) < 2.0**62)
        if not fits.any():
            return pairs
        r, b = r[fits], b[fits]
        counts = np.diff(self.indptr)[r]
        ends = np.cumsum(counts)
        owner = np.repeat(np.arange(len(r)), counts)
        pos = np.repeat(self.indptr[r] - ends + counts, counts) + np.arange(int(ends[-1]))
        values = np.asarray(value_of(self.sources[pos], b[owner]), dtype=np.float64)
        ints = np.rint(values)
        integral = np.ones(len(r), dtype=bool)
        if not whole:
            integral = np.bincount(owner[values != ints], minlength=len(r)) == 0
        sums = np.zeros(len(pos) + 1, dtype=np.int64)
        np.cumsum(int_weights[pos] * ints.astype(np.int64), out=sums[1:])
        # each pair's sum from the running total (wrap-around cancels: each sum < 2**62)
        total = sums[ends] - sums[ends - counts] + int_bias[r]
        self._put(np.sign(total[integral]), r[integral], b[integral], out, old, rows_first)
        done = np.zeros(len(pairs), dtype=bool)
        done[np.flatnonzero(fits)[integral]] = True
        return pairs[~done]

    def _put(self, sign: Array, r: Array, b: Array, out: Array, old: Array | None,
             rows_first: bool) -> None:
        """Write the values of threshold rows ``r`` in samples ``b`` whose potentials
        have the exact signs ``sign`` (the tie rule at 0)."""
        kept = None
        if old is not None and self.keep:
            kept = old[r, b] if rows_first else old[b, r]
        value = tie_values(sign, self.low[r], self.high[r], self.at_zero[r], kept)
        if rows_first:
            out[self.rows[r], b] = value
        else:
            out[b, self.rows[r]] = value


def tie_values(sign: Array, low: Any, high: Any, at_zero: Any, old: Array | None
               ) -> Array:
    """The values of threshold neurons whose potentials have the exact signs ``sign``:
    ``high`` above 0, ``low`` below, ``at_zero`` at 0 — or ``old`` (their current
    values) where ``at_zero`` is NaN (keep). Arrays broadcast against ``sign``."""
    value = np.where(sign > 0, high, np.where(sign < 0, low, at_zero))
    keep = np.isnan(value)
    if keep.any():  # NaN: keep the current value
        assert old is not None  # given whenever a row keeps
        value[keep] = np.broadcast_to(old, value.shape)[keep]
    return value


@dataclass(frozen=True, eq=False)
class ExactRow:
    """One weighted-sum threshold neuron and what deciding it exactly needs: its
    incoming ``weights`` from ``sources``, ``bias``, jump (``low``, ``high``,
    ``at_zero``; NaN: keep) and integer form (``ints``, ``int_bias``, ``room``: see
    :func:`integer_form`; ``room`` is inf without one).

    :meth:`settle` decides it in every sample of a batch at once, as
    :meth:`ExactRows.settle` decides a stage: the sequential rule's single-neuron
    updates use it without the stage's other rows.

    Examples
    --------
    >>> import numpy as np
    >>> row = ExactRow.of(np.array([0.1, 0.2, -0.3]), 0.0, np.arange(3), (-1.0, 1.0, 0.0))
    >>> states = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
    >>> xi = states @ row.weights   # 5.6e-17 (rounded) and 0.3
    >>> out = np.sign(xi)
    >>> row.settle(xi, out, None, states, tol=1e-15, ymax=1.0)
    >>> out.tolist()  # the stored 0.1 + 0.2 - 0.3 is 2**-55 > 0
    [1.0, 1.0]
    """

    weights: Array
    sources: Array
    bias: float
    low: float
    high: float
    at_zero: float
    ints: Array
    int_bias: int
    room: float

    @classmethod
    def of(cls, weights: Array, bias: float, sources: Array,
           jump: tuple[float, float, float],
           form: tuple[Array, int, float] | None = None) -> ExactRow:
        """The row of ``weights`` (float64) from ``sources`` with ``bias`` and
        ``jump`` = (low, high, at_zero). ``form``: its integer form ``(ints, int_bias,
        room)`` when already known (e.g. a slice of a whole program's; room inf: none),
        else computed here."""
        w = np.asarray(weights, dtype=np.float64)
        if form is None:
            ints, int_bias, room = integer_form(w, np.array([float(bias)]),
                                                np.array([0, len(w)]))
            form = (np.zeros(len(w), dtype=np.int64), 0, math.inf) if (
                ints is None or int_bias is None or room is None) else (
                ints, int(int_bias[0]), float(room[0]))
        low, high, at_zero = (float(v) for v in jump)
        return cls(w, sources, float(bias), low, high, at_zero, form[0], int(form[1]),
                   float(form[2]))

    def settle(self, xi: Array, out: Array, old: Array | None, state: Array, tol: float,
               ymax: float, whole: bool = False) -> None:
        """Correct the rounded decisions ``out`` ``(B,)`` where the potentials ``xi``
        ``(B,)``, computed from the states ``state`` ``(B, N)`` (``sources`` index its
        second axis) with a rounding error at most ``tol``, may be on the wrong side of
        the jump, and apply the tie rule (``old``: the current values, needed when the
        row keeps). ``ymax`` bounds every |value| the sums read; ``whole``: every such
        value is an integer."""
        near = np.flatnonzero(np.abs(xi) <= tol)
        if not len(near):
            return
        room = self.room * max(ymax, 1.0)
        if whole and room < 2.0**53:
            # integer values and a row of K·2**q with Σ|K|·ymax < 2**53: every partial
            # sum is representable, so the computed ξ is the exact sum
            sign = np.sign(xi[near])
        else:
            values = state[near[:, None], self.sources]
            sign = np.empty(len(near))
            fits = np.zeros(len(near), dtype=bool)
            if room < 2.0**62:  # |Σ K·y + B| < 2**62: exact in int64
                ints = np.rint(values)
                fits[:] = True if whole else (values == ints).all(axis=1)
                sign[fits] = np.sign(ints[fits].astype(np.int64) @ self.ints + self.int_bias)
            for k in np.flatnonzero(~fits).tolist():
                sign[k] = exact_sign(self.bias, self.weights, values[k])
        out[near] = tie_values(sign, self.low, self.high, self.at_zero,
                               None if old is None else old[near])


def integral(state: Array) -> bool:
    """Whether every value of ``state`` is an integer (ties then settle in bulk)."""
    return bool(np.array_equal(state, np.rint(state)))

def integer_form(weights: Array, bias: Array, indptr: Array
                 ) -> tuple[Array | None, Array | None, Array | None]:
    """Each row's weights and bias as integers ``K``, ``B`` with ``w = K·2**q_row``
    (``q_row`` the smallest power of two among the row's nonzero values), and the
    row's ``Σ|K| + |B|``; rows that do not fit int64 get an infinite room.

    Sums of such rows times integer values are exact in int64 when small enough, which
    decides ties in bulk (e.g. ±1 Hebb weights, or Hebb's 1/N stored as ``k·c``).

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([0.75, -0.5, 3.0, 1.0, 1e-30])  # rows: w[0:2], w[2:3], w[3:5]
    >>> k, b, room = integer_form(w, np.array([0.25, 0.0, 0.0]), np.array([0, 2, 3, 5]))
    >>> k.tolist(), b.tolist(), room.tolist()  # the last row spans ~100 bits: none
    ([3, -2, 3, 0, 0], [1, 0, 0], [6.0, 3.0, inf])
    """
    rows = len(indptr) - 1
    w = np.asarray(weights, dtype=np.float64)
    b = np.asarray(bias, dtype=np.float64)
    if rows == 0:
        return None, None, None
    counts = np.diff(indptr)
    row_of = np.repeat(np.arange(rows), counts)
    lsb = np.full(rows, np.inf)
    for values, firsts in ((w, np.asarray(indptr[:-1])), (b, None)):
        if not len(values):
            continue
        low = _lowest_bits(values)
        if low is None:  # an infinite or NaN value
            return None, None, None
        if firsts is None:
            np.minimum(lsb, low, out=lsb)
        else:  # per row (CSR: each row's entries contiguous); empty rows stay inf
            some = counts > 0
            lsb[some] = np.minimum(lsb[some], np.minimum.reduceat(low, firsts[some]))
    q = np.where(np.isfinite(lsb), lsb, 0.0).astype(np.int64)
    big_w, big_b = _scaled(w, q, row_of), _scaled(b, q, None)
    room = np.bincount(row_of, weights=np.abs(big_w), minlength=rows) + np.abs(big_b)
    ok = room < 2.0**62  # False for inf and NaN too
    room = np.where(ok, room, np.inf)
    ints = np.where(ok[row_of], big_w, 0.0).astype(np.int64)
    int_bias = np.where(ok, big_b, 0.0).astype(np.int64)
    return ints, int_bias, room


def _lowest_bits(values: Array) -> Array | None:
    """Per value: the exponent of its lowest set bit (``v = odd·2**e``; inf for 0),
    read from the float64 bits; None when some value is not finite."""
    bits = values.view(np.int64) & np.int64(0x7FFFFFFFFFFFFFFF)
    field = bits >> 52
    if (field == 0x7FF).any():
        return None
    frac = bits & np.int64((1 << 52) - 1)
    normal = field > 0
    mant = np.where(normal, frac | np.int64(1 << 52), frac)  # v = mant·2**(e − 1075)
    expo = np.where(normal, field, 1) - 1075
    low = (mant & -mant).astype(np.float64)  # a power of two (0 for v = 0), exact
    tz = (low.view(np.int64) >> 52) - 1023
    return np.where(mant != 0, (expo + tz).astype(np.float64), np.inf)


def _scaled(values: Array, q: Array, row_of: Array | None) -> Array:
    """``values·2**−q`` per row (``row_of``: each value's row; None: one per row),
    exact: a multiplication when ``2**−q`` is a float, else ``ldexp``."""
    with np.errstate(over="ignore"):  # a row too wide for int64: inf, refused after
        if len(q) and (q.min() < -1022 or q.max() > 1022):
            return np.ldexp(values, -(q if row_of is None else q[row_of]))
        scale = np.ldexp(1.0, -q)
        return values * (scale if row_of is None else scale[row_of])


def value_bound(prog: Any) -> float | None:
    """The largest |value| any neuron with inputs can take, when every one of them has
    a discrete activation (else None): with the initial state's largest |value| it
    bounds every value a run reads, so the rounding bounds need no pass over the state.
    """
    def build() -> float | None:
        upd = prog.updated
        vmax = 0.0
        for aid in np.unique(prog.activation_ids[upd]):
            act = prog.activations[int(aid)]
            if act.values is None:
                return None
            params = prog.activation_params[act.name]
            rows = upd[prog.activation_ids[upd] == aid]
            combos = {tuple(float(v[j]) for v in params.values()) for j in rows.tolist()}
            for combo in combos:
                values = act.values(dict(zip(params, combo, strict=True)))
                vmax = max(vmax, *(abs(v) for v in values))
        return vmax

    return derived(prog, "value_bound", build)
