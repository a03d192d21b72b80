"""Networks defined by arrays: the bulk form of the definition.

:meth:`Network.from_arrays` (and :func:`netsim.from_matrix`, :func:`netsim.load`) keep
a large network as arrays — connection sources, targets and weights, per-neuron
function codes, biases and initial values — instead of a networkx graph with one
Python dict per connection (about 550 bytes each). Such a network compiles with
vectorised work only (one counting sort, done here at build time to find repeated
connections), runs, trains and saves without ever building the graph; ``net.graph``
builds it the first time a user asks for it, and from then on the graph is the
definition.

Connections are listed (``net.connections``, a saved file, the built graph) in the
order ``net.graph.edges`` would list them: grouped by source in neuron order, and in
the given order within a source; the arrays are kept as given and put in that order
only when it is needed (a file saved by netsim already is). Saving a loaded file
gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .errors import NetworkError, ParameterError
from .functions import ACTIVATIONS, POTENTIALS
from .limits import MAX_LAYER, check_network_size, describe

__all__ = ["BulkDefinition", "assemble", "bulk_definition", "csr_layout", "index_dtype"]

Array = np.ndarray


def index_dtype(n: int) -> np.dtype:
    """int32 for positions below 2³¹ (half the memory), else int64."""
    return np.dtype(np.int32 if n < 2**31 else np.int64)


@dataclass(eq=False)
class BulkDefinition:
    """A network's definition as arrays (see the module docstring).

    ``sources``/``targets`` are neuron positions, one per connection, as given
    (:meth:`edges` lists them in graph edge order). ``indptr``, ``csr_sources`` and
    ``csr_weights`` are the same connections in the compiled layout (CSR by target,
    sources ascending), made once at build time; a float64 program shares
    ``csr_weights`` (its values, patched in place, are the network's). :attr:`csr` is
    the permutation from that layout to the given order, found when first needed.
    ``activations``/``potentials``: the distinct ``(name, params)`` specs, with one
    code per neuron. ``layer``, ``label`` and ``group`` are per-neuron lists, or
    None when no neuron has one.
    """

    ids: list[Any]
    index: dict[Any, int]
    sources: Array
    targets: Array
    weights: Array
    indptr: Array
    csr_sources: Array
    csr_weights: Array
    activations: list[tuple[str, dict[str, Any]]]
    activation_codes: Array
    potentials: list[tuple[str, dict[str, Any]]]
    potential_codes: Array
    bias: Array
    initial: Array
    layer: list[int | None] | None = None
    label: list[str | None] | None = None
    group: list[Any] | None = None
    version: int = 0
    stale: bool = field(default=False, repr=False)  # csr_weights newer than weights
    _perm: Array | None = field(default=None, repr=False)
    _order: Any = field(default=False, repr=False)  # False: not known yet

    @property
    def n_neurons(self) -> int:
        return len(self.ids)

    @property
    def n_connections(self) -> int:
        return len(self.sources)

    @property
    def csr(self) -> Array:
        """``csr[k]``: the edge-order position of the connection at CSR position ``k``."""
        if self._perm is None:
            m = self.n_connections
            self._perm = _counting_sort(self.sources, self.targets, self.n_neurons,
                                        np.arange(m, dtype=index_dtype(m + 1))).data
        return self._perm

    def edge_order(self) -> Array | None:
        """The permutation putting the connections in edge order (None: they are)."""
        if self._order is False:
            src = self.sources
            self._order = (np.argsort(src, kind="stable")
                           if len(src) > 1 and np.any(src[1:] < src[:-1]) else None)
        return self._order

    def edges(self) -> tuple[Array, Array, Array]:
        """``(sources, targets, weights)`` in graph edge order (current weights)."""
        weights = self.current_weights()
        order = self.edge_order()
        if order is None:
            return self.sources, self.targets, weights
        return self.sources[order], self.targets[order], weights[order]

    def current_weights(self) -> Array:
        """The weights in edge order (brought up to date after value changes, which
        patch ``csr_weights``: the float64 program's own array)."""
        if self.stale:
            self.weights[self.csr] = self.csr_weights
            self.stale = False
        return self.weights

    def position(self, source: Any, target: Any) -> int:
        """The CSR position of the connection ``source → target`` (ids), or −1."""
        i, j = self.index.get(source), self.index.get(target)
        if i is None or j is None:
            return -1
        lo, hi = int(self.indptr[j]), int(self.indptr[j + 1])
        k = lo + int(np.searchsorted(self.csr_sources[lo:hi], i))
        return k if k < hi and self.csr_sources[k] == i else -1

    def node_attributes(self, k: int) -> dict[str, Any]:
        """Neuron ``k``'s attributes, as :meth:`Network.add_neuron` stores them."""
        act, act_params = self.activations[int(self.activation_codes[k])]
        pot, pot_params = self.potentials[int(self.potential_codes[k])]
        return {
            "activation": act,
            "activation_params": dict(act_params),
            "potential": pot,
            "potential_params": dict(pot_params),
            "bias": float(self.bias[k]),
            "initial": float(self.initial[k]),
            "layer": None if self.layer is None else self.layer[k],
            "label": None if self.label is None else self.label[k],
            "group": None if self.group is None else self.group[k],
        }

    def same_as(self, other: BulkDefinition) -> bool:
        """Whether both define the same neurons (in the same order, same attributes) and
        the same connections with the same weights: what ``Network.__eq__`` compares,
        from the arrays (the CSR layout is canonical: by target, sources ascending)."""
        if self.ids != other.ids:
            return False
        for mine, theirs, codes, other_codes in (
            (self.activations, other.activations, self.activation_codes,
             other.activation_codes),
            (self.potentials, other.potentials, self.potential_codes, other.potential_codes),
        ):
            # both sides' spec numbers as the first equal spec in this one's list (-1: a
            # spec this one lacks); equal specs may repeat in a list
            own = np.array([mine.index(s) for s in mine] or [-1])
            translate = np.array([mine.index(s) if s in mine else -1 for s in theirs] or [-1])
            if not np.array_equal(translate[other_codes], own[codes]):
                return False
        return (
            np.array_equal(self.bias, other.bias)
            and np.array_equal(self.initial, other.initial)
            and self.layer == other.layer and self.label == other.label
            and self.group == other.group
            and np.array_equal(self.indptr, other.indptr)
            and np.array_equal(self.csr_sources, other.csr_sources)
            and np.array_equal(self.csr_weights, other.csr_weights)
        )

    def copy(self) -> BulkDefinition:
        """An independent copy (arrays copied; the function specs are shared, read-only)."""
        weights = self.current_weights().copy()
        return BulkDefinition(
            ids=list(self.ids), index=dict(self.index), sources=self.sources.copy(),
            targets=self.targets.copy(), weights=weights, indptr=self.indptr.copy(),
            csr_sources=self.csr_sources.copy(), csr_weights=self.csr_weights.copy(),
            activations=list(self.activations),
            activation_codes=self.activation_codes.copy(), potentials=list(self.potentials),
            potential_codes=self.potential_codes.copy(), bias=self.bias.copy(),
            initial=self.initial.copy(),
            layer=None if self.layer is None else list(self.layer),
            label=None if self.label is None else list(self.label),
            group=None if self.group is None else list(self.group),
        )


def _positions(values: Any, n: int, what: str) -> Array:
    """Connection endpoints as neuron positions ``0 ≤ k < n``, checked."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be an array of neuron positions, got "
                             f"{describe(values)}") from None
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ParameterError(
            f"{what} must be a 1-d array of integer neuron positions, got "
            f"{f'dtype {arr.dtype}' if arr.ndim == 1 else f'shape {arr.shape}'}"
        )
    if arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0 or hi >= n:
            bad = lo if lo < 0 else hi
            raise ParameterError(f"{what} holds position {bad}, outside the {n} neurons "
                                 f"(0 to {n - 1})")
    return arr.astype(index_dtype(n), copy=False)


def _numbers(value: Any, n: int, what: str, each: str = "neuron") -> Array:
    """A number or one number per neuron (``each``), finite, as float64 ``(n,)``."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except OverflowError:  # an integer beyond the float range (10**400)
        raise ParameterError(f"{what} holds a number too large for a float") from None
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be a number or {n} numbers, got "
                             f"{describe(value)}") from None
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ParameterError(f"{what} must be a number or {n} numbers (one per {each}), "
                             f"got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        k = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ParameterError(f"{what}[{k}] is {arr[k]}, not a finite number")
    return arr


def _functions(spec: Any, n: int, registry: Any, what: str, ids: list[Any]
               ) -> tuple[list[tuple[str, dict[str, Any]]], Array]:
    """One spec for every neuron, or one per neuron → distinct specs and codes."""
    from .network import resolve_function

    one = isinstance(spec, str | Mapping) or not isinstance(spec, Sequence)
    specs = [spec] if one else list(spec)
    if not one and len(specs) != n:
        raise ParameterError(f"{what} must be one function or {n} (one per neuron), "
                             f"got {len(specs)}")
    distinct: list[tuple[str, dict[str, Any]]] = []
    seen: dict[Any, int] = {}
    by_object: dict[int, int] = {}  # one spec object shared by many neurons: one lookup
    codes = np.zeros(n, dtype=np.int16)
    for k, s in enumerate(specs):
        code = by_object.get(id(s))
        if code is None:
            key: Any = s
            if isinstance(s, Mapping):
                try:
                    key = (tuple(sorted(s.items(), key=str)),)
                    hash(key)
                except TypeError:  # an unhashable parameter value: resolve it alone
                    key = id(s)
            elif not isinstance(s, str):
                key = id(s)
            code = seen.get(key)
            if code is None:
                where = f"{what} of neuron {ids[k]!r}" if not one else what
                entry, params = resolve_function(s, registry, where)
                code = seen[key] = len(distinct)
                if code >= 2**15:
                    raise ParameterError(f"{what}: more than {2**15 - 1} distinct functions")
                distinct.append((entry.name, params))
            by_object[id(s)] = code
        if not one:
            codes[k] = code
    return distinct, codes


def _optional_list(values: Any, n: int, what: str, check: Any) -> list[Any] | None:
    if values is None:
        return None
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ParameterError(f"{what} must be a sequence (one per neuron) or None, got "
                             f"{describe(values)}")
    if len(values) != n:
        raise ParameterError(f"{what} must have {n} entries (one per neuron), got "
                             f"{len(values)}")
    out = [None if v is None else check(v, k) for k, v in enumerate(values)]
    return out if any(v is not None for v in out) else None


def _counting_sort(sources: Array, targets: Array, n: int, data: Array) -> Any:
    """``data`` as a CSR matrix by target (rows) and source (columns), rows sorted.

    scipy's COO → CSR conversion is a counting sort (linear time); it then sorts each
    row by source when the given order did not (in C) and sums repeated pairs (the
    entry count then drops).
    """
    return sp.coo_matrix((data, (targets, sources)), shape=(n, n)).tocsr()


def csr_layout(sources: Array, targets: Array, weights: Array, n: int,
               ids: Sequence[Any] | None = None) -> tuple[Array, Array, Array]:
    """``(indptr, sources, weights)`` in the compiled layout (CSR by target, sources
    ascending) from connections in any order; refuses a repeated connection,
    naming it."""
    m = len(sources)
    csr = _counting_sort(sources, targets, n, weights)
    if csr.nnz != m:
        key = sources.astype(np.int64) * max(n, 1) + targets
        values, first, counts = np.unique(key, return_index=True, return_counts=True)
        k = int(np.flatnonzero(counts > 1)[0])
        u, v = divmod(int(values[k]), max(n, 1))
        names = ids if ids is not None else range(n)
        raise NetworkError(f"connection {names[u]!r} -> {names[v]!r} is given more than "
                           f"once (first as connection {int(first[k])} in edge order)")
    indices = csr.indices.astype(index_dtype(n), copy=False)
    return csr.indptr.astype(np.int64, copy=False), indices, csr.data


def bulk_definition(
    sources: Any,
    targets: Any,
    weights: Any = None,
    *,
    neurons: Sequence[Any] | int | None = None,
    activation: Any = "identity",
    potential: Any = "weighted_sum",
    bias: Any = 0.0,
    initial: Any = 0.0,
    layer: Sequence[int | None] | None = None,
    label: Sequence[str | None] | None = None,
    group: Sequence[Any] | None = None,
) -> BulkDefinition:
    """Check the arrays of a network and keep them (see :meth:`Network.from_arrays`)."""
    from .network import check_neuron_id

    if neurons is None:
        try:
            src_max = int(np.max(sources, initial=-1))
            dst_max = int(np.max(targets, initial=-1))
        except (TypeError, ValueError):
            raise ParameterError("sources and targets must be arrays of integer neuron "
                                 "positions") from None
        neurons = max(src_max, dst_max) + 1
    if isinstance(neurons, int | np.integer) and not isinstance(neurons, bool):
        if neurons < 0:
            raise ParameterError(f"neurons must be a count >= 0 or a list of ids, got "
                                 f"{neurons}")
        check_network_size(int(neurons), 0, "from_arrays")  # before the ids are made
        ids: list[Any] = list(range(int(neurons)))
    elif isinstance(neurons, str | bytes | Mapping) or not isinstance(neurons, Sequence):
        raise ParameterError(f"neurons must be a count or a sequence of ids, got "
                             f"{describe(neurons)}")
    else:
        ids = [check_neuron_id(x, "neurons") for x in neurons]
    n = len(ids)
    index = {nid: k for k, nid in enumerate(ids)}
    if len(index) != n:
        seen: set[Any] = set()
        dup = next(x for x in ids if x in seen or seen.add(x))  # type: ignore[func-returns-value]
        raise NetworkError(f"neuron {dup!r} appears twice in neurons")
    src = _positions(sources, n, "sources")
    dst = _positions(targets, n, "targets")
    if len(src) != len(dst):
        raise ParameterError(f"sources and targets must have the same length, got "
                             f"{len(src)} and {len(dst)}")
    check_network_size(n, len(src), "from_arrays")
    w = _numbers(1.0 if weights is None else weights, len(src), "weights", "connection")
    if w is weights:
        w = w.copy()
    src = src.copy() if src is sources else src
    dst = dst.copy() if dst is targets else dst

    def check_layer(v: Any, k: int) -> int:
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or not (
                0 <= v <= MAX_LAYER):
            raise ParameterError(f"layer of neuron {ids[k]!r} must be an integer between 0 "
                                 f"and {MAX_LAYER}, got {describe(v)}")
        return int(v)

    def check_label(v: Any, k: int) -> str:
        if not isinstance(v, str):
            raise ParameterError(f"label of neuron {ids[k]!r} must be a string, got "
                                 f"{describe(v)}")
        return v

    def check_group(v: Any, k: int) -> Any:
        return check_neuron_id(v, f"group of neuron {ids[k]!r}")

    acts, act_codes = _functions(activation, n, ACTIVATIONS, "activation", ids)
    pots, pot_codes = _functions(potential, n, POTENTIALS, "potential", ids)
    return assemble(
        ids, index, src, dst, w, activations=(acts, act_codes), potentials=(pots, pot_codes),
        bias=_numbers(bias, n, "bias"), initial=_numbers(initial, n, "initial"),
        layer=_optional_list(layer, n, "layer", check_layer),
        label=_optional_list(label, n, "label", check_label),
        group=_optional_list(group, n, "group", check_group),
    )


def assemble(
    ids: list[Any],
    index: dict[Any, int],
    sources: Array,
    targets: Array,
    weights: Array,
    *,
    activations: tuple[list[tuple[str, dict[str, Any]]], Array],
    potentials: tuple[list[tuple[str, dict[str, Any]]], Array],
    bias: Array,
    initial: Array,
    layer: list[int | None] | None = None,
    label: list[str | None] | None = None,
    group: list[Any] | None = None,
) -> BulkDefinition:
    """A :class:`BulkDefinition` from checked parts (the arrays are taken, not copied).

    Finds the CSR layout, refusing a repeated connection.
    """
    n = len(ids)
    indptr, csr_sources, csr_weights = csr_layout(sources, targets, weights, n, ids)
    return BulkDefinition(
        ids=ids, index=index, sources=sources, targets=targets, weights=weights,
        indptr=indptr, csr_sources=csr_sources, csr_weights=csr_weights,
        activations=activations[0], activation_codes=activations[1],
        potentials=potentials[0], potential_codes=potentials[1], bias=bias,
        initial=initial, layer=layer, label=label, group=group,
    )
