"""The definition layer: a network of formal neurons over a live networkx digraph.

A :class:`Network` wraps a :class:`networkx.DiGraph` (``net.graph``). Neurons are nodes,
connections are edges with a ``weight``. Node attributes (all optional when a graph
comes from elsewhere; missing ones take the defaults shown):

===================  ==================================================================
``activation``       registered activation name (``"identity"``)
``activation_params``dict of per-neuron activation parameters (``{}``)
``potential``        registered potential name (``"weighted_sum"``)
``potential_params`` dict of per-neuron potential parameters (``{}``)
``bias``             b_j = w_j0 = −h (``0.0``); used by potentials that have a bias
``initial``          the neuron's value in the initial state (``0.0``)
``layer``            the user's layer number, or ``None`` to compute it
``label``            display text, or ``None``
``group``            group name for group activations (softmax), or ``None``
===================  ==================================================================

The *neuron order* (the order of the state vector) is the order in which neurons were
added. Inputs and outputs are ordered lists of neurons; they may overlap.

The *configuration* (``get_weights`` / ``set_weights``) lists, for every neuron ``j``
with at least one incoming connection, in neuron order: its bias ``b_j`` (when its
potential has a bias), then the weights ``w_ji`` of its incoming connections in the
neuron order of the sources ``i``. Neurons without incoming connections keep their
value, so their bias never matters and is not part of the configuration.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal, overload

import networkx as nx
import numpy as np

from .checks import keywords
from .errors import (
    CycleError,
    NetsimWarning,
    NetworkError,
    NeuronNotFoundError,
    ParameterError,
    UnknownFunctionError,
    did_you_mean,
)
from .functions import ACTIVATIONS, POTENTIALS, Activation, Potential
from .graph import NeuronGraph
from .limits import MAX_LAYER, describe

if TYPE_CHECKING:  # pragma: no cover - typing only
    from collections.abc import Callable
    from pathlib import Path
    from typing import Unpack

    import graphviz
    import pandas
    import scipy.sparse

    from .bulk import BulkDefinition
    from .compile import Program
    from .describe import NetworkSummary
    from .io.dot import DiagramOptions, LayoutOptions
    from .io.view import View
    from .simulate import Run
    from .simulate.engine import RunOptions

__all__ = ["Network", "Neuron", "NeuronId", "check_neuron_id", "check_neuron_ids"]

NeuronId = str | int

_NEURON_FIELDS = (
    "activation",
    "activation_params",
    "potential",
    "potential_params",
    "bias",
    "initial",
    "layer",
    "label",
    "group",
)


@dataclass(frozen=True)
class Neuron:
    """A read-only snapshot of one neuron's definition (see :meth:`Network.neuron`)."""

    id: NeuronId
    activation: str = "identity"
    activation_params: Mapping[str, float] = field(default_factory=dict)
    potential: str = "weighted_sum"
    potential_params: Mapping[str, float] = field(default_factory=dict)
    bias: float = 0.0
    initial: float = 0.0
    layer: int | None = None
    label: str | None = None
    group: NeuronId | None = None


def check_neuron_id(neuron_id: object, where: str = "neuron id") -> NeuronId:
    """Return ``neuron_id`` if it is a valid id (a string or an integer)."""
    if isinstance(neuron_id, bool) or not isinstance(neuron_id, str | int | np.integer):
        raise ParameterError(
            f"{where} must be a string or an integer, got {type(neuron_id).__name__} "
            f"{neuron_id!r}"
        )
    if isinstance(neuron_id, np.integer):
        return int(neuron_id)
    if isinstance(neuron_id, str) and not neuron_id:
        raise ParameterError(f"{where} must not be empty")
    return neuron_id


def check_neuron_ids(values: object, where: str = "ids") -> list[NeuronId]:
    """``values`` as a list of valid ids (a sequence, not one string), each checked.

    >>> from netsim.network import check_neuron_ids
    >>> check_neuron_ids(("a", 2))
    ['a', 2]
    >>> check_neuron_ids("ab")
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: ids must be a sequence of neuron ids, got 'ab'
    """
    if isinstance(values, str | bytes | int | Mapping) or not isinstance(values, Iterable):
        raise ParameterError(f"{where} must be a sequence of neuron ids, got {describe(values)}")
    return [check_neuron_id(v, where) for v in values]


# add_neuron's own keywords (the rest of its keywords are activation parameters)
_NEURON_KEYWORDS = ("activation", "potential", "bias", "initial", "layer", "label", "group")


def _finite(value: object, what: str) -> float:
    bad = isinstance(value, bool) or not isinstance(value, int | float | np.number)
    try:
        number = math.nan if bad else float(value)  # type: ignore[arg-type]
    except OverflowError:  # an int beyond the float range (10**400)
        number = math.inf
    if not math.isfinite(number):
        raise ParameterError(f"{what} must be a finite number, got {describe(value)}")
    return number


def _split_function(spec: object, kind: str) -> tuple[object, dict[str, object]]:
    """``"name"``, ``{"name": ..., **params}`` or a registry entry → (name, params)."""
    if isinstance(spec, Activation | Potential):
        return spec.name, {}
    if isinstance(spec, Mapping):
        params = dict(spec)
        if "name" not in params:
            raise ParameterError(f"{kind} given as a mapping needs a 'name' key, got {spec!r}")
        return params.pop("name"), params
    return spec, {}


def resolve_function(
    spec: object, registry: Any, where: str, extra: Mapping[str, Any] | None = None
) -> tuple[Any, dict[str, float]]:
    """Look up an activation/potential spec and validate its parameters.

    ``spec`` is a name, ``{"name": ..., **params}`` or a registry entry; ``extra``
    parameters are merged in. Errors are prefixed with ``where`` (e.g. the neuron).
    """
    name, params = _split_function(spec, f"{where}: {registry.kind}")
    try:  # registry errors do not know where they happen: prefix it
        entry = registry.get(name)
        return entry, entry.validate({**params, **(extra or {})})
    except (UnknownFunctionError, ParameterError) as exc:
        raise type(exc)(f"{where}: {exc}") from None


_NONE = np.zeros(0, dtype=np.int64)  # no position


def _patch_program(*args: Any) -> None:
    """:func:`netsim.core.patch_values` (imported on first use: the definition layer
    does not depend on the core)."""
    global _patch_program
    from .core import patch_values

    _patch_program = patch_values
    patch_values(*args)


_ENGINE: Any = None


def _engine() -> Any:
    """:mod:`netsim.simulate.engine` (imported on first use: the definition layer does
    not depend on it; kept in ``_ENGINE`` so that a run pays for no import statement)."""
    global _ENGINE
    from .simulate import engine

    _ENGINE = engine
    return engine


class _StructureOnly(list):  # type: ignore[type-arg]
    """A cached list that depends on the structure only: value changes keep it."""

    def patch_values(self, *_args: Any) -> bool:
        return True


class Network:
    """A network of formal neurons on a directed graph.

    Parameters
    ----------
    name : str, optional
        A name shown in summaries and saved in JSON.
    description : str, optional
        Free text saved in JSON.

    Examples
    --------
    The XOR network of three step neurons:

    >>> import netsim as ns
    >>> net = ns.Network(name="xor")
    >>> net.add_input("x1"); net.add_input("x2")
    >>> net.add_neuron("h1", activation="step", bias=-1)
    >>> net.add_neuron("h2", activation="step", bias=3)
    >>> net.add_output("y", activation="step", bias=-2)
    >>> for x in ("x1", "x2"):
    ...     net.connect(x, "h1", 2.0)
    ...     net.connect(x, "h2", -2.0)
    >>> net.connect("h1", "y", 1.0); net.connect("h2", "y", 1.0)
    >>> net
    <Network 'xor': 5 neurons (2 inputs, 1 output), 6 connections, feed-forward>
    >>> net.layers()
    [['x1', 'x2'], ['h1', 'h2'], ['y']]
    """

    def __init__(self, name: str | None = None, *, description: str | None = None) -> None:
        self._graph: NeuronGraph = NeuronGraph()
        self._bulk: BulkDefinition | None = None  # the arrays, until the graph is built
        self.name = name
        self.description = description
        self._inputs: list[NeuronId] = []
        self._outputs: list[NeuronId] = []
        self._cache: dict[Hashable, tuple[NeuronGraph, int, Any]] = {}
        self._edits = 0  # value changes patched into the cached programs

    @property
    def name(self) -> str | None:
        """The network's name (shown in summaries and messages, saved in JSON)."""
        return self._name

    @name.setter
    def name(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise ParameterError(f"name must be a string or None, got {value!r}")
        self._name = value
        self._bump()  # the compiled program carries the name

    @property
    def description(self) -> str | None:
        """Free text saved in JSON."""
        return self._description

    @description.setter
    def description(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise ParameterError(f"description must be a string or None, got {value!r}")
        self._description = value

    @property
    def graph(self) -> NeuronGraph:
        """The live ``networkx.DiGraph`` of the network (see the module docstring).

        A network built from arrays (:meth:`from_arrays`, :func:`netsim.load`) builds
        it on first use; from then on the graph is its definition.
        """
        if self._bulk is not None:
            self._materialise()
        return self._graph

    @graph.setter
    def graph(self, value: NeuronGraph) -> None:
        self._graph = value
        self._bulk = None

    @property
    def bulk(self) -> BulkDefinition | None:
        """The arrays of a network built from arrays, until its graph is built (else None).

        Examples
        --------
        >>> import netsim as ns
        >>> net = ns.Network.from_arrays([0, 0], [1, 2], [0.5, -1.0])
        >>> net.bulk.n_connections
        2
        >>> _ = net.graph  # the graph is built: it is the definition from now on
        >>> net.bulk is None
        True
        """
        return self._bulk

    def _definition(self) -> tuple[Any, int]:
        """What the caches depend on: the bulk arrays or the graph, and its version."""
        bulk = self._bulk
        if bulk is not None:
            return bulk, bulk.version
        return self._graph, self._graph.version

    def _bump(self) -> None:
        """Count a change made outside the graph (name, roles)."""
        if self._bulk is not None:
            self._bulk.version += 1
        else:
            self._graph.version += 1

    def _materialise(self) -> None:
        """Build the graph from the bulk arrays (caches stay: same definition)."""
        bulk = self._bulk
        assert bulk is not None
        sources, targets, weights = bulk.edges()
        graph = NeuronGraph()
        graph.add_nodes_from((nid, bulk.node_attributes(k)) for k, nid in enumerate(bulk.ids))
        succ, pred = graph._succ, graph._pred
        factory = graph.edge_attr_dict_factory
        ids = bulk.ids
        setitem = dict.__setitem__
        for u, v, w in zip(map(ids.__getitem__, sources.tolist()),
                           map(ids.__getitem__, targets.tolist()), weights.tolist(),
                           strict=True):
            data = factory()
            setitem(data, "weight", w)
            succ[u][v] = data
            pred[v][u] = data
        clear_cache = getattr(nx, "_clear_cache", None)
        if clear_cache is not None:
            clear_cache(graph)
        graph.version = max(graph.version, bulk.version)  # net.version never goes back
        self._cache = {key: (graph, graph.version, value)
                       for key, (owner, version, value) in self._cache.items()
                       if owner is bulk and version == bulk.version}
        self._graph = graph
        self._bulk = None

    # --- neurons --------------------------------------------------------------------

    def add_neuron(
        self,
        neuron_id: NeuronId,
        *,
        activation: str | Mapping[str, Any] | Activation = "identity",
        potential: str | Mapping[str, Any] | Potential = "weighted_sum",
        bias: float = 0.0,
        initial: float = 0.0,
        layer: int | None = None,
        label: str | None = None,
        group: NeuronId | None = None,
        **params: float,
    ) -> None:
        """Add a neuron.

        Parameters
        ----------
        neuron_id : str or int
            Unique id of the neuron.
        activation : str, mapping or Activation
            A registered activation name, or ``{"name": ..., **params}``.
        potential : str, mapping or Potential
            ``"weighted_sum"`` (default) or ``"distance"`` (``{"name": "distance",
            "p": 1}`` for another norm), or any registered potential.
        bias : float
            b_j = w_j0 = −h, the threshold with its sign flipped.
        initial : float
            The neuron's value in the initial state (inputs take the input instead).
        layer : int, optional
            Layer number for the layered rule; computed when omitted.
        label : str, optional
            Display text for diagrams.
        group : str or int, optional
            Group of a group activation (softmax). Softmax neurons without a group
            form one implicit group together.
        **params : float
            Activation parameters, e.g. ``steepness=2.0`` for the sigmoid.
        """
        neuron_id = check_neuron_id(neuron_id)
        if neuron_id in self.graph:
            raise NetworkError(f"neuron {neuron_id!r} already exists")
        attrs = self._neuron_attrs(
            neuron_id,
            activation=activation,
            potential=potential,
            bias=bias,
            initial=initial,
            layer=layer,
            label=label,
            group=group,
            params=params,
        )
        self.graph.add_node(neuron_id, **attrs)

    def add_input(self, neuron_id: NeuronId, **attributes: Any) -> None:
        """Add a neuron (identity by default) and append it to the inputs."""
        self.add_neuron(neuron_id, **attributes)
        self._inputs.append(check_neuron_id(neuron_id))

    def add_output(self, neuron_id: NeuronId, **attributes: Any) -> None:
        """Add a neuron and append it to the outputs."""
        self.add_neuron(neuron_id, **attributes)
        self._outputs.append(check_neuron_id(neuron_id))

    def set_neuron(self, neuron_id: NeuronId, **changes: Any) -> None:
        """Change attributes of an existing neuron, validated like :meth:`add_neuron`.

        Activation parameters given as keywords replace the neuron's previous ones
        when ``activation`` is also given, and are merged into them otherwise.
        """
        current = self.neuron(neuron_id)
        known = {"activation", "potential", "bias", "initial", "layer", "label", "group"}
        params = {k: v for k, v in changes.items() if k not in known}
        if "activation" in changes:
            activation = changes["activation"]
        else:
            activation = {"name": current.activation, **current.activation_params}
        potential = changes.get(
            "potential", {"name": current.potential, **current.potential_params}
        )
        attrs = self._neuron_attrs(
            current.id,
            activation=activation,
            potential=potential,
            bias=changes.get("bias", current.bias),
            initial=changes.get("initial", current.initial),
            layer=changes.get("layer", current.layer),
            label=changes.get("label", current.label),
            group=changes.get("group", current.group),
            params=params,
        )
        # update the neuron's fields only: other attributes a user keeps on the node
        # (e.g. a drawing position) survive
        self.graph.nodes[current.id].update(attrs)

    def remove_neuron(self, neuron_id: NeuronId) -> None:
        """Remove a neuron, its connections and its input/output roles."""
        neuron_id = self._require(neuron_id)
        self.graph.remove_node(neuron_id)
        self._inputs = [n for n in self._inputs if n != neuron_id]
        self._outputs = [n for n in self._outputs if n != neuron_id]

    def neuron(self, neuron_id: NeuronId) -> Neuron:
        """A read-only snapshot of a neuron's definition, defaults filled in."""
        neuron_id = self._require(neuron_id)
        bulk = self._bulk
        if bulk is not None:
            return self._snapshot(neuron_id, bulk.node_attributes(bulk.index[neuron_id]))
        return self._snapshot(neuron_id, self.graph.nodes[neuron_id])

    def _snapshot(self, neuron_id: NeuronId, data: Mapping[str, Any]) -> Neuron:
        return Neuron(
            id=neuron_id,
            activation=data.get("activation", "identity"),
            activation_params=dict(data.get("activation_params") or {}),
            potential=data.get("potential", "weighted_sum"),
            potential_params=dict(data.get("potential_params") or {}),
            bias=float(data.get("bias", 0.0)),
            initial=float(data.get("initial", 0.0)),
            layer=data.get("layer"),
            label=data.get("label"),
            group=data.get("group"),
        )

    def _neuron_attrs(
        self,
        neuron_id: NeuronId,
        *,
        activation: Any,
        potential: Any,
        bias: Any,
        initial: Any,
        layer: Any,
        label: Any,
        group: Any,
        params: Mapping[str, Any],
    ) -> dict[str, Any]:
        where = f"neuron {neuron_id!r}"
        try:
            act, act_params = resolve_function(activation, ACTIVATIONS, where, params)
        except ParameterError:
            # a misspelt keyword lands among the activation parameters: say so
            for key in params:
                hint = did_you_mean(key, _NEURON_KEYWORDS)
                if hint:
                    raise ParameterError(
                        f"{where}: add_neuron() has no parameter {key!r}{hint}") from None
            raise
        pot, pot_params = resolve_function(potential, POTENTIALS, where)
        if layer is not None and (
            isinstance(layer, bool) or not isinstance(layer, int | np.integer)
            or not 0 <= layer <= MAX_LAYER
        ):
            raise ParameterError(f"{where}: layer must be an integer between 0 and {MAX_LAYER} "
                                 f"(one step of the layered rule each), got {describe(layer)}")
        if label is not None and not isinstance(label, str):
            raise ParameterError(f"{where}: label must be a string, got {label!r}")
        if group is not None:
            group = check_neuron_id(group, f"{where}: group")
        return {
            "activation": act.name,
            "activation_params": act_params,
            "potential": pot.name,
            "potential_params": pot_params,
            "bias": _finite(bias, f"{where}: bias"),
            "initial": _finite(initial, f"{where}: initial"),
            "layer": None if layer is None else int(layer),
            "label": label,
            "group": group,
        }

    def _require(self, neuron_id: object) -> NeuronId:
        """Return the id as stored (numpy integers become int), or raise.

        Floats and bools are refused even when equal to an int id (``1.0 == 1``), so
        that no foreign key type ever enters the graph, the roles or a saved file.
        """
        if type(neuron_id) is not str and type(neuron_id) is not int:
            neuron_id = check_neuron_id(neuron_id)
        if neuron_id not in (self._graph if self._bulk is None else self._bulk.index):
            names = [str(n) for n in self.neurons]
            raise NeuronNotFoundError(
                f"network {self._display_name()} has no neuron {neuron_id!r}"
                f"{did_you_mean(neuron_id, names) if len(names) < 10_000 else ''}"
            )
        return neuron_id

    # --- connections ----------------------------------------------------------------

    @keywords
    def connect(self, source: NeuronId, target: NeuronId, weight: float = 1.0) -> None:
        """Add the connection ``source → target`` with ``weight`` (w_target,source)."""
        graph = self.graph
        source, target = self._require(source), self._require(target)
        if target in graph._succ[source]:
            raise NetworkError(
                f"connection {source!r} -> {target!r} already exists; "
                "use set_weight to change its weight"
            )
        weight = _finite(weight, f"weight of {source!r} -> {target!r}")
        graph.add_edge(source, target, weight=weight)

    def connect_many(self, connections: Iterable[tuple[NeuronId, NeuronId, float]]) -> None:
        """Add many ``(source, target, weight)`` connections at once (all or none).

        Checks exactly what :meth:`connect` checks, but writes straight into the
        graph's adjacency (one edge attribute dict per connection, shared by
        ``_succ`` and ``_pred``, as ``add_edges_from`` does), which is several times
        faster for large batches. On any error the connections added so far are
        taken out again, so the network is unchanged.
        """
        if not hasattr(connections, "__iter__") or isinstance(connections, str | bytes):
            raise ParameterError("connect_many expects an iterable of (source, target, "
                                 f"weight) triples, got {describe(connections)}")
        graph = self.graph
        succ, pred = graph._succ, graph._pred
        factory = graph.edge_attr_dict_factory
        isfinite = math.isfinite
        added: list[tuple[NeuronId, NeuronId]] = []
        try:
            for item in connections:
                try:
                    source, target, weight = item
                except (TypeError, ValueError):
                    raise ParameterError(
                        f"connect_many expects (source, target, weight) triples, got {item!r}"
                    ) from None
                # fast path: plain ids already in the graph; anything else is checked
                if (type(source) is not str and type(source) is not int) or source not in succ:
                    source = self._require(source)
                if (type(target) is not str and type(target) is not int) or target not in succ:
                    target = self._require(target)
                out = succ[source]
                if target in out:  # also catches a repeat within the batch
                    raise NetworkError(f"connection {source!r} -> {target!r} already exists")
                if type(weight) is not float or not isfinite(weight):
                    weight = _finite(weight, f"weight of {source!r} -> {target!r}")
                data = factory()
                dict.__setitem__(data, "weight", weight)  # one version bump for the batch
                out[target] = data
                pred[target][source] = data
                added.append((source, target))
        except BaseException:
            for source, target in added:
                del succ[source][target]
                del pred[target][source]
            raise
        finally:
            graph.version += 1
        clear_cache = getattr(nx, "_clear_cache", None)  # networkx >= 3.3 caches
        if clear_cache is not None:
            clear_cache(graph)

    def disconnect(self, source: NeuronId, target: NeuronId) -> None:
        """Remove the connection ``source → target``."""
        source, target = self._require_connection(source, target)
        self.graph.remove_edge(source, target)

    def weight(self, source: NeuronId, target: NeuronId) -> float:
        """The weight of ``source → target``."""
        source, target = self._require_connection(source, target)
        bulk = self._bulk
        if bulk is not None:
            return float(bulk.csr_weights[bulk.position(source, target)])
        return float(self.graph._succ[source][target].get("weight", 1.0))

    @keywords
    def set_weight(self, source: NeuronId, target: NeuronId, weight: float) -> None:
        """Change the weight of an existing connection."""
        source, target = self._require_connection(source, target)
        value = _finite(weight, f"weight of {source!r} -> {target!r}")
        bulk = self._bulk
        if bulk is not None:  # the arrays: the CSR weights are the float64 program's
            pos = bulk.position(source, target)
            bulk.csr_weights[pos] = value
            bulk.stale = True
            self._patch(np.array([pos]), np.array([value]), _NONE, None)
            return
        # a value, not the structure: the graph's dict takes it without a version bump
        # and the compiled programs are patched in place (no compile)
        dict.__setitem__(self.graph._succ[source][target], "weight", value)
        prog = self._cached_program()
        if prog is None:
            self._patch(None, None, None, None)
        else:
            pos = prog.connection_position(source, target)
            self._patch(np.array([pos]), np.array([value]), _NONE, None)

    def has_connection(self, source: NeuronId, target: NeuronId) -> bool:
        try:
            if self._bulk is not None:
                return self._bulk.position(source, target) >= 0
            return self.graph.has_edge(source, target)
        except TypeError:  # an unhashable value is no neuron id
            raise ParameterError(f"neuron ids are strings or integers, got "
                                 f"{describe(source)} -> {describe(target)}") from None

    def _require_connection(
        self, source: NeuronId, target: NeuronId
    ) -> tuple[NeuronId, NeuronId]:
        source, target = self._require(source), self._require(target)
        if not (self._bulk.position(source, target) >= 0 if self._bulk is not None
                else self._graph.has_edge(source, target)):
            raise NetworkError(f"there is no connection {source!r} -> {target!r}")
        return source, target

    @property
    def connections(self) -> list[tuple[NeuronId, NeuronId, float]]:
        """Every connection as ``(source, target, weight)``, grouped by source."""
        bulk = self._bulk
        if bulk is not None:
            ids = bulk.ids
            sources, targets, weights = bulk.edges()
            return list(zip(map(ids.__getitem__, sources.tolist()),
                            map(ids.__getitem__, targets.tolist()), weights.tolist(),
                            strict=True))
        return [
            (u, v, float(d.get("weight", 1.0))) for u, v, d in self.graph.edges(data=True)
        ]

    # --- roles and order ------------------------------------------------------------

    def weight_matrix(self, *, sparse: bool = False) -> np.ndarray | scipy.sparse.csr_matrix:
        """The weights as a matrix ``W[j, i] = w_ji`` (target row, source column).

        Rows and columns follow the neuron order; a missing connection is 0, so the
        potentials are ``ξ = b + W y``. This is the transpose of networkx's adjacency
        matrix (row = source). ``sparse=True`` gives a ``scipy.sparse.csr_matrix``.
        :func:`netsim.from_matrix` is the inverse.

        Examples
        --------
        >>> import netsim as ns
        >>> net = ns.Network()
        >>> net.add_neuron("a"); net.add_neuron("b"); net.connect("a", "b", 2.0)
        >>> net.weight_matrix().tolist()      # row b, column a
        [[0.0, 0.0], [2.0, 0.0]]
        """
        from .matrices import weight_matrix

        return weight_matrix(self, sparse=sparse)

    @property
    def neurons(self) -> list[NeuronId]:
        """All neuron ids in the neuron (state) order."""
        if self._bulk is not None:
            return list(self._bulk.ids)
        return list(self.graph.nodes)

    @property
    def inputs(self) -> tuple[NeuronId, ...]:
        """The input neurons, in the order inputs are given."""
        return tuple(self._inputs)

    @property
    def outputs(self) -> tuple[NeuronId, ...]:
        """The output neurons, in the order outputs are read."""
        return tuple(self._outputs)

    @property
    def hidden(self) -> tuple[NeuronId, ...]:
        """Neurons that are neither inputs nor outputs, in neuron order."""
        roles = set(self._inputs) | set(self._outputs)
        return tuple(n for n in self if n not in roles)

    def set_inputs(self, neuron_ids: Iterable[NeuronId]) -> None:
        """Set the ordered input neurons (existing neurons, no repeats)."""
        self._inputs = self._role_list(neuron_ids, "inputs")
        self._bump()

    def set_outputs(self, neuron_ids: Iterable[NeuronId]) -> None:
        """Set the ordered output neurons (existing neurons, no repeats)."""
        self._outputs = self._role_list(neuron_ids, "outputs")
        self._bump()

    def _role_list(self, neuron_ids: Iterable[NeuronId], role: str) -> list[NeuronId]:
        if isinstance(neuron_ids, str | int) or not hasattr(neuron_ids, "__iter__"):
            raise ParameterError(f"{role} must be a sequence of neuron ids, got "
                                 f"{describe(neuron_ids)}")
        ids = [self._require(n) for n in neuron_ids]
        if len(set(ids)) != len(ids):
            dup = next(n for n in ids if ids.count(n) > 1)
            raise NetworkError(f"{role} list neuron {dup!r} more than once")
        return ids

    def role(self, neuron_id: NeuronId) -> str:
        """``"input"``, ``"output"``, ``"both"`` or ``"hidden"``."""
        neuron_id = self._require(neuron_id)
        is_in, is_out = neuron_id in self._inputs, neuron_id in self._outputs
        if is_in:
            return "both" if is_out else "input"
        return "output" if is_out else "hidden"

    # --- structure ------------------------------------------------------------------

    @property
    def is_recurrent(self) -> bool:
        """True when the graph has a cycle (self-loops included)."""
        if self._bulk is not None:
            return self._bulk_cycle() is not None
        return not nx.is_directed_acyclic_graph(self.graph)

    def find_cycle(self) -> list[NeuronId] | None:
        """The neurons of one cycle, in order, or ``None`` for an acyclic network."""
        # nx.find_cycle alone takes minutes on a large DAG (an MLP 784-128-64-10);
        # the linear acyclicity test answers the common case first.
        if self._bulk is not None:
            return self._bulk_cycle()
        if nx.is_directed_acyclic_graph(self.graph):
            return None
        try:
            edges = nx.find_cycle(self.graph)
        except nx.NetworkXNoCycle:
            return None
        return [u for u, _v, *_ in edges]

    def _bulk_cycle(self) -> list[NeuronId] | None:
        """One cycle of a bulk network, found on its arrays (vectorised)."""
        from .compile import find_cycle

        bulk = self._bulk
        assert bulk is not None
        return find_cycle(tuple(bulk.ids), bulk.indptr, bulk.csr_sources)

    def require_acyclic(self, what: str) -> None:
        """Raise :class:`CycleError` naming one cycle if the network is recurrent."""
        if self._bulk is None and nx.is_directed_acyclic_graph(self.graph):
            return  # fast path: nx.find_cycle is very slow on large acyclic graphs
        cycle = self.find_cycle()
        if cycle is not None:
            path = " -> ".join(repr(n) for n in [*cycle, cycle[0]])
            raise CycleError(
                f"{what} needs an acyclic network, but network {self._display_name()} "
                f"has the cycle {path}",
                cycle,
            )

    def layer_numbers(self) -> dict[NeuronId, int]:
        """Each neuron's layer: its user ``layer`` or its longest-path depth.

        Neurons without incoming connections are in layer 0 unless the user says
        otherwise; a neuron sits one layer after its deepest predecessor. A user
        layer number is kept when it is consistent (greater than every
        predecessor's layer); otherwise this raises :class:`NetworkError`. The
        layering is compile's (:attr:`Program.layer`), which the layered rule and
        backpropagation use: one owner of the rule.
        """
        self.require_acyclic("layers()")
        prog = self.compile()
        layer = prog.layer
        assert layer is not None  # an acyclic network has its layers
        return dict(zip(prog.neurons, layer.tolist(), strict=True))

    def layers(self) -> list[list[NeuronId]]:
        """The layers of an acyclic network, each in neuron order.

        ``layers()[ℓ]`` holds the neurons the layered rule evaluates at step ℓ (layer
        0 holds the neurons without incoming connections). A layer may be empty only
        when user layer numbers skip one.
        """
        numbers = self.layer_numbers()
        result: list[list[NeuronId]] = [[] for _ in range(max(numbers.values(), default=-1) + 1)]
        for n in self:
            result[numbers[n]].append(n)
        return result

    # --- configuration --------------------------------------------------------------

    def configuration(self) -> list[NeuronId | tuple[NeuronId, NeuronId]]:
        """The keys of the configuration vector, in order.

        A bias is keyed by its neuron id, a weight by ``(source, target)``. The order
        is compile's (:attr:`Program.bias_slots`, :attr:`Program.weight_slots`).
        """
        return list(self.cached(("configuration",), self._configuration_keys))

    def _configuration_keys(self) -> _StructureOnly:
        prog = self.compile()
        neurons = prog.neurons
        keys = _StructureOnly([None] * prog.n_config)
        for j in np.flatnonzero(prog.bias_slots >= 0).tolist():
            keys[int(prog.bias_slots[j])] = neurons[j]
        names = list(map(neurons.__getitem__, prog.sources.tolist()))
        targets = np.repeat(np.arange(prog.n_neurons), prog.in_degree).tolist()
        for slot, i, j in zip(prog.weight_slots.tolist(), names, targets, strict=True):
            keys[slot] = (i, neurons[j])
        return keys

    def get_weights(self) -> np.ndarray:
        """The configuration vector (see the module docstring for its order)."""
        return self.compile().configuration_vector()

    @keywords
    def set_weights(self, vector: Sequence[float] | np.ndarray) -> None:
        """Write a configuration vector back into the network's biases and weights."""
        try:
            vec = np.asarray(vector, dtype=np.float64)
        except (TypeError, ValueError):
            raise ParameterError(
                f"set_weights expects a vector of numbers, got {type(vector).__name__}"
            ) from None
        prog = self.compile()  # the configuration order is compile's
        size = prog.n_config
        if vec.shape != (size,):
            raise ParameterError(
                f"set_weights expects a vector of {size} values (the configuration of "
                f"network {self._display_name()}), got shape {vec.shape}"
            )
        if not np.all(np.isfinite(vec)):
            bad = int(np.flatnonzero(~np.isfinite(vec))[0])
            key = self.configuration()[bad]
            raise ParameterError(f"set_weights: value {bad} ({key!r}) is not finite")
        weights, bias = prog.split_configuration(vec)
        biased = np.flatnonzero(prog.bias_slots >= 0)
        # biases (one per neuron) go into the node dicts now; the weights reach the
        # edge dicts when the graph is next read (NeuronGraph.defer_weights): the
        # programs, patched in place, hold them already
        bulk = self._bulk
        if bulk is not None:  # arrays: biases written now, weights taken from the program
            bulk.bias[biased] = bias[biased]
            self._patch(None, weights, biased, bias[biased])  # prog shares csr_weights
            bulk.stale = True
            return
        graph = self._graph
        nodes = graph._node
        setitem = dict.__setitem__  # values, not structure: no version bump
        neurons = prog.neurons
        for j, b in zip(biased.tolist(), bias[biased].tolist(), strict=True):
            setitem(nodes[neurons[j]], "bias", b)
        self._patch(None, weights, biased, bias[biased])
        graph.defer_weights(prog)

    def layer_weights(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The weights and biases layer by layer, as scikit-learn and Keras hold them.

        For a layered network whose every connection goes from one layer to the
        next (a multilayer perceptron, possibly with missing connections), returns
        ``(weights, biases)``: ``weights[ℓ]`` has shape ``(n_ℓ, n_ℓ+1)`` with
        ``weights[ℓ][i, j] = w_ji`` (0 where there is no connection) and
        ``biases[ℓ]`` shape ``(n_ℓ+1,)`` — scikit-learn's ``coefs_`` and
        ``intercepts_``. Rows of the first matrix follow the input order when
        layer 0 holds exactly the inputs, columns of the last one the output order
        when the last layer holds exactly the outputs; other layers follow the
        neuron order. :func:`netsim.mlp_from_arrays` is the inverse.

        Raises
        ------
        NetworkError
            A connection skips a layer, a neuron has a potential other than
            ``weighted_sum``, or the network has fewer than two layers.
        CycleError
            The network is recurrent.

        Examples
        --------
        >>> import netsim as ns
        >>> net = ns.mlp("2-3-1", seed=0)
        >>> weights, biases = net.layer_weights()
        >>> [w.shape for w in weights], [b.shape for b in biases]
        ([(2, 3), (3, 1)], [(3,), (1,)])
        >>> float(weights[0][1, 2]) == net.weight("x2", "h1_3")
        True
        """
        numbers = self.layer_numbers()
        layers = self.layers()
        if len(layers) < 2:
            raise NetworkError(
                f"layer_weights needs at least two layers; network {self._display_name()} "
                f"has {len(layers)}"
            )
        for roles, end in ((self._inputs, 0), (self._outputs, -1)):
            if len(roles) == len(layers[end]) and set(roles) == set(layers[end]):
                layers[end] = list(roles)
        graph = self.graph
        for n in self.graph.nodes:
            potential = graph.nodes[n].get("potential", "weighted_sum")
            if numbers[n] > 0 and potential != "weighted_sum":
                raise NetworkError(
                    f"layer_weights needs weighted-sum neurons; neuron {n!r} has the "
                    f"{potential!r} potential"
                )
        for u, v in graph.edges:
            if numbers[v] != numbers[u] + 1:
                raise NetworkError(
                    f"layer_weights needs connections between consecutive layers only; "
                    f"{u!r} (layer {numbers[u]}) -> {v!r} (layer {numbers[v]}) skips a layer"
                )
        weights, biases = [], []
        for before, after in pairwise(layers):
            row = {n: k for k, n in enumerate(before)}
            w = np.zeros((len(before), len(after)))
            for col, v in enumerate(after):
                for u, data in graph._pred[v].items():
                    w[row[u], col] = data.get("weight", 1.0)
            weights.append(w)
            biases.append(np.array([graph.nodes[v].get("bias", 0.0) for v in after], float))
        return weights, biases

    # --- conversion, copies, comparison ---------------------------------------------

    @classmethod
    def from_networkx(
        cls,
        graph: nx.DiGraph,
        inputs: Iterable[NeuronId] | None = None,
        outputs: Iterable[NeuronId] | None = None,
        *,
        name: str | None = None,
    ) -> Network:
        """Build a network from any ``networkx.DiGraph``.

        Node attributes use the names listed in the module docstring (``activation``
        may also be ``{"name": ..., **params}``); missing ones take their defaults and
        other attributes are ignored. A missing edge ``weight`` is 1. Inputs and
        outputs default to ``graph.graph["inputs"]`` / ``["outputs"]`` or none; the
        name and description to ``graph.graph["name"]`` / ``["description"]``.
        """
        if not isinstance(graph, nx.DiGraph) or graph.is_multigraph():
            raise ParameterError(
                f"from_networkx expects a networkx.DiGraph, got {type(graph).__name__}"
            )
        net = cls(
            name=name if name is not None else graph.graph.get("name"),
            description=graph.graph.get("description"),
        )
        for n, data in graph.nodes(data=True):
            potential = data.get("potential", "weighted_sum")
            if data.get("potential_params"):
                potential = {"name": potential, **data["potential_params"]}
            net.add_neuron(
                n,
                activation=data.get("activation", "identity"),
                potential=potential,
                bias=data.get("bias", 0.0),
                initial=data.get("initial", 0.0),
                layer=data.get("layer"),
                label=data.get("label"),
                group=data.get("group"),
                **dict(data.get("activation_params") or {}),
            )
        net.connect_many((u, v, d.get("weight", 1.0)) for u, v, d in graph.edges(data=True))
        net.set_inputs(graph.graph.get("inputs", ()) if inputs is None else inputs)
        net.set_outputs(graph.graph.get("outputs", ()) if outputs is None else outputs)
        return net

    @classmethod
    def from_arrays(
        cls,
        sources: Any,
        targets: Any,
        weights: Any = None,
        *,
        neurons: Sequence[NeuronId] | int | None = None,
        activation: Any = "identity",
        potential: Any = "weighted_sum",
        bias: Any = 0.0,
        initial: Any = 0.0,
        layer: Sequence[int | None] | None = None,
        label: Sequence[str | None] | None = None,
        group: Sequence[NeuronId | None] | None = None,
        inputs: Iterable[NeuronId] = (),
        outputs: Iterable[NeuronId] = (),
        name: str | None = None,
        description: str | None = None,
    ) -> Network:
        """A network from arrays, without a Python walk over its connections.

        The network keeps the arrays (see :mod:`netsim.bulk`): it compiles, runs,
        trains and saves from them, and builds its networkx graph only when
        :attr:`graph` is first read. Use it for large networks (millions of
        connections); the result equals the same network built neuron by neuron.

        Parameters
        ----------
        sources, targets : array_like of int, shape (M,)
            Connection ``k`` goes from neuron ``sources[k]`` to ``targets[k]``
            (positions in ``neurons``). A repeated pair is an error.
        weights : array_like of float, shape (M,) or a number, optional
            The weights (default 1).
        neurons : sequence of ids or int, optional
            The neuron ids in neuron order, or their number (ids ``0 … N−1``; the
            default is one more than the largest position used).
        activation, potential : spec or sequence of specs
            One function for every neuron (a name or ``{"name": ..., **params}``), or
            one per neuron.
        bias, initial : float or array_like of shape (N,)
        layer, label, group : sequence, optional
            Per neuron (``None`` entries allowed), as in :meth:`add_neuron`.
        inputs, outputs : sequence of ids
        name, description : str, optional

        Examples
        --------
        >>> import netsim as ns
        >>> net = ns.Network.from_arrays([0, 1], [2, 2], [1.0, 1.0], neurons=["a", "b", "y"],
        ...                              activation=["identity", "identity", "step"],
        ...                              bias=[0, 0, -1.5], inputs=["a", "b"], outputs=["y"])
        >>> net.predict([[1, 1], [1, 0]]).ravel().tolist()
        [1.0, 0.0]
        >>> net.connections
        [('a', 'y', 1.0), ('b', 'y', 1.0)]
        """
        from .bulk import bulk_definition

        net = cls(name=name, description=description)
        net._bulk = bulk_definition(
            sources, targets, weights, neurons=neurons, activation=activation,
            potential=potential, bias=bias, initial=initial, layer=layer, label=label,
            group=group,
        )
        net.set_inputs(inputs)
        net.set_outputs(outputs)
        return net

    def to_networkx(self) -> nx.DiGraph:
        """A plain ``networkx.DiGraph`` copy, with name, description and roles in ``G.graph``.

        ``Network.from_networkx(net.to_networkx()) == net``.
        """
        out = nx.DiGraph(
            name=self.name,
            description=self.description,
            inputs=list(self._inputs),
            outputs=list(self._outputs),
        )
        for n, data in self.graph.nodes(data=True):
            attrs = dict(data)
            attrs["activation_params"] = dict(attrs.get("activation_params") or {})
            attrs["potential_params"] = dict(attrs.get("potential_params") or {})
            out.add_node(n, **attrs)
        out.add_edges_from((u, v, dict(d)) for u, v, d in self.graph.edges(data=True))
        return out

    def copy(self) -> Network:
        """An independent copy (same neurons, connections, roles and names)."""
        new = Network(self.name, description=self.description)
        if self._bulk is not None:
            new._bulk = self._bulk.copy()
            new._inputs = list(self._inputs)
            new._outputs = list(self._outputs)
            return new
        new.graph.add_nodes_from(
            (n, {**d, "activation_params": dict(d.get("activation_params") or {}),
                 "potential_params": dict(d.get("potential_params") or {})})
            for n, d in self.graph.nodes(data=True)
        )
        new.graph.add_edges_from((u, v, dict(d)) for u, v, d in self.graph.edges(data=True))
        new._inputs = list(self._inputs)
        new._outputs = list(self._outputs)
        return new

    def __copy__(self) -> Network:
        return self.copy()

    def _key(self) -> tuple[Any, ...]:
        nodes = [(n, self.neuron(n)) for n in self]
        edges = {(u, v): w for u, v, w in self.connections}
        return (self.name, self.description, nodes, edges, self._inputs, self._outputs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        if self._bulk is not None and other._bulk is not None:  # from the arrays
            return ((self.name, self.description, self._inputs, self._outputs)
                    == (other.name, other.description, other._inputs, other._outputs)
                    and self._bulk.same_as(other._bulk))
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __len__(self) -> int:
        if self._bulk is not None:
            return self._bulk.n_neurons
        return self.graph.number_of_nodes()

    def __contains__(self, neuron_id: object) -> bool:
        if self._bulk is not None:
            try:
                return neuron_id in self._bulk.index
            except TypeError:  # unhashable: no neuron id
                return False
        return neuron_id in self.graph

    def __iter__(self) -> Iterator[NeuronId]:
        if self._bulk is not None:
            return iter(list(self._bulk.ids))
        return iter(self.graph.nodes)

    @property
    def n_connections(self) -> int:
        """The number of connections (without building the graph of a bulk network).

        Examples
        --------
        >>> import netsim as ns
        >>> ns.mlp("2-3-1", seed=0).n_connections
        9
        """
        if self._bulk is not None:
            return self._bulk.n_connections
        return self._graph.number_of_edges()

    def _display_name(self) -> str:
        return repr(self.name) if self.name else "(unnamed)"

    def __repr__(self) -> str:
        n_in, n_out = len(self._inputs), len(self._outputs)
        kind = "recurrent" if self.is_recurrent else "feed-forward"
        name = f" {self.name!r}" if self.name else ""
        return (
            f"<Network{name}: {len(self)} neurons ({n_in} input{'s' * (n_in != 1)}, "
            f"{n_out} output{'s' * (n_out != 1)}), {self.n_connections} "
            f"connections, {kind}>"
        )

    # --- caching of derived objects (the compiled program) ----------------------------

    @property
    def version(self) -> int:
        """Counts every change to the definition (structure and values)."""
        return self._definition()[1] + self._edits

    def _cached_program(self) -> Any:
        """A compiled program cached for the current definition, or None."""
        owner, current = self._definition()
        for key, (g, version, value) in self._cache.items():
            if isinstance(key, tuple) and key[:1] == ("program",) and g is owner and (
                    version == current):
                return value
        return None

    def _patch(self, weight_positions: Any, weights: Any, bias_neurons: Any,
               bias: Any) -> None:
        """A change of values only: patch the cached programs in place.

        Positions are in the programs' CSR layout (``None``: all). Every other cached
        object either has ``patch_values(prog, weight_positions, bias_neurons)`` (and
        follows the change itself) or is dropped.
        """
        self._edits += 1
        owner, current = self._definition()
        live = [(k, e) for k, e in self._cache.items() if e[0] is owner and e[1] == current]
        self._cache = dict(live)
        prog64 = None
        for key, (_g, _v, value) in live:
            if isinstance(key, tuple) and key[:1] == ("program",):
                _patch_program(value, weight_positions, weights, bias_neurons, bias)
                if value.dtype == np.float64:
                    prog64 = value
        for key, (_g, _v, value) in live:
            if isinstance(key, tuple) and key[:1] == ("program",):
                continue
            patch = getattr(value, "patch_values", None)
            if patch is None or prog64 is None or patch(
                prog64, weight_positions, bias_neurons
            ) is False:
                del self._cache[key]

    def cached(self, key: Hashable, build: Any) -> Any:
        """Return the object cached under ``key``, rebuilding it after any change."""
        hit = self._cache.get(key)
        owner, current = self._definition()
        # the graph's identity too: a replaced ``net.graph`` may share the version number
        if hit is not None and hit[0] is owner and hit[1] == current:
            return hit[2]
        value = build()
        owner, current = self._definition()
        self._cache[key] = (owner, current, value)
        return value

    def install(self, key: Hashable, value: Any) -> None:
        """Cache ``value`` under ``key`` for the current version of the definition.

        For a derived object built from the current definition by other means than
        ``cached``'s ``build`` (e.g. a program whose values were updated in bulk after
        training); like any cached object it is dropped at the next change.

        Examples
        --------
        >>> import netsim as ns
        >>> net = ns.Network()
        >>> net.install("answer", 42)
        >>> net.cached("answer", lambda: 0)
        42
        >>> net.add_neuron("a")
        >>> net.cached("answer", lambda: 0)
        0
        """
        self._cache[key] = (*self._definition(), value)

    # --- running and drawing: thin doors to the later layers ---------------------------
    # The definition layer does not depend on them; they are imported on use.

    def compile(self, dtype: Any = np.float64) -> Program:
        """The compiled program (cached; see :mod:`netsim.compile`)."""
        from .compile import compile_network

        return compile_network(self, dtype=dtype)

    @keywords
    def run(
        self,
        inputs: Any = None,
        *,
        rule: str | None = None,
        steps: int | None = None,
        max_steps: int | None = None,
        tol: float = 0.0,
        order: str = "cyclic",
        seed: int | None = None,
        record: bool | str = False,
        dtype: Any = np.float64,
        initial_state: Any = None,
        clamp: Mapping[Any, float] | None = None,
        pin: Iterable[Any] | None = None,
        monitors: Mapping[str, Callable[[np.ndarray], Any]] | None = None,
        temperature: float | None = None,
    ) -> Run:
        """Run the network on one input ``(k,)`` or a batch ``(B, k)``.

        The parameters are those of :func:`netsim.simulate.run` (``rule``, ``steps``,
        ``max_steps``, ``tol``, ``order``, ``seed``, ``record``, ``dtype``,
        ``initial_state``, ``clamp``, ``pin``, ``monitors``, ``temperature``), which
        documents and checks them. A network without inputs runs with no input
        argument.

        Examples
        --------
        >>> import netsim as ns
        >>> run = ns.zoo.xor().run([1, 0])
        >>> run.output, run.steps, run.converged
        (array([1.]), 2, True)
        """
        engine = _ENGINE or _engine()
        if engine.default_options(rule, steps, max_steps, tol, order, seed, record, dtype,
                                  initial_state, clamp, pin, monitors, temperature):
            return engine.prepared_run(self)(inputs)  # the common call, prepared once
        return engine.run(self, inputs, rule=rule, steps=steps, max_steps=max_steps,
                          tol=tol, order=order, seed=seed, record=record, dtype=dtype,
                          initial_state=initial_state, clamp=clamp, pin=pin,
                          monitors=monitors, temperature=temperature)

    @overload
    def predict(self, inputs: Any, *, as_frame: Literal[False] = False,
                **options: Unpack[RunOptions]) -> np.ndarray: ...

    @overload
    def predict(self, inputs: Any, *, as_frame: Literal[True], **options: Unpack[RunOptions]
                ) -> pandas.DataFrame: ...

    @overload
    def predict(self, inputs: Any, *, as_frame: bool, **options: Unpack[RunOptions]
                ) -> np.ndarray | pandas.DataFrame: ...

    def predict(self, inputs: Any, *, as_frame: bool = False,
                **options: Unpack[RunOptions]) -> Any:
        """The outputs only, for one input or a batch.

        ``inputs`` may be a pandas DataFrame (or Series, or ``{neuron: value}``):
        its columns are matched to the input neurons by name (see
        :mod:`netsim.columns`). With ``as_frame=True`` the outputs come back as a
        DataFrame whose columns are the output neurons (and whose index is the
        input DataFrame's); otherwise as an array ``(k_out,)`` or ``(B, k_out)``.

        ``options`` are those of :meth:`run`. The network function is defined only
        where the network stops: when a run
        until stable (no ``steps`` given) does not converge on some input — a
        recurrent network that cycles or is still moving at ``max_steps`` — the outputs
        of its last state are returned with a :class:`~netsim.NetsimWarning` saying on
        how many inputs it did not stop.
        """
        run: Run | None
        if options:
            run = self.run(inputs, **options)
        else:  # every option at its default: the prepared run
            prepared = (_ENGINE or _engine()).prepared_run(self)
            output = prepared.outputs(inputs)  # a single pass (it stops), else None
            run = prepared(inputs) if output is None else None
        if run is not None:
            if options.get("steps") is None:
                self._warn_unstopped(run)
            output = run.output
        if not as_frame:
            return output
        from .columns import to_frame

        return to_frame(output, self._outputs, getattr(inputs, "index", None)
                        if hasattr(inputs, "columns") else None)

    def _warn_unstopped(self, run: Run) -> None:
        """Warn when a run until stable did not stop on some input (see :meth:`predict`)."""
        stopped = np.asarray(run.converged, dtype=bool)
        if not stopped.all():
            missed = int(stopped.size - stopped.sum())
            where = "the input" if stopped.ndim == 0 else f"{missed} of {stopped.size} inputs"
            who = f"network {self.name!r}" if self.name else "the network"
            warnings.warn(
                f"{who} did not stop on {where} (rule {run.rule!r}); "
                "the network function is defined only where it stops, so these outputs "
                "are only the last state's",
                NetsimWarning,
                stacklevel=3,
            )

    def summary(self) -> NetworkSummary:
        """Neurons by role and layer, functions, parameter count (see :mod:`netsim.describe`).

        Prints as the text of ``netsim info``; shows as a table in a notebook.
        """
        from .describe import NetworkSummary, summarize

        return NetworkSummary(summarize(self))

    def view(self, run: Any, path: str | os.PathLike[str] | None = None, *,
             sample: int | None = None, title: str | None = None, interval: float = 0.6,
             **options: Unpack[LayoutOptions]) -> View:
        """The interactive page stepping through a recorded run (see :mod:`netsim.io.view`),
        or, given ``ns.attractors(net)``, the state graph with the basin table.

        Returns a ``View`` (shown inline in Jupyter); with ``path`` the page is also
        written there. ``sample`` picks the run of a batch, ``title`` heads the page,
        ``interval`` is the seconds per step when playing (see
        :func:`netsim.io.view.view_page`); ``options`` are the diagram's (see
        :meth:`to_dot`).

        Examples
        --------
        >>> import netsim as ns
        >>> net = ns.zoo.xor()
        >>> net.view(net.run([1, 0], record=True), title="xor")
        <View: ... bytes of HTML; .save(path) writes it>
        """
        from .io.view import View, analysis_page, view_page

        if hasattr(run, "attractors") and hasattr(run, "space"):  # ns.attractors(self)
            if sample is not None:
                raise ParameterError("sample picks a run of a batch; an attractor analysis "
                                     "has none")
            page = View(analysis_page(run, title=title, **options))
        else:
            page = View(view_page(self, run, sample=sample, title=title, interval=interval,
                                  **options))
        if path is not None:
            page.save(path)
        return page

    @keywords
    def to_dot(
        self,
        *,
        direction: str = "LR",
        weights: bool | None = None,
        min_weight: float = 0.0,
        clusters: bool = False,
        legend: bool = True,
        max_layer_width: int | str | None = "auto",
        keep: int = 3,
        max_nodes: int = 150,
        max_edges: int = 500,
        summary: bool | None = None,
        state: Any = None,
        sample: int | None = None,
        state_range: Sequence[float] | None = None,
        title: str | None = None,
        layout: str = "auto",
    ) -> graphviz.Digraph:
        """The architecture diagram as a ``graphviz.Digraph``.

        The parameters are those of :func:`netsim.io.dot.to_dot`, which documents and
        checks them.

        Examples
        --------
        >>> import netsim as ns
        >>> print(ns.zoo.xor().to_dot(layout="circle").source.splitlines()[0])
        digraph xor {
        """
        from .io.dot import to_dot

        return to_dot(self, direction=direction, weights=weights, min_weight=min_weight,
                      clusters=clusters, legend=legend, max_layer_width=max_layer_width,
                      keep=keep, max_nodes=max_nodes, max_edges=max_edges, summary=summary,
                      state=state, sample=sample, state_range=state_range, title=title,
                      layout=layout)

    def render(self, path: str | os.PathLike[str], *, format: str | None = None,
               timeout: float = 60.0, **options: Unpack[DiagramOptions]) -> Path:
        """Render the diagram to svg, png, pdf or dot (see :func:`netsim.io.dot.render`);
        ``options`` are those of :meth:`to_dot`. Returns the path written.

        Examples
        --------
        >>> import pathlib, tempfile, netsim as ns
        >>> ns.zoo.xor().render(pathlib.Path(tempfile.mkdtemp()) / "xor.dot").name
        'xor.dot'
        """
        from .io.dot import render

        return render(self, path, format=format, timeout=timeout, **options)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from .io.dot import repr_mimebundle

        return repr_mimebundle(self, include=include, exclude=exclude)
