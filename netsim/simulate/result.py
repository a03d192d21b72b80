"""The result of a run: :class:`Run`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import NeuronNotFoundError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["Run"]

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class Run:
    """What a run of a network produced (see :func:`netsim.simulate.run`).

    For one input ``(k,)`` every field is per-sample: ``output`` is ``(m,)``,
    ``state`` ``(N,)``, ``trace`` ``(T+1, N)``, and ``steps``, ``converged``,
    ``period``, ``transient`` are Python scalars. For a batch ``(B, k)`` the arrays
    gain a batch axis (``output`` ``(B, m)``, ``state`` ``(B, N)``, ``trace``
    ``(T+1, B, N)`` with ``T`` the largest step count) and the scalars become arrays
    of length ``B``.

    Attributes
    ----------
    output : ndarray
        The values of the output neurons, in output order.
    state : ndarray
        The final state: every neuron's value, in neuron order.
    steps : int or ndarray of int
        Steps taken (see the rule's definition of a step in :mod:`netsim.simulate`).
    converged : bool or ndarray of bool
        True when the state became stable (a fixed point, or the last layer of the
        layered rule was evaluated).
    period : int or None, or ndarray of int
        1 for a fixed point; p > 1 when a state repeated after p steps (discrete
        states, deterministic rules). ``None`` (0 in a batch array) when no repeat
        was seen.
    transient : int or None, or ndarray of int
        Steps before the final fixed point or cycle was first entered; ``None``
        (−1 in a batch array) when unknown.
    trace : ndarray or None
        With ``record=True`` (or ``"step"``): ``trace[t]`` is the state after step
        ``t`` (``trace[0]`` is the initial state); with ``record="sweep"`` and the
        sequential rule, ``trace[s]`` is the state after sweep ``s`` (the last row
        after a partial last sweep is the final state). A sample that stopped before
        the last record keeps its final state in the later rows.
    monitors : dict
        With ``monitors=``: each monitor's values per record, shaped like the trace
        (``(T+1, ...)`` or ``(T+1, B, ...)``).
    neurons : tuple
        Neuron ids in state order (the columns of ``state`` and ``trace``).
    outputs : tuple
        Output neuron ids (the columns of ``output``).
    rule, order : str
        The rule used and, for the sequential rule, the order (else ``None``).
    seed : int or None
        The seed given.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_input("x"); net.add_output("y", activation="step", bias=-0.5)
    >>> net.connect("x", "y", 1.0)
    >>> run = net.run([1.0])
    >>> run.output, run.steps, run.converged, run.value("y")
    (array([1.]), 1, True, 1.0)
    """

    output: Array
    _state: Any  # the final state, or a callable producing it on first use
    steps: Any
    converged: Any
    period: Any
    transient: Any
    trace: Array | None
    neurons: tuple
    outputs: tuple
    rule: str
    order: str | None = None
    seed: int | None = None
    monitors: dict[str, Array] = field(default_factory=dict)
    _index: dict = field(default_factory=dict, repr=False)
    _single: bool = False

    @property
    def state(self) -> Array:
        """The final state, every neuron in neuron order (built on first access)."""
        value = self._state
        if callable(value):
            value = value()
            if self._single:
                value = value[0]
            object.__setattr__(self, "_state", value)
        return value

    @property
    def batched(self) -> bool:
        """True when the run was given a batch of inputs."""
        return self.output.ndim == 2

    def value(self, neuron_id: Any) -> Any:
        """The final value of ``neuron_id`` (a float, or an array for a batch)."""
        index = self._index or {n: k for k, n in enumerate(self.neurons)}
        if neuron_id not in index:
            raise NeuronNotFoundError(
                f"no neuron {neuron_id!r} in this run"
                + did_you_mean(neuron_id, [str(n) for n in self.neurons])
            )
        col = self.state[..., index[neuron_id]]
        return float(col) if np.ndim(col) == 0 else col

    def history(self, neuron_id: Any) -> Array:
        """The value of ``neuron_id`` after every step (needs ``record=True``)."""
        if self.trace is None:
            from ..errors import ParameterError

            raise ParameterError("this run has no trace; run with record=True")
        index = self._index or {n: k for k, n in enumerate(self.neurons)}
        if neuron_id not in index:
            raise NeuronNotFoundError(f"no neuron {neuron_id!r} in this run")
        return self.trace[..., index[neuron_id]]

    def table(self, sample: int = 0, digits: int = 4) -> str:
        """A readable table: one row per step (the trace) or the final state.

        Columns are ``step`` then every neuron, headed by its id.
        """
        if self.trace is not None:
            rows = self.trace if not self.batched else self.trace[:, sample]
        else:
            state = self.state if not self.batched else self.state[sample]
            rows = state[None, :]
        steps = range(len(rows)) if self.trace is not None else ["final"]
        header = ["step", *(str(n) for n in self.neurons)]
        body = [
            [str(s), *(_fmt(v, digits) for v in row)]
            for s, row in zip(steps, rows, strict=False)
        ]
        widths = [max(len(r[c]) for r in [header, *body]) for c in range(len(header))]
        lines = [
            "  ".join(h.rjust(w) for h, w in zip(r, widths, strict=True))
            for r in [header, *body]
        ]
        return "\n".join(lines)

    def summary(self) -> dict[str, Any]:
        """The run as plain Python values (for JSON)."""

        def plain(v: Any) -> Any:
            if isinstance(v, np.ndarray):
                return v.tolist()
            if isinstance(v, np.generic):
                return v.item()
            return v

        out = {
            "rule": self.rule,
            "order": self.order,
            "seed": self.seed,
            "outputs": [plain(o) for o in self.outputs],
            "output": plain(self.output),
            "neurons": [plain(n) for n in self.neurons],
            "state": plain(self.state),
            "steps": plain(self.steps),
            "converged": plain(self.converged),
            "period": plain(self.period),
            "transient": plain(self.transient),
        }
        if self.trace is not None:
            out["trace"] = plain(self.trace)
        return out

    def _repr_html_(self) -> str:
        from ..io.display import run_html

        return run_html(self)

    def plot(self, ax: Any = None, **options: Any) -> Axes:
        """The trace as a heatmap or raster (see :func:`netsim.plot.plot_run`)."""
        from ..plot import plot_run

        return plot_run(self, ax, **options)

    def __repr__(self) -> str:
        shape = f"batch of {self.output.shape[0]}" if self.batched else "single input"
        return (
            f"<Run {self.rule}{'/' + self.order if self.order else ''} ({shape}): "
            f"steps={_short(self.steps)}, converged={_short(self.converged)}, "
            f"period={_short(self.period)}, output={_short(self.output)}>"
        )


def _fmt(value: float, digits: int) -> str:
    v = float(value)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.{digits}g}"


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, threshold=8, precision=4)
    return repr(value)
