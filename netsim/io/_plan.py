"""What a diagram shows: rank groups, drawn nodes and drawn edges (no DOT syntax here).

The plan is computed from the definition layer only.

**Rank groups.** A feed-forward network is drawn by its layers (``net.layers()``:
the user's layer numbers or the longest-path depth). A recurrent network has no
layers, so the diagram makes *pseudo-layers* by breadth-first search: a neuron's rank
is its distance (number of connections) from the nearest input, so inputs sit on the
first rank and every connection that is not drawn as feedback spans exactly one rank.
Neurons no input reaches are ranked, in neuron order, one after their highest ranked
predecessor (or on the first rank after the inputs) and searched from in turn. Pure
outputs (outputs that are not inputs) are moved together onto a last rank of their own.

A drawn connection is a *back* connection (``constraint=false``, dashed) exactly when
its head's rank is not after its tail's rank; in a feed-forward network there are none.
A *symmetric pair* — connections u → v and v → u of exactly equal weight, both drawn
alone — is one undirected edge (the ``u → v`` with u first in neuron order), as in a
Hopfield network where w_uv = w_vu is one coupling.

**Layouts.** ``layered`` is dot's rank layout described above. ``circle`` puts the
neurons on a circle in neuron order (clockwise from the top), ``grid`` row by row in a
near-square grid (``grid_columns`` wide), both at fixed positions, and ``spring`` lets
Graphviz's neato place them (force-directed). ``auto`` (the default) is ``layered``
for a feed-forward network, and for a recurrent one too when it has pure inputs
(input-only neurons) and at least three rank groups — a pipeline with feedback, such
as an Elman network; other recurrent networks (Hopfield networks, random threshold
networks, oscillators) are drawn as a ``circle``.

**Size limits.** ``max_layer_width="auto"`` (the default) is 16, except for recurrent
networks of at most :data:`FULL_RECURRENT` = 64 neurons, which are never collapsed.
A rank group wider than ``max_layer_width`` is drawn as its first
``keep`` neurons, one "⋯ (+N)" node standing for the rest, and its last ``keep``
neurons; connections touching a "⋯" node are bundled (one drawn edge per pair of drawn
nodes). If the result still has more than ``max_nodes`` nodes, or a layout cost above
``max_edges`` (nodes plus edge segments: an edge that spans s ranks counts s, which is
what makes dot slow), the diagram switches to *summary* mode: one node per rank group,
joined by bundled edges. Beyond ``MAX_GROUPS`` groups, or while the cost stays above
``min(max_edges, SUMMARY_COST)``, the middle groups are merged into consecutive bands
(the first and last group stay alone). In the ``circle`` and ``grid`` layouts the
edges are straight lines between fixed positions, which cost Graphviz little: the
budget there is :data:`MAX_STRAIGHT_EDGES` drawn edges instead of the layout cost.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .quoting import dot_name

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network, NeuronId

__all__ = [
    "FULL_RECURRENT",
    "LAYOUTS",
    "MAX_GROUPS",
    "MAX_STRAIGHT_EDGES",
    "DrawnEdge",
    "DrawnNode",
    "Plan",
    "choose_layout",
    "layout_cost",
    "make_plan",
    "safe_name",
]

MAX_GROUPS = 24
SUMMARY_COST = 300  # a summary is for reading: keep its bundles few
FULL_RECURRENT = 64
MAX_STRAIGHT_EDGES = 2500
LAYOUTS = ("auto", "layered", "circle", "grid", "spring")
PINNED = ("circle", "grid")  # layouts with fixed node positions


@dataclass
class DrawnNode:
    """One node of the diagram: a neuron, a "⋯" stand-in, or a whole rank group."""

    name: str  # the DOT node name (unique, safe)
    kind: str  # "neuron" | "more" | "group"
    members: list[int]  # neuron indices, in neuron order
    rank: int  # index of its rank group
    role: str  # input / hidden / output / both (groups: the common role, else hidden)


@dataclass
class DrawnEdge:
    """One drawn edge: a single connection, or a bundle of connections."""

    tail: int  # drawn node index
    head: int
    back: bool
    single: bool
    count: int = 0
    total: float = 0.0
    max_abs: float = 0.0
    positive: int = 0
    negative: int = 0
    weight: float = 0.0  # the weight when single
    ends: tuple[int, int] = (0, 0)  # neuron indices when single
    mutual: bool = False  # a symmetric pair u → v, v → u of equal weight, drawn once

    @property
    def sign(self) -> int:
        """+1 all positive, −1 all negative, 0 zero or mixed."""
        if self.positive and not self.negative and self.positive == self.count:
            return 1
        if self.negative and not self.positive and self.negative == self.count:
            return -1
        return 0


@dataclass
class Plan:
    """The complete drawing plan."""

    ids: list[NeuronId]
    names: list[str]  # DOT name of each neuron (also when it is not drawn alone)
    roles: list[str]
    recurrent: bool
    mode: str  # "full" | "collapsed" | "summary"
    groups: list[list[int]]  # neuron indices of each rank group
    spans: list[tuple[int, int]] = field(default_factory=list)  # original groups of a band
    ranks: list[list[int]] = field(default_factory=list)  # drawn node indices per rank
    nodes: list[DrawnNode] = field(default_factory=list)
    edges: list[DrawnEdge] = field(default_factory=list)
    n_connections: int = 0
    n_hidden_connections: int = 0  # below the |w| threshold
    max_abs_weight: float = 0.0
    has_incoming: list[bool] = field(default_factory=list)
    layer_numbers: dict[NeuronId, int] | None = None  # feed-forward only
    layout: str = "layered"  # the layout chosen (never "auto")


def safe_name(neuron_id: object) -> str:
    """A DOT-safe node name (see :func:`netsim.io.quoting.dot_name`)."""
    return dot_name(neuron_id)


def _unique_names(ids: list[NeuronId]) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    for neuron_id in ids:
        base = safe_name(neuron_id)
        name, k = base, 1
        while name in seen:  # "1" and 1, or ids that differ only in unsafe characters
            k += 1
            name = f"{base}~{k}"
        seen.add(name)
        names.append(name)
    return names


def _reserved(base: str, taken: set[str]) -> str:
    name = base
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def recurrent_groups(
    n: int, succ: list[list[int]], inputs: list[int], outputs: list[int]
) -> list[list[int]]:
    """Pseudo-layers of a recurrent network (see the module docstring)."""
    in_set, out_set = set(inputs), set(outputs)
    pure_in, pure_out = in_set - out_set, out_set - in_set
    pred: list[list[int]] = [[] for _ in range(n)]
    for u in range(n):
        for v in succ[u]:
            pred[v].append(u)
    rank = [-1] * n

    def bfs(starts: list[int]) -> None:
        queue = deque(starts)
        while queue:
            u = queue.popleft()
            for v in succ[u]:
                if rank[v] < 0:
                    rank[v] = rank[u] + 1
                    queue.append(v)

    for k in inputs:
        rank[k] = 0
    bfs(list(inputs))
    for k in range(n):  # neurons no input reaches: start after their drawn predecessors
        if rank[k] < 0:
            before = [rank[p] for p in pred[k] if rank[p] >= 0]
            rank[k] = max(before) + 1 if before else (1 if pure_in else 0)
            bfs([k])
    if pure_out:
        others = [rank[k] for k in range(n) if k not in pure_out]
        last = max(others) + 1 if others else 0
        for k in pure_out:
            rank[k] = last
    groups: list[list[int]] = [[] for _ in range(max(rank, default=-1) + 1)]
    for k in range(n):
        groups[rank[k]].append(k)
    return [g for g in groups if g]


def choose_layout(recurrent: bool, roles: list[str], n_groups: int) -> str:
    """The ``auto`` layout (see the module docstring)."""
    if not recurrent:
        return "layered"
    pure_inputs = any(role == "input" for role in roles)
    return "layered" if pure_inputs and n_groups >= 3 else "circle"


def make_plan(
    net: Network,
    *,
    min_weight: float,
    max_layer_width: int | str | None,
    keep: int,
    max_nodes: int,
    max_edges: int,
    summary: bool | None,
    layout: str = "auto",
) -> Plan:
    """Compute what to draw (see the module docstring for every rule)."""
    graph = net.graph
    ids = list(graph.nodes)
    index = {neuron_id: k for k, neuron_id in enumerate(ids)}
    n = len(ids)
    inputs = [index[i] for i in net.inputs]
    outputs = [index[o] for o in net.outputs]
    in_set, out_set = set(inputs), set(outputs)
    roles = [
        ("both" if k in out_set else "input") if k in in_set
        else ("output" if k in out_set else "hidden")
        for k in range(n)
    ]
    succ_map = graph._succ
    edges = sorted(
        (index[u], index[v], float(d.get("weight", 1.0)))
        for u, nbrs in succ_map.items()
        for v, d in nbrs.items()
    )
    recurrent = net.is_recurrent
    if recurrent:
        succ: list[list[int]] = [[] for _ in range(n)]
        for u, v, _w in edges:
            succ[u].append(v)
        groups = recurrent_groups(n, succ, inputs, outputs)
        numbers = None
    else:
        numbers = net.layer_numbers()  # the layers of net.layers(), without empty ones
        by_layer: dict[int, list[int]] = {}
        for k, neuron_id in enumerate(ids):
            by_layer.setdefault(numbers[neuron_id], []).append(k)
        groups = [by_layer[layer] for layer in sorted(by_layer)]
    has_incoming = [False] * n
    for _u, v, _w in edges:
        has_incoming[v] = True
    visible = [e for e in edges if abs(e[2]) >= min_weight] if min_weight > 0 else edges
    plan = Plan(
        ids=ids,
        names=_unique_names(ids),
        roles=roles,
        recurrent=recurrent,
        mode="full",
        groups=groups,
        n_connections=len(edges),
        n_hidden_connections=len(edges) - len(visible),
        max_abs_weight=max((abs(w) for _u, _v, w in edges), default=0.0),
        has_incoming=has_incoming,
        layer_numbers=numbers,
    )
    plan.layout = choose_layout(recurrent, roles, len(groups)) if layout == "auto" else layout
    if max_layer_width == "auto":
        max_layer_width = None if recurrent and n <= FULL_RECURRENT else 16
    if summary is not True:
        _detail_nodes(plan, max_layer_width, keep)  # type: ignore[arg-type]
        _aggregate(plan, visible)
        if plan.layout in PINNED:
            over = len(plan.nodes) > max_nodes or len(plan.edges) > MAX_STRAIGHT_EDGES
        else:
            over = len(plan.nodes) > max_nodes or layout_cost(plan) > max_edges
        if summary is False or not over:
            return plan
    layers = plan.groups
    plan.layout = "layered"  # a summary is a chain of groups
    bands = min(len(layers), MAX_GROUPS)
    budget = min(max_edges, SUMMARY_COST)
    while True:
        _summary_nodes(plan, layers, bands)
        _aggregate(plan, visible)
        if bands <= 3 or layout_cost(plan) <= budget:
            return plan
        bands = max(3, bands * 3 // 4)  # fewer bands: fewer and shorter bundles


def layout_cost(plan: Plan) -> int:
    """Nodes plus edge segments (an edge spanning s ranks counts s): dot's real work."""
    rank = [node.rank for node in plan.nodes]
    return len(plan.nodes) + sum(max(1, abs(rank[e.head] - rank[e.tail])) for e in plan.edges)


def _detail_nodes(plan: Plan, max_layer_width: int | None, keep: int) -> None:
    taken = set(plan.names)
    plan.nodes, plan.ranks, plan.mode = [], [], "full"
    for rank, group in enumerate(plan.groups):
        if max_layer_width is not None and len(group) > max_layer_width:
            plan.mode = "collapsed"
            shown = [*group[:keep], None, *group[-keep:]]
        else:
            shown = list(group)
        row: list[int] = []
        for k in shown:
            if k is None:
                middle = group[keep:-keep]
                name = _reserved(f"_more_{rank}", taken)
                role = _common_role(plan.roles, middle)
                plan.nodes.append(DrawnNode(name, "more", middle, rank, role))
            else:
                plan.nodes.append(DrawnNode(plan.names[k], "neuron", [k], rank, plan.roles[k]))
            row.append(len(plan.nodes) - 1)
        plan.ranks.append(row)


def _summary_nodes(plan: Plan, layers: list[list[int]], bands: int) -> None:
    """One node per group; beyond ``bands`` groups the middle ones merge into bands."""
    taken = set(plan.names)
    spans = [(r, r) for r in range(len(layers))]
    if len(layers) > bands:  # the first and last groups (inputs, outputs) stay alone
        inner = len(layers) - 2
        width = math.ceil(inner / (bands - 2))
        spans = [(0, 0)]
        spans += [(i, min(i + width, inner + 1) - 1) for i in range(1, inner + 1, width)]
        spans.append((len(layers) - 1, len(layers) - 1))
    plan.groups = [sorted(k for g in layers[lo : hi + 1] for k in g) for lo, hi in spans]
    plan.spans = spans
    plan.mode = "summary"
    plan.nodes = [
        DrawnNode(_reserved(f"_group_{r}", taken), "group", g, r, _common_role(plan.roles, g))
        for r, g in enumerate(plan.groups)
    ]
    plan.ranks = [[r] for r in range(len(plan.groups))]


def _common_role(roles: list[str], members: list[int]) -> str:
    found = {roles[k] for k in members}
    return found.pop() if len(found) == 1 else "hidden"


def _aggregate(plan: Plan, visible: list[tuple[int, int, float]]) -> None:
    node_of = [0] * len(plan.ids)
    for d, node in enumerate(plan.nodes):
        for k in node.members:
            node_of[k] = d
    alone = [node.kind == "neuron" for node in plan.nodes]
    rank = [node.rank for node in plan.nodes]
    drawn: list[DrawnEdge] = []
    bundles: dict[tuple[int, int], DrawnEdge] = {}
    for u, v, w in visible:
        a, b = node_of[u], node_of[v]
        if alone[a] and alone[b]:
            drawn.append(
                DrawnEdge(a, b, rank[b] <= rank[a], True, count=1, total=w, max_abs=abs(w),
                          positive=int(w > 0), negative=int(w < 0), weight=w, ends=(u, v))
            )
            continue
        edge = bundles.get((a, b))
        if edge is None:
            edge = bundles[(a, b)] = DrawnEdge(a, b, rank[b] <= rank[a], False)
        edge.count += 1
        edge.total += w
        edge.max_abs = max(edge.max_abs, abs(w))
        edge.positive += w > 0
        edge.negative += w < 0
    drawn = _merge_symmetric(drawn)
    drawn.extend(bundles.values())
    drawn.sort(key=lambda e: (e.tail, e.head))
    plan.edges = drawn


def _merge_symmetric(edges: list[DrawnEdge]) -> list[DrawnEdge]:
    """One undirected edge for u → v and v → u of equal weight. The forward one is
    kept (not a back edge), else the one from the first neuron in neuron order."""
    by_ends = {e.ends: e for e in edges if e.single and e.ends[0] != e.ends[1]}
    out = []
    for e in edges:
        u, v = e.ends
        twin = by_ends.get((v, u)) if e.single and u != v else None
        if twin is None or twin.weight != e.weight:
            out.append(e)
        elif (e.back, u) < (twin.back, v):
            e.mutual = True
            out.append(e)
    return out
