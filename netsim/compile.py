"""compile: the single networkx → numpy boundary.

:func:`compile_network` turns a :class:`~netsim.Network` into an immutable
:class:`Program`: the neuron index, the incoming connections as CSR arrays (rows are
targets, sorted by source index), biases, initial values, per-neuron function ids and
parameter arrays, and the layer plan. Every later layer (simulate, learn, analyse)
works on programs only.

compile evaluates nothing and caches nothing for other modules: the stages, execution
layouts and every other object derived from a program live in :mod:`netsim.core`.

The program is cached on the network (:meth:`Network.cached`). A change of structure
or functions rebuilds it; a change of values through the network's methods
(``set_weight``, ``set_weights``, training) patches its ``weights`` and ``bias`` arrays
in place (:func:`netsim.core.patch_values`, which brings along everything the core
derived from them), so the program's structure is immutable and its values are the
network's current ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .checks import keywords
from .errors import NetworkError, ParameterError
from .functions import ACTIVATIONS, POTENTIALS, Activation, Potential
from .functions.registry import numeric
from .network import Network, NeuronId

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .bulk import BulkDefinition

__all__ = [
    "Program",
    "as_index",
    "compile_network",
    "find_cycle",
    "gather_ranges",
    "install_program",
]

Array = np.ndarray

def gather_ranges(starts: Array, counts: Array) -> Array:
    """Concatenate ``arange(s, s + c)`` for every pair, vectorised."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts  # start of each range in the output
    return np.repeat(np.asarray(starts, dtype=np.int64) - offsets, counts) + np.arange(total)


def as_index(positions: Array) -> slice | Array:
    """A slice when ``positions`` is a contiguous ascending run (views, not copies)."""
    if len(positions) == 0:
        return slice(0, 0)
    start = int(positions[0])
    if positions[-1] - start + 1 == len(positions) and (
        len(positions) < 2 or np.all(np.diff(positions) == 1)
    ):
        return slice(start, start + len(positions))
    return positions


# Cached properties of a Program that depend on its structure only (not on values):
# shared by Program.with_values.
_STRUCTURAL = ("activations", "potentials", "updated", "discrete", "in_degree",
               "bias_slots", "weight_slots", "n_config", "_config_layout", "_config_runs",
               "layer_targets",
               "output_names")


@dataclass(frozen=True, eq=False)
class Program:
    """The compiled form of a network: immutable structure, current values.

    Every array except ``weights`` and ``bias`` is fixed for the program's life. Those
    two are patched in place when the network's values change through its methods
    (see the module docstring); take a copy to keep the values of a moment.

    Attributes
    ----------
    neurons : tuple
        Neuron ids in state order; ``index`` maps an id to its position.
    inputs, outputs : ndarray of int
        Positions of the input and output neurons, in role order.
    indptr, sources, weights : ndarray
        Incoming connections in CSR layout by target: the connections into neuron
        ``j`` are ``sources[indptr[j]:indptr[j+1]]`` (ascending) with ``weights`` at
        the same positions.
    bias, initial : ndarray
        Per-neuron bias (0 for potentials without one) and initial value.
    has_input : ndarray of bool
        Neurons with at least one incoming connection (the others keep their value).
    activation_names, activation_ids : the activation of each neuron, by id.
    potential_names, potential_ids : likewise for potentials.
    activation_params, potential_params : per-neuron parameter values, a dict per
        function name of arrays over all neurons (default where a neuron names
        another function).
    groups : ndarray of int
        Group number of each group-activation neuron (−1 elsewhere).
    layer : ndarray of int or None
        Layer number of each neuron for acyclic networks, ``None`` for recurrent.
    cycle : list or None
        One cycle of a recurrent network.
    dtype : numpy dtype of the values.
    """

    neurons: tuple[NeuronId, ...]
    index: Mapping[NeuronId, int]
    inputs: Array
    outputs: Array
    indptr: Array
    sources: Array
    weights: Array
    bias: Array
    initial: Array
    has_input: Array
    activation_names: tuple[str, ...]
    activation_ids: Array
    potential_names: tuple[str, ...]
    potential_ids: Array
    activation_params: dict[str, dict[str, Array]]
    potential_params: dict[str, dict[str, Array]]
    groups: Array
    group_names: tuple[Any, ...]
    layer: Array | None
    cycle: list[NeuronId] | None
    dtype: np.dtype
    name: str | None = None

    # --- sizes and kinds ------------------------------------------------------------

    @property
    def n_neurons(self) -> int:
        return len(self.neurons)

    @property
    def n_connections(self) -> int:
        return len(self.sources)

    @property
    def is_recurrent(self) -> bool:
        return self.layer is None

    @cached_property
    def activations(self) -> tuple[Activation, ...]:
        return tuple(ACTIVATIONS.get(n) for n in self.activation_names)

    @cached_property
    def potentials(self) -> tuple[Potential, ...]:
        return tuple(POTENTIALS.get(n) for n in self.potential_names)

    @cached_property
    def updated(self) -> Array:
        """Indices of the neurons with inputs (those a rule can change)."""
        return np.flatnonzero(self.has_input)

    @cached_property
    def discrete(self) -> bool:
        """True when every updated neuron has an activation with finitely many values."""
        used = np.unique(self.activation_ids[self.has_input])
        return all(self.activations[a].discrete for a in used)

    @cached_property
    def in_degree(self) -> Array:
        return np.diff(self.indptr)

    def nbytes(self) -> int:
        """Memory held by the program's own arrays (not what the core derives from it)."""
        total = 0
        seen: set[int] = set()

        def add(a: Any) -> None:
            nonlocal total
            if isinstance(a, np.ndarray):
                base = a if a.base is None else a.base
                if id(base) not in seen and isinstance(base, np.ndarray):
                    seen.add(id(base))
                    total += base.nbytes
            elif sp.issparse(a):
                for arr in (a.data, a.indices, a.indptr):
                    add(arr)

        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                add(value)
            elif isinstance(value, dict):
                for inner in value.values():
                    for arr in inner.values() if isinstance(inner, dict) else ():
                        add(arr)
        return total

    def connection_position(self, source: NeuronId, target: NeuronId) -> int:
        """Position of the connection ``source → target`` in :attr:`weights`, or −1.

        Examples
        --------
        >>> import netsim as ns
        >>> prog = ns.mlp("2-1", seed=0).compile()
        >>> prog.connection_position("x2", "y1"), prog.connection_position("y1", "x1")
        (1, -1)
        """
        j, i = self.index.get(target), self.index.get(source)
        if j is None or i is None:
            return -1
        lo, hi = int(self.indptr[j]), int(self.indptr[j + 1])
        k = lo + int(np.searchsorted(self.sources[lo:hi], i))
        return k if k < hi and self.sources[k] == i else -1

    # --- configuration ----------------------------------------------------------------

    @cached_property
    def bias_slots(self) -> Array:
        """Position of each neuron's bias in the configuration vector (−1: none)."""
        return self._config_layout[0]

    @cached_property
    def weight_slots(self) -> Array:
        """Position of each connection (CSR order) in the configuration vector."""
        return self._config_layout[1]

    @cached_property
    def n_config(self) -> int:
        return self._config_layout[2]

    @cached_property
    def _config_layout(self) -> tuple[Array, Array, int]:
        counts = self.in_degree
        with_bias = self.has_input & np.array(
            [p.has_bias for p in self.potentials], dtype=bool
        )[self.potential_ids]
        per_neuron = counts + with_bias
        start = np.concatenate([[0], np.cumsum(per_neuron)])
        bias_slots = np.where(with_bias, start[:-1], -1)
        row_of = np.repeat(np.arange(self.n_neurons), counts)
        offset = np.arange(self.n_connections) - self.indptr[row_of]
        weight_slots = start[row_of] + with_bias[row_of] + offset
        return bias_slots, weight_slots, int(start[-1])

    @cached_property
    def _config_runs(self) -> list[tuple[int, int, int, int, int, int]] | None:
        """The configuration as a few blocks, or None when it has many.

        A run of consecutive neurons with the same in-degree ``c`` and bias flag
        ``b`` holds, in the configuration, an ``(m, b + c)`` block (a bias, then the
        weights, per neuron) and, in the CSR weights, an ``(m, c)`` block: e.g. one
        run per layer of an MLP. Each run is ``(config start, m, c, b, CSR start,
        first neuron)``; two strided copies per run replace a gather or scatter of
        every value.
        """
        bias_slots, _slots, _n = self._config_layout
        active = np.flatnonzero(self.in_degree > 0)
        if not len(active):
            return []
        deg = self.in_degree[active]
        has = (bias_slots[active] >= 0).astype(np.int64)
        new = np.ones(len(active), dtype=bool)
        new[1:] = (np.diff(active) != 1) | (np.diff(deg) != 0) | (np.diff(has) != 0)
        firsts = np.flatnonzero(new)
        if len(firsts) > max(8, self.n_config // 4096):
            return None  # many small runs: one gather or scatter is faster
        ends = np.append(firsts[1:], len(active))
        runs = []
        for a, e in zip(firsts.tolist(), ends.tolist(), strict=True):
            j0 = int(active[a])
            b = int(has[a])
            start = int(bias_slots[j0]) if b else int(_slots[self.indptr[j0]])
            runs.append((start, e - a, int(deg[a]), b, int(self.indptr[j0]), j0))
        return runs

    def configuration_vector(self, weights: Array | None = None, bias: Array | None = None):
        """The configuration vector of ``weights``/``bias`` (default: the program's)."""
        weights = self.weights if weights is None else weights
        bias = self.bias if bias is None else bias
        out = np.empty(self.n_config, dtype=np.float64)
        runs = self._config_runs
        if runs is not None:
            for start, m, c, b, w0, j0 in runs:
                block = out[start : start + m * (b + c)].reshape(m, b + c)
                if b:
                    block[:, 0] = bias[j0 : j0 + m]
                block[:, b:] = weights[w0 : w0 + m * c].reshape(m, c)
            return out
        out[self.weight_slots] = weights
        has = self.bias_slots >= 0
        out[self.bias_slots[has]] = bias[has]
        return out

    def split_configuration(self, vector: Array) -> tuple[Array, Array]:
        """``(weights, bias)`` arrays from a configuration vector (inverse of above)."""
        vector = np.asarray(vector, dtype=self.dtype)
        if vector.shape != (self.n_config,):
            raise ParameterError(
                f"configuration vector must have shape ({self.n_config},), got {vector.shape}"
            )
        bias = np.zeros(self.n_neurons, dtype=self.dtype)
        runs = self._config_runs
        if runs is not None:
            weights = np.empty(self.n_connections, dtype=self.dtype)
            for start, m, c, b, w0, j0 in runs:
                block = vector[start : start + m * (b + c)].reshape(m, b + c)
                if b:
                    bias[j0 : j0 + m] = block[:, 0]
                weights[w0 : w0 + m * c].reshape(m, c)[...] = block[:, b:]
            return weights, bias
        weights = vector[self.weight_slots]
        has = self.bias_slots >= 0
        bias[has] = vector[self.bias_slots[has]]
        return weights, bias

    def with_values(self, weights: Array, bias: Array) -> Program:
        """The same program with other connection weights and biases.

        ``weights`` are in :attr:`weights` order (CSR by target), ``bias`` one per
        neuron; both are converted to the program's dtype. The structure (and every
        structural cache) is shared; what the core derived from the old values (stages,
        execution layouts) is not: the new program is a new object.

        Examples
        --------
        >>> import numpy as np, netsim as ns
        >>> prog = ns.mlp("2-1", activation="identity", seed=0).compile()
        >>> other = prog.with_values(np.array([1.0, 2.0]), np.array([0.0, 0.0, 0.5]))
        >>> other.weights, other.bias
        (array([1., 2.]), array([0. , 0. , 0.5]))
        """
        weights = np.asarray(weights)
        bias = np.asarray(bias)
        if weights.shape != self.weights.shape or bias.shape != self.bias.shape:
            raise ParameterError(
                f"with_values needs weights of shape {self.weights.shape} and bias of shape "
                f"{self.bias.shape}, got {weights.shape} and {bias.shape}"
            )
        new = dataclasses.replace(
            self,
            weights=weights.astype(self.dtype),
            bias=bias.astype(self.dtype),
        )
        # structural cached properties stay valid: copy those already computed
        for name in _STRUCTURAL:
            if name in self.__dict__:
                new.__dict__[name] = self.__dict__[name]
        return new

    # --- the layer plan --------------------------------------------------------------

    @cached_property
    def layer_targets(self) -> tuple[Array, ...]:
        """Neurons evaluated at step ℓ of the layered rule: entry ℓ − 1 holds layer ℓ ≥ 1
        (neurons with inputs only), ascending.

        Raises :class:`~netsim.CycleError` for a recurrent network, naming a cycle, and
        :class:`~netsim.NetworkError` for a group function spread over layers.
        """
        if self.layer is None:
            from .errors import CycleError

            cycle = self.cycle or []
            path = " -> ".join(repr(n) for n in [*cycle, *cycle[:1]])
            raise CycleError(
                f"the layered rule needs an acyclic network, but network "
                f"{self.name or '(unnamed)'!r} has the cycle {path}",
                cycle,
            )
        _check_groups_within_layers(self)
        return tuple(
            np.flatnonzero((self.layer == ell) & self.has_input)
            for ell in range(1, int(self.layer.max(initial=0)) + 1)
        )

    @cached_property
    def output_names(self) -> tuple[NeuronId, ...]:
        """The ids of the output neurons, in output order."""
        return tuple(self.neurons[i] for i in self.outputs)

    def initial_state(self, inputs: Array) -> Array:
        """The initial state for inputs of shape ``(B, k)``: ``(B, N)``."""
        state = np.broadcast_to(self.initial, (inputs.shape[0], self.n_neurons)).copy()
        state[:, self.inputs] = inputs
        return state


def _param_arrays(
    names: tuple[str, ...],
    ids: Array,
    per_neuron: list[Mapping[str, float]],
    registry: Any,
    dtype: np.dtype,
) -> dict[str, dict[str, Array]]:
    """Per function name, one full-length array per parameter (defaults elsewhere)."""
    out: dict[str, dict[str, Array]] = {}
    n = len(ids)
    for fid, name in enumerate(names):
        entry = registry.get(name)
        if not entry.params:
            out[name] = {}
            continue
        arrays = {p.name: np.full(n, p.default, dtype=dtype) for p in entry.params}
        for j in np.flatnonzero(ids == fid):
            for key, value in per_neuron[j].items():
                arrays[key][j] = numeric(value)  # a word ("keep") as its code
        out[name] = arrays
    return out


def install_program(net: Network, program: Program) -> None:
    """Make ``program`` the compiled program of ``net`` for its current version.

    For a program derived from the network's previous one with
    :meth:`Program.with_values` after the same values were written into the
    network (as training does), so the next run does not compile again. The caller
    guarantees that ``program`` equals what :func:`compile_network` would build now.
    """
    if program.n_neurons != len(net) or program.n_connections != net.n_connections:
        raise ParameterError("install_program: the program does not have the network's size")
    net.install(_program_key(program.dtype), program)


def _program_key(dt: np.dtype) -> tuple[str, str]:
    return ("program", dt.str)


@keywords(network=True)
def compile_network(net: Network, dtype: Any = np.float64) -> Program:
    """Compile ``net`` (cached on the network until its next change).

    Parameters
    ----------
    net : Network
    dtype : {numpy.float64, numpy.float32}
        The value type of states, weights and parameters.

    Examples
    --------
    >>> import netsim as ns
    >>> prog = ns.mlp("2-3-1", seed=0).compile()
    >>> prog.n_neurons, prog.n_connections, prog.n_config
    (6, 9, 13)
    """
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ParameterError(f"dtype must be float64 or float32, got {dt}")
    return net.cached(_program_key(dt), lambda: _compile(net, dt))


def _compile(net: Network, dt: np.dtype) -> Program:
    if net.bulk is not None:
        return _compile_bulk(net, net.bulk, dt)
    graph = net.graph
    neurons = tuple(graph.nodes)
    index = {n: k for k, n in enumerate(neurons)}
    n = len(neurons)
    inputs, outputs = _roles(net, index)

    # Incoming connections, CSR by target with sources ascending.
    counts = np.fromiter((len(graph._pred[j]) for j in neurons), dtype=np.int64, count=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    nnz = int(indptr[-1])
    sources = np.empty(nnz, dtype=np.int32 if n < 2**31 else np.int64)
    weights = np.empty(nnz, dtype=dt)
    pos = 0
    for j in neurons:
        pred = graph._pred[j]
        if not pred:
            continue
        k = len(pred)
        sources[pos : pos + k] = [index[i] for i in pred]
        weights[pos : pos + k] = [d.get("weight", 1.0) for d in pred.values()]
        pos += k
    # Sort each row by source index (rows are usually sorted already).
    row_of = np.repeat(np.arange(n), counts)
    if nnz and np.any((np.diff(sources) < 0) & (row_of[1:] == row_of[:-1])):
        order = np.lexsort((sources, row_of))
        sources = sources[order]
        weights = weights[order]

    # Functions, parameters and attributes per neuron.
    act_names: dict[str, int] = {}
    pot_names: dict[str, int] = {}
    act_ids = np.empty(n, dtype=np.int16)
    pot_ids = np.empty(n, dtype=np.int16)
    bias = np.zeros(n, dtype=dt)
    initial = np.zeros(n, dtype=dt)
    act_params: list[Mapping[str, float]] = []
    pot_params: list[Mapping[str, float]] = []
    group_of: dict[Any, int] = {}
    groups = np.full(n, -1, dtype=np.int32)
    user_layer: dict[int, int] = {}
    for j, name in enumerate(neurons):
        data = graph.nodes[name]
        act = ACTIVATIONS.get(data.get("activation", "identity"))
        pot = POTENTIALS.get(data.get("potential", "weighted_sum"))
        act_ids[j] = act_names.setdefault(act.name, len(act_names))
        pot_ids[j] = pot_names.setdefault(pot.name, len(pot_names))
        act_params.append(data.get("activation_params") or {})
        pot_params.append(data.get("potential_params") or {})
        if pot.has_bias:
            bias[j] = data.get("bias", 0.0)
        initial[j] = data.get("initial", 0.0)
        if act.group:
            key = (act.name, data.get("group"))
            groups[j] = group_of.setdefault(key, len(group_of))
        if data.get("layer") is not None:
            user_layer[j] = data["layer"]

    act_tuple = tuple(act_names)
    pot_tuple = tuple(pot_names)
    # A softmax group spread over layers is checked by layer_targets: only the layered
    # rule (and backprop, which walks the layers) needs a group inside one layer.
    layer, cycle = _layers(neurons, indptr, sources, user_layer)

    return Program(
        neurons=neurons,
        index=index,
        inputs=inputs,
        outputs=outputs,
        indptr=indptr,
        sources=sources,
        weights=weights,
        bias=bias,
        initial=initial,
        has_input=counts > 0,
        activation_names=act_tuple,
        activation_ids=act_ids,
        potential_names=pot_tuple,
        potential_ids=pot_ids,
        activation_params=_param_arrays(act_tuple, act_ids, act_params, ACTIVATIONS, dt),
        potential_params=_param_arrays(pot_tuple, pot_ids, pot_params, POTENTIALS, dt),
        groups=groups,
        group_names=tuple(g for _a, g in group_of),
        layer=layer,
        cycle=cycle,
        dtype=dt,
        name=net.name,
    )


def _roles(net: Network, index: Mapping[NeuronId, int]) -> tuple[Array, Array]:
    """The positions of the input and output neurons (each must be in ``index``)."""
    missing = [r for r in (*net.inputs, *net.outputs) if r not in index]
    if missing:
        raise NetworkError(f"input/output neuron {missing[0]!r} is not in the network")
    return (np.array([index[i] for i in net.inputs], dtype=np.int64),
            np.array([index[o] for o in net.outputs], dtype=np.int64))


def _compile_bulk(net: Network, bulk: BulkDefinition, dt: np.dtype) -> Program:
    """:func:`_compile` from the arrays of a bulk network: vectorised, no graph."""
    neurons = tuple(bulk.ids)
    index = bulk.index
    n = len(neurons)
    indptr, sources = bulk.indptr, bulk.csr_sources
    # a float64 program shares the weights: patching it in place patches the arrays
    weights = bulk.csr_weights.astype(dt, copy=False)
    counts = np.diff(indptr)

    def functions(specs: list[tuple[str, dict[str, Any]]], codes: Array, registry: Any
                  ) -> tuple[tuple[str, ...], Array, dict[str, dict[str, Array]]]:
        names = tuple(dict.fromkeys(name for name, _p in specs))
        code_to_id = np.array([names.index(name) for name, _p in specs], dtype=np.int16)
        ids = code_to_id[codes]
        params: dict[str, dict[str, Array]] = {}
        for name in names:
            entry = registry.get(name)
            arrays = {p.name: np.full(n, p.default, dtype=dt) for p in entry.params}
            for code, (spec_name, values) in enumerate(specs):
                if spec_name != name or not values:
                    continue
                rows = codes == code
                for key, value in values.items():
                    arrays[key][rows] = numeric(value)
            params[name] = arrays
        return names, ids, params

    act_names, act_ids, act_params = functions(bulk.activations, bulk.activation_codes,
                                               ACTIVATIONS)
    pot_names, pot_ids, pot_params = functions(bulk.potentials, bulk.potential_codes,
                                               POTENTIALS)
    has_bias = np.array([POTENTIALS.get(p).has_bias for p in pot_names], dtype=bool)[pot_ids]
    bias = np.where(has_bias, bulk.bias, 0.0).astype(dt)
    groups = np.full(n, -1, dtype=np.int32)
    group_of: dict[Any, int] = {}
    grouped = np.array([ACTIVATIONS.get(a).group for a in act_names], dtype=bool)[act_ids]
    for j in np.flatnonzero(grouped).tolist():
        key = (act_names[act_ids[j]], None if bulk.group is None else bulk.group[j])
        groups[j] = group_of.setdefault(key, len(group_of))
    user_layer = ({} if bulk.layer is None else
                  {j: v for j, v in enumerate(bulk.layer) if v is not None})
    layer, cycle = _layers(neurons, indptr, sources, user_layer)
    inputs, outputs = _roles(net, index)
    return Program(
        neurons=neurons,
        index=index,
        inputs=inputs,
        outputs=outputs,
        indptr=indptr,
        sources=sources,
        weights=weights,
        bias=bias,
        initial=bulk.initial.astype(dt),
        has_input=counts > 0,
        activation_names=act_names,
        activation_ids=act_ids,
        potential_names=pot_names,
        potential_ids=pot_ids,
        activation_params=act_params,
        potential_params=pot_params,
        groups=groups,
        group_names=tuple(g for _a, g in group_of),
        layer=layer,
        cycle=cycle,
        dtype=dt,
        name=net.name,
    )


def find_cycle(neurons: tuple[NeuronId, ...], indptr: Array, sources: Array
               ) -> list[NeuronId] | None:
    """One cycle of the graph given as CSR arrays by target, or None when acyclic.

    Examples
    --------
    >>> import numpy as np
    >>> from netsim.compile import find_cycle
    >>> sorted(find_cycle(("a", "b"), np.array([0, 1, 2]), np.array([1, 0])))
    ['a', 'b']
    """
    return _layers(neurons, indptr, sources, {})[1]


def _layers(
    neurons: tuple[NeuronId, ...], indptr: Array, sources: Array, user_layer: dict[int, int]
) -> tuple[Array | None, list[NeuronId] | None]:
    """Layer numbers (acyclic) or one cycle (recurrent), vectorised over the CSR arrays.

    Kahn's algorithm frontier by frontier: a neuron leaves at the round after its
    last predecessor did, which is its longest-path depth. User layer numbers are
    kept when consistent (greater than every predecessor's layer), as in
    :meth:`Network.layer_numbers`. Neurons that never leave lie on or behind a
    cycle; walking back through them finds one.
    """
    n = len(neurons)
    counts = np.diff(indptr)
    # the outgoing connections, grouped by source: CSR → CSC, a counting sort in
    # linear time (scipy), with one byte of data per connection
    by_source = sp.csr_matrix(
        (np.ones(len(sources), dtype=np.int8), sources, indptr), shape=(n, n)).tocsc()
    out_indptr, out_targets = by_source.indptr, by_source.indices
    del by_source
    remaining = counts.copy()
    rounds = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(remaining == 0)
    k = 0
    while len(frontier):
        rounds[frontier] = k
        starts, ends = out_indptr[frontier], out_indptr[frontier + 1]
        hit = out_targets[gather_ranges(starts, ends - starts)]
        if len(hit) == 0:
            break
        dec = np.bincount(hit, minlength=n)
        remaining -= dec
        touched = np.flatnonzero(dec)
        frontier = touched[remaining[touched] == 0]
        k += 1
    if np.any(rounds < 0):
        return None, _find_cycle(neurons, indptr, sources, rounds < 0)
    if not user_layer:
        return rounds.astype(np.int32), None
    # User layers: recompute in topological (round) order, checking consistency.
    numbers = np.zeros(n, dtype=np.int64)
    order = np.argsort(rounds, kind="stable")
    for j in order.tolist():
        pred = sources[indptr[j] : indptr[j + 1]]
        deepest = int(numbers[pred].max()) if len(pred) else -1
        given = user_layer.get(j)
        if given is None:
            numbers[j] = deepest + 1
        elif given <= deepest:
            culprit = int(pred[np.argmax(numbers[pred])])
            raise NetworkError(
                f"neuron {neurons[j]!r} has layer {given} but its predecessor "
                f"{neurons[culprit]!r} is in layer {numbers[culprit]}; a layer must come "
                "after its predecessors"
            )
        else:
            numbers[j] = int(given)
    return numbers.astype(np.int32), None


def _find_cycle(
    neurons: tuple[NeuronId, ...], indptr: Array, sources: Array, stuck: Array
) -> list[NeuronId]:
    """One cycle among the neurons Kahn's algorithm could not remove.

    Each of them has a predecessor among them, so walking back from any one must
    revisit a neuron; the revisited stretch, reversed, is a cycle.
    """
    j = int(np.flatnonzero(stuck)[0])
    seen: dict[int, int] = {}
    path: list[int] = []
    while j not in seen:
        seen[j] = len(path)
        path.append(j)
        pred = sources[indptr[j] : indptr[j + 1]]
        j = int(pred[stuck[pred]][0])
    loop = path[seen[j] :][::-1]
    return [neurons[i] for i in loop]


def _check_groups_within_layers(prog: Program) -> None:
    if prog.layer is None:  # no layers (a cyclic network): nothing to span
        return
    neurons = prog.neurons
    for g, gname in enumerate(prog.group_names):
        members = np.flatnonzero(prog.groups == g)
        act = prog.activation_names[int(prog.activation_ids[members[0]])]
        layers = np.unique(prog.layer[members])
        if len(layers) > 1:
            label = f"group {gname!r}" if gname is not None else "the implicit group"
            raise NetworkError(
                f"{act} {label} spans layers {', '.join(map(str, layers))} (e.g. neurons "
                f"{neurons[members[0]]!r} and {neurons[members[-1]]!r}); a group "
                "function must be evaluated in one layer"
            )
