"""Notebook displays of results: short text reprs and small HTML tables.

Each ``*_html`` function returns one self-contained HTML fragment (escaped, truncated:
see :mod:`netsim.io.html`) and each ``*_text`` a short one-line repr. The result
classes call them from ``_repr_html_`` / ``__repr__``; none of them ever prints a
whole array, so a display stays a few kilobytes whatever the size of the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .html import fmt, page_section, table

if TYPE_CHECKING:  # pragma: no cover
    from ..analyse.recall import CapacityResult, GlauberRun, Recall
    from ..analyse.statespace import StateSpaceAnalysis
    from ..learn.train import History
    from ..simulate.result import Run

__all__ = [
    "MAX_COLS",
    "MAX_ROWS",
    "LazyRows",
    "analysis_html",
    "analysis_text",
    "capacity_html",
    "capacity_text",
    "glauber_text",
    "history_html",
    "recall_html",
    "recall_text",
    "run_html",
]

MAX_ROWS = 20
MAX_COLS = 16
MAX_STATES_SHOWN = 6  # states of one attractor written out in its row


def _scalar(value: Any, sample: int | None) -> Any:
    if isinstance(value, np.ndarray) and value.ndim >= 1 and sample is not None:
        return value[sample]
    return value


def _run_facts(run: Run) -> list[str]:
    rule = run.rule + (f"/{run.order}" if run.order else "")
    if run.batched:
        conv = np.asarray(run.converged)
        steps = np.asarray(run.steps)
        return [f"rule {rule}", f"batch of {len(run.output)}",
                f"{int(conv.sum())} of {conv.size} converged",
                f"steps {int(steps.min())}–{int(steps.max())}"]
    period = "none seen" if run.period is None else str(run.period)
    return [f"rule {rule}", f"{run.steps} steps", f"converged: {run.converged}",
            f"period: {period}",
            "output: " + _pairs(run.outputs, np.ravel(run.output))]


def _pairs(ids: Any, values: Any, limit: int = 8) -> str:
    """``y1=0, y2=1, …(+28)``: at most ``limit`` id=value pairs."""
    pairs = [f"{i}={fmt(v)}" for i, v in zip(list(ids)[:limit], values[:limit], strict=False)]
    more = len(ids) - limit
    return ", ".join(pairs) + (f", … (+{more})" if more > 0 else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def run_html(run: Run) -> str:
    """The run's facts and its trace (or final state) as a truncated table.

    A batch shows one row per sample (outputs, steps, converged, period) and the trace
    of sample 0.
    """
    ids = [str(n) for n in run.neurons]
    parts = []
    if run.batched:
        out = np.asarray(run.output)
        shown = min(len(out), MAX_ROWS)
        period = np.asarray(run.period)
        rows = [[b, *(fmt(v) for v in out[b]), fmt(np.asarray(run.steps)[b]),
                 str(bool(np.asarray(run.converged)[b])), fmt(period[b]) if period[b] else "-"]
                for b in range(shown)]
        header = ["sample", *(str(o) for o in run.outputs), "steps", "converged", "period"]
        parts.append(table(header, rows, max_rows=MAX_ROWS, max_cols=MAX_COLS,
                           total_rows=len(out)))
    if run.trace is not None:
        trace = np.asarray(run.trace)
        trace = trace[:, 0] if trace.ndim == 3 else trace
        if run.batched:
            parts.append('<div class="head">trace of sample 0</div>')
        trace_rows = LazyRows(len(trace), lambda t: [t, *(fmt(v) for v in trace[t])])
        parts.append(table(["step", *ids], trace_rows, max_rows=MAX_ROWS, max_cols=MAX_COLS))
    elif not run.batched:
        parts.append(table(["", *ids], [["final", *(fmt(v) for v in np.ravel(run.state))]],
                           max_cols=MAX_COLS))
    return page_section("Run", _run_facts(run), *parts)


class LazyRows(Sequence):
    """Rows built on access: a table of a long trace formats only the rows it shows."""

    def __init__(self, n: int, build: Callable[[int], list[Any]]) -> None:
        self.n, self.build = n, build

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self.build(i) for i in range(*k.indices(self.n))]
        return self.build(k)


# --- training ---------------------------------------------------------------------------


def history_html(history: History) -> str:
    """Facts, the per-epoch table (first and last epochs) and, with matplotlib, the
    loss/metric plot as an inline PNG."""
    from ..plot import history_png

    series = history.as_dict()
    names = list(series)
    n = history.epochs
    rows = LazyRows(len(history.loss), lambda t: [
        t + 1, *(fmt(series[k][t]) if t < len(series[k]) else "" for k in names)])
    facts = [f"{n} epochs", f"best epoch {history.best_epoch + 1}",
             f"best loss {fmt(history.best_loss, 6)}"]
    if history.stopped_early:
        facts.append("stopped early" + (", best weights restored" if history.restored_best
                                        else ""))
    parts = []
    png = history_png(history) if history.loss else None
    if png is not None:
        parts.append(f'<img alt="training curves" src="data:image/png;base64,{png}"/>')
    parts.append(table(["epoch", *names], rows, max_rows=MAX_ROWS, max_cols=MAX_COLS))
    return page_section("History", facts, *parts)


# --- attractors -------------------------------------------------------------------------


def _analysis_facts(a: StateSpaceAnalysis) -> list[str]:
    space = a.space
    free = [str(n) for n in space.free_ids]
    shown = ", ".join(free if len(free) <= 12 else [*free[:6], "…", *free[-3:]])
    facts = [f"{a.rule} rule", f"{_plural(space.n, 'free neuron')} ({shown})",
             _plural(a.n_states, "state"), _plural(len(a.attractors), "attractor"),
             _plural(len(a.fixed_points), "fixed point")]
    if a.rule == "parallel" and a.transient is not None and a.garden_of_eden is not None:
        facts += [f"longest transient {int(a.transient.max(initial=0))}",
                  f"{int(a.garden_of_eden.sum())} garden-of-Eden states"]
    elif a.rule == "sequential":
        facts.append(f"{int(np.count_nonzero(a.attractor_of < 0))} states can reach several")
    return facts


def analysis_text(a: StateSpaceAnalysis) -> str:
    """``<StateSpaceAnalysis parallel: 16 free neurons, 65536 states, 3 attractors ...>``."""
    sizes = sorted(a.basin_sizes, reverse=True)[:5]
    more = ", …" if len(a.attractors) > 5 else ""
    return (f"<StateSpaceAnalysis {a.rule}: {_plural(a.space.n, 'free neuron')}, "
            f"{_plural(a.n_states, 'state')}, {_plural(len(a.attractors), 'attractor')} "
            f"({_plural(len(a.fixed_points), 'fixed point')}), "
            f"largest basins {sizes}{more}>")


def analysis_html(a: StateSpaceAnalysis) -> str:
    """The attractor table: one row per attractor (largest basins first), truncated."""
    atts = sorted(a.attractors, key=lambda t: (-t.basin, t.index))
    shown = atts[:MAX_ROWS]
    sequential = a.rule == "sequential"
    header = ["#", "kind", "size" if sequential else "period", "basin",
              *(["reach"] if sequential else []), "share", "states"]
    rows = []
    for t in shown:
        labels = t.labels[:MAX_STATES_SHOWN]
        states = (", " if sequential else " → ").join(lb or "(none)" for lb in labels)
        if t.size > MAX_STATES_SHOWN:
            states += f" … ({t.size} states)"
        kind = "fixed point" if t.is_fixed_point else ("component" if sequential else "cycle")
        row = [t.index, kind, t.size, t.basin]
        if sequential:
            row.append("-" if t.reach is None else t.reach)
        row += [f"{100 * t.basin / a.n_states:.1f}%", states]
        rows.append(row)
    return page_section("Attractors", _analysis_facts(a),
                        table(header, rows, max_rows=MAX_ROWS, max_cols=10,
                              total_rows=len(atts)))


# --- recall -----------------------------------------------------------------------------


def recall_text(r: Recall) -> str:
    steps = np.atleast_1d(r.steps)
    conv = np.atleast_1d(r.converged)
    probes = "1 probe" if np.ndim(r.steps) == 0 else f"{steps.size} probes"
    retrieved = r.retrieved
    got = "" if retrieved is None else (
        f", retrieved pattern {int(retrieved)}" if np.ndim(retrieved) == 0
        else f", retrieved {np.array2string(np.asarray(retrieved), threshold=8)}")
    return (f"<Recall {r.rule}: {probes}, {int(conv.sum())} converged, "
            f"steps {int(steps.min())}–{int(steps.max())}{got}>")


def recall_html(r: Recall) -> str:
    """One row per probe: steps, converged, period, retrieved pattern, final overlaps."""
    steps = np.atleast_1d(r.steps)
    conv = np.atleast_1d(r.converged)
    period = np.atleast_1d(r.period)
    final = r.final_overlaps
    overlaps = None if final is None else np.atleast_2d(final)
    retrieved = None if r.retrieved is None else np.atleast_1d(r.retrieved)
    header = ["probe", "steps", "converged", "period"]
    if overlaps is not None:
        header += ["retrieved", *(f"m{p}" for p in range(overlaps.shape[1]))]
    rows = []
    for b in range(min(len(steps), MAX_ROWS)):
        row: list[Any] = [b, int(steps[b]), bool(conv[b]), int(period[b]) or "-"]
        if overlaps is not None and retrieved is not None:
            row += [int(retrieved[b]), *(fmt(v, 3) for v in overlaps[b])]
        rows.append(row)
    unit = "sweeps" if r.rule == "sequential" else "steps"
    facts = [f"{r.rule} rule ({unit})", f"{len(steps)} probes", f"{int(conv.sum())} converged"]
    return page_section("Recall", facts, table(header, rows, max_rows=MAX_ROWS,
                                               max_cols=MAX_COLS, total_rows=len(steps)))


def glauber_text(g: GlauberRun) -> str:
    sweeps = len(g.trace) - 1
    shape = "1 state" if np.ndim(g.state) == 1 else f"{len(g.state)} states"
    return f"<GlauberRun T={g.temperature:g}: {shape}, {sweeps} sweeps>"


def capacity_text(c: CapacityResult) -> str:
    breakdown = c.breakdown()
    at = "none" if breakdown is None else f"{breakdown:g}"
    return (f"<CapacityResult N={c.n}: {len(c.loads)} loads "
            f"{fmt(float(np.min(c.loads)), 3)}–{fmt(float(np.max(c.loads)), 3)}, "
            f"error > 5% from load {at}>")


def capacity_html(c: CapacityResult) -> str:
    header = ["P/N", "P", "bit error", "recalled", "unstable at pattern"]
    rows = [[f"{a:.3f}", int(p), f"{e:.4f}", f"{r:.3f}", f"{i:.4f}"]
            for a, p, e, r, i in zip(c.loads, c.patterns, c.error_rate, c.recalled,
                                     c.initial_error, strict=True)]
    breakdown = c.breakdown()
    facts = [f"N = {c.n}", "recall from each stored pattern (sequential, until stable)",
             "error > 5% from load " + ("— (never)" if breakdown is None
                                        else f"{breakdown:g}")]
    return page_section("Capacity", facts, table(header, rows, max_rows=40))
