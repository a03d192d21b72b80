"""Plots of results with matplotlib (the optional extra ``plot``).

Each function draws on the ``ax`` it is given (or a new figure) and returns the
matplotlib Axes (or, for a grid of pictures, the Figure), so it can be styled and
saved the usual way. matplotlib is imported on first use; without it every function
raises :class:`~netsim.MissingExtraError` naming ``pip install netsim[plot]``.

- :func:`plot_history` — loss (and validation loss) per epoch, accuracy on a second axis;
- :func:`plot_run` — a run's trace as a heatmap (neurons × steps) or a raster;
- :func:`plot_decision_regions` — a network's outputs over a 2-D input plane, the
  samples on top and, for weighted-sum neurons fed by the two inputs only, their
  separating lines ``w1·x1 + w2·x2 + b = 0`` (the course's pictures);
- :func:`plot_patterns` — states as small images (``shape=(7, 7)``);
- :func:`plot_recall` — overlaps with the stored patterns and, given the network, the
  energy, per step of a recall;
- :func:`plot_capacity` — the error rate of a Hopfield network against its load.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .checks import as_floats, check_network, check_type, keywords
from .errors import MissingExtraError, NeuronNotFoundError, ParameterError, did_you_mean
from .limits import check_count, check_memory, describe
from .network import check_neuron_ids

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .analyse.recall import CapacityResult, Recall
    from .learn.train import History
    from .network import Network
    from .simulate.result import Run

__all__ = [
    "history_png",
    "plot_capacity",
    "plot_decision_regions",
    "plot_history",
    "plot_patterns",
    "plot_recall",
    "plot_run",
    "pyplot",
]

MAX_LABELLED = 40  # neuron names on an axis beyond this would overlap
# Class k has the same colour as a region (pale) and as a sample (full): tab10.
_CLASS_COLOURS = {"cmap": "tab10", "vmin": -0.5, "vmax": 9.5}


def pyplot() -> Any:
    """``matplotlib.pyplot``, or a clear error naming the extra to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError(
            "plotting needs matplotlib: pip install netsim[plot] (or pip install matplotlib)"
        ) from None
    return plt


def _axes(ax: Any, size: tuple[float, float] = (6.0, 3.5)) -> Any:
    if ax is not None:
        from matplotlib.axes import Axes

        check_type(ax, Axes, "ax", "a matplotlib Axes")
        return ax
    _fig, new = pyplot().subplots(figsize=size, layout="constrained")
    return new


@keywords
def plot_history(history: History, ax: Any = None, *, log: bool | None = None) -> Axes:
    """Loss per epoch (training and validation); metrics on a second y axis.

    Parameters
    ----------
    history : History
        From :func:`netsim.train`.
    ax : matplotlib Axes, optional
    log : bool, optional
        A logarithmic loss axis; ``None``: when the loss spans more than two decades.

    Returns
    -------
    matplotlib Axes
        The loss axes (the metrics axes is ``ax.right_ax`` when there are metrics).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import netsim as ns
    >>> net = ns.mlp([2, 2, 1], activation="sigmoid", seed=0)
    >>> h = ns.train(net, [[0, 0], [1, 1]], [[0], [1]], epochs=5, progress=False)
    >>> h.plot().get_xlabel()
    'epoch'
    """
    from .learn.train import History

    check_type(history, History, "history", "a History (from ns.train)")
    ax = _axes(ax)
    epochs = np.arange(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, label="loss", color="#2166ac")
    if history.val_loss:
        ax.plot(epochs[: len(history.val_loss)], history.val_loss, label="validation loss",
                color="#b2182b")
    positive = [v for v in [*history.loss, *history.val_loss] if v > 0]
    if log is None:
        log = bool(positive) and max(positive) / min(positive) > 100
    if log and positive:
        ax.set_yscale("log")
    last = len(history.loss) - 1
    # the best epoch says something only when it is not simply the last one (training
    # loss falling to the end) or when a validation loss chose it
    if 0 <= history.best_epoch <= last and (history.val_loss or history.best_epoch < last):
        ax.axvline(history.best_epoch + 1, color="#888888", linestyle=":", linewidth=1,
                   label=f"best epoch ({history.best_epoch + 1})")
    _integer_steps(ax)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    handles, labels = ax.get_legend_handles_labels()
    if history.metrics:
        right = ax.twinx()
        colours = ["#1b7837", "#762a83", "#e08214"]
        for k, (name, values) in enumerate(history.metrics.items()):
            colour = colours[k % len(colours)]
            right.plot(epochs[: len(values)], values, color=colour, label=name)
            val = history.val_metrics.get(name)
            if val:
                right.plot(epochs[: len(val)], val, color=colour, linestyle="--",
                           label=f"validation {name}")
        right.set_ylabel(", ".join(history.metrics))
        right.set_ylim(-0.02, 1.02) if all(
            0 <= v <= 1 for vs in history.metrics.values() for v in vs) else None
        more_h, more_l = right.get_legend_handles_labels()
        handles, labels = handles + more_h, labels + more_l
        ax.right_ax = right
    # matplotlib's loc="best" sees only the lines of one axes: choose among the corners
    # with the lines of both (loss and metrics) in view
    ax.legend(handles, labels, fontsize="small", loc=_free_corner(ax, len(labels)))
    ax.set_title(f"training: {history.epochs} epochs")
    return ax


# legend loc -> the left and bottom of its box in axes fractions
_CORNERS: dict[str, tuple[float, float | str]] = {
    "upper right": (0.64, "top"), "upper left": (0.0, "top"), "lower left": (0.0, 0.0),
    "lower right": (0.64, 0.0), "center right": (0.64, "mid"), "center left": (0.0, "mid"),
}


def _free_corner(ax: Any, entries: int) -> str:
    """The legend corner that covers the fewest points of the lines of ``ax`` and of its
    twin (``ax.right_ax``), in axes fractions."""
    points = []
    for axes in (ax, getattr(ax, "right_ax", None)):
        if axes is None:
            continue
        (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
        for line in axes.get_lines():
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            if x.shape != y.shape or x.size == 0:
                continue
            if axes.get_yscale() == "log":
                y, y0, y1 = np.log10(np.maximum(y, 1e-300)), np.log10(y0), np.log10(y1)
            points.append(np.column_stack(((x - x0) / (x1 - x0 or 1), (y - y0) / (y1 - y0 or 1))))
    if not points:
        return "best"
    xy = np.vstack(points)
    height = min(0.9, 0.06 + 0.075 * entries)
    best, fewest = "upper right", None
    for loc, (left, where) in _CORNERS.items():
        if where == "top":
            bottom = 1.0 - height
        elif where == "mid":
            bottom = 0.5 - height / 2
        else:
            bottom = float(where)
        inside = ((xy[:, 0] >= left) & (xy[:, 0] <= left + 0.36)
                  & (xy[:, 1] >= bottom) & (xy[:, 1] <= bottom + height))
        count = int(np.count_nonzero(inside))
        if fewest is None or count < fewest:
            best, fewest = loc, count
    return best


def _names(values: Any, n: int, name: str, what: str) -> list[str] | None:
    """``values`` (None, or one text per item) as a list of ``n`` strings."""
    if values is None:
        return None
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ParameterError(f"{name} must be a sequence of {n} texts (one per {what}), got "
                             f"{describe(values)}")
    if len(values) != n:
        raise ParameterError(f"{name} must have one entry per {what} ({n}), got {len(values)}")
    return [str(v) for v in values]


def _integer_steps(ax: Any) -> None:
    """Whole numbers only on the x axis (steps, sweeps, epochs)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def history_png(history: History, dpi: int = 72) -> str | None:
    """The :func:`plot_history` figure as base64 PNG text, or None without matplotlib."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        return None
    del matplotlib
    # no pyplot: nothing global, nothing shown twice in a notebook
    fig = Figure(figsize=(5.0, 2.8), layout="constrained")
    plot_history(history, fig.add_subplot())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _tick_labels(ax: Any, ids: Sequence[Any], axis: str) -> None:
    n = len(ids)
    stride = max(1, -(-n // MAX_LABELLED))
    ticks = list(range(0, n, stride))
    names = [str(ids[k]) for k in ticks]
    if axis == "y":
        ax.set_yticks(ticks, names)
    else:
        ax.set_xticks(ticks, names, rotation=90)


@keywords
def plot_run(
    run: Run,
    ax: Any = None,
    *,
    sample: int = 0,
    kind: str = "heatmap",
    neurons: Sequence[Any] | None = None,
    cmap: str | None = None,
) -> Axes:
    """The trace of a recorded run: neurons (rows) × steps (columns).

    Parameters
    ----------
    run : Run
        Recorded with ``record=True``.
    ax : matplotlib Axes, optional
    sample : int
        The sample of a batch run.
    kind : {"heatmap", "raster"}
        Colour per value with a colour bar, or a dot where the neuron is at its high
        value (discrete networks: above the midpoint of the values seen).
    neurons : sequence of ids, optional
        The neurons to show, in this order (default: all).
    cmap : str, optional
        A matplotlib colour map (default ``RdBu`` when values go below 0, else ``YlGnBu``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import netsim as ns
    >>> run = ns.zoo.xor().run([1, 0], record=True)
    >>> ax = run.plot()
    >>> ax.get_xlabel(), len(ax.get_yticklabels()) == len(run.neurons)
    ('step', True)
    """
    from .simulate.result import Run

    check_type(run, Run, "run", "a Run (from net.run)")
    if run.trace is None:
        raise ParameterError("this run has no trace; run with record=True")
    if kind not in ("heatmap", "raster"):
        raise ParameterError(f"kind must be 'heatmap' or 'raster', got {kind!r}")
    trace = np.asarray(run.trace, dtype=float)
    if trace.ndim == 3:
        if not -trace.shape[1] <= sample < trace.shape[1]:
            raise ParameterError(f"sample must be in 0..{trace.shape[1] - 1}, got {sample!r}")
        trace = trace[:, sample]
    ids = list(run.neurons)
    if cmap is not None:
        import matplotlib

        if not isinstance(cmap, str) or cmap not in matplotlib.colormaps:
            raise ParameterError(f"cmap must be the name of a matplotlib colour map, got "
                                 f"{describe(cmap)}"
                                 f"{did_you_mean(cmap, list(matplotlib.colormaps))}")
    if neurons is not None:
        neurons = check_neuron_ids(neurons, "neurons")
        index = {n: k for k, n in enumerate(ids)}
        missing = [n for n in neurons if n not in index]
        if missing:
            raise NeuronNotFoundError(f"no neuron {missing[0]!r} in this run")
        cols = [index[n] for n in neurons]
        trace, ids = trace[:, cols], list(neurons)
    ax = _axes(ax, (max(4.0, min(12.0, 2 + 0.25 * len(trace))),
                    max(2.0, min(10.0, 1 + 0.25 * len(ids)))))
    data = trace.T  # neurons × steps
    finite = data[np.isfinite(data)]
    low = float(finite.min()) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 1.0
    if kind == "heatmap":
        if cmap is None:
            cmap = "RdBu" if low < 0 else "YlGnBu"
        bound = max(abs(low), abs(high)) or 1.0
        limits = (-bound, bound) if low < 0 else (min(0.0, low), max(high, 1e-12))
        image = ax.imshow(data, aspect="auto", interpolation="nearest", cmap=cmap,
                          vmin=limits[0], vmax=limits[1], origin="upper")
        ax.figure.colorbar(image, ax=ax, label="state", fraction=0.05, pad=0.02)
    else:
        mid = (low + high) / 2
        rows, steps = np.nonzero(data > mid) if high > low else np.nonzero(data > 0)
        ax.scatter(steps, rows, marker="s", s=16, color="#253494")
        ax.set_xlim(-0.5, data.shape[1] - 0.5)
        ax.set_ylim(len(ids) - 0.5, -0.5)
    _tick_labels(ax, ids, "y")
    ax.set_xlabel("step")
    ax.set_ylabel("neuron")
    order = f"/{run.order}" if run.order else ""
    ax.set_title(f"{run.rule}{order} rule, {len(trace) - 1} steps")
    return ax


def _two_inputs(net: Network) -> tuple[Any, Any]:
    if len(net.inputs) != 2:
        raise ParameterError(
            f"plot_decision_regions needs a network with 2 inputs, got {len(net.inputs)}"
        )
    return net.inputs[0], net.inputs[1]


@keywords(network=True)
def plot_decision_regions(
    net: Network,
    X: Any,
    D: Any = None,
    ax: Any = None,
    *,
    resolution: int = 200,
    margin: float = 0.25,
    lines: bool = True,
    run_options: dict[str, Any] | None = None,
) -> Axes:
    """The output of a 2-input network over the input plane, with the samples.

    One output: the region where it is ≥ 0.5 (≥ 0 for outputs that take negative
    values) is shaded and its boundary drawn, and the samples are coloured by the side
    of that level their target is on. Several outputs: each point is coloured by the
    output with the largest value (argmax, as ``accuracy`` counts). A legend names
    each colour. The
    separating line of every weighted-sum neuron whose only sources are the two inputs
    is drawn dashed and labelled with the neuron.

    Parameters
    ----------
    net : Network
        Exactly two inputs.
    X : array_like, shape (B, 2)
        The samples, drawn as points.
    D : array_like, shape (B,) or (B, m), optional
        Their targets (class numbers, 0/1 or one-hot rows): the colour of each point.
    ax : matplotlib Axes, optional
    resolution : int
        Grid points per axis.
    margin : float
        Fraction of the data range added around it.
    lines : bool
        Draw the separating lines of the first-layer neurons.
    run_options : dict, optional
        Passed to ``net.predict`` (e.g. ``{"rule": "parallel"}``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import netsim as ns
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> ax = ns.plot_decision_regions(ns.zoo.xor(), X, [0, 1, 1, 0])
    >>> sorted(t.get_text() for t in ax.texts)   # the two hidden neurons' lines
    ['h1', 'h2']
    """
    x1, x2 = _two_inputs(net)
    pts = as_floats(X, "X")
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) == 0:
        raise ParameterError(f"X must have shape (B, 2) with B >= 1, got {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ParameterError("X must hold finite numbers (the plane spans the samples)")
    if isinstance(margin, bool) or not isinstance(margin, int | float) or not (
            0 <= margin <= 100):
        raise ParameterError(f"margin must be a number in 0..100, got {margin!r}")
    if run_options is not None:
        check_type(run_options, dict, "run_options", "a dict of keyword arguments for "
                   "net.predict")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not (
            2 <= resolution <= 2000):
        raise ParameterError(f"resolution must be an integer in 2..2000, got {resolution!r}")
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum(hi - lo, 1.0) * margin
    lo, hi = lo - pad, hi + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    out = np.asarray(net.predict(grid, **(run_options or {})), dtype=float)
    ax = _axes(ax, (5.0, 4.5))
    extent = (lo[0], hi[0], lo[1], hi[1])
    # region of class k: colour k, as the samples of class k (one output: 0 below, 1 above)
    if out.shape[1] == 1:
        level = 0.0 if out.min() < 0 else 0.5
        z = (out[:, 0] >= level).reshape(gx.shape).astype(float)
        ax.imshow(z, origin="lower", extent=extent, aspect="auto", interpolation="nearest",
                  **_CLASS_COLOURS, alpha=0.3)
        if 0 < z.mean() < 1:
            ax.contour(gx, gy, z, levels=[0.5], colors="#333333", linewidths=1.2)
        title = f"output {net.outputs[0]} ≥ {level:g}"
        region_names = {0: f"< {level:g}", 1: f"≥ {level:g}"}
    else:
        z = np.argmax(out, axis=1).reshape(gx.shape)
        ax.imshow(z, origin="lower", extent=extent, aspect="auto", interpolation="nearest",
                  **_CLASS_COLOURS, alpha=0.3)
        title = "argmax of the outputs"
        region_names = {k: f"{o} largest" for k, o in enumerate(net.outputs)}
    sample_names = ({0: f"target < {level:g}", 1: f"target ≥ {level:g}"} if out.shape[1] == 1
                    else {k: f"class {k} ({o})" for k, o in enumerate(net.outputs)})
    classes = None
    if D is not None:
        d = as_floats(D, "D")
        if d.ndim not in (1, 2):
            raise ParameterError(f"D must have one target per sample ({len(pts)}): class "
                                 f"numbers or rows of targets, got shape {d.shape}")
        if d.ndim == 2 and d.shape[1] > 1:
            classes = np.argmax(d, axis=1)
        else:
            classes = d.reshape(len(d), -1)[:, 0]
            if out.shape[1] == 1:  # targets on the output's side of the level: its colours
                classes = (classes >= level).astype(float)
        if len(classes) != len(pts):
            raise ParameterError(f"D must have one target per sample ({len(pts)}), "
                                 f"got {len(classes)}")
        ax.scatter(pts[:, 0], pts[:, 1], c=classes, **_CLASS_COLOURS, edgecolors="black",
                   s=40, zorder=3)
    else:
        ax.scatter(pts[:, 0], pts[:, 1], color="black", s=20, zorder=3)
    if lines:
        _separating_lines(net, ax, (x1, x2), extent)
    _class_legend(ax, np.unique(z), classes, region_names, sample_names)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel(str(x1))
    ax.set_ylabel(str(x2))
    ax.set_title(title)
    return ax


def _class_legend(ax: Any, regions: Any, classes: Any, region_names: dict[int, str],
                  sample_names: dict[int, str]) -> None:
    """One legend entry per colour in the plot: each region shown (what it means) and
    each sample class (its points), at most the ten colours of the palette."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    cmap = pyplot().get_cmap(_CLASS_COLOURS["cmap"])
    handles: list[Any] = [
        Patch(facecolor=cmap(int(k)), alpha=0.3, edgecolor="#666666",
              label=f"region: {region_names[int(k)]}")
        for k in regions if int(k) < 10
    ]
    if classes is not None:
        for c in np.unique(classes)[:10]:
            if float(c).is_integer() and 0 <= c < 10:  # a class number has a colour
                handles.append(Line2D([], [], marker="o", linestyle="", markersize=6,
                                      markerfacecolor=cmap(int(c)), markeredgecolor="black",
                                      label=sample_names.get(int(c), f"class {int(c)}")))
    if handles:
        ax.legend(handles=handles, loc="best", fontsize=7, framealpha=0.85)


def _separating_lines(net: Network, ax: Any, inputs: tuple[Any, Any], extent: tuple) -> None:
    """w1·x1 + w2·x2 + b = 0 for each weighted-sum neuron fed by exactly the inputs."""
    x1, x2 = inputs
    for neuron_id in net.neurons:
        if neuron_id in inputs:
            continue
        sources = set(net.graph.predecessors(neuron_id))
        if not sources or not sources <= {x1, x2}:
            continue
        neuron = net.neuron(neuron_id)
        if neuron.potential != "weighted_sum":
            continue
        w1 = net.weight(x1, neuron_id) if x1 in sources else 0.0
        w2 = net.weight(x2, neuron_id) if x2 in sources else 0.0
        b = neuron.bias
        if w1 == 0 and w2 == 0:
            continue
        xs = np.array([extent[0], extent[1]])
        if abs(w2) >= abs(w1):
            ys = -(b + w1 * xs) / w2
        else:
            ys = np.array([extent[2], extent[3]])
            xs = -(b + w2 * ys) / w1
        ax.plot(xs, ys, linestyle="--", color="#444444", linewidth=1)
        mx, my = xs.mean(), ys.mean()
        ax.text(mx, my, str(neuron.label or neuron_id), fontsize=8,
                bbox={"boxstyle": "round", "fc": "white", "ec": "#888888", "alpha": 0.8})


@keywords
def plot_patterns(
    states: Any,
    shape: tuple[int, int] | None = None,
    *,
    titles: Sequence[str] | None = None,
    columns: int = 8,
    fig: Any = None,
) -> Figure:
    """Each state as a small image (e.g. a 7 × 7 letter of a Hopfield network).

    Parameters
    ----------
    states : array_like, shape (N,) or (B, N)
        Values in neuron order; −1/0 is drawn white, +1 black.
    shape : (rows, columns), optional
        The picture shape, rows × columns = N (default: the nearest square).
    titles : sequence of str, optional
        One caption per state.
    columns : int
        Pictures per row.
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import netsim as ns
    >>> fig = ns.plot_patterns([[1, -1, -1, 1], [-1, 1, 1, -1]], shape=(2, 2))
    >>> len(fig.axes)
    2
    """
    arr = as_floats(states, "states")
    arr = arr[None, :] if arr.ndim == 1 else arr
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ParameterError(f"states must have shape (N,) or (B, N), got {arr.shape}")
    n = arr.shape[1]
    if shape is None:
        side = int(np.ceil(np.sqrt(n)))
        shape = (int(np.ceil(n / side)), side)
    if not isinstance(shape, tuple | list) or len(shape) != 2:
        raise ParameterError(f"shape must be (rows, columns), got {shape!r:.80}")
    rows_px, cols_px = (check_count(v, "shape", 1) for v in shape)
    columns = check_count(columns, "columns", 1)
    check_memory(8.0 * rows_px * cols_px * len(arr), f"plot_patterns(shape={tuple(shape)})")
    if rows_px * cols_px < n:
        raise ParameterError(f"shape {tuple(shape)} holds {rows_px * cols_px} values, the "
                             f"states have {n}")
    titles = _names(titles, len(arr), "titles", "state")
    if fig is not None:
        from matplotlib.figure import FigureBase

        check_type(fig, FigureBase, "fig", "a matplotlib Figure")
    cols = max(1, min(columns, len(arr)))
    grid_rows = -(-len(arr) // cols)
    if fig is None:
        fig = pyplot().figure(figsize=(1.3 * cols, 1.4 * grid_rows))
    low = min(float(np.nanmin(arr)), 0.0)
    for k, state in enumerate(arr):
        ax = fig.add_subplot(grid_rows, cols, k + 1)
        image = np.full(rows_px * cols_px, np.nan)
        image[:n] = state
        ax.imshow(image.reshape(rows_px, cols_px), cmap="Greys", vmin=low, vmax=1,
                  interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=9)
    return fig


@keywords
def plot_recall(
    result: Recall,
    net: Network | None = None,
    ax: Any = None,
    *,
    sample: int = 0,
    labels: Sequence[str] | None = None,
) -> Axes:
    """Overlap with each stored pattern per step (sweep) of a recall; with ``net``,
    the energy on a second y axis.

    Parameters
    ----------
    result : Recall
        From :func:`netsim.recall` with ``patterns``.
    net : Network, optional
        The network recalled from: adds the energy curve (:func:`netsim.energy_trace`).
    ax : matplotlib Axes, optional
    sample : int
        The probe of a batch recall.
    labels : sequence of str, optional
        Names of the patterns.

    Returns
    -------
    matplotlib Axes
        The overlap axes (``ax.right_ax`` is the energy axes when ``net`` is given).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import netsim as ns
    >>> x = [[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]]
    >>> r = ns.recall(ns.hopfield(x), [-1, -1, 1, -1, 1, -1], x)
    >>> ax = ns.plot_recall(r, ns.hopfield(x))
    >>> [line.get_label() for line in ax.get_lines()]
    ['pattern 0', 'pattern 1']
    """
    from .analyse.recall import Recall

    check_type(result, Recall, "result", "a Recall (from ns.recall)")
    if net is not None:
        check_network(net, "plot_recall")
    if result.overlaps is None:
        raise ParameterError("this recall has no overlaps; pass patterns to ns.recall")
    overlaps = np.asarray(result.overlaps, dtype=float)
    trace = np.asarray(result.trace, dtype=float)
    if overlaps.ndim == 3:
        if not -overlaps.shape[1] <= sample < overlaps.shape[1]:
            raise ParameterError(f"sample must be in 0..{overlaps.shape[1] - 1}, "
                                 f"got {sample!r}")
        overlaps, trace = overlaps[:, sample], trace[:, sample]
    labels = _names(labels, overlaps.shape[1], "labels", "pattern")
    ax = _axes(ax)
    steps = np.arange(len(overlaps))
    for p in range(overlaps.shape[1]):
        name = labels[p] if labels is not None else f"pattern {p}"
        ax.plot(steps, overlaps[:, p], marker="o", markersize=3, label=name)
    ax.set_ylim(-1.05, 1.05)
    unit = "sweep" if result.rule == "sequential" else "step"
    _integer_steps(ax)
    ax.set_xlabel(unit)
    ax.set_ylabel("overlap")
    handles, names = ax.get_legend_handles_labels()
    if net is not None:
        from .analyse import energy

        right = ax.twinx()
        right.plot(steps, np.asarray(energy(net, trace)), color="black", linestyle=":",
                   label="energy")
        right.set_ylabel("energy")
        more_h, more_l = right.get_legend_handles_labels()
        handles, names = handles + more_h, names + more_l
        ax.right_ax = right
    ax.legend(handles, names, fontsize="small", loc="best")
    ax.set_title(f"recall ({result.rule} rule)")
    return ax


@keywords
def plot_capacity(result: CapacityResult, ax: Axes | None = None) -> Axes:
    """The error rate against the load α = P/N of :func:`netsim.capacity_experiment`.

    Bit error rate after recall from each stored pattern, the fraction of patterns
    recalled, and the fraction of bits unstable at the stored pattern, with the
    theoretical capacity α_c ≈ 0.138 (Amit, Gutfreund and Sompolinsky) dotted.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import netsim as ns
    >>> result = ns.capacity_experiment(n=20, loads=(0.05, 0.1), trials=1, seed=0)
    >>> [line.get_label() for line in result.plot().get_lines()][:2]
    ['bit error rate', 'patterns recalled']
    """
    from .analyse.recall import CapacityResult

    if not isinstance(result, CapacityResult):
        raise ParameterError(f"plot_capacity expects the result of ns.capacity_experiment, "
                             f"got {describe(result)}")
    ax = _axes(ax)
    loads = np.asarray(result.loads, dtype=float)
    ax.plot(loads, result.error_rate, marker="o", color="#b2182b", label="bit error rate")
    ax.plot(loads, result.recalled, marker="s", color="#2166ac", label="patterns recalled")
    ax.plot(loads, result.initial_error, marker=".", linestyle="--", color="#888888",
            label="bits unstable at the pattern")
    ax.axvline(0.138, color="#333333", linestyle=":", linewidth=1, label="α_c ≈ 0.138")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("load α = P / N")
    ax.set_ylabel("fraction")
    ax.set_title(f"Hopfield capacity, N = {result.n}")
    ax.legend(fontsize="small", loc="best")
    return ax
