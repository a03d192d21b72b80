"""Stages: sets of target neurons evaluated together from one state (reference form).

A :class:`Stage` is a layer (layered rule), every neuron with inputs (parallel rule), one
neuron or softmax group (the sequential rule's general path) or any other set. Within a
stage, weighted-sum neurons whose incoming connections form a full block (all rows read
the same sources, as in MLP layers) are evaluated as one dense matrix product; the rest
as a ``scipy.sparse`` product (or dense over its distinct sources when at least
:data:`~netsim.core.kernels.DENSE_FILL` of that is filled). Other potentials use their
registered CSR function. Activations are then applied per function, vectorised, with
one parameter value per neuron; a softmax group is always evaluated together.

:func:`evaluate_stage` is the reference evaluation, in the public ``(B, N)`` layout,
with the program's values or others (a configuration being trained). The execution
layout of :mod:`netsim.core.layout` computes the same values faster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compile import Program, as_index
from ..errors import ParameterError
from ..functions import Activation, Potential
from .backend import get_backend
from .cache import derived
from .kernels import DENSE_FILL, activate_into
from .threshold import ExactRows, integral

__all__ = [
    "ActivationSegment",
    "LinearBlock",
    "PotentialSegment",
    "Stage",
    "apply_activation",
    "evaluate_stage",
    "layer_stages",
    "parallel_stage",
    "stage",
]

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class LinearBlock:
    """``ξ[:, rows] += Y[:, sources] @ W.T`` for weighted-sum targets of a stage.

    ``rows`` are positions within the stage's targets. ``weight_pos`` locates the
    block's weights in :attr:`Program.weights`: for a dense block they reshape to
    ``(len(rows), len(sources))``; for a sparse block they are the data of the CSR
    matrix ``(len(rows), n_neurons)`` with ``indptr`` and ``indices``.
    """

    rows: slice | Array
    dense: bool
    sources: slice | Array  # dense: source neuron indices, shared by every row
    weight_pos: slice | Array
    indptr: Array | None = None  # sparse only
    indices: Array | None = None  # sparse only


@dataclass(frozen=True, eq=False)
class PotentialSegment:
    """Targets of a stage with another potential (distance, user): CSR sub-arrays."""

    rows: slice | Array
    potential: Potential
    neurons: Array  # neuron indices of the rows
    indptr: Array  # local CSR offsets
    sources: Array  # source neuron of each local connection
    weight_pos: slice | Array  # positions in Program.weights
    params: dict[str, Array]


@dataclass(frozen=True, eq=False)
class ActivationSegment:
    """Targets of a stage sharing one activation; ``groups`` for group functions."""

    rows: slice | Array
    activation: Activation
    params: dict[str, Array]  # one value per row (elementwise) or per group
    groups: tuple[Array, ...] = ()  # group functions: positions (within targets) per group


@dataclass(frozen=True, eq=False)
class Stage:
    """A set of target neurons evaluated together from one state."""

    targets: Array  # neuron indices, ascending
    linear: tuple[LinearBlock, ...]
    others: tuple[PotentialSegment, ...]
    activations: tuple[ActivationSegment, ...]
    bias: Array  # (len(targets),): biases of the targets (0 where no bias)
    exact: ExactRows | None = None  # threshold rows: exact decisions, the tie rule
    # sparse blocks' matrices for the program's own weights, by block position
    matrices: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.targets)



def stage(prog: Program, targets: Any) -> Stage:
    """A stage evaluating ``targets`` (neuron indices with inputs), cached per program.

    The targets are sorted. Members of a softmax group must all be present (the
    group's other members are added).

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.core import stage
    >>> prog = ns.mlp("2-3-1", seed=0).compile()
    >>> stage(prog, [4, 2]).targets
    array([2, 4])
    """
    t = np.unique(np.asarray(targets, dtype=np.int64))
    return derived(prog, ("stage", t.tobytes()), lambda: _build_stage(prog, t))


def parallel_stage(prog: Program) -> Stage:
    """Every neuron with inputs, evaluated from the previous state."""
    return stage(prog, prog.updated)


def layer_stages(prog: Program) -> tuple[Stage, ...]:
    """Stage ℓ − 1 evaluates layer ℓ ≥ 1 (neurons with inputs only).

    Raises :class:`~netsim.CycleError` for a recurrent network (see
    :attr:`Program.layer_targets`).
    """
    targets = prog.layer_targets
    return derived(prog, "layer_stages", lambda: tuple(stage(prog, t) for t in targets))


def _build_stage(prog: Program, targets: Array) -> Stage:
    if len(targets) and not prog.has_input[targets].all():
        bad = prog.neurons[int(targets[~prog.has_input[targets]][0])]
        raise ParameterError(f"neuron {bad!r} has no incoming connection and cannot be updated")
    # A group function needs the whole group.
    g = prog.groups[targets]
    for gid in np.unique(g[g >= 0]):
        members = np.flatnonzero(prog.groups == gid)
        if not np.isin(members, targets).all():
            targets = np.union1d(targets, members[prog.has_input[members]])
    rows_all = np.arange(len(targets))
    indptr = prog.indptr
    linear: list[LinearBlock] = []
    others: list[PotentialSegment] = []
    for pid, pot in enumerate(prog.potentials):
        sel = prog.potential_ids[targets] == pid
        if not sel.any():
            continue
        rows = rows_all[sel]
        neurons = targets[sel]
        if pot.name == "weighted_sum":
            linear.extend(_linear_blocks(prog, rows, neurons))
            continue
        starts, ends = indptr[neurons], indptr[neurons + 1]
        local_counts = ends - starts
        local_indptr = np.concatenate([[0], np.cumsum(local_counts)])
        wpos = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
        params = {k: v[neurons] for k, v in prog.potential_params[pot.name].items()}
        others.append(
            PotentialSegment(
                rows=as_index(rows),
                potential=pot,
                neurons=neurons,
                indptr=local_indptr,
                sources=prog.sources[wpos],
                weight_pos=as_index(wpos),
                params=params,
            )
        )
    activations: list[ActivationSegment] = []
    for aid, act in enumerate(prog.activations):
        sel = prog.activation_ids[targets] == aid
        if not sel.any():
            continue
        rows = rows_all[sel]
        neurons = targets[sel]
        params = {k: v[neurons] for k, v in prog.activation_params[act.name].items()}
        groups: tuple[Array, ...] = ()
        if act.group:
            gids = prog.groups[neurons]
            groups = tuple(rows[gids == gid] for gid in np.unique(gids))
            # group functions take one parameter value per group: the first member's
            params = {
                k: np.array([v[np.flatnonzero(gids == gid)[0]] for gid in np.unique(gids)])
                for k, v in params.items()
            }
        activations.append(ActivationSegment(as_index(rows), act, params, groups))
    ws = np.array([p.name == "weighted_sum" for p in prog.potentials], dtype=bool)
    return Stage(
        targets=targets,
        linear=tuple(linear),
        others=tuple(others),
        activations=tuple(activations),
        bias=prog.bias[targets],
        exact=ExactRows.build(prog, targets, rows_all, ws[prog.potential_ids[targets]],
                              np.arange(prog.n_neurons)),
    )


def _linear_blocks(prog: Program, rows: Array, neurons: Array) -> list[LinearBlock]:
    """Weighted-sum rows → one dense block when they share their sources, else sparse."""
    indptr, sources = prog.indptr, prog.sources
    counts = indptr[neurons + 1] - indptr[neurons]
    starts = indptr[neurons]
    if len(neurons) and np.all(counts == counts[0]) and counts[0] > 0:
        c = int(counts[0])
        contiguous = np.all(starts[1:] == starts[:-1] + c) if len(starts) > 1 else True
        if contiguous:
            lo = int(starts[0])
            block = sources[lo : lo + c * len(neurons)].reshape(len(neurons), c)
            same = np.array_equal(block, np.broadcast_to(block[0], block.shape))
            if same:
                return [
                    LinearBlock(
                        rows=as_index(rows),
                        dense=True,
                        sources=as_index(block[0].astype(np.int64)),
                        weight_pos=slice(lo, lo + c * len(neurons)),
                    )
                ]
    # Sparse: the rows' CSR slices, concatenated.
    local_indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    if len(neurons) and np.all(starts[1:] == starts[:-1] + counts[:-1]):
        lo = int(starts[0])
        wpos: slice | Array = slice(lo, lo + int(local_indptr[-1]))
        indices = sources[wpos]
    else:
        wpos_arr = np.concatenate(
            [np.arange(s, s + c) for s, c in zip(starts, counts, strict=True)]
        ).astype(np.int64)
        wpos = as_index(wpos_arr)
        indices = sources[wpos_arr]
    return [
        LinearBlock(
            rows=as_index(rows),
            dense=False,
            sources=slice(0, prog.n_neurons),
            weight_pos=wpos,
            indptr=local_indptr,
            indices=indices,
        )
    ]


def evaluate_stage(
    prog: Program,
    stage: Stage,
    state: Array,
    weights: Array | None = None,
    bias: Array | None = None,
) -> tuple[Array, Array]:
    """Potentials and outputs of ``stage``'s targets from ``state`` ``(B, N)``.

    ``weights``/``bias`` default to the program's (pass others to evaluate a
    configuration being trained). Returns ``(xi, y)``, each ``(B, len(stage))``.
    This is the reference evaluation every rule builds on.
    """
    weights = prog.weights if weights is None else weights
    stage_bias = stage.bias if bias is None else bias[stage.targets]
    batch = state.shape[0]
    xi = np.empty((batch, len(stage.targets)), dtype=state.dtype)
    for k, block in enumerate(stage.linear):
        xi[:, block.rows] = _linear_potential(prog, stage, k, state, weights)
    if stage.linear:
        xi += stage_bias  # only weighted-sum rows have a non-zero stage bias
    for seg in stage.others:
        values = state[:, seg.sources]
        pot_bias = stage_bias[seg.rows] if seg.potential.has_bias else np.zeros(len(seg.neurons))
        xi[:, seg.rows] = seg.potential.forward(
            values, weights[seg.weight_pos], seg.indptr, pot_bias, **seg.params
        )
    y = np.empty_like(xi)
    for seg in stage.activations:
        y[:, seg.rows] = apply_activation(seg, xi[:, seg.rows])
    ex = stage.exact
    if ex is not None:  # threshold rows: decided exactly near the jump, ties kept
        if weights is not prog.weights or bias is not None:
            ex = ex.with_values(weights, prog.bias if bias is None else bias)
        if ex.near_by_samples(xi, state, len(stage.targets)):
            old = state[:, stage.targets[ex.rows]] if ex.keep else None
            ymax = float(np.max(np.abs(state), initial=0.0))
            ex.settle(xi, y, old, lambda src, b: state[b, src], ymax, rows_first=False,
                      whole=integral(state))
    return xi, y


def _linear_potential(prog: Program, st: Stage, k: int, state: Array, weights: Array) -> Array:
    """``Y[:, sources] @ W.T`` for the stage's ``k``-th linear block (no bias)."""
    block = st.linear[k]
    w = weights[block.weight_pos]
    if block.dense:
        n_rows = len(w) // _length(block.sources, prog.n_neurons)
        return state[:, block.sources] @ w.reshape(n_rows, -1).T
    own = weights is prog.weights  # the program's own weights: build the matrix once
    hit = st.matrices.get(k) if own else None
    if hit is None:
        hit = _block_matrix(prog, block, w)
        if own:
            st.matrices[k] = hit
    cols, matrix = hit
    if cols is not None:
        return state[:, cols] @ matrix.T
    return np.asarray((matrix @ state.T).T)


def _block_matrix(prog: Program, block: LinearBlock, w: Array) -> tuple[Array | None, Any]:
    """The matrix of a sparse block: dense over its distinct sources (zeros where
    there is no connection) when at least DENSE_FILL of that is filled, else CSR.

    The block's layout (CSR data in :attr:`Program.weights`) is unchanged; only its
    evaluation picks the faster product.
    """
    rows = len(block.indptr) - 1
    cols, inverse = np.unique(block.indices, return_inverse=True)
    if len(cols) and len(w) >= DENSE_FILL * rows * len(cols):
        matrix = np.zeros((rows, len(cols)), dtype=w.dtype)
        matrix[np.repeat(np.arange(rows), np.diff(block.indptr)), inverse] = w
        return cols, matrix
    return None, get_backend().csr(w, block.indices, block.indptr, (rows, prog.n_neurons))


def apply_activation(seg: ActivationSegment, xi: Array) -> Array:
    """Outputs of one activation segment from its potentials ``(B, len(rows))``."""
    act = seg.activation
    if not act.group:
        out = np.empty_like(xi)
        activate_into(act, xi, out, seg.params)
        return out
    y = np.empty_like(xi)
    base = _positions(seg.rows, xi.shape[1])  # ascending positions within the stage
    for g, members in enumerate(seg.groups):
        local = np.searchsorted(base, members)
        params = {k: v[g] for k, v in seg.params.items()}
        y[:, local] = act.forward(xi[:, local], **params)
    return y


def _positions(index: slice | Array, length: int) -> Array:
    if isinstance(index, slice):
        return np.arange(index.start, index.stop)
    return index


def _length(index: slice | Array, n: int) -> int:
    return index.stop - index.start if isinstance(index, slice) else len(index)
