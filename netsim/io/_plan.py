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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..compile import gather_ranges
from .quoting import dot_name

if TYPE_CHECKING:  # pragma: no cover
    from ..compile import Program
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
    "reserve_name",
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
    in_degree: list[int] = field(default_factory=list)
    activations: list[str] = field(default_factory=list)  # activation name per neuron
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


def reserve_name(base: str, taken: set[str]) -> str:
    """``base``, with ``_`` appended until it is not in ``taken`` (then taken too)."""
    name = base
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def recurrent_groups(prog: Program) -> list[list[int]]:
    """Pseudo-layers of a recurrent network (see the module docstring).

    The breadth-first searches go level by level on the program's arrays (one numpy
    step per level, never a Python step per connection); the distances they give are
    those of a queue-based search.
    """
    n = prog.n_neurons
    in_set, out_set = set(prog.inputs.tolist()), set(prog.outputs.tolist())
    pure_in, pure_out = in_set - out_set, out_set - in_set
    out_ptr, out_idx = successors(prog)
    out_deg = np.diff(out_ptr)
    rank = np.full(n, -1, dtype=np.int64)

    def bfs(frontier: np.ndarray) -> None:
        while frontier.size:  # every neuron of a frontier has the same rank
            reached = out_idx[gather_ranges(out_ptr[frontier], out_deg[frontier])]
            reached = np.unique(reached[rank[reached] < 0])
            rank[reached] = rank[frontier[0]] + 1
            frontier = reached

    if in_set:
        rank[prog.inputs] = 0
        bfs(np.unique(prog.inputs))
    for k in np.flatnonzero(rank < 0).tolist():  # no input reaches them
        if rank[k] >= 0:
            continue
        before = rank[prog.sources[prog.indptr[k] : prog.indptr[k + 1]]]
        before = before[before >= 0]
        rank[k] = int(before.max()) + 1 if before.size else (1 if pure_in else 0)
        bfs(np.array([k]))
    if pure_out:
        last_rank = np.zeros(n, dtype=bool)
        last_rank[sorted(pure_out)] = True
        others = rank[~last_rank]
        rank[last_rank] = int(others.max()) + 1 if others.size else 0
    return split_by(rank)


def successors(prog: Program) -> tuple[np.ndarray, np.ndarray]:
    """Outgoing connections as CSR by source (``indptr``, targets ascending)."""
    n = prog.n_neurons
    marks = np.ones(prog.n_connections, dtype=np.int8)
    by_target = sp.csr_matrix((marks, prog.sources, prog.indptr), shape=(n, n))
    by_source = by_target.tocsc()  # a linear counting sort in scipy
    return by_source.indptr, by_source.indices


def split_by(values: np.ndarray) -> list[list[int]]:
    """Neuron indices grouped by ascending value, each group in neuron order."""
    order = np.argsort(values, kind="stable")
    cuts = np.flatnonzero(np.diff(values[order])) + 1
    return [part.tolist() for part in np.split(order, cuts)] if len(order) else []


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
    prog = net.compile()
    ids = list(prog.neurons)
    n = len(ids)
    in_set, out_set = set(prog.inputs.tolist()), set(prog.outputs.tolist())
    roles = [
        ("both" if k in out_set else "input") if k in in_set
        else ("output" if k in out_set else "hidden")
        for k in range(n)
    ]
    recurrent = prog.is_recurrent
    if recurrent or prog.layer is None:
        groups = recurrent_groups(prog)
        numbers = None
    else:  # the layers of net.layers(), without empty ones
        numbers = dict(zip(ids, prog.layer.tolist(), strict=True))
        groups = split_by(prog.layer)
    conns = Connections.visible(prog, min_weight)
    plan = Plan(
        ids=ids,
        names=_unique_names(ids),
        roles=roles,
        recurrent=recurrent,
        mode="full",
        groups=groups,
        n_connections=prog.n_connections,
        n_hidden_connections=prog.n_connections - conns.count,
        max_abs_weight=float(np.abs(prog.weights).max(initial=0.0)),
        has_incoming=prog.has_input.tolist(),
        in_degree=prog.in_degree.tolist(),
        activations=[prog.activation_names[a] for a in prog.activation_ids.tolist()],
        layer_numbers=numbers,
    )
    plan.layout = choose_layout(recurrent, roles, len(groups)) if layout == "auto" else layout
    if max_layer_width == "auto":
        max_layer_width = None if recurrent and n <= FULL_RECURRENT else 16
    if summary is not True:
        _detail_nodes(plan, max_layer_width, keep)  # type: ignore[arg-type]
        crowded = len(plan.nodes) > max_nodes
        if summary is False or not crowded:  # else the edges cannot save the detail
            table = _detail_edges(plan, conns)
            if plan.layout in PINNED:
                over = crowded or table.n_edges > MAX_STRAIGHT_EDGES
            else:
                over = crowded or table.cost > max_edges
            if summary is False or not over:
                plan.edges = table.drawn()
                return plan
    layers = plan.groups
    plan.layout = "layered"  # a summary is a chain of groups
    group_of: np.ndarray = np.empty(n, dtype=_node_index(len(layers)))
    for g, members in enumerate(layers):
        group_of[members] = g
    # every connection is summed once per pair of groups; bands merge those sums
    by_group = Pairs.of(*conns.ends(group_of), len(layers))
    bands = min(len(layers), MAX_GROUPS)
    budget = min(max_edges, SUMMARY_COST)
    while True:
        _summary_nodes(plan, layers, bands)
        band_of = np.empty(len(layers), dtype=np.int64)
        for b, (lo, hi) in enumerate(plan.spans):
            band_of[lo : hi + 1] = b
        pairs = by_group.merged(band_of, len(plan.spans))
        table = EdgeTable.of(plan, pairs)
        if bands <= 3 or table.cost <= budget:
            plan.edges = table.drawn()
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
                name = reserve_name(f"_more_{rank}", taken)
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
        DrawnNode(reserve_name(f"_group_{r}", taken), "group", g, r, _common_role(plan.roles, g))
        for r, g in enumerate(plan.groups)
    ]
    plan.ranks = [[r] for r in range(len(plan.groups))]


def _common_role(roles: list[str], members: list[int]) -> str:
    found = {roles[k] for k in members}
    return found.pop() if len(found) == 1 else "hidden"


# --- connections as arrays ----------------------------------------------------------------


@dataclass
class Connections:
    """The program's connections (CSR by target, not copied) and which are drawn."""

    prog: Program
    shown: np.ndarray | None  # |w| >= min_weight (None: all)

    @classmethod
    def visible(cls, prog: Program, min_weight: float) -> Connections:
        shown = np.abs(prog.weights) >= min_weight if min_weight > 0 else None
        return cls(prog, shown)

    @property
    def count(self) -> int:
        n = self.prog.n_connections
        return n if self.shown is None else int(np.count_nonzero(self.shown))

    def ends(self, node_of: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The node (``node_of`` a neuron) of each drawn connection's tail and head, and
        its weight. The head needs no lookup per connection: CSR rows are targets."""
        prog = self.prog
        a, b = node_of[prog.sources], np.repeat(node_of, prog.in_degree)
        w = prog.weights.astype(np.float64, copy=False)
        if self.shown is not None:
            a, b, w = a[self.shown], b[self.shown], w[self.shown]
        return a, b, w

    def neurons(self, picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tail and head neurons of the drawn connections at positions ``picked``."""
        position = picked if self.shown is None else np.flatnonzero(self.shown)[picked]
        targets = np.searchsorted(self.prog.indptr, position, side="right") - 1
        return self.prog.sources[position].astype(np.int64), targets.astype(np.int64)


def _node_index(size: int) -> type:
    """The smallest integer type for keys ``a * size + b`` of nodes below ``size``."""
    return np.int32 if size * size < 2**31 else np.int64


@dataclass
class Pairs:
    """Connections summed per (tail, head) pair of drawn nodes: one row per pair."""

    tail: np.ndarray
    head: np.ndarray
    count: np.ndarray
    total: np.ndarray
    max_abs: np.ndarray
    positive: np.ndarray
    negative: np.ndarray

    @classmethod
    def of(cls, a: np.ndarray, b: np.ndarray, w: np.ndarray, size: int) -> Pairs:
        """Sum the connections ``a[i] → b[i]`` of weight ``w[i]`` (nodes ``< size``).

        Runs of one pair (a row of the CSR order mostly meets a few) are reduced in
        place first, so the grouping works on runs, not on connections.
        """
        key = a.astype(_node_index(size), copy=False) * size + b
        if len(key) == 0:
            return cls._combine(key, size, *(np.zeros(0) for _ in range(5)))
        starts = np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1))
        count = np.diff(np.append(starts, len(key)))
        return cls._combine(
            key[starts], size, count,
            np.add.reduceat(w, starts),
            np.maximum.reduceat(np.abs(w), starts),
            np.add.reduceat(w > 0, starts, dtype=np.int64),
            np.add.reduceat(w < 0, starts, dtype=np.int64),
        )

    def merged(self, node_of: np.ndarray, size: int) -> Pairs:
        """The same sums for coarser nodes (``node_of`` maps each node to its merger)."""
        key = node_of[self.tail] * size + node_of[self.head]
        return self._combine(key, size, self.count, self.total, self.max_abs,
                             self.positive, self.negative)

    @classmethod
    def _combine(cls, key: np.ndarray, size: int, count: np.ndarray, total: np.ndarray,
                 max_abs: np.ndarray, positive: np.ndarray, negative: np.ndarray) -> Pairs:
        unique, inverse = np.unique(key, return_inverse=True)
        m = len(unique)

        def add(x: np.ndarray) -> np.ndarray:
            return np.bincount(inverse, weights=x, minlength=m)

        largest = np.zeros(m)
        np.maximum.at(largest, inverse, max_abs)
        return cls(unique // size, unique % size, add(count).astype(np.int64), add(total),
                   largest, add(positive).astype(np.int64), add(negative).astype(np.int64))


@dataclass
class EdgeTable:
    """The drawn edges as arrays: single connections, then bundles (``Pairs``)."""

    rank: np.ndarray  # rank of each drawn node
    pairs: Pairs
    tail: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    head: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ends: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    mutual: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @classmethod
    def of(cls, plan: Plan, pairs: Pairs) -> EdgeTable:
        return cls(np.array([node.rank for node in plan.nodes], dtype=np.int64), pairs)

    @property
    def n_edges(self) -> int:
        return len(self.tail) + len(self.pairs.tail)

    @property
    def cost(self) -> int:
        """:func:`layout_cost` of these edges, computed on the arrays."""
        tails = np.concatenate((self.tail, self.pairs.tail))
        heads = np.concatenate((self.head, self.pairs.head))
        spans = np.maximum(1, np.abs(self.rank[heads] - self.rank[tails]))
        return len(self.rank) + int(spans.sum())

    def drawn(self) -> list[DrawnEdge]:
        """The edges as objects, ordered by (tail, head) drawn node."""
        rank, p = self.rank, self.pairs
        edges = [
            DrawnEdge(a, b, rank[b] <= rank[a], True, count=1, total=w, max_abs=abs(w),
                      positive=int(w > 0), negative=int(w < 0), weight=w, ends=(u, v),
                      mutual=m)
            for a, b, (u, v), w, m in zip(self.tail.tolist(), self.head.tolist(),
                                          self.ends.tolist(), self.weight.tolist(),
                                          self.mutual.tolist(), strict=True)
        ]
        edges += [
            DrawnEdge(a, b, rank[b] <= rank[a], False, count=c, total=t, max_abs=x,
                      positive=pos, negative=neg)
            for a, b, c, t, x, pos, neg in zip(
                p.tail.tolist(), p.head.tolist(), p.count.tolist(), p.total.tolist(),
                p.max_abs.tolist(), p.positive.tolist(), p.negative.tolist(), strict=True)
        ]
        edges.sort(key=lambda e: (e.tail, e.head))
        return edges


def _detail_edges(plan: Plan, conns: Connections) -> EdgeTable:
    """Connections between two neurons drawn alone stay single (a symmetric pair is
    one edge); those touching a "⋯" node are bundled per pair of drawn nodes."""
    size = len(plan.nodes)
    node_of: np.ndarray = np.empty(len(plan.ids), dtype=_node_index(size))
    for d, node in enumerate(plan.nodes):
        node_of[node.members] = d
    alone = np.array([node.kind == "neuron" for node in plan.nodes], dtype=bool)
    a, b, w = conns.ends(node_of)
    single = alone[a] & alone[b]
    if single.all():
        pairs = Pairs.of(a[:0], b[:0], w[:0], size)
    else:
        bundled = ~single
        pairs = Pairs.of(a[bundled], b[bundled], w[bundled], size)
    table = EdgeTable.of(plan, pairs)
    s = np.flatnonzero(single)
    u, v = conns.neurons(s)
    w = w[s]
    order = np.lexsort((v, u))  # by tail neuron, then head neuron
    u, v, w = u[order], v[order], w[order]
    tail, head = node_of[u].astype(np.int64), node_of[v].astype(np.int64)
    back = table.rank[head] <= table.rank[tail]
    keep, mutual = _symmetric(u, v, w, back, len(plan.ids))
    table.tail, table.head = tail[keep], head[keep]
    table.ends = np.stack((u[keep], v[keep]), axis=1)
    table.weight, table.mutual = w[keep], mutual[keep]
    return table


def _symmetric(u: np.ndarray, v: np.ndarray, w: np.ndarray, back: np.ndarray,
               n: int) -> tuple[np.ndarray, np.ndarray]:
    """Which single edges to keep, and which of those stand for a symmetric pair.

    ``u → v`` and ``v → u`` of equal weight are one undirected edge: the forward one is
    kept (not a back edge), else the one from the first neuron in neuron order. The
    edges come sorted by ``(u, v)``.
    """
    if len(u) == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    key, reverse = u * n + v, v * n + u
    twin = np.minimum(np.searchsorted(key, reverse), len(key) - 1)
    paired = (key[twin] == reverse) & (u != v) & (w[twin] == w)
    first = (back < back[twin]) | ((back == back[twin]) & (u < v))
    return ~paired | first, paired & first
