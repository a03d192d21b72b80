"""compile: the single networkx → numpy boundary.

:func:`compile_network` turns a :class:`~netsim.Network` into an immutable
:class:`Program`: the neuron index, the incoming connections as CSR arrays (rows are
targets, sorted by source index), biases, initial values, per-neuron function ids and
parameter arrays, and the layer plan. Every later layer (simulate, learn, analyse)
works on programs only.

A :class:`Stage` is a set of target neurons evaluated together from one state: a
layer (layered rule), every neuron with inputs (parallel rule) or any other set.
Within a stage, weighted-sum neurons whose incoming connections form a full block
(all rows read the same sources, as in MLP layers) are evaluated as one dense matrix
product; the rest as a ``scipy.sparse`` product. Other potentials use their
registered CSR function. Activations are then applied per function, vectorised, with
one parameter value per neuron; a softmax group is always evaluated together.

The program is cached on the network (:meth:`Network.cached`) and rebuilt after any
change to the definition.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from .checks import keywords
from .errors import NetworkError, ParameterError
from .functions import ACTIVATIONS, POTENTIALS, Activation, Potential
from .network import Network, NeuronId

__all__ = [
    "ActivationSegment",
    "LinearBlock",
    "PotentialSegment",
    "Program",
    "Stage",
    "compile_network",
    "evaluate_stage",
    "install_program",
]

Array = np.ndarray

# A sparse block is evaluated as a dense product (zeros where no connection) when at
# least this fraction of its (rows × distinct sources) matrix is filled.
DENSE_FILL = 0.5


def gather_ranges(starts: Array, counts: Array) -> Array:
    """Concatenate ``arange(s, s + c)`` for every pair, vectorised."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts  # start of each range in the output
    return np.repeat(np.asarray(starts, dtype=np.int64) - offsets, counts) + np.arange(total)


def _as_index(positions: Array) -> slice | Array:
    """A slice when ``positions`` is a contiguous ascending run (views, not copies)."""
    if len(positions) == 0:
        return slice(0, 0)
    start = int(positions[0])
    if positions[-1] - start + 1 == len(positions) and (
        len(positions) < 2 or np.all(np.diff(positions) == 1)
    ):
        return slice(start, start + len(positions))
    return positions


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

    def __len__(self) -> int:
        return len(self.targets)


# Cached properties of a Program that depend on its structure only (not on values):
# shared by Program.with_values. parallel_stage/layer_stages hold biases: not here.
_STRUCTURAL = ("activations", "potentials", "updated", "discrete", "in_degree",
               "bias_slots", "weight_slots", "n_config", "_config_layout")


@dataclass(frozen=True, eq=False)
class Program:
    """The compiled, immutable form of a network.

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
    _stages: dict[Any, Stage] = field(default_factory=dict, repr=False)
    # Engine-private derived objects (execution plans), built on first use.
    _derived: dict[Any, Any] = field(default_factory=dict, repr=False)

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
        """Memory held by the program's arrays (stages built so far included)."""
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
        for stage in self._stages.values():
            for block in stage.linear:
                for arr in (block.indptr, block.indices, block.rows, block.sources,
                            block.weight_pos):
                    add(arr)
            add(stage.targets)
            add(stage.bias)
        return total

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

    def configuration_vector(self, weights: Array | None = None, bias: Array | None = None):
        """The configuration vector of ``weights``/``bias`` (default: the program's)."""
        weights = self.weights if weights is None else weights
        bias = self.bias if bias is None else bias
        out = np.empty(self.n_config, dtype=np.float64)
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
        weights = vector[self.weight_slots]
        bias = np.zeros(self.n_neurons, dtype=self.dtype)
        has = self.bias_slots >= 0
        bias[has] = vector[self.bias_slots[has]]
        return weights, bias

    def with_values(self, weights: Array, bias: Array) -> Program:
        """The same program with other connection weights and biases.

        ``weights`` are in :attr:`weights` order (CSR by target), ``bias`` one per
        neuron; both are converted to the program's dtype. The structure (and every
        structural cache) is shared; stages and engine plans, which hold values,
        start afresh.

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
            _stages={},
            _derived={},
        )
        # structural cached properties stay valid: copy those already computed
        for name in _STRUCTURAL:
            if name in self.__dict__:
                new.__dict__[name] = self.__dict__[name]
        return new

    # --- stages ---------------------------------------------------------------------

    def stage(self, targets: Sequence[int] | Array) -> Stage:
        """A stage evaluating ``targets`` (neuron indices with inputs), cached.

        The targets are sorted. Members of a softmax group must all be present.
        """
        t = np.unique(np.asarray(targets, dtype=np.int64))
        key = t.tobytes()
        stage = self._stages.get(key)
        if stage is None:
            stage = _build_stage(self, t)
            self._stages[key] = stage
        return stage

    @cached_property
    def parallel_stage(self) -> Stage:
        """Every neuron with inputs, evaluated from the previous state."""
        return self.stage(self.updated)

    @cached_property
    def layer_stages(self) -> tuple[Stage, ...]:
        """Stage ℓ − 1 evaluates layer ℓ ≥ 1 (neurons with inputs only).

        Raises :class:`~netsim.CycleError` for a recurrent network.
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
        stages = []
        for ell in range(1, int(self.layer.max(initial=0)) + 1):
            members = np.flatnonzero((self.layer == ell) & self.has_input)
            stages.append(self.stage(members))
        return tuple(stages)

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
                arrays[key][j] = value
        out[name] = arrays
    return out


def install_program(net: Network, program: Program) -> None:
    """Make ``program`` the compiled program of ``net`` for its current version.

    For a program derived from the network's previous one with
    :meth:`Program.with_values` after the same values were written into the
    network (as training does), so the next run does not compile again. The caller
    guarantees that ``program`` equals what :func:`compile_network` would build now.
    """
    if program.n_neurons != net.graph.number_of_nodes() or (
        program.n_connections != net.graph.number_of_edges()
    ):
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
    graph = net.graph
    neurons = tuple(graph.nodes)
    index = {n: k for k, n in enumerate(neurons)}
    n = len(neurons)
    missing = [r for r in (*net.inputs, *net.outputs) if r not in index]
    if missing:
        raise NetworkError(f"input/output neuron {missing[0]!r} is not in the network")

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
    # A softmax group spread over layers is checked by layer_stages: only the layered
    # rule (and backprop, which walks the layers) needs a group inside one layer.
    layer, cycle = _layers(neurons, indptr, sources, user_layer)

    return Program(
        neurons=neurons,
        index=index,
        inputs=np.array([index[i] for i in net.inputs], dtype=np.int64),
        outputs=np.array([index[o] for o in net.outputs], dtype=np.int64),
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
    targets = np.repeat(np.arange(n), counts)
    out_order = np.argsort(sources, kind="stable")
    out_targets = targets[out_order]
    out_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sources, minlength=n), out=out_indptr[1:])
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
                rows=_as_index(rows),
                potential=pot,
                neurons=neurons,
                indptr=local_indptr,
                sources=prog.sources[wpos],
                weight_pos=_as_index(wpos),
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
        activations.append(ActivationSegment(_as_index(rows), act, params, groups))
    return Stage(
        targets=targets,
        linear=tuple(linear),
        others=tuple(others),
        activations=tuple(activations),
        bias=prog.bias[targets],
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
                        rows=_as_index(rows),
                        dense=True,
                        sources=_as_index(block[0].astype(np.int64)),
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
        wpos = _as_index(wpos_arr)
        indices = sources[wpos_arr]
    return [
        LinearBlock(
            rows=_as_index(rows),
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
    for block in stage.linear:
        xi[:, block.rows] = linear_potential(prog, block, state, weights)
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
    return xi, y


def linear_potential(prog: Program, block: LinearBlock, state: Array, weights: Array) -> Array:
    """``Y[:, sources] @ W.T`` for one linear block (no bias)."""
    w = weights[block.weight_pos]
    if block.dense:
        n_rows = len(w) // _length(block.sources, prog.n_neurons)
        return state[:, block.sources] @ w.reshape(n_rows, -1).T
    key = ("block_matrix", id(block))
    hit = prog._derived.get(key) if weights is prog.weights else None
    if hit is None:
        cols, matrix = _block_matrix(prog, block, w)
        if weights is prog.weights:  # the program's own weights: build the matrix once
            prog._derived[key] = (cols, matrix, block)  # keep the block alive: id stays valid
    else:
        cols, matrix, _block = hit
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
    return None, sp.csr_matrix((w, block.indices, block.indptr), shape=(rows, prog.n_neurons))


def apply_activation(seg: ActivationSegment, xi: Array) -> Array:
    """Outputs of one activation segment from its potentials ``(B, len(rows))``."""
    act = seg.activation
    if not act.group:
        return act.forward(xi, **seg.params)
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
