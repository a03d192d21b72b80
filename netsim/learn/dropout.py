"""Dropout as the course defines it: a random set of neurons per training step.

In every step of gradient descent each droppable neuron (by default every hidden
neuron: not an input, not an output, with incoming connections) is *kept*
independently with probability ``p`` (the course's ½); only the kept neurons' weights
are updated in that step, the others' are left exactly as they were.

netsim implements **inverted dropout**: during training a kept neuron's output is
divided by ``p`` and a dropped neuron's output is 0 (``y = m·σ(ξ)`` with
``m ∈ {0, 1/p}``), so the trained network is used as it is for prediction. The course's
other form, training with ``m ∈ {0, 1}`` and multiplying the dropped neurons'
outgoing weights by ``p`` for prediction, gives the same function in expectation: the
potential of a neuron reading a droppable neuron ``i`` is, averaged over the masks,
``E[m_i]·w·y_i = w·y_i`` in both cases (tests/test_learn_dropout.py enumerates every
mask to check it).

The mask is one per step (the course's set N), shared by the samples of the minibatch,
drawn from its own seeded stream (the same seed gives the same masks, and the
shuffling does not depend on whether dropout is used).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..compile import Program
from ..errors import NeuronNotFoundError, ParameterError
from ..limits import describe

__all__ = ["Dropout", "check_keep"]

Array = np.ndarray


def check_keep(p: Any) -> float:
    """The keep probability ``p`` of ``dropout=p``, in (0, 1], or a clear error.

    >>> check_keep(0.5)
    0.5
    """
    if (isinstance(p, bool) or not isinstance(p, int | float) or not math.isfinite(p)
            or not 0 < p <= 1):
        raise ParameterError(
            "dropout must be the keep probability p in (0, 1] (each droppable neuron is kept "
            f"with probability p in a training step; the course's p = 0.5), got {describe(p)}"
        )
    return float(p)


class Dropout:
    """Per-step masks for the stages of a training plan (see the module docstring).

    Parameters
    ----------
    prog : Program
    stage_targets : list of ndarray
        The target neurons of each stage the masks are for.
    p : float
        Keep probability.
    neurons : iterable of neuron ids, optional
        The droppable neurons (default: every hidden neuron with incoming connections).
    seed : int, numpy Generator or None
    """

    def __init__(self, prog: Program, stage_targets: list[Array], p: float,
                 neurons: Iterable[Any] | None = None, seed: Any = None) -> None:
        self.p = check_keep(p)
        n = prog.n_neurons
        if neurons is None:
            droppable = np.array(prog.has_input, dtype=bool)
            droppable[prog.outputs] = False
            droppable[prog.inputs] = False
        else:
            droppable = np.zeros(n, dtype=bool)
            if isinstance(neurons, str | bytes) or not isinstance(neurons, Iterable):
                raise ParameterError("dropout_neurons must be a list of neuron ids, got "
                                     f"{describe(neurons)}")
            for nid in neurons:
                try:
                    j = prog.index[nid]
                except (KeyError, TypeError):
                    raise NeuronNotFoundError(
                        f"dropout_neurons: the network has no neuron {nid!r}") from None
                if not prog.has_input[j]:
                    raise ParameterError(
                        f"dropout_neurons: neuron {nid!r} has no incoming connection; only "
                        "computed neurons can be dropped")
                droppable[j] = True
        self.neurons = np.flatnonzero(droppable)  # droppable neuron indices
        self.stage_rows: list[tuple[Array, Array]] = []  # (rows in stage, index in neurons)
        position = np.full(n, -1, dtype=np.int64)
        position[self.neurons] = np.arange(len(self.neurons))
        for targets in stage_targets:
            pos = position[targets]
            rows = np.flatnonzero(pos >= 0)
            self.stage_rows.append((rows, pos[rows]))
        self.sizes = [len(t) for t in stage_targets]
        # connection → its target neuron (incoming weights) and source neuron
        self.conn_target = np.repeat(np.arange(n), prog.in_degree)
        self.conn_source = np.asarray(prog.sources, dtype=np.int64)
        self.n = n
        if isinstance(seed, np.random.Generator):
            self.rng = seed
        else:
            base = np.random.SeedSequence(seed) if not isinstance(
                seed, np.random.SeedSequence) else seed
            self.rng = np.random.default_rng(base.spawn(1)[0])

    @property
    def active(self) -> bool:
        """Whether any neuron can be dropped (``p < 1`` and some droppable neuron)."""
        return self.p < 1 and len(self.neurons) > 0

    def draw(self) -> Array:
        """A fresh keep decision per droppable neuron (True = kept)."""
        return self.rng.random(len(self.neurons)) < self.p

    def masks(self, kept: Array, dtype: Any = np.float64) -> list[Array | None]:
        """One ``(rows, 1)`` output factor per stage: ``1/p`` kept, 0 dropped, 1 others."""
        factor = np.where(kept, 1.0 / self.p, 0.0).astype(dtype)
        out: list[Array | None] = []
        for size, (rows, idx) in zip(self.sizes, self.stage_rows, strict=True):
            if len(rows) == 0:
                out.append(None)
                continue
            m = np.ones((size, 1), dtype=dtype)
            m[rows, 0] = factor[idx]
            out.append(m)
        return out

    def frozen(self, kept: Array) -> tuple[Array, Array]:
        """Positions of the weights and the biases a step must leave unchanged: those
        of the dropped neurons (incoming and outgoing weights, bias)."""
        dropped = np.zeros(self.n, dtype=bool)
        dropped[self.neurons[~kept]] = True
        w = np.flatnonzero(dropped[self.conn_target] | dropped[self.conn_source])
        return w, self.neurons[~kept]
