"""DOT text for a drawing plan: quoting, fixed number formats, options, the emitter.

Private to :mod:`netsim.io.dot`, which documents what the text means. Everything here
is deterministic: the same plan and options always give the same lines.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ParameterError
from ..functions import ACTIVATIONS, POTENTIALS
from . import palette
from ._plan import PINNED, DrawnEdge, DrawnNode, Plan, reserve_name
from .quoting import dot_id, dot_string, html_text

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network, Neuron

__all__ = ["Options", "body_lines", "make_options"]

WEIGHT_LABEL_LIMIT = 30
PINNED_LABEL_LIMIT = 10
MIN_PENWIDTH, MAX_PENWIDTH = 0.4, 4.0
# Beyond this many straight edges (circle, grid, spring), edges are thinner and
# translucent, so the neurons and the pattern of signs stay readable.
DENSE_EDGES = 60
DENSE_MAX_PENWIDTH, DENSE_ALPHA = 2.0, "99"

_SHAPES = {
    "input": ("box", 1),
    "hidden": ("ellipse", 1),
    "output": ("ellipse", 2),
    "both": ("box", 2),
}


# --- text helpers: quoting, escaping, fixed number formats ------------------------------


# The quoting lives in netsim.io.quoting (one place for every user text in DOT/HTML).


class _Html(str):
    """An HTML-like attribute value, emitted as ``<...>``."""


def _attrs(pairs: Sequence[tuple[str, object]]) -> str:
    parts = []
    for key, value in pairs:
        if isinstance(value, _Html):
            parts.append(f"{key}=<{value}>")
        else:
            parts.append(f"{key}={dot_string(str(value))}")
    return " [" + " ".join(parts) + "]" if parts else ""


def _short(x: float, signed: bool = False) -> str:
    """Three significant digits, a true minus sign, optionally an explicit plus."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    text = f"{x:.3g}"
    if signed and x > 0:
        text = "+" + text
    return text.replace("-", "−")


def _full(x: float | str) -> str:
    """Full precision (shortest round-tripping repr); a word ("keep") as itself."""
    return x if isinstance(x, str) else repr(float(x))


def _sum(x: float) -> str:
    """A sum of many weights to 12 significant digits: its last digits would only
    tell the order in which the floats were added."""
    return f"{x:.12g}"


def _pw(x: float) -> str:
    return f"{x:.2f}"

# --- options ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    direction: str
    weights: bool | None
    min_weight: float
    clusters: bool
    legend: bool
    max_layer_width: int | str | None  # "auto": decided by the plan
    keep: int
    max_nodes: int
    max_edges: int
    summary: bool | None
    title: str | None
    layout: str = "auto"


def make_options(
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
    title: str | None = None,
    layout: str = "auto",
) -> Options:
    """The diagram options, from values that meet :data:`netsim.io.dot.DIAGRAM_CONSTRAINTS`
    (checked by :func:`netsim.io.dot.to_dot`); only the bound that ties two of them
    together is checked here."""
    if max_layer_width not in (None, "auto") and int(max_layer_width) < 2 * keep + 1:
        raise ParameterError(f"max_layer_width must be an integer >= {2 * keep + 1} (twice "
                             f"keep={keep}, plus one), got {max_layer_width!r}")
    return Options(
        direction=direction.upper(),
        weights=None if weights is None else bool(weights),
        min_weight=float(min_weight),
        clusters=bool(clusters),
        legend=bool(legend),
        max_layer_width=max_layer_width if max_layer_width in (None, "auto") else int(
            max_layer_width),  # type: ignore[arg-type]
        keep=int(keep),
        max_nodes=int(max_nodes),
        max_edges=int(max_edges),
        summary=None if summary is None else bool(summary),
        title=title,
        layout=layout,
    )


def body_lines(
    net: Network,
    plan: Plan,
    opts: Options,
    values: np.ndarray | None,
    scale: palette.Scale | None,
) -> list[str]:
    """The body lines of the ``digraph`` (each starts with a tab, ends with a newline)."""
    return _Emitter(net, plan, opts, values, scale).lines()


# A thin spacer line under the bold first row: without it the descenders of the bold
# line (an underscore in "h1_1") touch the smaller second line.
_SPACER = '<br/><font point-size="3"> </font><br/>'


def _join_rows(rows: list[str]) -> str:
    if len(rows) < 2:
        return "".join(rows)
    return rows[0] + _SPACER + "<br/>".join(rows[1:])


class _Emitter:
    """Writes the DOT body lines for a plan."""

    def __init__(
        self,
        net: Network,
        plan: Plan,
        opts: Options,
        values: np.ndarray | None,
        scale: palette.Scale | None,
    ) -> None:
        self.net, self.plan, self.opts = net, plan, opts
        self.values, self.scale = values, scale
        self._neurons: dict[int, Neuron] = {}  # snapshots of the neurons drawn alone
        singles = sum(1 for e in plan.edges if e.single)
        # straight edges of a circle or grid meet in the middle, where labels would pile up
        limit = WEIGHT_LABEL_LIMIT if plan.layout not in PINNED else PINNED_LABEL_LIMIT
        auto = plan.mode == "full" and singles <= limit
        self.weight_labels = auto if opts.weights is None else opts.weights
        self.layer_numbers = plan.layer_numbers
        # Every rank group is a cluster (invisible unless clusters=True): with
        # remincross=false this is what keeps dot to the neuron order (see lines()).
        self.layered = plan.layout == "layered"
        self.dense = not self.layered and len(plan.edges) > DENSE_EDGES
        self.clusters = (self.layered and plan.mode != "summary"
                         and any(len(row) > 1 for row in plan.ranks))
        self.rank_of = {k: r for r, group in enumerate(plan.groups) for k in group}

    def lines(self) -> list[str]:
        if not self.layered:
            return self._free_lines()
        opts, plan = self.opts, self.plan
        graph_attrs: list[tuple[str, object]] = [
            ("rankdir", opts.direction),
            ("newrank", "true"),
            ("nodesep", "0.2"),
            ("ranksep", "0.5" if plan.mode == "summary" else "0.7"),
            ("outputorder", "edgesfirst"),
            ("fontname", "Helvetica"),
            ("fontsize", "10"),
            ("tooltip", self._graph_tooltip()),
        ]
        if self.clusters:
            # dot's final crossing reduction would reorder the clusters' chains.
            graph_attrs.append(("remincross", "false"))
        if opts.legend:
            graph_attrs += [("labelloc", "b"), ("labeljust", "l"),
                            ("label", _Html(self._legend()))]
        out = [
            f"\tgraph{_attrs(graph_attrs)}\n",
            '\tnode [fontname="Helvetica" fontsize="11" style="filled" '
            'fillcolor="#ffffff" margin="0.06,0.03" width="0.4" height="0.3"]\n',
            '\tedge [fontname="Helvetica" fontsize="9" arrowsize="0.6"]\n',
        ]
        for r, row in enumerate(plan.ranks):
            node_lines = [self._node(plan.nodes[d]) for d in row]
            if self.clusters:
                out.append(f"\tsubgraph {dot_id(f'cluster_{r}')} {{\n")
                if self.opts.clusters:
                    caption = dot_string(self._group_caption(r))
                    out.append(f'\t\tgraph [label={caption} labelloc="t" labeljust="l" '
                               'style="rounded,dashed" color="#b0b0b0" fontsize="10"]\n')
                else:
                    out.append('\t\tgraph [label="" style="invis"]\n')
                out.extend("\t" + line for line in node_lines)
                out.append("\t}\n")
            else:
                out.extend(node_lines)
        for r, row in enumerate(plan.ranks):
            out.extend(self._rank(r, row))
        if len(plan.ranks) > 1:
            # An invisible spine through the first node of each group puts the groups on
            # successive ranks; dot (2.43) ignores rank=source/sink under newrank=true.
            spine = " -> ".join(dot_id(plan.nodes[row[0]].name) for row in plan.ranks)
            out.append(f'\t{spine} [style="invis"]\n')
        out.extend(self._edge(e) for e in plan.edges)
        return out

    def _free_lines(self) -> list[str]:
        """Circle, grid (fixed positions, straight edges) and spring (neato) layouts."""
        plan, opts = self.plan, self.opts
        graph_attrs: list[tuple[str, object]] = [
            ("layout", "neato"),
            ("outputorder", "edgesfirst"),
            ("fontname", "Helvetica"),
            ("fontsize", "10"),
            ("tooltip", self._graph_tooltip()),
        ]
        if plan.layout == "spring":  # deterministic start, no overlapping nodes
            graph_attrs += [("start", "1"), ("overlap", "false"), ("sep", "+8"),
                            ("splines", "true")]
        else:
            graph_attrs.append(("splines", "line"))
        if opts.legend:
            graph_attrs += [("labelloc", "b"), ("labeljust", "l"),
                            ("label", _Html(self._legend()))]
        out = [
            f"\tgraph{_attrs(graph_attrs)}\n",
            '\tnode [fontname="Helvetica" fontsize="11" style="filled" '
            'fillcolor="#ffffff" margin="0.06,0.03" width="0.4" height="0.3"]\n',
            '\tedge [fontname="Helvetica" fontsize="9" arrowsize="0.6"]\n',
        ]
        order = sorted(range(len(plan.nodes)), key=lambda d: plan.nodes[d].members[0])
        labelled = any(self._edge_label(e) is not None for e in plan.edges)
        positions = _positions(plan.layout, len(order), labelled)
        for pos, d in zip(positions, order, strict=False):
            out.append(self._node(plan.nodes[d], pos))
        if not positions:
            out.extend(self._node(plan.nodes[d]) for d in order)
            out.extend(self._edge(e) for e in plan.edges)
            return out
        # Straight edges between fixed positions: Graphviz would put every label at its
        # edge's midpoint, and the midpoints of a circle's diameters all coincide. Each
        # label is a small white box pinned on its own edge instead, where it overlaps
        # no other label and no neuron (drawn over the edges: outputorder=edgesfirst).
        at = dict(zip(order, positions, strict=False))
        segments = np.array([(at[e.tail], at[e.head]) for e in plan.edges]).reshape(-1, 2, 2)
        placer = _LabelPlacer(segments, np.array(positions))
        taken = set(plan.names) | {node.name for node in plan.nodes}
        for k, e in enumerate(plan.edges):
            out.append(self._edge(e, inline_label=False))
            label = self._edge_label(e)
            if label is not None:
                pos = placer.place(k, e.mutual)
                out.append(self._label_node(reserve_name("_w", taken), label, pos, e))
        return out

    def _label_node(self, name: str, label: tuple[str, str], pos: tuple[float, float],
                    edge: DrawnEdge) -> str:
        text, color = label
        x, y = (round(c, 3) + 0.0 for c in pos)
        attrs: list[tuple[str, object]] = [
            ("shape", "box"), ("pos", f"{x:.3f},{y:.3f}!"), ("label", text),
            ("fontsize", "9"), ("fontcolor", color), ("color", "#ffffff"),
            ("fillcolor", "#ffffff"), ("margin", "0.02,0.01"), ("width", "0"),
            ("height", "0"), ("tooltip", self._edge_tooltip(edge)),
        ]
        return f"\t{dot_id(name)}{_attrs(attrs)}\n"

    # --- ranks -----------------------------------------------------------------------

    def _rank(self, r: int, row: list[int]) -> list[str]:
        last = len(self.plan.ranks) - 1
        kind = "same"
        if last > 0 and r == 0:
            kind = "source"
        elif last > 0 and r == last:
            kind = "sink"
        names = [dot_id(self.plan.nodes[d].name) for d in row]
        lines = [f"\t{{ rank={kind}; " + "; ".join(names) + "; }\n"]
        if len(names) > 1:  # invisible chain: keeps the neuron order across the rank
            chain = names[::-1] if self.clusters and self.opts.direction == "LR" else names
            lines.append(f"\t{' -> '.join(chain)} [style=\"invis\"]\n")
        return lines

    def _group_caption(self, r: int) -> str:
        plan = self.plan
        members = plan.groups[r]
        if plan.recurrent or self.layer_numbers is None:
            lo, hi = plan.spans[r] if plan.spans else (r, r)
            caption = f"rank {lo}" if lo == hi else f"ranks {lo}–{hi}"
        else:
            numbers = sorted({self.layer_numbers[plan.ids[k]] for k in members})
            caption = (f"layer {numbers[0]}" if len(numbers) == 1
                       else f"layers {numbers[0]}–{numbers[-1]}")
        roles = {plan.roles[k] for k in members}
        if roles == {"input"}:
            caption += " (inputs)"
        elif roles == {"output"}:
            caption += " (outputs)"
        return caption

    # --- nodes -----------------------------------------------------------------------

    def _node(self, node: DrawnNode, pos: tuple[float, float] | None = None) -> str:
        shape, peripheries = _SHAPES[node.role]
        attrs: list[tuple[str, object]] = [("shape", shape)]
        if pos is not None:  # inches, pinned ("!")
            x, y = (round(c, 3) + 0.0 for c in pos)  # + 0.0: never "-0.000"
            attrs.append(("pos", f"{x:.3f},{y:.3f}!"))
        if peripheries > 1:
            attrs.append(("peripheries", peripheries))
        if node.kind == "neuron":
            k = node.members[0]
            label, tooltip = self._neuron_label(k), self._neuron_tooltip(k)
        elif node.kind == "more":
            label, tooltip = self._more_label(node), self._members_tooltip(node)
            attrs.append(("style", "filled,dashed"))
        else:
            label, tooltip = self._group_label(node), self._members_tooltip(node)
        value = self._value(node)
        if value is not None:
            fill = self.scale.color(value)  # type: ignore[union-attr]
            attrs += [("fillcolor", fill), ("fontcolor", palette.text_color(fill))]
        attrs += [("label", _Html(label)), ("tooltip", tooltip)]
        return f"\t{dot_id(node.name)}{_attrs(attrs)}\n"

    def _value(self, node: DrawnNode) -> float | None:
        if self.values is None:
            return None
        vals = self.values[node.members]
        vals = vals[np.isfinite(vals)]
        return float(vals.mean()) if vals.size else None

    def _neuron(self, k: int) -> Neuron:
        """Neuron ``k``'s definition (read through the network, never its graph: a
        network built from arrays keeps no graph until a user asks for one)."""
        found = self._neurons.get(k)
        if found is None:
            found = self._neurons[k] = self.net.neuron(self.plan.ids[k])
        return found

    def _function_text(self, k: int) -> str:
        data = self._neuron(k)
        parts = []
        potential = data.potential
        pot = POTENTIALS.get(potential) if potential in POTENTIALS else None
        if potential != "weighted_sum":
            parts.append(pot.symbol if pot is not None else potential)
        activation = data.activation
        act = ACTIVATIONS.get(activation) if activation in ACTIVATIONS else None
        parts.append(act.symbol if act is not None else activation)
        if pot is None or pot.has_bias:
            parts.append("b=" + _short(data.bias, signed=True))
        return "  ".join(parts)

    def _neuron_label(self, k: int) -> str:
        label, neuron_id = self._neuron(k).label, str(self.plan.ids[k])
        rows = [f"<b>{html_text(label or neuron_id)}</b>"]
        if label and label != neuron_id:  # which neuron it is stays visible (y1: setosa)
            rows[0] += f' <font point-size="9">{html_text(neuron_id)}</font>'

        if self.plan.has_incoming[k]:
            rows.append(f'<font point-size="9">{html_text(self._function_text(k))}</font>')
        if self.values is not None and math.isfinite(self.values[k]):
            rows.append(f'<font point-size="9">= {html_text(_short(float(self.values[k])))}</font>')
        return _join_rows(rows)

    def _neuron_tooltip(self, k: int) -> str:
        plan, data = self.plan, self._neuron(k)
        where = f"rank {self.rank_of[k]}" if plan.recurrent else (
            f"layer {self.layer_numbers[plan.ids[k]]}" if self.layer_numbers else "")
        lines = [f"{plan.ids[k]!s} ({plan.roles[k]}, {where})"]
        if data.label:
            lines.append(f"label: {data.label}")
        lines.append("activation: " + _with_params(data.activation, data.activation_params))
        lines.append("potential: " + _with_params(data.potential, data.potential_params))
        lines.append(f"bias: {_full(data.bias)}")
        lines.append(f"initial: {_full(data.initial)}")
        if data.group is not None:
            lines.append(f"group: {data.group}")
        incoming = plan.in_degree[k]
        lines.append(f"incoming connections: {incoming}")
        if self.values is not None:
            v = self.values[k]
            lines.append(f"value: {_full(v)}" if math.isfinite(v) else "value: not given")
        return "\n".join(lines)

    def _more_label(self, node: DrawnNode) -> str:
        label = f"<i>⋯ (+{len(node.members)})</i>"
        if self.values is not None:
            v = self._value(node)
            if v is not None:
                label += f'<br/><font point-size="9">mean {html_text(_short(v))}</font>'
        return label

    def _activation_summary(self, members: list[int]) -> str:
        counts = Counter(self._function_symbol(k) for k in members)
        if len(counts) == 1:
            return next(iter(counts))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{sym}×{n}" for sym, n in ranked[:3]) + (
            ", …" if len(ranked) > 3 else "")

    def _function_symbol(self, k: int) -> str:
        if not self.plan.has_incoming[k]:
            return "—"
        activation = self.plan.activations[k]
        return ACTIVATIONS.get(activation).symbol if activation in ACTIVATIONS else activation

    def _group_label(self, node: DrawnNode) -> str:
        caption = self._group_caption(node.rank)
        size = len(node.members)
        rows = [f"<b>{html_text(caption)}</b>", f"{size} neuron{'s' * (size != 1)}",
                f'<font point-size="9">{html_text(self._activation_summary(node.members))}</font>']
        if self.values is not None:
            v = self._value(node)
            if v is not None:
                rows.append(f'<font point-size="9">mean {html_text(_short(v))}</font>')
        return _join_rows(rows)

    def _members_tooltip(self, node: DrawnNode) -> str:
        ids = [str(self.plan.ids[k]) for k in node.members]
        if len(ids) > 6:
            ids = [*ids[:3], "…", *ids[-3:]]
        shown = ", ".join(ids)
        lines = [f"{len(node.members)} neurons: {shown}",
                 f"activations: {self._activation_summary(node.members)}"]
        if self.values is not None:
            vals = self.values[node.members]
            vals = vals[np.isfinite(vals)]
            if vals.size:
                lines.append(f"values: min {_full(vals.min())}, mean {_full(vals.mean())}, "
                             f"max {_full(vals.max())}")
        return "\n".join(lines)

    # --- edges -----------------------------------------------------------------------

    def _edge(self, edge: DrawnEdge, inline_label: bool = True) -> str:
        plan = self.plan
        tail, head = plan.nodes[edge.tail], plan.nodes[edge.head]
        color = self._edge_color(edge)
        if edge.single:
            scale = abs(edge.weight) / plan.max_abs_weight if plan.max_abs_weight > 0 else 0.0
            width = max(MIN_PENWIDTH, (DENSE_MAX_PENWIDTH if self.dense else MAX_PENWIDTH)
                        * scale)
        else:
            width = min(3.0, 0.8 + 0.6 * math.log10(edge.count))
        line = color + DENSE_ALPHA if self.dense else color
        attrs: list[tuple[str, object]] = [("color", line), ("penwidth", _pw(width))]
        if edge.mutual:
            attrs.append(("dir", "none"))
        if edge.back and self.layered:
            attrs += [("style", "dashed"), ("constraint", "false")]
        label = self._edge_label(edge) if inline_label else None
        if label is not None:
            attrs += [("label", label[0]), ("fontcolor", color)]
        attrs.append(("tooltip", self._edge_tooltip(edge)))
        first, second = tail, head
        if self.layered and tail.rank == head.rank and edge.tail != edge.head:
            # A flat edge against the rank's invisible chain would make a flat cycle,
            # which dot breaks by reordering the rank: write it along the chain instead.
            reversed_chain = self.clusters and self.opts.direction == "LR"
            if (edge.tail > edge.head) != reversed_chain:
                first, second = head, tail
                if not edge.mutual:
                    attrs.insert(0, ("dir", "back"))
        return f"\t{dot_id(first.name)} -> {dot_id(second.name)}{_attrs(attrs)}\n"

    @staticmethod
    def _edge_color(edge: DrawnEdge) -> str:
        if edge.single:
            return palette.weight_color(edge.weight)
        return {1: palette.POSITIVE, -1: palette.NEGATIVE}.get(edge.sign, palette.NEUTRAL)

    def _edge_label(self, edge: DrawnEdge) -> tuple[str, str] | None:
        """The label text and colour of an edge, or None when it has none."""
        if edge.single:
            text = _short(edge.weight, signed=True) if self.weight_labels else None
        else:
            few = self.plan.mode == "summary" and len(self.plan.edges) <= WEIGHT_LABEL_LIMIT
            text = f"×{edge.count}" if self.weight_labels or few else None
        return None if text is None else (text, self._edge_color(edge))

    def _edge_tooltip(self, edge: DrawnEdge) -> str:
        plan = self.plan
        if edge.single:
            u, v = (plan.ids[k] for k in edge.ends)
            w = _full(edge.weight)
            return (f"{u} ↔ {v}\nw = {w} (both directions)" if edge.mutual
                    else f"{u} → {v}\nw = {w}")
        tail, head = plan.nodes[edge.tail], plan.nodes[edge.head]
        return (f"{edge.count} connection{'s' * (edge.count != 1)} "
                f"{self._node_text(tail)} → {self._node_text(head)}\n"
                f"sum w = {_sum(edge.total)}, max |w| = {_full(edge.max_abs)}\n"
                f"positive: {edge.positive}, negative: {edge.negative}")

    def _node_text(self, node: DrawnNode) -> str:
        if node.kind == "neuron":
            return str(self.plan.ids[node.members[0]])
        if node.kind == "more":
            return f"⋯ (+{len(node.members)})"
        return self._group_caption(node.rank)

    # --- legend ----------------------------------------------------------------------

    def _graph_tooltip(self) -> str:
        net, plan = self.net, self.plan
        kind = "recurrent" if plan.recurrent else "feed-forward"
        return (f"{net.name or 'network'}: {len(plan.ids)} neurons, {plan.n_connections} "
                f"connections, {kind}")

    def _legend(self) -> str:
        plan, opts = self.plan, self.opts
        head = f"<b>{html_text(self.net.name or 'network')}</b>  {len(plan.ids)} neurons, " \
               f"{plan.n_connections} connections"
        if opts.title:
            head = f"<b>{html_text(opts.title)}</b>  " + head
        rows = [head]
        if plan.mode == "collapsed":
            rows.append(f"wide layers: first and last {opts.keep} neurons, ⋯ stands for the rest")
        elif plan.mode == "summary":
            rows.append("one node per layer; edges bundle all connections between layers")
        if plan.n_hidden_connections:
            rows.append(f"{plan.n_hidden_connections} connections with |w| &lt; "
                        f"{html_text(_short(opts.min_weight))} hidden")
        rows.append("box: input   ellipse: hidden   double border: output (double box: both)")
        symbols = self._symbols_row()
        if symbols:
            rows.append(symbols)
        edges = (f'<font color="{palette.POSITIVE}">━ w &gt; 0</font>   '
                 f'<font color="{palette.NEGATIVE}">━ w &lt; 0</font>   '
                 f'<font color="{palette.NEUTRAL}">━ 0 or mixed</font>')
        if self.layered and any(e.back for e in plan.edges):
            edges += "   dashed: feedback"
        if any(e.mutual for e in plan.edges):
            edges += "   no arrow: both directions, equal w"
        if plan.max_abs_weight > 0:
            edges += f"   width ∝ |w|, max {html_text(_short(plan.max_abs_weight))}"
        rows.append(edges)
        table = "".join(f'<tr><td align="left">{row}</td></tr>' for row in rows)
        if self.scale is not None:
            table += f'<tr><td align="left">{self._scale_row(self.scale)}</td></tr>'
        return f'<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{table}</table>'

    def _symbols_row(self) -> str:
        """``H step   sgn sign``: the symbols in the labels, for the neurons drawn alone."""
        found: dict[str, str] = {}
        for node in self.plan.nodes:
            if node.kind != "neuron" or not self.plan.has_incoming[node.members[0]]:
                continue
            data = self._neuron(node.members[0])
            activation = data.activation
            if activation in ACTIVATIONS:
                found.setdefault(ACTIVATIONS.get(activation).symbol, activation)
            potential = data.potential
            if potential != "weighted_sum" and potential in POTENTIALS:
                found.setdefault(POTENTIALS.get(potential).symbol, potential)
        if not found:
            return ""
        found = {sym: name for sym, name in found.items() if sym != name}  # "tanh tanh"
        if not found:
            return ""
        parts = [f"<b>{html_text(sym)}</b> {html_text(name)}"
                 for sym, name in sorted(found.items())]
        return "   ".join(parts) + "   b: bias"

    @staticmethod
    def _scale_row(scale: palette.Scale) -> str:
        cells = []
        for tick in scale.ticks():
            fill = scale.color(tick)
            cells.append(f'<td bgcolor="{fill}"><font color="{palette.text_color(fill)}">'
                         f" {html_text(_short(tick))} </font></td>")
        return (f'<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr>'
                f'<td>value:</td>{"".join(cells)}</tr></table>')


# Where a pinned weight label may sit along its edge (fraction from the tail), in order
# of preference: the middle first; a one-way edge's label leans towards its arrow head.
_ALONG_MUTUAL = (0.5, 0.4, 0.6, 0.32, 0.68, 0.45, 0.55, 0.25, 0.75)
_ALONG_DIRECTED = (0.62, 0.7, 0.55, 0.78, 0.47, 0.4, 0.33)
_LABEL_HALF = np.array([0.17, 0.08])  # half width and height of a label box, inches
_NODE_HALF = np.array([0.36, 0.22])  # of a neuron's box or ellipse


class _LabelPlacer:
    """Pins each weight label on its own edge where its box meets no label placed
    before, no neuron and no other edge (else where it meets the fewest)."""

    def __init__(self, segments: np.ndarray, nodes: np.ndarray) -> None:
        self.segments = segments  # (E, 2, 2): tail and head point of every drawn edge
        self.nodes = nodes  # (N, 2)
        self.placed: list[np.ndarray] = []

    def place(self, k: int, mutual: bool) -> tuple[float, float]:
        tail, head = self.segments[k]
        others = np.delete(self.segments, k, axis=0)
        best, fewest = tail, None
        for t in _ALONG_MUTUAL if mutual else _ALONG_DIRECTED:
            point = tail + t * (head - tail)
            clashes = self._boxes(point, self.nodes, _NODE_HALF) + _crossing(point, others)
            if self.placed:
                clashes += self._boxes(point, np.array(self.placed), _LABEL_HALF)
            if clashes == 0:
                best = point
                break
            if fewest is None or clashes < fewest:
                best, fewest = point, clashes
        self.placed.append(best)
        return float(best[0]), float(best[1])

    @staticmethod
    def _boxes(point: np.ndarray, centres: np.ndarray, half: np.ndarray) -> int:
        near = np.abs(centres - point) < _LABEL_HALF + half
        return int(np.count_nonzero(near.all(axis=1)))


def _crossing(point: np.ndarray, segments: np.ndarray) -> int:
    """How many segments pass through the label box centred on ``point``."""
    if len(segments) == 0:
        return 0
    a, b = segments[:, 0], segments[:, 1]
    d = b - a
    length2 = np.maximum((d * d).sum(axis=1), 1e-12)
    t = np.clip(((point - a) * d).sum(axis=1) / length2, 0.0, 1.0)
    nearest = a + t[:, None] * d
    inside = (np.abs(nearest - point) < _LABEL_HALF).all(axis=1)
    return int(np.count_nonzero(inside))


def _positions(layout: str, n: int, labels: bool = False) -> list[tuple[float, float]]:
    """Fixed node positions in inches: neuron order clockwise from the top (circle), or
    row by row in a near-square grid; none for the spring layout. With weight labels
    the neurons stand further apart, so that the labels fit between them."""
    if layout not in PINNED or n == 0:
        return []
    if layout == "circle":
        if n == 1:
            return [(0.0, 0.0)]
        # arcs of 1.3 inches between neighbours: a neuron's box is about 0.8 wide
        radius = max(1.3, n * (1.7 if labels else 1.3) / (2 * math.pi))
        return [(radius * math.sin(2 * math.pi * k / n), radius * math.cos(2 * math.pi * k / n))
                for k in range(n)]
    columns = math.ceil(math.sqrt(n))
    dx, dy = (1.5, 1.1) if labels else (1.1, 0.8)
    return [(dx * (k % columns), -dy * (k // columns)) for k in range(n)]


def _with_params(name: str, params: Mapping[str, float] | None) -> str:
    if not params:
        return name
    inner = ", ".join(f"{k}={_full(v)}" for k, v in sorted(params.items()))
    return f"{name}({inner})"
