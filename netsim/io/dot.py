"""Diagrams of networks: DOT text, rendering through Graphviz, Jupyter display.

:func:`to_dot` turns a network into a :class:`graphviz.Digraph` whose source is plain
DOT text; building it never needs Graphviz's ``dot`` program. :func:`render` writes
svg, png, pdf or the DOT text itself; :func:`write_dot` writes the DOT text;
:func:`render_trace` draws one frame per step of a recorded run; ``_repr_mimebundle_``
shows a network in Jupyter (SVG, or the DOT text when ``dot`` is missing).

**Layout.** Rank groups (layers, or the pseudo-layers of a recurrent network; see
:mod:`netsim.io._plan`) are ``rank=same`` subgraphs at the top level, with
``newrank=true``, so clusters never carry rank constraints. The first group is
``rank=source`` and the last ``rank=sink``; since dot (2.43) ignores those two under
``newrank``, an invisible spine through the first node of each group also keeps the
groups on successive ranks.

The nodes of a group keep the neuron order across the rank (top to bottom for ``LR``,
left to right for ``TB``). Invisible edges chain them, and each group is also a cluster
(drawn only with ``clusters=True``) with ``remincross=false``: without the clusters,
dot's crossing reduction moves nodes past the chain (it only forbids swapping direct
neighbours), and with them its final pass would undo it. dot lays a chain inside a
cluster out mirrored in ``LR``, so there it is written reversed. The tests check the
order on real layouts (feed-forward and recurrent, both directions, with and without
visible clusters).

Back connections and self-loops are dashed and have ``constraint=false``; a feedback
edge inside one rank is written along the chain with ``dir=back``, so it never forms a
cycle with it. The neural weight never goes into DOT's ``weight`` attribute (a layout
priority in Graphviz): it is shown by colour, width, label and tooltip.

**Neurons.** Shape by role: input ``box``, hidden ``ellipse``, output double
``ellipse``, input and output double ``box``. The label shows the label (or id), and,
for neurons with incoming connections, the potential symbol when it is not Σ, the
activation symbol and the signed bias. The tooltip repeats everything at full precision.

**Connections.** Blue for w > 0, red for w < 0, grey for 0 (ColorBrewer RdBu, colour-blind
safe; see :mod:`netsim.io.palette`). Width ``max(0.4, 4·|w|/max|w|)`` points. Weight
labels are drawn when asked, or automatically when at most 30 single connections are
drawn; the tooltip always has the weight.

**State overlay.** ``state=`` (a vector in neuron order, a batch with ``sample=``, a
mapping id → value, or any object with a ``.state`` such as a run) fills each neuron
on the scale chosen by :func:`netsim.io.palette.choose_scale` and adds its value to the
label and tooltip.

**Determinism.** Everything is emitted in neuron order with fixed number formatting,
so the same network and options always give byte-identical DOT text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import graphviz

from ..checks import (
    BOOLEAN,
    Constraints,
    Interval,
    Kind,
    Options,
    check_network,
    check_path,
    keywords,
)
from ..errors import NetsimError, ParameterError, RenderError
from ..limits import MAX_FRAMES
from . import palette
from ._dottext import body_lines, make_options
from ._plan import LAYOUTS, make_plan
from ._state import state_vector, trace_frames
from .atomic import atomic_write_bytes
from .quoting import graphviz_name

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = [
    "DIAGRAM_CONSTRAINTS",
    "FORMATS",
    "DiagramOptions",
    "LayoutOptions",
    "render",
    "render_trace",
    "repr_mimebundle",
    "to_dot",
    "write_dot",
]

FORMATS = ("svg", "png", "pdf", "dot")
INSTALL_HINT = (
    "install Graphviz to render (Debian/Ubuntu: apt-get install graphviz; macOS: "
    "brew install graphviz; others: https://graphviz.org/download/)"
)


# --- the diagram -----------------------------------------------------------------------


# The values each option of a diagram accepts: declared here once, checked by @keywords
# for to_dot and every function that passes options on to it (render, write_dot,
# render_trace, the interactive page), read by the command line (netsim.checks). The
# state, its sample and its range depend on the network: state_vector checks them.
DIAGRAM_CONSTRAINTS: Constraints = {
    "direction": Options("LR", "TB", fold_case=True),
    "weights": [BOOLEAN, None],
    "min_weight": Interval(float, 0, None),
    "clusters": BOOLEAN,
    "legend": BOOLEAN,
    "max_layer_width": [Interval(int, 1, None), Options("auto"), None],
    "keep": Interval(int, 1, None),
    "max_nodes": Interval(int, 1, None),
    "max_edges": Interval(int, 0, None),
    "summary": [BOOLEAN, None],
    "title": [Kind(str, "a string"), None],
    "layout": Options(*LAYOUTS),
}


class LayoutOptions(TypedDict, total=False):
    """The options of :func:`to_dot` that draw the network (not a state): those of the
    interactive page's diagram (``**options: Unpack[LayoutOptions]``)."""

    direction: str
    weights: bool | None
    min_weight: float
    clusters: bool
    legend: bool
    max_layer_width: int | str | None
    keep: int
    max_nodes: int
    max_edges: int
    summary: bool | None
    layout: str


class DiagramOptions(LayoutOptions, total=False):
    """The keyword options of :func:`to_dot`, for the functions that pass them on
    (``**options: Unpack[DiagramOptions]`` tells a type checker their names and types;
    the tests keep it equal to :func:`to_dot`'s signature)."""

    state: Any
    sample: int | None
    state_range: Sequence[float] | None
    title: str | None


@keywords(constraints=DIAGRAM_CONSTRAINTS)
def to_dot(
    net: Network,
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
    """The network as a ``graphviz.Digraph`` (DOT text; needs no Graphviz program).

    Parameters
    ----------
    net : Network
    direction : {"LR", "TB"}
        Left to right (default) or top to bottom.
    weights : bool, optional
        Weight labels on connections; ``None`` draws them when at most 30 single
        connections are drawn. Tooltips always have the weights.
    min_weight : float
        Hide connections with ``|w| < min_weight`` (the legend counts them).
    clusters : bool
        Draw a box with a caption around each layer (not in summary mode, where each
        layer is one node).
    legend : bool
        A small legend under the diagram.
    max_layer_width, keep : int
        A layer wider than ``max_layer_width`` shows its first and last ``keep``
        neurons and one "⋯ (+N)" node; ``None`` never collapses; ``"auto"``: 16, but
        never for a recurrent network of at most 64 neurons.
    max_nodes, max_edges : int
        Budget after collapsing: more nodes, or a layout cost (nodes plus edge
        segments, an edge spanning s ranks counting s) above ``max_edges``, switch to
        summary mode: one node per layer.
    summary : bool, optional
        Force (True) or forbid (False) summary mode; ``None`` decides by size.
    state : array-like, mapping or run, optional
        Neuron values to show as fill colours (see :func:`state_vector`).
    sample : int, optional
        The sample of a batch state.
    state_range : (low, high), optional
        Fix the colour scale (see :func:`netsim.io.palette.choose_scale`).
    title : str, optional
        A caption line in the legend (e.g. the step of a trace frame).
    layout : {"auto", "layered", "circle", "grid", "spring"}
        ``layered``: Graphviz dot by layers; ``circle`` / ``grid``: neurons at fixed
        positions in neuron order (on a circle clockwise from the top / row by row),
        straight edges; ``spring``: neato's force-directed placement. ``auto``:
        layered, except for recurrent networks without a pipeline of pure inputs
        (see :mod:`netsim.io._plan`), which get a circle.

    Returns
    -------
    graphviz.Digraph
        ``.source`` is the DOT text, byte-identical for the same network and options.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.mlp([2, 2, 1], seed=0)
    >>> dot = net.to_dot(direction="TB")
    >>> "rankdir=\\"TB\\"" in dot.source and "newrank" in dot.source
    True
    """
    check_network(net, "to_dot")
    opts = make_options(direction, weights, min_weight, clusters, legend, max_layer_width,
                        keep, max_nodes, max_edges, summary, title, layout)
    values = None if state is None else state_vector(net, state, sample)
    scale = None
    if values is not None:
        scale = palette.choose_scale(values.tolist(), state_range)
    elif state_range is not None:
        palette.choose_scale([], state_range)  # check it even when there is no state
    plan = make_plan(
        net,
        min_weight=opts.min_weight,
        max_layer_width=opts.max_layer_width,
        keep=opts.keep,
        max_nodes=opts.max_nodes,
        max_edges=opts.max_edges,
        summary=opts.summary,
        layout=opts.layout,
    )
    body = body_lines(net, plan, opts, values, scale)
    return graphviz.Digraph(name=graphviz_name(net.name or "network"), body=body)


# --- writing and rendering -------------------------------------------------------------


@keywords(passes_to=to_dot, network=True)
def write_dot(net: Network, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write the DOT text of the diagram (needs no Graphviz program).

    Parameters
    ----------
    net : Network
    path : str or path-like
        The file to write (written atomically).
    **options
        As for :func:`to_dot`.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib, netsim as ns
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "net.dot"
    >>> ns.write_dot(ns.mlp([2, 1], seed=0), target).read_text().startswith("digraph")
    True
    """
    check_path(path)
    target = Path(path)
    atomic_write_bytes(target, to_dot(net, **options).source.encode("utf-8"))
    return target


def _format_of(path: Path, format: str | None) -> str:
    fmt = format if format is not None else path.suffix.lstrip(".").lower()
    if fmt == "gv":
        fmt = "dot"
    if fmt not in FORMATS:
        given = f"format {format!r}" if format is not None else f"file suffix {path.suffix!r}"
        raise ParameterError(
            f"cannot render {path.name!r}: {given} is not one of {', '.join(FORMATS)}"
        )
    return fmt


def run_dot(source: str, fmt: str, timeout: float = 60.0) -> bytes:
    """Lay out DOT ``source`` with Graphviz's ``dot`` and return the ``fmt`` bytes.

    Raises
    ------
    RenderError
        When ``dot`` is not on ``PATH``, fails, or takes longer than ``timeout``.
    """
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError(f"Graphviz's 'dot' program was not found on PATH; {INSTALL_HINT}")
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
            timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz's 'dot' did not finish within {timeout:g} s; draw less "
            "(summary=True, a smaller max_layer_width, or min_weight)"
        ) from None
    except OSError as exc:
        raise RenderError(f"could not run Graphviz's 'dot' ({exe}): {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = message[0] if message else f"exit status {done.returncode}"
        raise RenderError(f"Graphviz's 'dot' failed: {first}")
    return done.stdout


@keywords(passes_to=to_dot, network=True)
def render(
    net: Network,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    timeout: float = 60.0,
    **options: Any,
) -> Path:
    """Render the diagram to svg, png, pdf, or write its DOT text.

    Parameters
    ----------
    net : Network
    path : str or path-like
        The output file; its suffix gives the format unless ``format`` is given.
    format : {"svg", "png", "pdf", "dot"}, optional
    timeout : float
        Seconds to allow Graphviz before giving up.
    **options
        As for :func:`to_dot`.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    RenderError
        When Graphviz's ``dot`` is missing (the DOT text is then written next to
        ``path`` with the suffix ``.dot``, and the message says where) or fails.

    Examples
    --------
    >>> import tempfile, pathlib, netsim as ns
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "net.dot"
    >>> ns.mlp([2, 1], seed=0).render(target).suffix
    '.dot'
    """
    check_path(path)
    target = Path(path)
    fmt = _format_of(target, format)
    source = to_dot(net, **options).source
    if fmt == "dot":
        atomic_write_bytes(target, source.encode("utf-8"))
        return target
    try:
        data = run_dot(source, fmt, timeout)
    except RenderError as exc:
        if shutil.which("dot") is not None:
            raise
        fallback = target.with_suffix(".dot")
        atomic_write_bytes(fallback, source.encode("utf-8"))
        raise RenderError(
            f"cannot render {target.name}: Graphviz's 'dot' program was not found on PATH; "
            f"the DOT text was written to {fallback}; {INSTALL_HINT}"
        ) from exc
    atomic_write_bytes(target, data)
    return target


def repr_mimebundle(
    net: Network, include: Any = None, exclude: Any = None
) -> dict[str, Any]:
    """Jupyter display: SVG when ``dot`` works, else the DOT text (never a traceback)."""
    try:
        source = to_dot(net).source
    except NetsimError as exc:
        bundle: dict[str, Any] = {"text/plain": f"{net!r}\n(no diagram: {exc})"}
    else:
        try:
            svg = run_dot(source, "svg", timeout=30.0).decode("utf-8")
            bundle = {"image/svg+xml": svg, "text/plain": repr(net)}
        except RenderError as exc:
            bundle = {"text/plain": f"// {exc}\n{source}"}
    if include:
        bundle = {k: v for k, v in bundle.items() if k in include}
    if exclude:
        bundle = {k: v for k, v in bundle.items() if k not in exclude}
    return bundle


# --- traces ----------------------------------------------------------------------------


@keywords(passes_to=to_dot, network=True)
def render_trace(
    net: Network,
    trace: Any,
    prefix: str | os.PathLike[str],
    *,
    format: str = "svg",
    sample: int | None = None,
    state_range: Sequence[float] | None = None,
    timeout: float = 60.0,
    **options: Any,
) -> list[Path]:
    """Render one diagram per recorded step, all on the same colour scale.

    Parameters
    ----------
    net : Network
    trace : array-like or run
        ``(T+1, N)`` states in neuron order (``(T+1, B, N)`` with ``sample``), or a
        run recorded with ``record=True`` (its ``.trace``).
    prefix : str or path-like
        An existing directory (frames are ``frame_0.svg``, ...) or a path prefix
        (``out/xor`` gives ``out/xor_0.svg``, ...; missing folders are created). Step
        numbers are zero-padded to the width of the last one (``_00`` ... ``_12``).
    format : {"svg", "png", "pdf", "dot", "gif"}
        ``"gif"`` writes one animated GIF instead of a file per step: ``prefix`` is
        its path (``.gif`` added when missing; ``trace.gif`` in a directory); see
        :func:`netsim.io.animate.render_gif` (needs Pillow, ``netsim[plot]``).
    sample : int, optional
        The sample of a batch trace.
    state_range : (low, high), optional
        Fix the colour scale; by default it is chosen from every value of the trace.
    **options
        As for :func:`to_dot`.

    Returns
    -------
    list of pathlib.Path
        The frames written, step 0 first.

    Raises
    ------
    RenderError
        When Graphviz's ``dot`` is missing: every frame is then written as DOT text
        (suffix ``.dot``) before the error says so.

    Examples
    --------
    >>> import tempfile, pathlib, netsim as ns
    >>> net = ns.mlp([1, 1], seed=0)
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in ns.render_trace(net, [[0, 0], [1, 0.5]], out, format="dot")]
    ['frame_0.dot', 'frame_1.dot']
    """
    check_path(prefix, "prefix")
    if format == "gif":  # one animated file (netsim.io.animate)
        return [_gif(net, trace, Path(prefix), sample, state_range, timeout, options)]
    frames = trace_frames(net, trace, sample)
    if len(frames) > MAX_FRAMES:
        raise ParameterError(
            f"render_trace would write {len(frames):,} frames (one per step); the limit is "
            f"{MAX_FRAMES:,}: record fewer steps")
    if format not in FORMATS:
        raise ParameterError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    scale = palette.choose_scale(frames.ravel().tolist(), state_range)
    fixed = (scale.low, scale.high)  # one scale for every frame, so colours compare
    base = Path(prefix)
    width = len(str(len(frames) - 1))
    if base.is_dir():
        paths = [base / f"frame_{t:0{width}d}.{format}" for t in range(len(frames))]
    else:
        base.parent.mkdir(parents=True, exist_ok=True)
        paths = [base.parent / f"{base.name}_{t:0{width}d}.{format}" for t in range(len(frames))]
    last = len(frames) - 1
    missing = format != "dot" and shutil.which("dot") is None
    for t, path in enumerate(paths):
        frame = {"state": frames[t], "state_range": fixed, "title": f"step {t} of {last}"}
        if missing:
            write_dot(net, path.with_suffix(".dot"), **frame, **options)
        else:
            render(net, path, format=format, timeout=timeout, **frame, **options)
    if missing:
        raise RenderError(
            f"cannot render the {len(paths)} frames as {format}: Graphviz's 'dot' program "
            f"was not found on PATH; the DOT text of each frame was written "
            f"({paths[0].with_suffix('.dot')} ... {paths[-1].with_suffix('.dot')}); "
            f"{INSTALL_HINT}"
        )
    return paths


def _gif(net: Network, trace: Any, base: Path, sample: int | None,
         state_range: Sequence[float] | None, timeout: float, options: dict) -> Path:
    from .animate import render_gif

    if base.is_dir():
        target = base / "trace.gif"
    else:
        target = base if base.suffix == ".gif" else base.with_name(base.name + ".gif")
        target.parent.mkdir(parents=True, exist_ok=True)
    return render_gif(net, trace, target, sample=sample, state_range=state_range,
                      timeout=timeout, **options)
