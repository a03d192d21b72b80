"""A prepared parallel stepper: a batch of states advanced step by step, no run set-up.

:func:`netsim.simulate.run` checks its arguments, builds the starting state, detects
cycles and assembles a result on every call: the right price for one run, too high
for an analysis that needs many short ones (walking thousands of states once around
their cycles). A :class:`ParallelStepper` is prepared once for a network and its
clamps; it then starts a batch from full states and advances it by whole parallel
steps with the parallel rule's own prepared plan (the same exact threshold decision,
the same tie rule), and reads the states back packed, one bit per updated neuron.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compile import Program, compile_network
from ..errors import NetworkError
from .rules import Parallel, SyncWork, make_rule
from .start import Initial, held_indices, held_program

__all__ = ["ParallelStepper", "StepBatch"]

Array = np.ndarray


@dataclass
class StepBatch:
    """A batch being stepped: the rule object of this batch and its work."""

    rule: Parallel
    work: SyncWork
    size: int

    def __len__(self) -> int:
        return self.size


class ParallelStepper:
    """Advance batches of full states by parallel steps, prepared once.

    Parameters
    ----------
    net : Network or Program
    clamp : mapping, optional
        Neuron id → value held for every step (as ``run(clamp=...)``): a clamped
        neuron is not updated and keeps its clamp value.

    Attributes
    ----------
    neurons : ndarray of int
        The updated neurons (with inputs, not clamped), in neuron order: the bits of
        :meth:`bits`.

    Notes
    -----
    A step is exactly a step of ``run(rule="parallel")`` (the same prepared plan and
    exact threshold decisions); there is no cycle detection, stopping or record.
    :meth:`bits` needs every updated neuron to have two values (step, sign).

    Examples
    --------
    Two neurons inhibiting each other swap their values at every step:

    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="sign"); net.add_neuron("b", activation="sign")
    >>> net.connect("a", "b", -1.0); net.connect("b", "a", -1.0)
    >>> stepper = ParallelStepper(net)
    >>> batch = stepper.start([[1, 1], [1, -1]])
    >>> stepper.step(batch)
    >>> stepper.states(batch).tolist()
    [[-1.0, -1.0], [1.0, -1.0]]
    >>> stepper.bits(batch)[:, 0].tolist()  # a high value is a 1 bit, first neuron first
    [0, 128]
    """

    def __init__(self, net: Any, clamp: Mapping[Any, float] | None = None) -> None:
        prog = net if isinstance(net, Program) else compile_network(net)
        self.program = prog
        self.clamped, _ = held_indices(prog, clamp, None)
        self._held = held_program(prog, self.clamped) if self.clamped else prog
        rule = self._rule()
        plan, stage = rule.plan, rule.stage
        inside = plan.perm[stage.lo : stage.hi]  # the updated neurons, internal order
        self._order = np.argsort(inside, kind="stable")
        self.neurons = inside[self._order]
        self._in_order = bool(np.array_equal(self._order, np.arange(len(inside))))

    def _rule(self) -> Parallel:
        rule = make_rule("parallel", "cyclic", self._held)  # a fresh copy per batch
        assert isinstance(rule, Parallel)
        return rule

    def start(self, states: Any) -> StepBatch:
        """A batch starting from the full states ``(B, N)`` (clamp values written in)."""
        state = np.array(states, dtype=self.program.dtype, ndmin=2)
        for j, value in self.clamped.items():
            state[:, j] = value
        rule = self._rule()
        init = Initial(self._held, state[:, self._held.inputs], state)
        return StepBatch(rule, rule.start(init, None, 0.0, False), len(state))

    def step(self, batch: StepBatch, steps: int = 1) -> None:
        """Advance every state of ``batch`` by ``steps`` parallel steps."""
        if batch.rule.unit and steps:
            batch.rule.advance(batch.work, steps)

    def keep(self, batch: StepBatch, rows: Array) -> None:
        """Keep only the states at positions ``rows`` (in that order)."""
        rows = np.asarray(rows, dtype=np.int64)
        batch.work = batch.rule.compact(batch.work, rows)
        batch.size = len(rows)

    def states(self, batch: StepBatch) -> Array:
        """The current full states ``(B, N)`` (a new array)."""
        return batch.rule.public(batch.work)

    def bits(self, batch: StepBatch) -> Array:
        """The updated neurons' values packed, ``(B, ⌈n/8⌉)`` ``uint8``: bit ``k``
        (most significant first) is 1 when neuron ``neurons[k]`` has its high value."""
        rule, work = batch.rule, batch.work
        if not len(self.neurons):
            return np.zeros((batch.size, 0), dtype=np.uint8)
        two = rule.two
        if two is None:
            raise NetworkError("ParallelStepper.bits needs two-valued (step, sign) neurons")
        if rule.bits and self._in_order and work.packed is not None:
            return np.ascontiguousarray(work.packed.T)  # packed by the step itself
        st = rule.stage
        assert work.cur is not None
        high = work.cur[st.lo : st.hi] > two[2]
        if not self._in_order:
            high = high[self._order]
        return np.ascontiguousarray(np.packbits(high, axis=0).T)
