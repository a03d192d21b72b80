"""The state transition graph as a ``networkx.DiGraph`` and its DOT export.

Nodes are state labels (``"0110"``, ``"+--+"``: the free neurons in neuron order).
Node attributes: ``code``, ``attractor`` (index, −1 when several are reachable),
``in_attractor`` and, for the parallel rule, ``transient`` and ``garden_of_eden``.
Parallel edges go from each state to its successor (a fixed point has a self-loop).
Sequential edges go from a state to the state after updating one neuron, for each
neuron whose update changes the state; the edge's ``neuron`` attribute names it. A
fixed point has a self-loop (every update leaves it unchanged).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from ..errors import SizeLimitError

if TYPE_CHECKING:  # pragma: no cover
    import graphviz

    from .statespace import StateSpaceAnalysis

__all__ = ["state_graph", "to_dot"]

# Distinct fill colours for the attractors (cycled).
_COLOURS = ["#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#ffff99", "#8dd3c7",
            "#bebada", "#80b1d3", "#fccde5"]


def state_graph(analysis: StateSpaceAnalysis, max_free: int = 16) -> nx.DiGraph:
    """The state transition graph of an analysis (at most ``max_free`` free neurons).

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="sign"); net.add_neuron("b", activation="sign")
    >>> net.connect("a", "b", -1.0); net.connect("b", "a", -1.0)
    >>> g = ns.attractors(net).graph()
    >>> sorted(g.edges())
    [('++', '--'), ('+-', '+-'), ('-+', '-+'), ('--', '++')]
    """
    from .statespace import async_edges

    space = analysis.space
    if space.n > max_free:
        raise SizeLimitError(
            f"the state graph is limited to {max_free} free neurons (2^{max_free} nodes), "
            f"got {space.n}; clamp some neurons"
        )
    total = space.size
    labels = [space.label(c) for c in range(total)]
    in_att = np.zeros(total, dtype=bool)
    for a in analysis.attractors:
        in_att[list(a.codes)] = True
    g = nx.DiGraph(rule=analysis.rule, free_neurons=list(space.free_ids))
    for c in range(total):
        attrs: dict[str, Any] = {
            "code": c,
            "attractor": int(analysis.attractor_of[c]),
            "in_attractor": bool(in_att[c]),
        }
        if analysis.rule == "parallel":
            assert analysis.transient is not None and analysis.garden_of_eden is not None
            attrs["transient"] = int(analysis.transient[c])
            attrs["garden_of_eden"] = bool(analysis.garden_of_eden[c])
        g.add_node(labels[c], **attrs)
    succ = analysis.successor
    if analysis.rule == "parallel":
        g.add_edges_from((labels[c], labels[int(s)]) for c, s in enumerate(succ.tolist()))
    else:
        src, dst, who = async_edges(space, succ)
        ids = space.free_ids
        g.add_edges_from(
            (labels[s], labels[d], {"neuron": ids[k]})
            for s, d, k in zip(src.tolist(), dst.tolist(), who.tolist(), strict=True)
        )
        g.add_edges_from((labels[int(c)], labels[int(c)]) for c in analysis.fixed_points)
    return g


def to_dot(graph: nx.DiGraph, name: str = "states", **graph_attr: str) -> graphviz.Digraph:
    """A ``graphviz.Digraph`` of a state graph: attractor states filled, one colour each.

    Sequential edges are labelled with the neuron updated.
    """
    import graphviz

    from ..io.quoting import graphviz_name  # a leaf module: the one quoting of user text

    graph_attr = {k: graphviz_name(v) for k, v in graph_attr.items()}
    dot = graphviz.Digraph(name=graphviz_name(name), graph_attr={"rankdir": "LR", **graph_attr})
    dot.attr("node", shape="box", style="rounded", fontname="monospace")
    for node, data in graph.nodes(data=True):
        attrs = {}
        if data.get("in_attractor"):
            colour = _COLOURS[data["attractor"] % len(_COLOURS)]
            attrs = {"style": "rounded,filled", "fillcolor": colour, "penwidth": "2"}
        elif data.get("garden_of_eden"):
            attrs = {"style": "rounded,dashed"}
        dot.node(graphviz_name(node), **attrs)
    for u, v, data in graph.edges(data=True):
        label = data.get("neuron")
        dot.edge(graphviz_name(u), graphviz_name(v),
                 **({"label": graphviz_name(label)} if label is not None else {}))
    return dot
