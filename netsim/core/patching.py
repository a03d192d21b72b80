"""New values written into an execution layout in place (no rebuild).

A :class:`~netsim.core.layout.Plan` copies the program's weights into its dense
matrices, sparse matrices and other-potential segments, and its biases into per-stage
columns. When the network's values change (:func:`netsim.core.patch_values`), the plan
is brought up to date here at the cost of the changed values: the map from each
connection's position in :attr:`Program.weights` to its place in the plan is built
once, from the plan's structure, on the first patch.

A plan with threshold rows decided exactly (their rounding bounds depend on the
weights) or a stage whose biases were all zero when it was built (it holds no bias
column) cannot be patched: :func:`patch_plan` then returns False and the plan is
rebuilt on its next use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compile import Program, gather_ranges

__all__ = ["ValueMap", "patch_plan", "value_map"]

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class ValueMap:
    """Where each connection's weight lives in a plan.

    ``targets[t]`` is a flat view of an array holding weights (a dense matrix, a
    sparse matrix's data, a segment's weights); ``positions[t]`` are the connections
    (positions in :attr:`Program.weights`) it holds and ``places[t]`` their flat
    places in it. ``kind``/``place`` give the same per connection (−1: in no stage),
    for patching a few connections.
    """

    targets: tuple[Array, ...]
    positions: tuple[slice | Array, ...]
    places: tuple[slice | Array, ...]
    kind: Array
    place: Array


def value_map(plan: Any, prog: Program) -> ValueMap:
    """The :class:`ValueMap` of ``plan`` (a layout of ``prog``), from its structure."""
    perm, inv = plan.perm, plan.inv
    indptr, sources = prog.indptr, prog.sources
    targets: list[Array] = []
    positions: list[Array] = []
    places: list[Array] = []
    for sp_ in plan.stages:
        neurons = perm[sp_.lo : sp_.hi]
        if sp_.lin_hi > sp_.lin_lo:
            lin = neurons[sp_.lin_lo : sp_.lin_hi]
            counts = indptr[lin + 1] - indptr[lin]
            pos = gather_ranges(indptr[lin], counts)
            cols = inv[sources[pos]]
            row_of = np.repeat(np.arange(len(lin)), counts)
            if sp_.dense is not None:
                src = sp_.src
                distinct = (np.arange(src.start, src.stop) if isinstance(src, slice)
                            else np.asarray(src))
                local = np.searchsorted(distinct, cols)
                flat = row_of * sp_.dense.shape[1] + local
                targets.append(sp_.dense.reshape(-1))
            else:
                order = np.lexsort((cols, row_of))  # sort_indices' order
                pos = pos[order]
                flat = np.arange(len(pos))
                targets.append(sp_.sparse.data)
            positions.append(pos)
            places.append(flat)
        for seg in sp_.others:
            rows = neurons[seg.lo : seg.hi]
            counts = indptr[rows + 1] - indptr[rows]
            pos = gather_ranges(indptr[rows], counts)
            targets.append(seg.weights)
            positions.append(pos)
            places.append(np.arange(len(pos)))
    kind = np.full(prog.n_connections, -1, dtype=np.int32)
    place = np.zeros(prog.n_connections, dtype=np.int64)
    for t, (pos, flat) in enumerate(zip(positions, places, strict=True)):
        kind[pos] = t
        place[pos] = flat
    # a block holding a contiguous run of connections in order (an MLP layer) is
    # refreshed with one copy instead of a gather and a scatter
    positions = [_as_slice(pos) for pos in positions]  # type: ignore[misc]
    places = [_as_slice(flat) if isinstance(pos, slice) else flat
              for pos, flat in zip(positions, places, strict=True)]
    return ValueMap(tuple(targets), tuple(positions), tuple(places), kind, place)


def _as_slice(index: Array) -> slice | Array:
    """``index`` as a slice when it is ``a, a + 1, …, b − 1``."""
    if len(index) == 0:
        return slice(0, 0)
    a = int(index[0])
    if int(index[-1]) - a + 1 == len(index) and np.array_equal(
            index, np.arange(a, a + len(index))):
        return slice(a, a + len(index))
    return index


def patch_plan(plan: Any, prog: Program, weight_positions: Array | None,
               bias_neurons: Array | None) -> bool:
    """Write ``prog``'s current values at the given positions into ``plan``.

    ``None`` means every connection (or neuron). Returns False when the plan cannot
    be patched (see the module docstring); it must then be rebuilt.
    """
    if any(st.exact is not None for st in plan.stages):
        return False
    if not _patch_bias(plan, prog, bias_neurons):
        return False
    if weight_positions is not None and len(weight_positions) == 0:
        return True
    vmap = plan.value_map(prog)
    weights = prog.weights
    if weight_positions is None:
        for target, pos, flat in zip(vmap.targets, vmap.positions, vmap.places, strict=True):
            target[flat] = weights[pos]
        return True
    pos = np.asarray(weight_positions, dtype=np.int64)
    kinds = vmap.kind[pos]
    if len(pos) == 1:  # the common case of one set_weight: no grouping
        t = int(kinds[0])
        if t >= 0:
            vmap.targets[t][vmap.place[pos[0]]] = weights[pos[0]]
        return True
    for t in np.unique(kinds).tolist():
        if t < 0:
            continue
        sel = pos[kinds == t]
        vmap.targets[t][vmap.place[sel]] = weights[sel]
    return True


def _patch_bias(plan: Any, prog: Program, bias_neurons: Array | None) -> bool:
    if bias_neurons is not None and len(bias_neurons) == 0:
        return True
    neurons = (np.arange(prog.n_neurons) if bias_neurons is None
               else np.asarray(bias_neurons, dtype=np.int64))
    rows = plan.inv[neurons]
    bias = prog.bias
    for st in plan.stages:
        lin = (rows >= st.lo + st.lin_lo) & (rows < st.lo + st.lin_hi)
        if lin.any():
            local = rows[lin] - (st.lo + st.lin_lo)
            values = bias[neurons[lin]]
            if st.bias is None:
                if np.any(values != 0):
                    return False  # the stage holds no bias column: rebuild it
            else:
                st.bias[local, 0] = values
                if "bias_row" in st.__dict__:
                    st.__dict__["bias_row"][local] = values
        for seg in st.others:
            inside = (rows >= st.lo + seg.lo) & (rows < st.lo + seg.hi)
            if inside.any():
                seg.bias[rows[inside] - (st.lo + seg.lo)] = bias[neurons[inside]]
    return True
