"""Backpropagation over a compiled program, batched, in reverse layer order.

A :class:`Plan` is built once per compiled program (cached on the network). It walks
the program's layer stages (:func:`netsim.core.layer_stages`) and keeps, per stage, what
the forward and backward passes need: dense blocks (matrix products on views of the
weight array), sparse blocks (``scipy.sparse`` matrices over the block's distinct
sources), other potentials (their registered CSR ``forward``/``gradient``) and the
activation segments (elementwise derivative or a group's vjp).

The passes keep the state transposed, ``(N, B)`` (neurons × samples), so that the
rows of a stage and the sources of a block are contiguous runs of memory. The forward
pass computes exactly what :func:`netsim.core.evaluate_stage` computes (the tests
compare them); the backward pass applies

``∂E/∂y_j = Σ_{r ∈ j→} ∂E/∂ξ_r · ∂ξ_r/∂y_j``, ``∂E/∂ξ_j = ∂E/∂y_j · σ'_j(ξ_j)``,

``∂E/∂w_ji = ∂E/∂ξ_j · ∂ξ_j/∂w_ji`` and ``∂E/∂b_j = ∂E/∂ξ_j``, summed over the batch.

Only neurons on a path to an output matter: a non-differentiable activation (step,
sign) or potential on such a neuron raises :class:`~netsim.NotDifferentiableError`
naming it; elsewhere it is ignored (its gradient is 0).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from ..checks import check_network, keywords
from ..columns import by_name
from ..compile import Program
from ..core import Stage, activate_into, backward_into, column, layer_stages
from ..errors import (
    CycleError,
    NetworkError,
    NeuronNotFoundError,
    NotDifferentiableError,
    ParameterError,
)
from ..functions import Activation, Potential

__all__ = ["Gradient", "Plan", "check_data", "get_plan", "gradient", "training_plan"]

Array = np.ndarray
Index = slice | Array

# Rows × batch elements gathered at once when summing sparse weight gradients.
_CHUNK = 1 << 20


def _as_index(positions: Array) -> Index:
    """A slice for a contiguous ascending run (views), else the array."""
    positions = np.asarray(positions, dtype=np.int64)
    if len(positions) == 0:
        return slice(0, 0)
    lo = int(positions[0])
    if positions[-1] - lo + 1 == len(positions) and np.all(np.diff(positions) == 1):
        return slice(lo, lo + len(positions))
    return positions


def _count(index: Index) -> int:
    return index.stop - index.start if isinstance(index, slice) else len(index)


def _positions(index: Index) -> Array:
    if isinstance(index, slice):
        return np.arange(index.start, index.stop)
    return np.asarray(index)


@dataclass(eq=False)
class _Dense:
    rows: Index  # positions within the stage's targets
    src: Index  # source neuron indices
    wpos: slice
    shape: tuple[int, int]
    back: bool  # some source has parameters upstream: propagate ∂E/∂y to it
    from_inputs: bool = False  # reads exactly the input neurons (training fast path)


@dataclass(eq=False)
class _Sparse:
    rows: Index
    cols: Array  # distinct source neurons
    indptr: Array  # local CSR over (rows × cols)
    lcol: Array  # local column of each connection
    lrow: Array  # local row of each connection
    wpos: Index
    back: bool


@dataclass(eq=False)
class _Other:
    rows: Index
    potential: Potential
    sources: Array
    indptr: Array
    counts: Array
    wpos: Index
    params: dict[str, Array]


@dataclass(eq=False)
class _Act:
    rows: Index
    activation: Activation
    params: dict[str, Array]
    groups: tuple[Array, ...]  # group functions: positions within the targets
    relevant: bool  # some neuron of the segment lies on a path to an output
    feeds: bool  # some neuron of the segment has outgoing connections
    # elementwise: parameters as scalars or (rows, 1) columns (the (N, B) layout)
    columns: dict[str, Any] | None = None


@dataclass(eq=False)
class _StagePlan:
    targets: Array
    tindex: Index
    dense: list[_Dense]
    sparse: list[_Sparse]
    others: list[_Other]
    acts: list[_Act]
    has_linear: bool
    out_rows: Array  # positions (within targets) of output neurons
    out_cols: Array  # their position in the output list


def _reaches_outputs(prog: Program) -> Array:
    """Neurons from which an output can be reached (outputs included)."""
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


class Plan:
    """Forward and backward passes of one acyclic program (see the module docstring).

    Raises :class:`~netsim.CycleError` (naming a cycle) for a recurrent program and
    :class:`~netsim.NotDifferentiableError` for a non-differentiable neuron on a path
    to an output.
    """

    def __init__(self, prog: Program) -> None:
        self.prog = prog
        stages = layer_stages(prog)  # raises CycleError naming a cycle
        relevant = _reaches_outputs(prog)
        self.out_degree = np.bincount(prog.sources, minlength=prog.n_neurons)
        self.relevant = relevant
        out_pos = {int(j): k for k, j in enumerate(prog.outputs)}
        self.stages = [self._stage(st, relevant, out_pos) for st in stages]
        self.bias_mask = prog.bias_slots >= 0
        self.inputs = _as_index(prog.inputs)
        self.outputs = np.asarray(prog.outputs, dtype=np.int64)
        self._mats_for: Array | None = None
        self._mats: list[list[sp.csr_matrix]] = []
        self._work: dict[int, dict[str, Array]] = {}
        self.has_sparse = any(st.sparse for st in self.stages)
        self._no_mats: list[list[sp.csr_matrix]] = [[] for _ in self.stages]
        self.initial = np.asarray(prog.initial, dtype=np.float64)[:, None]
        fixed = ~prog.has_input
        fixed[prog.inputs] = False
        self.fixed = _as_index(np.flatnonzero(fixed)) if fixed.any() else None
        # rows of ∂E/∂y that backward reads or writes: the targets of the stages, the
        # outputs and the sources of every block that propagates further back
        receive = np.array(prog.has_input, dtype=bool)
        receive[prog.outputs] = True
        for st in self.stages:
            for d in st.dense:
                if d.back:
                    receive[_positions(d.src)] = True
            for s in st.sparse:
                if s.back:
                    receive[s.cols] = True
            for o in st.others:
                receive[o.sources] = True
        self.receive = _as_index(np.flatnonzero(receive))
        self.direct_inputs = self._direct_inputs()

    def _direct_inputs(self) -> bool:
        """Whether only dense blocks read the inputs, all of them in order.

        Then the training loop multiplies the minibatch ``x`` (as ``x.T``) directly
        instead of copying it into the state first.
        """
        prog = self.prog
        inputs = self.inputs
        ok = (
            isinstance(inputs, slice)
            and inputs.stop > inputs.start
            and not prog.has_input[inputs].any()
            and not np.isin(prog.outputs, prog.inputs).any()
        )
        is_input = np.zeros(prog.n_neurons, dtype=bool)
        is_input[prog.inputs] = True
        readers = []
        for st in self.stages:
            for d in st.dense:
                if is_input[_positions(d.src)].any():
                    ok = ok and isinstance(d.src, slice) and d.src == inputs
                    readers.append(d)
            ok = ok and not any(is_input[s.cols].any() for s in st.sparse)
            ok = ok and not any(is_input[o.sources].any() for o in st.others)
        for d in readers:
            d.from_inputs = ok
        return ok

    # --- building -------------------------------------------------------------------

    def _stage(self, st: Stage, relevant: Array, out_pos: dict[int, int]) -> _StagePlan:
        prog = self.prog
        has_input = prog.has_input
        dense: list[_Dense] = []
        sparse: list[_Sparse] = []
        for block in st.linear:
            if block.dense:
                src_pos = _positions(block.sources)
                n_rows = len(_positions(block.rows))
                dense.append(
                    _Dense(
                        rows=block.rows,
                        src=block.sources,
                        wpos=block.weight_pos,
                        shape=(n_rows, len(src_pos)),
                        back=bool(has_input[src_pos].any()),
                    )
                )
            else:
                cols, lcol = np.unique(block.indices, return_inverse=True)
                counts = np.diff(block.indptr)
                sparse.append(
                    _Sparse(
                        rows=block.rows,
                        cols=cols.astype(np.int64),
                        indptr=block.indptr.astype(np.int64),
                        lcol=lcol.astype(np.int64),
                        lrow=np.repeat(np.arange(len(counts)), counts),
                        wpos=block.weight_pos,
                        back=bool(has_input[cols].any()),
                    )
                )
        others = []
        for seg in st.others:
            if seg.potential.gradient is None and relevant[seg.neurons].any():
                j = seg.neurons[relevant[seg.neurons]][0]
                raise NotDifferentiableError(
                    f"neuron {prog.neurons[j]!r} has potential {seg.potential.name!r} without "
                    "a registered gradient, on a path to the outputs; backpropagation "
                    "cannot pass through it"
                )
            others.append(
                _Other(
                    rows=seg.rows,
                    potential=seg.potential,
                    sources=np.asarray(seg.sources, dtype=np.int64),
                    indptr=seg.indptr,
                    counts=np.diff(seg.indptr),
                    wpos=seg.weight_pos,
                    params=seg.params,
                )
            )
        acts = []
        for seg in st.activations:
            neurons = st.targets[_positions(seg.rows)]
            rel = bool(relevant[neurons].any())
            if rel and not seg.activation.differentiable:
                j = neurons[relevant[neurons]][0]
                raise NotDifferentiableError(
                    f"neuron {prog.neurons[j]!r} has the non-differentiable activation "
                    f"{seg.activation.name!r} on a path to the outputs; backpropagation "
                    "needs a differentiable activation there (e.g. 'sigmoid')"
                )
            feeds = bool(self.out_degree[neurons].any())
            act = _Act(seg.rows, seg.activation, seg.params, seg.groups, rel, feeds)
            if not seg.activation.group:
                act.columns = {k: column(np.asarray(v, dtype=np.float64))
                               for k, v in seg.params.items()}
            acts.append(act)
        out_rows = [k for k, j in enumerate(st.targets) if int(j) in out_pos]
        return _StagePlan(
            targets=st.targets,
            tindex=_as_index(st.targets),
            dense=dense,
            sparse=sparse,
            others=others,
            acts=acts,
            has_linear=bool(st.linear),
            out_rows=np.array(out_rows, dtype=np.int64),
            out_cols=np.array([out_pos[int(st.targets[k])] for k in out_rows], dtype=np.int64),
        )

    def patch_values(self, prog: Program, weight_positions: Any, bias_neurons: Any) -> bool:
        """The network's values changed in place (:meth:`Network.set_weights`): the plan
        depends on the structure only (its sparse matrices refresh their data from the
        weights they are given), so it stays."""
        return True

    def _matrices(self, weights: Array) -> list[list[sp.csr_matrix]]:
        """Sparse matrices whose data are views of ``weights`` when possible."""
        if not self.has_sparse:
            return self._no_mats
        if self._mats_for is not weights:
            mats = []
            for st in self.stages:
                row = []
                for s in st.sparse:
                    data = weights[s.wpos]
                    m = sp.csr_matrix(
                        (data, s.lcol, s.indptr), shape=(len(s.indptr) - 1, len(s.cols))
                    )
                    row.append(m)
                mats.append(row)
            self._mats, self._mats_for = mats, weights
            return mats
        for st, row in zip(self.stages, self._mats, strict=True):
            for s, m in zip(st.sparse, row, strict=True):
                if not np.shares_memory(m.data, weights):
                    m.data[:] = weights[s.wpos]
        return self._mats

    # --- passes -----------------------------------------------------------------------

    def _buffers(self, batch: int) -> dict[str, Array]:
        """Reusable ``(N, B)`` work arrays (fresh allocations fault pages every step)."""
        buf = self._work.get(batch)
        if buf is None:
            n = self.prog.n_neurons
            buf = {
                "state": np.empty((n, batch)),
                "xis": np.zeros((n, batch)),
                "gys": np.empty((n, batch)),
                "gw": np.zeros(self.prog.n_connections),
                "gb": np.zeros(n),
            }
            self._work = {batch: buf}  # keep one batch size (the last one used)
        return buf

    def forward(
        self, x: Array, weights: Array, bias: Array, *, reuse: bool = False
    ) -> tuple[Array, Array]:
        """States ``S`` and potentials ``XI``, both ``(N, B)``, for inputs ``(B, k)``.

        With ``reuse=True`` the result lives in work arrays that the next call with the
        same batch size overwrites (the training loop's fast path).
        """
        prog = self.prog
        batch = x.shape[0]
        if reuse:
            buf = self._buffers(batch)
            state, xis = buf["state"], buf["xis"]
        else:
            state = np.empty((prog.n_neurons, batch), dtype=np.float64)
            xis = np.zeros_like(state)
        direct = reuse and self.direct_inputs
        if not reuse:
            state[:] = self.initial
        elif self.fixed is not None:  # rows no stage or input overwrites
            state[self.fixed] = self.initial[self.fixed]
        if direct:
            buf["x"] = x  # read by the blocks marked from_inputs, here and in backward
        else:
            state[self.inputs] = x.T
        mats = self._matrices(weights)
        for st, stage_mats in zip(self.stages, mats, strict=True):
            view = isinstance(st.tindex, slice)
            xi = xis[st.tindex] if view else np.empty((len(st.targets), batch))
            for d in st.dense:
                w = weights[d.wpos].reshape(d.shape)
                src = x.T if direct and d.from_inputs else state[d.src]
                if isinstance(d.rows, slice):
                    np.matmul(w, src, out=xi[d.rows])
                else:
                    xi[d.rows] = w @ src
            for s, m in zip(st.sparse, stage_mats, strict=True):
                xi[s.rows] = m @ state[s.cols]
            if st.has_linear:
                xi += bias[st.tindex][:, None]
            for o in st.others:
                values = state[o.sources].T
                pbias = (
                    bias[st.targets[_positions(o.rows)]]
                    if o.potential.has_bias
                    else np.zeros(len(o.counts))
                )
                xi[o.rows] = o.potential.forward(
                    values, weights[o.wpos], o.indptr, pbias, **o.params
                ).T
            if not view:
                xis[st.tindex] = xi
            y = state[st.tindex] if view else np.empty_like(xi)
            for a in st.acts:
                act = a.activation
                if not act.group:  # the entry's in-place kernel when it has one
                    if isinstance(a.rows, slice):
                        activate_into(act, xi[a.rows], y[a.rows], a.columns, rows_last=False)
                    else:
                        out = np.empty((_count(a.rows), batch))
                        activate_into(act, xi[a.rows], out, a.columns, rows_last=False)
                        y[a.rows] = out
                    continue
                for g, members in enumerate(a.groups):
                    params = {k: v[g] for k, v in a.params.items()}
                    y[members] = act.forward(xi[members].T, **params).T
            if not view:
                state[st.tindex] = y
        return state, xis

    def backward(
        self,
        state: Array,
        xis: Array,
        grad_y: Array | None,
        grad_xi: Array | None,
        weights: Array,
        *,
        reuse: bool = False,
    ) -> tuple[Array, Array]:
        """``(∂E/∂weights, ∂E/∂bias)`` from the output gradients ``(B, n_out)``.

        ``grad_y`` is ∂E/∂y of the outputs, ``grad_xi`` a fused ∂E/∂ξ of the outputs
        (added after the activation's own backward step); either may be ``None``.
        With ``reuse=True`` the gradients live in work arrays overwritten by the next
        call.
        """
        prog = self.prog
        batch = state.shape[1]
        x_direct = None
        if reuse:
            buf = self._buffers(batch)
            gys, gw, gb = buf["gys"], buf["gw"], buf["gb"]
            gys[self.receive] = 0.0  # the other rows are never read
            if self.direct_inputs:
                x_direct = buf["x"]
        else:
            gys = np.zeros_like(state)
            gw = np.zeros(prog.n_connections, dtype=np.float64)
            gb = np.zeros(prog.n_neurons, dtype=np.float64)
        if grad_y is not None:
            gys[self.outputs] += grad_y.T
        mats = self._matrices(weights)
        for st, stage_mats in zip(reversed(self.stages), reversed(mats), strict=True):
            gy = gys[st.tindex]
            xi = xis[st.tindex]
            y = state[st.tindex]
            gxi = np.zeros((len(st.targets), batch))
            for a in st.acts:
                if not a.relevant or (grad_y is None and not a.feeds):
                    continue  # ∂E/∂y is 0 here (the loss gradient is fused into ∂E/∂ξ)
                act = a.activation
                rows = a.rows
                if not act.group:  # σ'(ξ)·∂E/∂y, fused in place when the entry can
                    ys = y[rows]
                    g = gxi[rows] if isinstance(rows, slice) else np.empty_like(ys)
                    backward_into(act, xi[rows], ys, gy[rows], g, a.columns, rows_last=False)
                    if not isinstance(rows, slice):
                        gxi[rows] = g
                    continue
                for g, members in enumerate(a.groups):
                    params = {k: v[g] for k, v in a.params.items()}
                    gxi[members] = act.vjp(xi[members].T, y[members].T, gy[members].T, **params).T
            if grad_xi is not None and len(st.out_rows):
                gxi[st.out_rows] += grad_xi[:, st.out_cols].T
            gb[st.tindex] = gxi.sum(axis=1)
            for d in st.dense:
                g_rows = gxi[d.rows]
                src_t = x_direct if x_direct is not None and d.from_inputs else state[d.src].T
                np.matmul(g_rows, src_t, out=gw[d.wpos].reshape(d.shape))
                if d.back:
                    w = weights[d.wpos].reshape(d.shape)
                    gys[d.src] += w.T @ g_rows
            for s, m in zip(st.sparse, stage_mats, strict=True):
                g_rows = gxi[s.rows]
                src = state[s.cols]
                gw[s.wpos] = _rowwise_dot(g_rows, s.lrow, src, s.lcol)
                if s.back:
                    gys[s.cols] += m.T @ g_rows
            for o in st.others:
                values = state[o.sources].T
                w = weights[o.wpos]
                dvals, dw = o.potential.gradient(values, w, o.indptr, xi[o.rows].T, **o.params)
                g_conn = np.repeat(gxi[o.rows], o.counts, axis=0)  # (n_conn, B)
                gw[o.wpos] = np.einsum("kb,bk->k", g_conn, dw)
                np.add.at(gys, o.sources, g_conn * np.asarray(dvals).T)
        gb *= self.bias_mask
        return gw, gb


def _rowwise_dot(a: Array, arow: Array, b: Array, bcol: Array) -> Array:
    """``out[k] = a[arow[k]] · b[bcol[k]]`` in chunks (bounded memory)."""
    n = len(arow)
    out = np.empty(n, dtype=np.float64)
    step = max(1, _CHUNK // max(1, a.shape[1]))
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        out[lo:hi] = np.einsum("kb,kb->k", a[arow[lo:hi]], b[bcol[lo:hi]])
    return out


PLAN_KEY = ("learn-plan", "<f8")


def get_plan(net: Any) -> Plan:
    """The backprop plan of ``net``'s float64 program (cached until a change).

    The plan depends on the structure only; read weights and biases from
    ``net.compile()`` (after training, :func:`netsim.learn.train.write_back` keeps the
    plan and installs the program with the trained values).
    """
    return net.cached(PLAN_KEY, lambda: Plan(net.compile()))


def training_plan(net: Any, what: str) -> Plan:
    """:func:`get_plan`, with a recurrent network's error said in terms of training.

    ``what`` names the caller (``"training"``, ``"the gradient"``).
    """
    try:
        return get_plan(net)
    except CycleError as exc:
        cycle = list(exc.cycle)
        loop = " -> ".join(map(repr, [*cycle, cycle[0]])) if cycle else "a cycle"
        name = f"network {net.name!r}" if getattr(net, "name", None) else "the network"
        raise CycleError(
            f"{what} needs an acyclic network (backpropagation), but {name} is recurrent "
            f"(it has the cycle {loop}); training recurrent networks (backpropagation "
            "through time) is not available yet",
            cycle,
        ) from None


def check_data(prog: Program, x: Any, d: Any, what: str = "") -> tuple[Array, Array]:
    """Inputs ``(B, k_in)`` and targets ``(B, k_out)`` as float64, or a clear error.

    One sample may be given as ``(k_in,)`` and ``(k_out,)``.
    """
    name = f"network {prog.name!r}" if prog.name else "the network"
    x = by_name(x, [prog.neurons[i] for i in prog.inputs], f"{what}inputs")
    d = by_name(d, [prog.neurons[i] for i in prog.outputs], f"{what}targets")
    try:
        x_arr = np.asarray(x, dtype=np.float64)
        d_arr = np.asarray(d, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{what}inputs and targets must be numeric arrays ({exc})") from None
    n_in, n_out = len(prog.inputs), len(prog.outputs)
    if n_out == 0:
        raise NetworkError(f"{name} has no output neurons; set them with set_outputs")
    if x_arr.ndim == 1:
        x_arr = x_arr[None, :]
    if d_arr.ndim == 1:
        one = x_arr.shape[0] == 1 and d_arr.shape[0] == n_out
        d_arr = d_arr[None, :] if one else d_arr[:, None]
    if x_arr.ndim != 2 or x_arr.shape[1] != n_in:
        raise ParameterError(
            f"{what}inputs must have shape (B, {n_in}) for the {n_in} inputs of {name}, "
            f"got {np.shape(x)}"
        )
    if d_arr.ndim != 2 or d_arr.shape[1] != n_out:
        raise ParameterError(
            f"{what}targets must have shape (B, {n_out}) for the {n_out} outputs of {name}, "
            f"got {np.shape(d)}"
        )
    if d_arr.shape[0] != x_arr.shape[0]:
        raise ParameterError(
            f"{what}inputs and targets must have the same number of samples, got "
            f"{x_arr.shape[0]} inputs and {d_arr.shape[0]} targets"
        )
    if x_arr.shape[0] == 0:
        raise ParameterError(f"{what}no samples given (empty inputs)")
    for arr, label in ((x_arr, "inputs"), (d_arr, "targets")):
        # one pass without a boolean temporary; the full test only when it fails
        with np.errstate(over="ignore", invalid="ignore"):
            finite = np.isfinite(np.sum(arr))
        if not finite and not np.all(np.isfinite(arr)):
            row, col = np.argwhere(~np.isfinite(arr))[0]
            raise ParameterError(f"{what}{label} sample {row}, column {col} is not finite")
    return x_arr, d_arr


class Gradient:
    """∂E/∂(configuration) of a network on a batch, with the loss value.

    Attributes
    ----------
    vector : ndarray
        The gradient in configuration order (see :meth:`Network.get_weights`).
    loss : float
        The loss E on the batch (mean over samples).
    weights, bias : ndarray
        The same gradient in the compiled program's layout (CSR order; per neuron).

    ``g[(source, target)]`` is ∂E/∂w of a connection, ``g[neuron]`` ∂E/∂b of a bias.
    """

    def __init__(self, prog: Program, keys: list[Any] | Callable[[], list[Any]], gw: Array,
                 gb: Array, loss: float):
        self._prog = prog
        self._key_source = keys  # the keys, or how to get them when first asked
        self.weights = gw
        self.bias = gb
        self.loss = float(loss)
        self.vector = prog.configuration_vector(gw, gb)

    @property
    def _keys(self) -> list[Any]:
        keys = self._key_source
        if callable(keys):
            keys = self._key_source = keys()
        return keys

    def keys(self) -> list[Any]:
        """The configuration keys, in order: a neuron id (bias) or ``(source, target)``."""
        return list(self._keys)

    def items(self) -> Iterator[tuple[Any, float]]:
        return zip(self._keys, self.vector.tolist(), strict=True)

    def __len__(self) -> int:
        return len(self.vector)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Array:
        return self.vector if dtype is None else self.vector.astype(dtype)

    def __getitem__(self, key: Any) -> float:
        prog = self._prog
        if isinstance(key, tuple) and len(key) == 2:
            src, dst = key
            for n in (src, dst):
                if n not in prog.index:
                    raise NeuronNotFoundError(f"the network has no neuron {n!r}")
            j, i = prog.index[dst], prog.index[src]
            lo, hi = prog.indptr[j], prog.indptr[j + 1]
            k = lo + int(np.searchsorted(prog.sources[lo:hi], i))
            if k >= hi or prog.sources[k] != i:
                raise NetworkError(f"there is no connection {src!r} -> {dst!r}")
            return float(self.vector[prog.weight_slots[k]])
        if key not in prog.index:
            raise NeuronNotFoundError(f"the network has no neuron {key!r}")
        slot = prog.bias_slots[prog.index[key]]
        if slot < 0:
            raise NetworkError(
                f"neuron {key!r} has no bias in the configuration (no incoming connection "
                "or a potential without bias)"
            )
        return float(self.vector[slot])

    def __repr__(self) -> str:
        return f"<Gradient: {len(self.vector)} values, loss {self.loss:.6g}>"


@keywords
def gradient(
    net: Any, X: Any, D: Any, loss: Any = "mse", *, reduction: str = "mean"
) -> Gradient:
    """∂E/∂w for every weight and bias of an acyclic network, by backpropagation.

    Parameters
    ----------
    net : Network
        Any acyclic network; its outputs are read from its output neurons.
    X : array_like, shape (B, k_in) or (k_in,)
        Inputs, in the network's input order.
    D : array_like, shape (B, k_out) or (k_out,)
        Desired outputs.
    loss : {"mse", "binary_cross_entropy", "cross_entropy"} or Loss
        See :mod:`netsim.learn.losses`.
    reduction : {"mean", "sum"}
        ``"mean"``: E = (1/B) Σ_k E_k (default); ``"sum"``: the course's E = Σ_k E_k,
        whose gradient is the sum of the per-sample gradients.

    Returns
    -------
    Gradient
        ``.vector`` in configuration order, ``g[(src, dst)]``, ``g[neuron]``, ``.loss``.

    Raises
    ------
    CycleError
        For a recurrent network (names one cycle).
    NotDifferentiableError
        When a step/sign neuron lies on a path to an output.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_input("x"); net.add_output("y", bias=0.5); net.connect("x", "y", 2.0)
    >>> g = ns.gradient(net, [[1.0]], [[0.0]])   # y = 2.5, E = ½·2.5²
    >>> g.loss, g[("x", "y")], g["y"]
    (3.125, 2.5, 2.5)
    """
    from .losses import apply_reduction, check_reduction, get_loss

    check_network(net, "gradient")
    reduction = check_reduction(reduction)
    plan = training_plan(net, "the gradient")
    prog = net.compile()
    x, d = check_data(prog, X, D)
    loss_fn = get_loss(loss)
    ctx = loss_fn.prepare(prog)
    state, xis = plan.forward(x, prog.weights, prog.bias)
    out = plan.outputs
    value, grad_y, grad_xi = apply_reduction(reduction, len(x), *loss_fn.evaluate(
        ctx, state[out].T, xis[out].T if loss_fn.fused else None, d
    ))
    gw, gb = plan.backward(state, xis, grad_y, grad_xi, prog.weights)
    return Gradient(prog, net.configuration, gw, gb, value)
