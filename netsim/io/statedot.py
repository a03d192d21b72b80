"""Diagrams of attractor analyses: the state graph, or a basin-level summary of it.

:func:`state_diagram` draws a :class:`~netsim.analyse.StateSpaceAnalysis`:

- **full view** (at most ``max_states`` states, 64 by default): one node per state,
  named by its label (the free neurons' values in neuron order, e.g. ``+-+``); an edge
  to its successor (parallel rule) or, labelled with the neuron updated, to each state
  one update reaches (sequential rule). States on an attractor are filled with that
  attractor's colour and have a bold border; garden-of-Eden states (no predecessor,
  parallel rule) a dashed border.
- **condensed view** (more states): one node per attractor, with its kind, its first
  states and its basin size (and share of all states), its area growing with the basin;
  at most :data:`MAX_ATTRACTOR_NODES` attractors, largest basins first.

Both carry a title and a legend (colour = attractor, dashed = garden of Eden) and use
one font. Everything is emitted in a fixed order with fixed number formats, so the DOT
text is deterministic; every piece of user text (neuron ids, the title) is quoted by
:func:`netsim.io.quoting.dot_string` / :func:`netsim.io.quoting.html_text`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..errors import ParameterError
from .quoting import dot_string, html_text

if TYPE_CHECKING:  # pragma: no cover
    import graphviz

    from ..analyse.statespace import Attractor, StateSpaceAnalysis

__all__ = ["COLOURS", "MAX_ATTRACTOR_NODES", "MAX_STATES", "state_diagram"]

MAX_STATES = 64
MAX_ATTRACTOR_NODES = 60
# Distinct fills for the attractors (ColorBrewer Set3/Paired, light enough for black text).
COLOURS = ["#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#ffff99", "#8dd3c7",
           "#bebada", "#80b1d3", "#fccde5"]
FONT = "Helvetica"


def _colour(k: int) -> str:
    return COLOURS[k % len(COLOURS)]


def _kind(a: Attractor) -> str:
    if a.is_fixed_point:
        return "fixed point"
    return f"cycle of {a.period}" if a.rule == "parallel" else f"component of {a.size}"


def _states_text(a: Attractor, limit: int = 4) -> str:
    labels = [label or "()" for label in a.labels[:limit]]
    joiner = " → " if a.rule == "parallel" else ", "
    return joiner.join(labels) + (" …" if a.size > limit else "")


def _legend(analysis: StateSpaceAnalysis, title: str | None, condensed: bool) -> str:
    space = analysis.space
    free = [str(n) for n in space.free_ids]
    shown = ", ".join(free if len(free) <= 12 else [*free[:6], "…", *free[-3:]])
    head = html_text(title) if title is not None else "state graph"
    rows = [f"<b>{head}</b>  {html_text(analysis.rule)} rule, {analysis.n_states} states, "
            f"{len(analysis.attractors)} attractor{'s' * (len(analysis.attractors) != 1)}",
            f"a state lists the free neurons in this order: {html_text(shown)}"]
    if space.constants:
        consts = ", ".join(f"{k}={v:g}" for k, v in list(space.constants.items())[:8])
        rows.append(f"held fixed: {html_text(consts)}")
    if condensed:
        rows.append(f"one node per attractor (largest basins first, at most "
                    f"{MAX_ATTRACTOR_NODES}); area ∝ basin; more than {MAX_STATES} states")
    else:
        rows.append("filled, bold border: a state on an attractor (colour: which one)   "
                    + ("dashed border: garden of Eden (no predecessor)"
                       if analysis.rule == "parallel" else "edge label: the neuron updated"))
    for a in analysis.attractors[:10]:  # a swatch in the attractor's colour, then its facts
        rows.append(f'<font color="{_colour(a.index)}" point-size="14">■</font> #{a.index} '
                    f"{html_text(_kind(a))}: {html_text(_states_text(a, 3))}; basin {a.basin}")
    more = len(analysis.attractors) - 10
    if more > 0:
        rows.append(f"… {more} more attractors")
    table = "".join(f'<tr><td align="left">{r}</td></tr>' for r in rows)
    return f'<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{table}</table>'


def state_diagram(
    analysis: StateSpaceAnalysis,
    *,
    max_states: int = MAX_STATES,
    condensed: bool | None = None,
    title: str | None = None,
    legend: bool = True,
    direction: str = "LR",
) -> graphviz.Digraph:
    """The state graph of an attractor analysis as a ``graphviz.Digraph``.

    Parameters
    ----------
    analysis : StateSpaceAnalysis
        From :func:`netsim.attractors`.
    max_states : int
        The full graph up to this many states; beyond, the condensed view.
    condensed : bool, optional
        Force the condensed (True) or full (False) view; ``None`` decides by size.
        The full view is limited to 2^16 states.
    title : str, optional
        The legend's first words (default "state graph").
    legend : bool
        The title and legend under the diagram.
    direction : {"LR", "TB"}
        Direction of the full view.

    Returns
    -------
    graphviz.Digraph

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="sign"); net.add_neuron("b", activation="sign")
    >>> net.connect("a", "b", -1.0); net.connect("b", "a", -1.0)
    >>> source = ns.attractors(net).to_dot().source
    >>> '"++" -> "--"' in source and "garden of Eden" in source
    True
    """
    import graphviz

    if isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 1:
        raise ParameterError(f"max_states must be an integer >= 1, got {max_states!r}")
    if direction not in ("LR", "TB"):
        raise ParameterError(f"direction must be 'LR' or 'TB', got {direction!r}")
    if condensed is None:
        condensed = analysis.n_states > max_states
    graph_attrs = [f"fontname={dot_string(FONT)}", 'fontsize="10"']
    if legend:
        graph_attrs += ['labelloc="b"', 'labeljust="l"',
                        f"label=<{_legend(analysis, title, condensed)}>"]
    body = ["\tgraph [" + " ".join(graph_attrs) + "]\n",
            f"\tnode [fontname={dot_string(FONT)} fontsize=\"11\"]\n",
            f"\tedge [fontname={dot_string(FONT)} fontsize=\"9\" arrowsize=\"0.6\"]\n"]
    body += _condensed(analysis) if condensed else _full(analysis, direction)
    return graphviz.Digraph(name="states", body=body)


def _full(analysis: StateSpaceAnalysis, direction: str) -> list[str]:
    g = analysis.graph()
    lines = [f'\tgraph [rankdir="{direction}" nodesep="0.15" ranksep="0.35"]\n',
             '\tnode [shape="box" style="rounded" margin="0.05,0.02" height="0.25"]\n']
    for node, data in g.nodes(data=True):
        attrs = []
        if data.get("in_attractor"):
            attrs = ['style="rounded,filled"', f'fillcolor="{_colour(data["attractor"])}"',
                     'penwidth="2"']
        elif data.get("garden_of_eden"):
            attrs = ['style="rounded,dashed"']
        label = node or "()"
        lines.append(f"\t{dot_string(node)} [label={dot_string(label)}" +
                     "".join(" " + a for a in attrs) + "]\n")
    for u, v, data in g.edges(data=True):
        neuron = data.get("neuron")
        label = f" [label={dot_string(neuron)}]" if neuron is not None else ""
        lines.append(f"\t{dot_string(u)} -> {dot_string(v)}{label}\n")
    return lines


def _condensed(analysis: StateSpaceAnalysis) -> list[str]:
    atts = sorted(analysis.attractors, key=lambda a: (-a.basin, a.index))
    shown = atts[:MAX_ATTRACTOR_NODES]
    total = analysis.n_states
    columns = max(1, math.ceil(math.sqrt(len(shown) + 1)))
    lines = ['\tgraph [layout="neato"]\n',
             '\tnode [shape="box" style="rounded,filled" margin="0.08,0.04"]\n']
    for k, a in enumerate(shown):
        share = a.basin / total
        side = 0.9 + 1.6 * math.sqrt(share)  # area ∝ basin
        x, y = 2.8 * (k % columns), -1.9 * (k // columns)
        label = f"#{a.index} {_kind(a)}\n{_states_text(a)}\nbasin {a.basin} ({100 * share:.1f}%)"
        lines.append(f'\t"attractor {a.index}" [label={dot_string(label)} '
                     f'fillcolor="{_colour(a.index)}" width="{side:.2f}" height="{side * 0.6:.2f}" '
                     f'pos="{x:.2f},{y:.2f}!"]\n')
    rest = atts[MAX_ATTRACTOR_NODES:]
    extra = []
    if rest:
        extra.append(f"… {len(rest)} more attractors (basins {sum(a.basin for a in rest)} "
                     "states)")
    if analysis.rule == "sequential":
        several = int((analysis.attractor_of < 0).sum())
        if several:
            extra.append(f"{several} states can reach several attractors")
    if extra:
        k = len(shown)
        x, y = 2.8 * (k % columns), -1.9 * (k // columns)
        lines.append(f'\t"more" [label={dot_string(chr(10).join(extra))} '
                     f'style="rounded,dashed" fillcolor="#ffffff" pos="{x:.2f},{y:.2f}!"]\n')
    return lines
