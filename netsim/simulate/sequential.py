"""The sequential (asynchronous) rule: one neuron per step.

A *sweep* is ``n`` consecutive steps, ``n`` = the number of neurons with inputs.
Step ``t`` (1-based) belongs to sweep ``(t − 1) // n`` and selects:

- ``order="cyclic"``: the neurons with inputs in neuron order;
- ``order="random"``: sweep ``s`` follows the ``s``-th permutation drawn from
  ``numpy.random.default_rng(seed)`` (``rng.permutation`` of the neurons with
  inputs, one per sweep, drawn in sweep order);
- ``order="random-replacement"``: sweep ``s`` follows the ``s``-th block of ``n``
  uniform draws (``rng.integers(0, n, size=n)``), so a neuron may be selected twice
  in a sweep or not at all.

Every sample of a batch follows the same selections (the same seed gives the same
run, and a batch gives exactly the per-sample runs). The selected neuron is
evaluated from the current state and takes its new value at once; a neuron of a
softmax group evaluates its whole group.

How a selected neuron is updated — exactly, and fast (incremental potentials, a whole
batch in lockstep) — is the core's: :mod:`netsim.core.sequential`. This module holds
the rule: the orders, the choice between one state at a time and the batch in
lockstep, records and stability.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..compile import Program
from ..core.sequential import Incremental, NeuronUpdate, sequential_tables
from .rules import Advance, Rule, digest_rows

__all__ = ["Sequential"]

Array = np.ndarray

# Batches at least this large on a dense threshold network run in lockstep.
LOCKSTEP_BATCH = 8


class BatchWork:
    """The whole batch's states ``y`` ``(B, N)``, advanced in lockstep (every sample
    takes the same step at once): the path of Glauber updates, and of large batches
    on dense threshold networks (one matrix-vector product per step for the batch)."""

    def __init__(self, y: Array) -> None:
        self.y = y


class Sequential(Rule):
    """One neuron per step, in ``order`` (see the module docstring)."""

    name = "sequential"

    def __init__(self, order: str) -> None:
        self.order = order
        self.deterministic = order == "cyclic"

    def prepare(self, prog: Program) -> None:
        self.prog = prog
        self.tab = sequential_tables(prog)
        self.unit = len(self.tab.upd)

    def start(self, init: Any, seed: Any, tol: float, record: bool
              ) -> list[Incremental] | BatchWork:
        state = init.public()
        self.core = NeuronUpdate(self.prog, tol)
        self.tol, self.record = tol, record
        self.rng = np.random.default_rng(seed)
        self.orders: list[Array] = []
        self.t = 0
        self.deterministic = self.order == "cyclic" and not self.temperature
        if self.temperature or (
                state.shape[0] >= LOCKSTEP_BATCH and self.tab.dense_ok
                and self.order != "random-replacement"):
            # discrete neurons: one bound of every |value| for the whole run
            self.ymax = self.core.run_bound(state)
            return BatchWork(np.array(state, order="C"))
        return [self.core.start(state[b]) for b in range(state.shape[0])]

    def _sweep_order(self, s: int) -> Array:
        if self.order == "cyclic":
            return self.tab.upd
        while len(self.orders) <= s:  # shared by every sample: same seed, same run
            n = len(self.tab.upd)
            if self.order == "random":
                self.orders.append(self.tab.upd[self.rng.permutation(n)])
            else:
                self.orders.append(self.tab.upd[self.rng.integers(0, n, size=n)])
        return self.orders[s]

    def advance(self, work: list[Incremental] | BatchWork, steps: int) -> Advance:
        n = self.unit
        s, p0 = divmod(self.t, n) if n else (0, 0)
        order = self._sweep_order(s) if n else self.tab.upd
        p1 = p0 + steps
        self.t += steps
        if isinstance(work, BatchWork):
            # each step for every sample at once; with a temperature the Glauber rule,
            # its draws (rng.random(B) per step) after the sweep's order was drawn
            changed, last, records = self.core.lockstep(
                work.y, order[p0:p1], self.temperature, self.rng, self.ymax, self.record)
            b = work.y.shape[0]
            stable = ~changed if steps == n else np.zeros(b, dtype=bool)
            return Advance(steps, changed, last, stable, records)
        b = len(work)
        changed = np.zeros(b, dtype=bool)
        last = np.zeros(b, dtype=np.int64)
        stable = np.zeros(b, dtype=bool)
        records = np.empty((steps, b, self.prog.n_neurons), dtype=work[0].y.dtype) \
            if self.record and b else None
        each_once = self.order != "random-replacement"
        for k, w in enumerate(work):
            y0 = w.y.copy() if records is not None else None
            events = self.core.sweep(w, order, p0, p1, n, each_once)
            big = [e for e in events if e[3]]
            changed[k] = bool(big)
            last[k] = big[-1][0] - p0 + 1 if big else 0
            if p1 - p0 == n:  # a whole sweep
                stable[k] = not big and (each_once or self.core.is_fixed_point(w))
            if records is not None:
                records[:, k] = y0
                for pos, j, value, _big in events:
                    records[pos - p0 :, k, j] = value
        return Advance(steps, changed, last, stable, records)

    def keys(self, work: list[Incremental] | BatchWork) -> list[bytes]:
        if isinstance(work, BatchWork):
            return digest_rows(work.y[:, self.tab.upd])
        if not work:
            return []
        return digest_rows(np.stack([w.y[self.tab.upd] for w in work]))

    def compact(self, work: list[Incremental] | BatchWork, keep: Array
                ) -> list[Incremental] | BatchWork:
        if isinstance(work, BatchWork):
            return BatchWork(np.ascontiguousarray(work.y[keep]))
        return [work[i] for i in np.asarray(keep).tolist()]

    def public(self, work: list[Incremental] | BatchWork, owned: bool = False) -> Array:
        if isinstance(work, BatchWork):
            return work.y if owned else work.y.copy()
        return np.stack([w.y for w in work])
