"""Differentiable stages: a stage's forward evaluation and its vector-Jacobian product.

A :class:`DiffStage` is a :class:`~netsim.core.stages.Stage` prepared for gradients,
micrograd-style: :meth:`DiffStage.forward` computes the stage's potentials and outputs
and :meth:`DiffStage.vjp` pulls ∂E/∂y of its targets back to ∂E/∂ξ, to the weights and
biases and to the sources' ∂E/∂y, side by side in one class:

``∂E/∂ξ_j = σ'_j(ξ_j)·∂E/∂y_j`` (a group function: its registered ``vjp``),
``∂E/∂w_ji = ∂E/∂ξ_j · ∂ξ_j/∂w_ji``, ``∂E/∂b_j = ∂E/∂ξ_j`` (summed over the batch),
``∂E/∂y_i += Σ_j ∂E/∂ξ_j · ∂ξ_j/∂y_i``.

Activations go through the registry entries' own kernels
(:func:`~netsim.core.kernels.activate_into`, :func:`~netsim.core.kernels.backward_into`):
a fused in-place backward when the entry has one (a user's registered entry too), else
its derivative. Potentials other than the weighted sum use their registered CSR
``forward``/``gradient``.

Arrays are neurons-first, ``(N, B)``, in the network's neuron order (the rows of a
stage and the sources of a block are then contiguous runs). The source state and the
state written may be one array (a layer of the layered rule: every stage reads earlier
rows) or two (a step of the parallel rule, unrolled in time: ``S_t = F(S_{t−1})``).
Every array keeps its dtype (float32 stays float32).

An optional ``mask`` (one factor per target row, broadcasting against ``(rows, B)``)
multiplies the outputs, ``y = m·σ(ξ)``: dropout. The vjp then multiplies ∂E/∂y by the
same factors before the activation's derivative, which sees ``σ(ξ)`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from ..compile import Program, as_index
from ..errors import NotDifferentiableError
from ..functions import Activation, Potential
from .kernels import activate_into, backward_into, column
from .stages import Stage

__all__ = ["DiffStage", "reaches_outputs"]

Array = np.ndarray
Index = slice | Array

# Rows × batch elements gathered at once when summing sparse weight gradients.
_CHUNK = 1 << 20


def _positions(index: Index) -> Array:
    if isinstance(index, slice):
        return np.arange(index.start, index.stop)
    return np.asarray(index)


def _count(index: Index) -> int:
    return index.stop - index.start if isinstance(index, slice) else len(index)


def reaches_outputs(prog: Program) -> Array:
    """Boolean per neuron: an output can be reached from it (outputs included).

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.core import reaches_outputs
    >>> reaches_outputs(ns.mlp("2-2-1", seed=0).compile()).tolist()
    [True, True, True, True, True]
    """
    n = prog.n_neurons
    if len(prog.outputs) == 0:
        return np.zeros(n, dtype=bool)
    # Reverse edges target → source, plus a super node n → every output.
    rows = np.concatenate([np.repeat(np.arange(n), prog.in_degree), np.full(len(prog.outputs), n)])
    cols = np.concatenate([prog.sources.astype(np.int64), prog.outputs])
    graph = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n + 1))
    order = breadth_first_order(graph, n, directed=True, return_predecessors=False)
    mask = np.zeros(n + 1, dtype=bool)
    mask[order] = True
    return mask[:n]


def _rowwise_dot(a: Array, arow: Array, b: Array, bcol: Array) -> Array:
    """``out[k] = a[arow[k]] · b[bcol[k]]`` in chunks (bounded memory)."""
    n = len(arow)
    out = np.empty(n, dtype=np.result_type(a, b))
    step = max(1, _CHUNK // max(1, a.shape[1]))
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        out[lo:hi] = np.einsum("kb,kb->k", a[arow[lo:hi]], b[bcol[lo:hi]])
    return out


@dataclass(eq=False)
class DenseBlock:
    """Weighted-sum rows reading the same sources: ``ξ[rows] = W @ S[src]``."""

    rows: Index  # positions within the stage's targets
    src: Index  # source neuron indices
    wpos: Index  # a contiguous run: the weights reshape to ``shape``
    shape: tuple[int, int]
    back: bool  # some source is itself computed: propagate ∂E/∂y to it
    from_inputs: bool = False  # reads exactly the input neurons (the caller may pass x)


@dataclass(eq=False)
class SparseBlock:
    """Other weighted-sum rows: a CSR matrix over their distinct sources."""

    rows: Index
    cols: Array  # distinct source neurons
    indptr: Array  # local CSR over (rows × cols)
    lcol: Array  # local column of each connection
    lrow: Array  # local row of each connection
    wpos: Index
    back: bool


@dataclass(eq=False)
class OtherBlock:
    """Rows with another potential (distance, user): its registered CSR functions."""

    rows: Index
    potential: Potential
    sources: Array
    indptr: Array
    counts: Array
    wpos: Index
    params: dict[str, Array]


@dataclass(eq=False)
class ActBlock:
    """Rows sharing one activation (one group per entry of ``groups`` for softmax)."""

    rows: Index
    activation: Activation
    params: dict[str, Array]
    groups: tuple[Array, ...]  # group functions: positions within the targets
    relevant: bool  # some neuron of the block lies on a path to an output
    feeds: bool  # some neuron of the block has outgoing connections
    final: bool = False  # every neuron of the block is an output that feeds nothing
    # elementwise: parameters as scalars or (rows, 1) columns (the (N, B) layout)
    columns: dict[str, Any] = field(default_factory=dict)


class DiffStage:
    """One stage, differentiable: :meth:`forward` and its :meth:`vjp`.

    Parameters
    ----------
    prog : Program
    stage : Stage
        The targets evaluated together (see :func:`netsim.core.stage`).
    relevant : ndarray of bool, optional
        Neurons on a path to an output (:func:`reaches_outputs`, the default). A
        non-differentiable activation or potential on such a neuron is an error;
        elsewhere its gradient is 0.

    Raises
    ------
    NotDifferentiableError
        Naming the first non-differentiable neuron on a path to an output.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> from netsim.core import DiffStage, parallel_stage
    >>> net = ns.Network()
    >>> net.add_input("x"); net.add_output("y", activation="sigmoid"); net.connect("x", "y", 0.0)
    >>> prog = net.compile()
    >>> st = DiffStage(prog, parallel_stage(prog))
    >>> S = np.array([[2.0], [0.0]]); XI = np.zeros_like(S)
    >>> st.forward(S, S, XI, prog.weights, prog.bias); S[1]          # σ(0·2)
    array([0.5])
    >>> gys = np.array([[0.0], [1.0]]); gw = np.zeros(1); gb = np.zeros(2)
    >>> st.vjp(S, S, XI, gys, gys, gw, gb, prog.weights); gw, gb   # σ'(0) = ¼
    (array([0.5]), array([0.  , 0.25]))
    """

    def __init__(self, prog: Program, stage: Stage, relevant: Array | None = None) -> None:
        self.prog = prog
        relevant = reaches_outputs(prog) if relevant is None else relevant
        out_degree = np.bincount(prog.sources, minlength=prog.n_neurons)
        is_output = np.zeros(prog.n_neurons, dtype=bool)
        is_output[prog.outputs] = True
        has_input = prog.has_input
        self.targets = stage.targets
        self.tindex = as_index(stage.targets)
        self.dense: list[DenseBlock] = []
        self.sparse: list[SparseBlock] = []
        for block in stage.linear:
            if block.dense:
                src_pos = _positions(block.sources)
                self.dense.append(DenseBlock(
                    rows=block.rows, src=block.sources, wpos=block.weight_pos,
                    shape=(_count(block.rows), len(src_pos)),
                    back=bool(has_input[src_pos].any()),
                ))
            else:
                self._split_sparse(block, has_input)
        self.others: list[OtherBlock] = []
        for seg in stage.others:
            if seg.potential.gradient is None and relevant[seg.neurons].any():
                j = seg.neurons[relevant[seg.neurons]][0]
                raise NotDifferentiableError(
                    f"neuron {prog.neurons[j]!r} has potential {seg.potential.name!r} without "
                    "a registered gradient, on a path to the outputs; backpropagation "
                    "cannot pass through it"
                )
            self.others.append(OtherBlock(
                rows=seg.rows, potential=seg.potential,
                sources=np.asarray(seg.sources, dtype=np.int64), indptr=seg.indptr,
                counts=np.diff(seg.indptr), wpos=seg.weight_pos, params=seg.params,
            ))
        self.acts: list[ActBlock] = []
        for aseg in stage.activations:
            neurons = stage.targets[_positions(aseg.rows)]
            rel = bool(relevant[neurons].any())
            if rel and not aseg.activation.differentiable:
                j = neurons[relevant[neurons]][0]
                raise NotDifferentiableError(
                    f"neuron {prog.neurons[j]!r} has the non-differentiable activation "
                    f"{aseg.activation.name!r} on a path to the outputs; backpropagation "
                    "needs a differentiable activation there (e.g. 'sigmoid')"
                )
            feeds = bool(out_degree[neurons].any())
            act = ActBlock(aseg.rows, aseg.activation, aseg.params, aseg.groups, rel, feeds,
                           final=not feeds and bool(is_output[neurons].all()))
            if not aseg.activation.group:
                act.columns = {k: column(np.asarray(v, dtype=prog.weights.dtype))
                               for k, v in aseg.params.items()}
            self.acts.append(act)
        self.has_linear = bool(stage.linear)
        out_pos = {int(j): k for k, j in enumerate(prog.outputs)}
        rows = [k for k, j in enumerate(stage.targets) if int(j) in out_pos]
        self.has_out = bool(rows)
        # positions of output neurons among the targets, and among the outputs
        self.out_rows = as_index(np.array(rows, dtype=np.int64))
        self.out_cols = as_index(np.array([out_pos[int(stage.targets[k])] for k in rows],
                                          dtype=np.int64))
        self._mats: list[sp.csr_matrix] = []
        self._mats_for: Array | None = None
        # rows of ∂E/∂ξ the activation blocks write, by skip_unfed (else zeros)
        self._covers = {
            skip: sum(_count(a.rows) for a in self.acts if a.relevant and not (
                skip and not a.feeds)) == len(self.targets)
            for skip in (False, True)
        }
        self._gxi: Array | None = None  # the reused ∂E/∂ξ work array

    def _split_sparse(self, block: Any, has_input: Array) -> None:
        """A sparse block → dense blocks for runs of consecutive rows reading the same
        sources (e.g. a recurrent layer and its read-out in one parallel stage), and
        one sparse block for the other rows."""
        indptr = np.asarray(block.indptr, dtype=np.int64)
        indices = np.asarray(block.indices, dtype=np.int64)
        rows = _positions(block.rows)
        wpos = _positions(block.weight_pos)
        counts = np.diff(indptr)
        n = len(counts)
        rest: list[int] = []
        r = 0
        while r < n:
            c = int(counts[r])
            src = indices[indptr[r] : indptr[r + 1]]
            end = r + 1
            while (c and end < n and counts[end] == c
                   and np.array_equal(indices[indptr[end] : indptr[end + 1]], src)):
                end += 1
            pos = wpos[indptr[r] : indptr[end]]
            if end - r >= 2 and np.all(np.diff(pos) == 1):
                self.dense.append(DenseBlock(
                    rows=as_index(rows[r:end]), src=as_index(src),
                    wpos=slice(int(pos[0]), int(pos[0]) + len(pos)), shape=(end - r, c),
                    back=bool(has_input[src].any()),
                ))
            else:
                rest.extend(range(r, end))
            r = end
        if not rest:
            return
        keep = np.array(rest, dtype=np.int64)
        sub_counts = counts[keep]
        conn = np.concatenate([np.arange(indptr[k], indptr[k + 1]) for k in keep])
        cols, lcol = np.unique(indices[conn], return_inverse=True)
        local_indptr = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(sub_counts, out=local_indptr[1:])
        self.sparse.append(SparseBlock(
            rows=as_index(rows[keep]), cols=cols.astype(np.int64), indptr=local_indptr,
            lcol=lcol.astype(np.int64), lrow=np.repeat(np.arange(len(keep)), sub_counts),
            wpos=as_index(wpos[conn]), back=bool(has_input[cols].any()),
        ))

    # --- bound passes ---------------------------------------------------------------

    def bindable(self, final: bool, skip_unfed: bool) -> bool:
        """Whether :meth:`bind_forward`/:meth:`bind_vjp` cover this stage: its targets,
        dense blocks and activation blocks are runs of rows (slices), it has no
        sparse block and no other potential, and every group activation is skipped
        (a final output block left to the loss, with ``final=False`` and
        ``skip_unfed=True``)."""
        if not isinstance(self.tindex, slice) or self.sparse or self.others:
            return False
        if not all(isinstance(d.rows, slice) and (isinstance(d.src, slice) or d.from_inputs)
                   for d in self.dense):
            return False
        for a in self.acts:
            if not isinstance(a.rows, slice):
                return False
            if a.activation.group and not (a.final and not final and skip_unfed):
                return False
        return True

    def bind_forward(self, src: Array, out: Array, xis: Array, weights: Array, bias: Array,
                     x: Array | None, *, final: bool) -> Any:
        """:meth:`forward` bound to fixed arrays: a function of no arguments that
        computes the stage again from their current contents (every view made once:
        the training loop's step over minibatches gathered into one buffer). Only
        for a :meth:`bindable` stage; no mask."""
        t = self.tindex
        xi, y = xis[t], out[t]
        dense = [(weights[d.wpos].reshape(d.shape),
                  x.T if x is not None and d.from_inputs else src[d.src], xi[d.rows])
                 for d in self.dense]
        column = bias[t][:, None] if self.has_linear else None
        acts = [(a.activation, xi[a.rows], y[a.rows], a.columns) for a in self.acts
                if not (a.final and not final)]
        matmul = np.matmul

        def forward() -> None:
            for w, s, o in dense:
                matmul(w, s, out=o)
            if column is not None:
                xi.__iadd__(column)
            for act, xr, yr, cols in acts:
                activate_into(act, xr, yr, cols, rows_last=False)

        return forward

    def bind_vjp(self, src: Array, out: Array, xis: Array, gys: Array, gsrc: Array,
                 gw: Array, gb: Array, weights: Array, x: Array | None, *,
                 skip_unfed: bool, assign: tuple[bool, ...]) -> Any:
        """:meth:`vjp` bound to fixed arrays: a function of ``grad_xi`` (the fused
        ∂E/∂ξ of the outputs, or None). ``assign[k]``: the ``k``-th dense block is
        the first to write its sources' rows of ``gsrc`` (it writes them instead of
        adding to them; the caller does not zero them). Only for a :meth:`bindable`
        stage; no mask, no accumulation."""
        t = self.tindex
        batch = xis.shape[1]
        gxi = self._gxi
        if gxi is None or gxi.shape[1] != batch or gxi.dtype != xis.dtype:
            gxi = self._gxi = np.empty((len(self.targets), batch), dtype=xis.dtype)
        xi, y, gy = xis[t], out[t], gys[t]
        clear = not self._covers[skip_unfed]
        acts = [(a.activation, xi[a.rows], y[a.rows], gy[a.rows], gxi[a.rows], a.columns)
                for a in self.acts if a.relevant and not (skip_unfed and not a.feeds)]
        has_out, out_rows, out_cols = self.has_out, self.out_rows, self.out_cols
        gb_t = gb[t]
        dense = []
        for d, first in zip(self.dense, assign, strict=True):
            w = weights[d.wpos].reshape(d.shape)
            dense.append((gxi[d.rows], x if x is not None and d.from_inputs else src[d.src].T,
                          gw[d.wpos].reshape(d.shape), w.T,
                          gsrc[d.src] if d.back else None, first))
        matmul, total = np.matmul, np.sum

        def vjp(grad_xi: Array | None) -> None:
            if clear:
                gxi.fill(0.0)
            for act, xr, yr, gyr, gr, cols in acts:
                backward_into(act, xr, yr, gyr, gr, cols, rows_last=False)
            if grad_xi is not None and has_out:
                gxi[out_rows] += grad_xi[:, out_cols].T
            total(gxi, axis=1, out=gb_t)
            for g, s_t, gwv, wt, gs, first in dense:
                matmul(g, s_t, out=gwv)
                if gs is not None:
                    if first:
                        matmul(wt, g, out=gs)
                    else:
                        gs += wt @ g

        return vjp

    def receives(self) -> Array:
        """Neuron indices whose ∂E/∂y :meth:`vjp` reads or adds to."""
        parts = [self.targets]
        parts += [_positions(d.src) for d in self.dense if d.back]
        parts += [s.cols for s in self.sparse if s.back]
        parts += [o.sources for o in self.others]
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)

    def matrices(self, weights: Array) -> list[sp.csr_matrix]:
        """The sparse blocks' matrices, their data views of ``weights`` when possible."""
        if not self.sparse:
            return self._mats
        if self._mats_for is not weights:
            self._mats = [
                sp.csr_matrix((weights[s.wpos], s.lcol, s.indptr),
                              shape=(len(s.indptr) - 1, len(s.cols)))
                for s in self.sparse
            ]
            self._mats_for = weights
        else:
            for s, m in zip(self.sparse, self._mats, strict=True):
                if not np.shares_memory(m.data, weights):
                    m.data[:] = weights[s.wpos]
        return self._mats

    # --- forward --------------------------------------------------------------------

    def forward(
        self,
        src: Array,
        out: Array,
        xis: Array,
        weights: Array,
        bias: Array,
        *,
        x: Array | None = None,
        mask: Array | None = None,
        final: bool = True,
    ) -> None:
        """``xis[targets] = ξ(src)``, ``out[targets] = m·σ(ξ)``; all ``(N, B)``.

        ``src`` may be ``out`` (a layer: sources come before the targets). ``x``
        ``(B, k)``, when given, is read by the dense blocks marked ``from_inputs``
        instead of the input rows of ``src``. ``mask`` multiplies the outputs (see
        the module docstring). ``final=False`` leaves the outputs of activation
        blocks made only of output neurons that feed nothing unevaluated (their
        rows of ``out`` keep old values): a loss that computes them from the
        potentials writes them itself (the softmax of a cross-entropy, once).
        """
        batch = src.shape[1]
        mats = self.matrices(weights)
        tindex = self.tindex
        view = isinstance(tindex, slice)
        xi = xis[tindex] if view else np.empty((len(self.targets), batch), dtype=xis.dtype)
        for d in self.dense:
            w = weights[d.wpos].reshape(d.shape)
            s = x.T if x is not None and d.from_inputs else src[d.src]
            if isinstance(d.rows, slice):
                np.matmul(w, s, out=xi[d.rows])
            else:
                xi[d.rows] = w @ s
        for blk, m in zip(self.sparse, mats, strict=True):
            xi[blk.rows] = m @ src[blk.cols]
        if self.has_linear:
            xi += bias[tindex][:, None]
        for o in self.others:
            pbias = (bias[self.targets[_positions(o.rows)]] if o.potential.has_bias
                     else np.zeros(len(o.counts), dtype=xis.dtype))
            xi[o.rows] = o.potential.forward(
                src[o.sources].T, weights[o.wpos], o.indptr, pbias, **o.params
            ).T
        if not view:
            xis[tindex] = xi
        y = out[tindex] if view else np.empty_like(xi)
        self._activate(xi, y, final)
        if mask is not None:
            y *= mask
        if not view:
            out[tindex] = y

    def _activate(self, xi: Array, y: Array, final: bool = True) -> None:
        for a in self.acts:
            if a.final and not final:
                continue
            act = a.activation
            if not act.group:  # the entry's in-place kernel when it has one
                if isinstance(a.rows, slice):
                    activate_into(act, xi[a.rows], y[a.rows], a.columns, rows_last=False)
                else:
                    tmp = np.empty((_count(a.rows), xi.shape[1]), dtype=xi.dtype)
                    activate_into(act, xi[a.rows], tmp, a.columns, rows_last=False)
                    y[a.rows] = tmp
                continue
            for g, members in enumerate(a.groups):
                params = {k: v[g] for k, v in a.params.items()}
                y[members] = act.forward(xi[members].T, **params).T

    # --- backward -------------------------------------------------------------------

    def vjp(
        self,
        src: Array,
        out: Array,
        xis: Array,
        gys: Array,
        gsrc: Array,
        gw: Array,
        gb: Array,
        weights: Array,
        *,
        grad_xi: Array | None = None,
        x: Array | None = None,
        mask: Array | None = None,
        skip_unfed: bool = False,
        accumulate: bool = False,
    ) -> None:
        """Pull ∂E/∂y of the targets (rows of ``gys``) back through the stage.

        Writes ∂E/∂w of the stage's connections into ``gw`` and ∂E/∂b of its targets
        into ``gb`` (``accumulate=True``: adds to them, as over the steps of an
        unrolled run), and adds the sources' ∂E/∂y into ``gsrc`` (may be ``gys``).
        ``src``/``out``/``xis``/``x``/``mask`` are those of :meth:`forward`.
        ``grad_xi`` ``(B, n_outputs)`` is a fused ∂E/∂ξ of the outputs (a loss
        that differentiates through the output activation), added after it.
        ``skip_unfed=True`` skips activation blocks without outgoing connections
        (their ∂E/∂y is known to be 0: the loss gradient arrives through
        ``grad_xi``).
        """
        batch = src.shape[1]
        tindex = self.tindex
        gy = gys[tindex]
        xi = xis[tindex]
        y = out[tindex]
        if mask is not None:
            gy = gy * mask
            y = np.empty_like(xi)  # σ(ξ) itself for the derivative, not the masked output
            self._activate(xi, y)
        gxi = self._gxi
        if gxi is None or gxi.shape[1] != batch or gxi.dtype != xis.dtype:
            gxi = self._gxi = np.empty((len(self.targets), batch), dtype=xis.dtype)
        if not self._covers[skip_unfed]:
            gxi.fill(0.0)  # rows no activation block writes: no gradient
        for a in self.acts:
            if not a.relevant or (skip_unfed and not a.feeds):
                continue
            act = a.activation
            rows = a.rows
            if not act.group:  # σ'(ξ)·∂E/∂y, fused in place when the entry can
                ys = y[rows]
                g = gxi[rows] if isinstance(rows, slice) else np.empty_like(ys)
                backward_into(act, xi[rows], ys, gy[rows], g, a.columns, rows_last=False)
                if not isinstance(rows, slice):
                    gxi[rows] = g
                continue
            assert act.vjp is not None  # checked: a relevant group function has one
            for k, members in enumerate(a.groups):
                params = {p: v[k] for p, v in a.params.items()}
                gxi[members] = act.vjp(xi[members].T, y[members].T, gy[members].T, **params).T
        if grad_xi is not None and self.has_out:
            gxi[self.out_rows] += grad_xi[:, self.out_cols].T
        if accumulate:
            gb[tindex] += gxi.sum(axis=1)
        elif isinstance(tindex, slice):
            np.sum(gxi, axis=1, out=gb[tindex])
        else:
            gb[tindex] = gxi.sum(axis=1)
        for d in self.dense:
            g_rows = gxi[d.rows]
            src_t = x if x is not None and d.from_inputs else src[d.src].T
            if accumulate:
                gw[d.wpos] += (g_rows @ src_t).ravel()
            else:
                np.matmul(g_rows, src_t, out=gw[d.wpos].reshape(d.shape))
            if d.back:
                gsrc[d.src] += weights[d.wpos].reshape(d.shape).T @ g_rows
        for blk, m in zip(self.sparse, self.matrices(weights), strict=True):
            g_rows = gxi[blk.rows]
            dw = _rowwise_dot(g_rows, blk.lrow, src[blk.cols], blk.lcol)
            if accumulate:
                gw[blk.wpos] += dw
            else:
                gw[blk.wpos] = dw
            if blk.back:
                gsrc[blk.cols] += m.T @ g_rows
        for o in self.others:
            if o.potential.gradient is None:
                continue  # none of its neurons leads to an output (checked when built)
            values = src[o.sources].T
            dvals, dw_o = o.potential.gradient(values, weights[o.wpos], o.indptr,
                                               xi[o.rows].T, **o.params)
            g_conn = np.repeat(gxi[o.rows], o.counts, axis=0)  # (n_conn, B)
            dw = np.einsum("kb,bk->k", g_conn, dw_o)
            if accumulate:
                gw[o.wpos] += dw
            else:
                gw[o.wpos] = dw
            np.add.at(gsrc, o.sources, g_conn * np.asarray(dvals).T)
