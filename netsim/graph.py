"""A ``networkx.DiGraph`` that counts its own modifications.

``Network.graph`` is a live graph that users may edit with any networkx call or by
writing into attribute dicts (``G["a"]["b"]["weight"] = 2``). The compiled program
cached on a network must notice every such change, so this subclass bumps
``version`` on every structural change and its attribute dicts bump it on every write.
Dicts stored inside a node's attributes (``activation_params``, ``potential_params``)
are tracked too: ``G.nodes["h"]["activation_params"]["steepness"] = 2`` counts.
Reads cost nothing extra.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

__all__ = ["NeuronGraph"]


class _AttrDict(dict):
    """An attribute dict that reports writes to its graph."""

    __slots__ = ("_graph",)

    def _touch(self) -> None:
        graph = getattr(self, "_graph", None)
        if graph is not None:
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
        self.version += 1
        return method(self, *args, **kwargs)

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


class NeuronGraph(nx.DiGraph):
    """The digraph behind a :class:`~netsim.Network`; ``version`` counts changes."""

    version: int = 0

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
