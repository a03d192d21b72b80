"""A ``networkx.DiGraph`` that counts its own modifications.

``Network.graph`` is a live graph that users may edit with any networkx call or by
writing into attribute dicts (``G["a"]["b"]["weight"] = 2``). The compiled program
cached on a network must notice every such change, so this subclass bumps
``version`` on every structural change and its attribute dicts bump it on every write.
Dicts stored inside a node's attributes (``activation_params``, ``potential_params``)
are tracked too: ``G.nodes["h"]["activation_params"]["steepness"] = 2`` counts.
Reads cost nothing extra.

Values written in bulk (``set_weights``, training) reach the edge attribute dicts
lazily: the network defers them with :meth:`NeuronGraph.defer_weights` (its compiled
program already holds them) and the graph writes them the first time anyone reads its
adjacency — through ``G[u]``, ``G.adj``, ``G.edges``, ``G.succ``, ``G.pred``, the
degree views, ``G._adj``/``G._succ``/``G._pred`` (which networkx algorithms use) or
any change. A user never sees a stale value, even through a reference to the graph
kept from before; only a view object kept from before the bulk write (``v = G.adj``
held across training) would, and re-reading ``G.adj`` refreshes it.
"""

from __future__ import annotations

from collections import deque
from itertools import repeat
from typing import Any

import networkx as nx
import numpy as np

__all__ = ["NeuronGraph"]


class _AttrDict(dict):
    """An attribute dict that reports writes to its graph."""

    __slots__ = ("_graph",)
    _graph: Any  # the graph this dict reports to (set right after creation)

    def _touch(self) -> None:
        graph = getattr(self, "_graph", None)
        if graph is not None:
            if graph.__dict__.get("_deferred") is not None:
                graph.flush_values()  # before this write, which must win
            graph.version += 1

    def __setitem__(self, key: Any, value: Any) -> None:
        self._touch()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: Any) -> None:
        self._touch()
        dict.__delitem__(self, key)

    def __ior__(self, other: Any) -> _AttrDict:  # type: ignore[override,misc]
        self._touch()
        dict.update(self, other)
        return self

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._touch()
        dict.update(self, *args, **kwargs)

    def pop(self, *args: Any) -> Any:
        self._touch()
        return dict.pop(self, *args)

    def popitem(self) -> Any:
        self._touch()
        return dict.popitem(self)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._touch()
        return dict.setdefault(self, key, default)

    def clear(self) -> None:
        self._touch()
        dict.clear(self)


class _NodeAttrDict(_AttrDict):
    """A node's attribute dict: dict values are stored as tracked dicts of the graph.

    Edge attribute dicts stay plain :class:`_AttrDict` (their values are numbers, and
    building a million connections must stay cheap).
    """

    __slots__ = ()

    def _track(self, value: Any) -> Any:
        graph = getattr(self, "_graph", None)
        if graph is None or not isinstance(value, dict):
            return value
        if isinstance(value, _AttrDict) and value._graph is graph:
            return value
        tracked = _AttrDict(value)  # a copy: never share a nested dict between graphs
        tracked._graph = graph
        return tracked

    def __setitem__(self, key: Any, value: Any) -> None:
        self._touch()
        dict.__setitem__(self, key, self._track(value))

    def __ior__(self, other: Any) -> _NodeAttrDict:  # type: ignore[override,misc]
        self.update(other)
        return self

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._touch()
        for key, value in dict(*args, **kwargs).items():
            dict.__setitem__(self, key, self._track(value))

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)


def _bumping(name: str) -> Any:
    method = getattr(nx.DiGraph, name)

    def wrapper(self: NeuronGraph, *args: Any, **kwargs: Any) -> Any:
        if self.__dict__.get("_deferred") is not None:
            self.flush_values()
        self.version += 1
        return method(self, *args, **kwargs)

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


class _Flushed:
    """``G._adj`` / ``G._succ`` / ``G._pred``: write deferred weights before any read.

    Sets go through networkx's own descriptor (it resets the cached views).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.setter = nx.DiGraph.__dict__[name]

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        od = obj.__dict__
        if od.get("_deferred") is not None:
            obj.flush_values()
        return od[self.name]

    def __set__(self, obj: Any, value: Any) -> None:
        self.setter.__set__(obj, value)


def _flushed_view(name: str) -> Any:
    """A networkx cached view property that writes deferred weights first."""
    cached = nx.DiGraph.__dict__[name]

    def getter(self: NeuronGraph) -> Any:
        if self.__dict__.get("_deferred") is not None:
            self.flush_values()
        return cached.__get__(self, type(self))

    getter.__name__ = name
    getter.__doc__ = cached.__doc__
    return property(getter)


class NeuronGraph(nx.DiGraph):
    """The digraph behind a :class:`~netsim.Network`; ``version`` counts changes."""

    version: int = 0

    _adj = _Flushed("_adj")
    _succ = _Flushed("_succ")
    _pred = _Flushed("_pred")
    adj = _flushed_view("adj")
    succ = _flushed_view("succ")
    pred = _flushed_view("pred")
    edges = _flushed_view("edges")
    out_edges = _flushed_view("out_edges")
    in_edges = _flushed_view("in_edges")
    degree = _flushed_view("degree")
    in_degree = _flushed_view("in_degree")
    out_degree = _flushed_view("out_degree")

    def defer_weights(self, compiled: Any) -> None:
        """Let the connection weights of ``compiled`` reach the edge dicts on next read.

        ``compiled`` is the network's program (anything with ``neurons``, ``indptr``,
        ``sources`` and ``weights`` in its CSR layout); its arrays are read at the
        time of the write, so later in-place patches of them are included. Writing
        them is not a change of the definition (``version`` stays).
        """
        self.__dict__["_deferred"] = compiled

    @property
    def has_deferred_weights(self) -> bool:
        """Whether weights wait to be written into the edge dicts."""
        return self.__dict__.get("_deferred") is not None

    def flush_values(self) -> None:
        """Write the deferred weights into the edge attribute dicts now."""
        od = self.__dict__
        compiled = od.get("_deferred")
        if compiled is None:
            return
        od["_deferred"] = None  # first: the reads below must not flush again
        pred = od["_pred"]
        neurons = compiled.neurons
        ptr = compiled.indptr.tolist()
        sources = compiled.sources.tolist()
        weights = np.asarray(compiled.weights, dtype=np.float64).tolist()
        setitem = dict.__setitem__  # no version bump: the values are the program's
        names = list(map(neurons.__getitem__, sources))
        for j, name in enumerate(neurons):
            lo, hi = ptr[j], ptr[j + 1]
            if lo == hi:
                continue
            row = pred[name]
            deque(map(setitem, map(row.__getitem__, names[lo:hi]), repeat("weight"),
                      weights[lo:hi]), maxlen=0)

    def number_of_edges(self, u: Any = None, v: Any = None) -> int:
        if u is None:  # structure only: no need to write deferred weights
            return sum(map(len, self.__dict__["_succ"].values()))
        return int(super().number_of_edges(u, v))

    def node_attr_dict_factory(self) -> _AttrDict:  # type: ignore[override]
        d = _NodeAttrDict()
        d._graph = self
        return d

    def edge_attr_dict_factory(self) -> _AttrDict:  # type: ignore[override]
        d = _AttrDict()
        d._graph = self
        return d

    add_node = _bumping("add_node")
    add_nodes_from = _bumping("add_nodes_from")
    remove_node = _bumping("remove_node")
    remove_nodes_from = _bumping("remove_nodes_from")
    add_edge = _bumping("add_edge")
    add_edges_from = _bumping("add_edges_from")
    add_weighted_edges_from = _bumping("add_weighted_edges_from")
    remove_edge = _bumping("remove_edge")
    remove_edges_from = _bumping("remove_edges_from")
    update = _bumping("update")
    clear = _bumping("clear")
    clear_edges = _bumping("clear_edges")
