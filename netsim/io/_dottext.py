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
from ._plan import PINNED, DrawnEdge, DrawnNode, Plan
from .quoting import dot_id, dot_string, html_text

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["Options", "body_lines", "make_options"]

WEIGHT_LABEL_LIMIT = 30
PINNED_LABEL_LIMIT = 10
MIN_PENWIDTH, MAX_PENWIDTH = 0.4, 4.0

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
        self.data = [net.graph.nodes[n] for n in plan.ids]
        singles = sum(1 for e in plan.edges if e.single)
        # straight edges of a circle or grid meet in the middle, where labels would pile up
        limit = WEIGHT_LABEL_LIMIT if plan.layout not in PINNED else PINNED_LABEL_LIMIT
        auto = plan.mode == "full" and singles <= limit
        self.weight_labels = auto if opts.weights is None else opts.weights
        self.layer_numbers = plan.layer_numbers
        # Every rank group is a cluster (invisible unless clusters=True): with
        # remincross=false this is what keeps dot to the neuron order (see lines()).
        self.layered = plan.layout == "layered"
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
        positions = _positions(plan.layout, len(order))
        for pos, d in zip(positions, order, strict=False):
            out.append(self._node(plan.nodes[d], pos))
        if not positions:
            out.extend(self._node(plan.nodes[d]) for d in order)
        out.extend(self._edge(e) for e in plan.edges)
        return out

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

    def _function_text(self, k: int) -> str:
        data = self.data[k]
        parts = []
        potential = data.get("potential", "weighted_sum")
        pot = POTENTIALS.get(potential) if potential in POTENTIALS else None
        if potential != "weighted_sum":
            parts.append(pot.symbol if pot is not None else potential)
        activation = data.get("activation", "identity")
        act = ACTIVATIONS.get(activation) if activation in ACTIVATIONS else None
        parts.append(act.symbol if act is not None else activation)
        if pot is None or pot.has_bias:
            parts.append("b=" + _short(float(data.get("bias", 0.0)), signed=True))
        return "  ".join(parts)

    def _neuron_label(self, k: int) -> str:
        data = self.data[k]
        label, neuron_id = data.get("label"), str(self.plan.ids[k])
        rows = [f"<b>{html_text(label or neuron_id)}</b>"]
        if label and label != neuron_id:  # which neuron it is stays visible (y1: setosa)
            rows[0] += f' <font point-size="9">{html_text(neuron_id)}</font>'

        if self.plan.has_incoming[k]:
            rows.append(f'<font point-size="9">{html_text(self._function_text(k))}</font>')
        if self.values is not None and math.isfinite(self.values[k]):
            rows.append(f'<font point-size="9">= {html_text(_short(float(self.values[k])))}</font>')
        return _join_rows(rows)

    def _neuron_tooltip(self, k: int) -> str:
        plan, data = self.plan, self.data[k]
        where = f"rank {self.rank_of[k]}" if plan.recurrent else (
            f"layer {self.layer_numbers[plan.ids[k]]}" if self.layer_numbers else "")
        lines = [f"{plan.ids[k]!s} ({plan.roles[k]}, {where})"]
        if data.get("label"):
            lines.append(f"label: {data['label']}")
        lines.append("activation: " + _with_params(data.get("activation", "identity"),
                                                    data.get("activation_params")))
        lines.append("potential: " + _with_params(data.get("potential", "weighted_sum"),
                                                   data.get("potential_params")))
        lines.append(f"bias: {_full(data.get('bias', 0.0))}")
        lines.append(f"initial: {_full(data.get('initial', 0.0))}")
        if data.get("group") is not None:
            lines.append(f"group: {data['group']}")
        incoming = self.net.graph.in_degree(plan.ids[k])
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
        activation = self.data[k].get("activation", "identity")
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

    def _edge(self, edge: DrawnEdge) -> str:
        plan = self.plan
        tail, head = plan.nodes[edge.tail], plan.nodes[edge.head]
        attrs: list[tuple[str, object]] = []
        if edge.single:
            w = edge.weight
            color = palette.weight_color(w)
            scale = abs(w) / plan.max_abs_weight if plan.max_abs_weight > 0 else 0.0
            width = max(MIN_PENWIDTH, MAX_PENWIDTH * scale)
            u, v = (plan.ids[k] for k in edge.ends)
            tooltip = (f"{u} ↔ {v}\nw = {_full(w)} (both directions)" if edge.mutual
                       else f"{u} → {v}\nw = {_full(w)}")
            label = _short(w, signed=True) if self.weight_labels else None
        else:
            color = {1: palette.POSITIVE, -1: palette.NEGATIVE}.get(edge.sign, palette.NEUTRAL)
            width = min(3.0, 0.8 + 0.6 * math.log10(edge.count))
            tooltip = (f"{edge.count} connection{'s' * (edge.count != 1)} "
                       f"{self._node_text(tail)} → {self._node_text(head)}\n"
                       f"sum w = {_full(edge.total)}, max |w| = {_full(edge.max_abs)}\n"
                       f"positive: {edge.positive}, negative: {edge.negative}")
            few = plan.mode == "summary" and len(plan.edges) <= WEIGHT_LABEL_LIMIT
            label = f"×{edge.count}" if self.weight_labels or few else None
        attrs += [("color", color), ("penwidth", _pw(width))]
        if edge.mutual:
            attrs.append(("dir", "none"))
        if edge.back and self.layered:
            attrs += [("style", "dashed"), ("constraint", "false")]
        if label is not None:
            attrs += [("label", label), ("fontcolor", color)]
        attrs.append(("tooltip", tooltip))
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
            data = self.data[node.members[0]]
            activation = data.get("activation", "identity")
            if activation in ACTIVATIONS:
                found.setdefault(ACTIVATIONS.get(activation).symbol, activation)
            potential = data.get("potential", "weighted_sum")
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
                f'<td>value ({scale.kind}):</td>{"".join(cells)}</tr></table>')


def _positions(layout: str, n: int) -> list[tuple[float, float]]:
    """Fixed node positions in inches: neuron order clockwise from the top (circle), or
    row by row in a near-square grid; none for the spring layout."""
    if layout not in PINNED or n == 0:
        return []
    if layout == "circle":
        if n == 1:
            return [(0.0, 0.0)]
        radius = max(1.3, n * 1.0 / (2 * math.pi))
        return [(radius * math.sin(2 * math.pi * k / n), radius * math.cos(2 * math.pi * k / n))
                for k in range(n)]
    columns = math.ceil(math.sqrt(n))
    return [(1.1 * (k % columns), -0.8 * (k // columns)) for k in range(n)]


def _with_params(name: str, params: Mapping[str, float] | None) -> str:
    if not params:
        return name
    inner = ", ".join(f"{k}={_full(v)}" for k, v in sorted(params.items()))
    return f"{name}({inner})"
