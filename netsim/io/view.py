"""The interactive page: one self-contained HTML file stepping through a run.

:func:`view_page` writes the network's diagram (Graphviz SVG, inline), a step slider
with first / back / play-pause / forward buttons (and the arrow keys), and a table of
every neuron's potential ξ and state y at the step shown. Each drawn neuron is filled
with its state's colour (the scale of :mod:`netsim.io.palette`, fixed over the whole
run), shows its value under the node, and is outlined when its value changed at that
step; hovering a neuron shows its id, potential and state.

**Potential shown at step t**: the potential computed from the state after step t−1,
i.e. the one an update at step t uses (none at step 0, none for neurons without
incoming connections). The results of :func:`netsim.recall` (sequential rule) and
:func:`netsim.glauber` record one state per sweep: their pages step by sweep, and the
potential shown is the one at the start of that sweep.

**Self-contained and safe.** No network access: the page loads nothing (a
Content-Security-Policy of ``default-src 'none'`` says so to the browser, and only the
page's own script, by its SHA-256 hash, may run). Every id, label and name is HTML-escaped
(:func:`netsim.io.quoting.html_text`), the data is JSON inside a non-executed
``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u``
escapes (:func:`netsim.io.html.script_json`), and the script only ever writes text
(``textContent``) — so nothing in a network file can add markup or run code.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..checks import Interval, Kind, check_path, check_type, keywords
from ..errors import ParameterError, RenderError, SizeLimitError
from ..functions import get_potential
from . import palette
from ._dottext import make_options
from ._plan import make_plan
from .atomic import atomic_write_text
from .dot import to_dot
from .html import attribute, fmt, script_json
from .quoting import html_text

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["MAX_CELLS", "View", "analysis_page", "potentials", "view_page", "write_view"]

MAX_CELLS = 500_000  # steps × neurons of one page (a few MB of JSON)
FULL_UP_TO = 64  # draw every neuron (no "⋯" collapse) up to this many neurons


def potentials(net: Network, trace: np.ndarray) -> np.ndarray:
    """``xi[t, k]``: neuron k's potential computed from ``trace[t - 1]`` (NaN at t = 0
    and for neurons without incoming connections), from the registered potentials.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.zoo.xor()
    >>> run = net.run([1, 0], record=True)
    >>> potentials(net, run.trace)[1].tolist()[2:]   # h1 = -1 + 2, h2 = 3 - 2, y = -2 + 0
    [1.0, 1.0, -2.0]
    """
    trace = np.asarray(trace, dtype=float)
    ids = list(net.neurons)
    index = {n: k for k, n in enumerate(ids)}
    xi = np.full(trace.shape, np.nan)
    if len(trace) < 2:
        return xi
    prev = trace[:-1]
    for k, neuron_id in enumerate(ids):
        incoming = net.graph.pred[neuron_id]  # source -> edge data, in source order
        if not incoming:
            continue
        sources = list(incoming)
        neuron = net.neuron(neuron_id)
        weights = [float(d.get("weight", 1.0)) for d in incoming.values()]
        inputs = prev[:, [index[s] for s in sources]]
        fn = get_potential(neuron.potential)
        xi[1:, k] = fn(inputs, weights, neuron.bias, **dict(neuron.potential_params or {}))
    return xi


def _frames(run: Any, sample: int | None) -> np.ndarray:
    trace = getattr(run, "trace", None)
    if trace is None:
        raise ParameterError("the page steps through a trace: run with record=True")
    trace = np.asarray(trace, dtype=float)
    if trace.ndim == 3:
        b = 0 if sample is None else sample
        if isinstance(b, bool) or not isinstance(b, int) or not -trace.shape[1] <= b < \
                trace.shape[1]:
            raise ParameterError(f"sample must be in 0..{trace.shape[1] - 1}, got {sample!r}")
        trace = trace[:, b]
    elif sample not in (None, 0):
        raise ParameterError("sample picks one run of a batch; this run has one input")
    return trace


def _svg(net: Network, options: dict[str, Any]) -> tuple[str, dict[str, int], str]:
    """The diagram as inline SVG, the DOT node name → neuron index map, and a note."""
    from .dot import run_dot

    source = to_dot(net, **options).source  # checks the options
    opts = make_options(**options)
    plan = make_plan(net, min_weight=opts.min_weight, max_layer_width=opts.max_layer_width,
                     keep=opts.keep, max_nodes=opts.max_nodes, max_edges=opts.max_edges,
                     summary=opts.summary, layout=opts.layout)
    names = {node.name: node.members[0] for node in plan.nodes if node.kind == "neuron"}
    # no state in the DOT: the page colours the nodes and writes the values itself
    try:
        svg = run_dot(source, "svg", timeout=60.0).decode("utf-8")
    except RenderError as exc:
        return "", names, f"no diagram: {exc}"
    svg = svg[svg.find("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)  # comments carry node names
    note = ""
    if plan.mode != "full":
        note = (f"large network: the diagram shows {len(names)} of {len(plan.ids)} neurons "
                "one by one; the table has them all")
    return svg, names, note


@keywords(network=True, passes_to=to_dot,
          constraints={"sample": [Interval(int, 0, None), None],
                       "title": [Kind(str, "a string"), None],
                       "interval": Interval(float, 0, 60, closed="right")})
def view_page(
    net: Network,
    run: Any,
    *,
    sample: int | None = None,
    title: str | None = None,
    interval: float = 0.6,
    **diagram: Any,
) -> str:
    """The interactive page of a recorded run, as HTML text.

    Parameters
    ----------
    net : Network
        The network that made the run.
    run : Run
        Recorded with ``record=True`` (anything with a ``trace``: a Recall too).
    sample : int, optional
        The sample of a batch run (default 0).
    title : str, optional
        The page title (default: the network's name and the rule).
    interval : float
        Seconds per step when playing.
    **diagram
        Options of :func:`netsim.io.dot.to_dot` (``direction``, ``layout``, ...);
        networks of up to 64 neurons are drawn whole unless ``max_layer_width`` says
        otherwise.

    Returns
    -------
    str
        A complete HTML document.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.zoo.xor()
    >>> page = view_page(net, net.run([1, 0], record=True))
    >>> page.startswith("<!DOCTYPE html>") and "http://" not in page.split("<svg")[0]
    True
    """
    trace = _frames(run, sample)
    ids = list(net.neurons)
    if trace.ndim != 2 or trace.shape[1] != len(ids):
        raise ParameterError(f"the run has {trace.shape[-1]} neurons per state, the network "
                             f"{len(ids)}: view a run of this network")
    if trace.size > MAX_CELLS:
        raise SizeLimitError(f"the page would hold {trace.shape[0]} steps × {len(ids)} neurons "
                             f"(more than {MAX_CELLS:,} values): record fewer steps")
    if len(ids) <= FULL_UP_TO:
        diagram.setdefault("max_layer_width", None)
    scale = palette.choose_scale(trace[np.isfinite(trace)].tolist())
    xi = potentials(net, trace)
    # One colour per distinct value: the page gets indices into this palette.
    finite = np.where(np.isfinite(trace), trace, np.nan)
    uniq, inverse = np.unique(np.nan_to_num(finite, nan=np.inf), return_inverse=True)
    fills = [scale.color(v) if math.isfinite(v) else "#ffffff" for v in uniq.tolist()]
    svg, names, note = _svg(net, diagram)
    rule = getattr(run, "rule", None)
    # ns.recall (sequential) and ns.glauber record one state per sweep, net.run per step
    unit = "sweep" if not hasattr(run, "order") and (rule or "sequential") == "sequential" \
        else "step"
    order = getattr(run, "order", None)
    rule_text = "" if rule is None else f"{rule}{'/' + order if order else ''}"
    data: dict[str, Any] = {
        "neurons": [{"id": str(n), "label": net.neuron(n).label or "", "role": net.role(n)}
                    for n in ids],
        "nodes": names,
        "trace": [[_num(v) for v in row] for row in trace.tolist()],
        "xi": [[_num(v) for v in row] for row in xi.tolist()],
        "fill": inverse.reshape(trace.shape).tolist(),
        "palette": fills,
        "ink": [palette.text_color(f) for f in fills],
        "interval": round(interval * 1000),
        "unit": unit,
    }
    name = net.name or "network"
    heading = title if title is not None else f"{name}: {rule_text or 'run'}"
    facts = [f"{len(ids)} neurons", f"{net.graph.number_of_edges()} connections",
             f"rule {rule_text}" if rule_text else "", f"{len(trace) - 1} {unit}s"]
    if hasattr(run, "converged") and np.ndim(run.converged) == 0:
        facts.append("converged" if run.converged else "not converged")
        if getattr(run, "period", None) not in (None, 0):
            facts.append(f"period {run.period}")
    labelled = any(neuron["label"] for neuron in data["neurons"])  # else no empty column
    rows = "".join(
        f'<tr id="row-{k}"><td class="id">{html_text(n)}</td>'
        + (f'<td>{html_text(data["neurons"][k]["label"])}</td>' if labelled else "")
        + f'<td>{html_text(net.role(n))}</td><td class="xi"></td><td class="y"></td></tr>'
        for k, n in enumerate(ids))
    legend = "".join(f'<span class="sw" style="background:{scale.color(t)}"></span>'
                     f'{html_text(fmt(t, 3))} ' for t in scale.ticks())
    body = (
        '<div class="controls">'
        '<button id="first" title="first step">|◀</button>'
        '<button id="prev" title="step back (←)">◀</button>'
        '<button id="play" title="play / pause (space)">▶ play</button>'
        '<button id="next" title="step forward (→)">▶|</button>'
        f'<input id="slider" type="range" min="0" max="{len(trace) - 1}" value="0" step="1">'
        f'<span id="step">{unit} 0 of {len(trace) - 1}</span>'
        f'<span class="legend">state: {legend}</span></div>'
        f'<p class="note">{html_text(note)}</p>'
        f'<div class="main"><div id="diagram">{svg}</div>'
        '<table id="states"><thead><tr><th>neuron</th>'
        + ("<th>label</th>" if labelled else "") + '<th>role</th>'
        f"<th>ξ</th><th>y</th></tr></thead><tbody>{rows}</tbody></table></div>"
        '<div id="tip" hidden></div>'
    )
    return _document(heading, ", ".join(f for f in facts if f), body, data, _SCRIPT)


def analysis_page(analysis: Any, *, title: str | None = None, **diagram: Any) -> str:
    """The page of an attractor analysis: its state graph and the basin table.

    Clicking a row of the table (an attractor) dims every state outside its basin in
    the graph (and the edges leaving them); clicking it again shows all. Beyond 64
    states the graph is the basin-level view of :func:`netsim.io.statedot.state_diagram`
    (one node per attractor), whose nodes are highlighted the same way.

    Parameters
    ----------
    analysis : StateSpaceAnalysis
        From :func:`netsim.attractors`.
    title : str, optional
        The page title (default "attractors: RULE rule").
    **diagram
        Options of :func:`netsim.io.statedot.state_diagram` (``max_states``,
        ``condensed``, ``direction``).

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="sign"); net.add_neuron("b", activation="sign")
    >>> net.connect("a", "b", 1.0); net.connect("b", "a", 1.0)
    >>> page = analysis_page(ns.attractors(net))
    >>> page.count('<tr data-attractor=')
    3
    """
    from ..analyse.statespace import StateSpaceAnalysis
    from .dot import run_dot
    from .statedot import state_diagram

    check_type(analysis, StateSpaceAnalysis, "analysis",
               "a StateSpaceAnalysis (from ns.attractors)")
    heading = title if title is not None else f"attractors: {analysis.rule} rule"
    dot = state_diagram(analysis, title=title, **diagram)
    condensed = "layout=\"neato\"" in dot.source
    try:
        svg = run_dot(dot.source, "svg", timeout=60.0).decode("utf-8")
        svg = re.sub(r"<!--.*?-->", "", svg[svg.find("<svg"):], flags=re.DOTALL)
        note = ""
    except RenderError as exc:
        svg, note = "", f"no diagram: {exc}"
    total = analysis.n_states
    atts = sorted(analysis.attractors, key=lambda a: (-a.basin, a.index))
    rows = []
    for a in atts[:200]:
        states = (" → " if analysis.rule == "parallel" else ", ").join(
            label or "()" for label in a.labels[:6]) + (" …" if a.size > 6 else "")
        kind = "fixed point" if a.is_fixed_point else (
            f"cycle of {a.period}" if analysis.rule == "parallel" else f"component of {a.size}")
        rows.append(f'<tr data-attractor="{a.index}"><td>#{a.index}</td><td>{html_text(kind)}'
                    f'</td><td class="st">{html_text(states)}</td><td>{a.basin}</td>'
                    f"<td>{100 * a.basin / total:.1f}%</td></tr>")
    more = len(atts) - 200
    if more > 0:
        rows.append(f'<tr><td colspan="5">… {more} more attractors</td></tr>')
    nodes: dict[str, int] = {}
    if condensed:
        nodes = {f"attractor {a.index}": a.index for a in analysis.attractors}
    elif svg:
        space = analysis.space
        nodes = {space.label(c): int(k) for c, k in enumerate(analysis.attractor_of.tolist())}
    free = ", ".join(str(n) for n in analysis.space.free_ids[:12])
    facts = (f"{total} states, {len(analysis.attractors)} attractors, "
             f"{len(analysis.fixed_points)} fixed points; states list {free}"
             + (", …" if analysis.space.n > 12 else ""))
    body = (
        f'<p class="note">{html_text(note)}</p>'
        '<p class="note">Click an attractor to show its basin.</p>'
        f'<div class="main"><div id="diagram">{svg}</div>'
        '<table id="basins"><thead><tr><th>#</th><th>kind</th><th>states</th>'
        f'<th>basin</th><th>share</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</div>"
    )
    data = {"nodes": nodes, "width": analysis.space.n, "condensed": condensed}
    return _document(heading, facts, body, data, _BASIN_SCRIPT)


def _document(heading: str, facts: str, body: str, data: Any, script: str) -> str:
    """A complete page: escaped title and facts, the ``body`` HTML, the data as JSON in a
    non-executed script element, and ``script``, the only one the CSP lets run."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           f"script-src 'sha256-{digest}'")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f"<title>{html_text(heading)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html_text(heading)}</h1><p class=\"facts\">{html_text(facts)}</p>{body}"
        f'<script id="netsim-data" type="application/json">{script_json(data)}</script>'
        f"<script>{script}</script></body></html>\n"
    )


def _num(v: float) -> float | None:
    return v if math.isfinite(v) else None


class View:
    """An interactive page: ``save(path)`` writes it; a notebook shows it inline.

    ``html`` is the page's text. In Jupyter the page is shown in a sandboxed
    ``<iframe srcdoc=...>`` (scripts on, no access to the notebook).
    """

    def __init__(self, html: str, height: int = 560) -> None:
        self.html = html
        self.height = height

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page (atomically); returns the path."""
        check_path(path)
        target = Path(path)
        atomic_write_text(target, self.html)
        return target

    def _repr_html_(self) -> str:
        # the whole page, newlines kept: html_text would cut it at MAX_TEXT characters
        return (f'<iframe srcdoc="{attribute(self.html)}" sandbox="allow-scripts" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd"></iframe>')

    def __repr__(self) -> str:
        return f"<View: {len(self.html):,} bytes of HTML; .save(path) writes it>"


@keywords(network=True)
def write_view(net: Network, run: Any, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write :func:`view_page` to ``path`` (atomically) and return the path."""
    return View(view_page(net, run, **options)).save(path)


_STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:12px;color:#222}
h1{font-size:18px;margin:0 0 4px}.facts,.note{margin:2px 0;color:#555;font-size:13px}
.controls{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin:6px 0}
.controls button{font-size:14px;min-width:34px}#slider{width:260px}
#step{font-weight:bold;min-width:110px}.legend{font-size:12px;color:#555}
.sw{display:inline-block;width:12px;height:12px;border:1px solid #999;margin:0 2px 0 6px;
vertical-align:middle}
.main{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
#diagram{flex:0 1 auto;overflow:auto}#diagram svg{max-width:100%;height:auto}
#states{border-collapse:collapse;font-size:12px}
#states th,#states td{padding:1px 6px;border-bottom:1px solid #ddd;text-align:right}
#states td.id{text-align:left;font-weight:bold}#states tr.changed td{background:#fff3b0}
#tip{position:fixed;background:#fff;border:1px solid #888;padding:3px 6px;font-size:12px;
pointer-events:none;white-space:pre}
.netsim-value{font-size:10px;fill:#222}
#basins{border-collapse:collapse;font-size:12px}
#basins th,#basins td{padding:1px 6px;border-bottom:1px solid #ddd;text-align:right}
#basins td.st{text-align:left;font-family:monospace}
#basins tr[data-attractor]{cursor:pointer}#basins tr.picked td{background:#fff3b0}
"""

# The page's only script. It writes text with textContent and attributes with
# setAttribute, never markup, so the data cannot inject anything.
_SCRIPT = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("netsim-data").textContent);
  var n = D.neurons.length, last = D.trace.length - 1, t = 0, timer = null;
  var slider = document.getElementById("slider"), label = document.getElementById("step");
  var play = document.getElementById("play"), tip = document.getElementById("tip");
  var SVG = "http://www.w3.org/2000/svg";
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (Math.abs(v) < 1e-12) return "0";  /* float noise of a sum that is 0 */
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    return String(Number(v.toPrecision(4)));
  }
  var rows = [], nodes = [];
  for (var k = 0; k < n; k++) {
    var row = document.getElementById("row-" + k);
    rows.push({tr: row, xi: row.querySelector(".xi"), y: row.querySelector(".y")});
    nodes.push(null);
  }
  document.querySelectorAll("#diagram g.node").forEach(function (g) {
    var title = g.querySelector("title");
    if (!title || !Object.prototype.hasOwnProperty.call(D.nodes, title.textContent)) return;
    var k = D.nodes[title.textContent];
    var shapes = Array.prototype.filter.call(g.querySelectorAll("ellipse,polygon,path"),
      function (s) { return s.getAttribute("fill") && s.getAttribute("fill") !== "none"; });
    var texts = Array.prototype.slice.call(g.querySelectorAll("text"));
    var box = g.getBBox(), value = document.createElementNS(SVG, "text");
    value.setAttribute("x", box.x + box.width / 2);
    value.setAttribute("y", box.y + box.height + 10);
    value.setAttribute("text-anchor", "middle");
    value.setAttribute("class", "netsim-value");
    g.appendChild(value);
    g.setAttribute("data-neuron", D.neurons[k].id);
    nodes[k] = {g: g, shapes: shapes, texts: texts, value: value,
      outline: g.querySelectorAll("ellipse,polygon")};
    g.addEventListener("mousemove", function (e) {
      var who = D.neurons[k];
      tip.textContent = who.id + (who.label ? " (" + who.label + ")" : "") +
        "\nξ = " + (D.xi[t][k] === null ? "—" : fmt(D.xi[t][k])) +
        "\ny = " + fmt(D.trace[t][k]);
      tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px";
      tip.hidden = false;
    });
    g.addEventListener("mouseleave", function () { tip.hidden = true; });
  });
  function show(step) {
    t = Math.max(0, Math.min(last, step));
    slider.value = String(t);
    label.textContent = D.unit + " " + t + " of " + last;
    for (var k = 0; k < n; k++) {
      var v = D.trace[t][k], changed = t > 0 && D.trace[t - 1][k] !== v;
      rows[k].y.textContent = fmt(v);
      rows[k].xi.textContent = D.xi[t][k] === null ? "—" : fmt(D.xi[t][k]);
      rows[k].tr.className = changed ? "changed" : "";
      var node = nodes[k];
      if (!node) continue;
      var c = D.fill[t][k];
      node.shapes.forEach(function (s) { s.setAttribute("fill", D.palette[c]); });
      node.texts.forEach(function (s) { s.setAttribute("fill", D.ink[c]); });
      node.value.textContent = "= " + fmt(v);
      node.g.setAttribute("data-value", fmt(v));
      node.g.setAttribute("data-fill", D.palette[c]);
      Array.prototype.forEach.call(node.outline, function (s) {
        s.setAttribute("stroke-width", changed ? "3" : "1");
      });
    }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "▶ play";
  }
  function start() {
    if (t >= last) show(0);
    play.textContent = "❚❚ pause";
    timer = setInterval(function () {
      if (t >= last) { stop(); } else { show(t + 1); }
    }, D.interval);
  }
  play.addEventListener("click", function () { if (timer === null) start(); else stop(); });
  document.getElementById("next").addEventListener("click", function () { stop(); show(t + 1); });
  document.getElementById("prev").addEventListener("click", function () { stop(); show(t - 1); });
  document.getElementById("first").addEventListener("click", function () { stop(); show(0); });
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") { stop(); show(t + 1); }
    else if (e.key === "ArrowLeft") { stop(); show(t - 1); }
    else if (e.key === " ") { e.preventDefault(); if (timer === null) start(); else stop(); }
  });
  show(0);
})();
"""

# The analysis page's script: highlight the basin of the attractor clicked.
_BASIN_SCRIPT = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("netsim-data").textContent);
  var has = Object.prototype.hasOwnProperty, picked = null;
  var nodes = [], edges = [];
  document.querySelectorAll("#diagram g.node").forEach(function (g) {
    var t = g.querySelector("title");
    if (t && has.call(D.nodes, t.textContent)) {
      g.setAttribute("data-state", t.textContent);
      nodes.push({g: g, a: D.nodes[t.textContent]});
    }
  });
  document.querySelectorAll("#diagram g.edge").forEach(function (g) {
    var t = g.querySelector("title");
    if (!t || D.condensed) return;
    var tail = t.textContent.slice(0, D.width);  /* every state label has this length */
    if (has.call(D.nodes, tail)) edges.push({g: g, a: D.nodes[tail]});
  });
  function show(a) {
    picked = a;
    nodes.concat(edges).forEach(function (x) {
      x.g.setAttribute("opacity", a === null || x.a === a ? "1" : "0.15");
    });
    document.querySelectorAll("#basins tr[data-attractor]").forEach(function (tr) {
      tr.className = String(a) === tr.getAttribute("data-attractor") ? "picked" : "";
    });
  }
  document.querySelectorAll("#basins tr[data-attractor]").forEach(function (tr) {
    tr.addEventListener("click", function () {
      var a = parseInt(tr.getAttribute("data-attractor"), 10);
      show(picked === a ? null : a);
    });
  });
})();
"""
