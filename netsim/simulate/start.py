"""Starting and holding: the initial state of a run, clamped and pinned neurons.

DESIGN §1 "Starting and holding": a run may start from a full ``initial_state``;
``clamp={id: value}`` holds neurons at a value and ``pin=[ids]`` at their starting
value, under every rule.

- The **starting state** ``(B, N)`` is built in this order: the network's own initial
  state (every neuron its ``initial`` value); the ``initial_state`` when given (a full
  state ``(N,)`` / ``(B, N)``, or a ``{neuron: value}`` mapping over the default);
  the inputs when given (input neurons take the input); the clamp values.
- **Holding** a neuron removes it from the set the rule updates (:func:`held_program`:
  the same program with those neurons marked as having no incoming connection, so
  every rule, layer plan and table sees a neuron that keeps its value). A held neuron
  is therefore never selected, never evaluated and never counted as changing; the
  sequential rule's sweep is over the free neurons only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..compile import Program
from ..core import derived
from ..errors import NeuronNotFoundError, ParameterError, did_you_mean
from ..limits import describe

__all__ = ["Initial", "held_indices", "held_program", "starting_state"]

Array = np.ndarray

# Held variants of one program kept beside it (the most recent ones).
HELD_CACHE = 8


class Initial:
    """The initial state of a run, built in whichever layout a rule needs.

    ``x`` are the ``(B, k)`` inputs; :meth:`public` is the ``(B, N)`` initial state,
    built once: the given ``state`` or, by default, inputs taking the input and every
    other neuron its initial value.
    """

    def __init__(self, prog: Program, x: Array, state: Array | None = None) -> None:
        self.prog = prog
        self.x = x
        self.given = state is not None  # a state other than the default one
        self._public = state

    def public(self) -> Array:
        """The ``(B, N)`` initial state (do not modify it)."""
        if self._public is None:
            self._public = self.prog.initial_state(self.x)
        return self._public

    def internal(self, plan: Any) -> Array:
        """The initial state in ``plan``'s internal layout (a new array)."""
        if self.given:
            return plan.to_internal(self._public)
        return plan.initial(self.prog, self.x)


def _index_of(prog: Program, key: Any, what: str) -> int:
    if isinstance(key, np.generic):
        key = key.item()
    try:
        found = key in prog.index
    except TypeError:  # unhashable
        found = False
    if not found:
        raise NeuronNotFoundError(
            f"{what} names neuron {describe(key)}, which is not in the network"
            + did_you_mean(key, [str(n) for n in prog.neurons])
        )
    return prog.index[key]


def _finite(value: Any, what: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"{what} must be a number, got {describe(value)}") from None
    if not np.isfinite(v):
        raise ParameterError(f"{what} must be finite, got {v}")
    return v


def held_indices(prog: Program, clamp: Any, pin: Any) -> tuple[dict[int, float], list[int]]:
    """Checked ``clamp`` (neuron index → value) and ``pin`` (neuron indices)."""
    clamped: dict[int, float] = {}
    if clamp is not None:
        if not isinstance(clamp, Mapping):
            raise ParameterError(f"clamp must be a mapping {{neuron: value}}, got "
                                 f"{describe(clamp)}")
        for key, value in clamp.items():
            j = _index_of(prog, key, "clamp")
            clamped[j] = _finite(value, f"clamp value of neuron {prog.neurons[j]!r}")
    pinned: list[int] = []
    if pin is not None:
        if isinstance(pin, str | bytes) or not isinstance(pin, Iterable) or isinstance(
                pin, Mapping):
            raise ParameterError(f"pin must be a list of neuron ids, got {describe(pin)}")
        pinned = [_index_of(prog, key, "pin") for key in pin]
    return clamped, pinned


def held_program(prog: Program, held: Iterable[int]) -> Program:
    """``prog`` with the neurons ``held`` removed from the set every rule updates.

    The result is the same program in which those neurons count as having no incoming
    connection (their connections stay, unused); it is built once per set of held
    neurons and kept beside ``prog`` (the most recent :data:`HELD_CACHE` sets).

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.simulate.start import held_program
    >>> prog = ns.hopfield([[1, -1, 1]]).compile()
    >>> held_program(prog, [1]).updated.tolist()
    [0, 2]
    """
    mask = np.zeros(prog.n_neurons, dtype=bool)
    mask[np.fromiter(held, dtype=np.int64)] = True
    mask &= prog.has_input
    if not mask.any():
        return prog
    variants: dict[bytes, Program] = derived(prog, "held", dict)
    key = np.packbits(mask).tobytes()
    found = variants.pop(key, None)
    if found is None:
        found = dataclasses.replace(prog, has_input=prog.has_input & ~mask)
    variants[key] = found  # most recent last
    while len(variants) > HELD_CACHE:
        variants.pop(next(iter(variants)))
    return found


def starting_state(prog: Program, x: Array | None, initial_state: Any,
                   clamped: Mapping[int, float], batch: int | None) -> Array | None:
    """The ``(B, N)`` starting state, or ``None`` for the default one (no initial state,
    no clamp): see the module docstring for the order. ``batch`` is the inputs' batch
    size (``None`` without inputs)."""
    n = prog.n_neurons
    if initial_state is None:
        if not clamped:
            return None
        state = np.broadcast_to(prog.initial, (batch or 1, n)).copy()
    elif isinstance(initial_state, Mapping):
        state = np.broadcast_to(prog.initial, (batch or 1, n)).copy()
        for key, value in initial_state.items():
            j = _index_of(prog, key, "initial_state")
            state[:, j] = _finite(value, f"initial_state value of neuron {prog.neurons[j]!r}")
    else:
        try:
            s = np.array(initial_state, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise ParameterError(
                f"initial_state must be numbers, one per neuron ({n}), or a mapping "
                f"{{neuron: value}}, got {describe(initial_state)}") from None
        if s.ndim not in (1, 2) or s.shape[-1] != n or (s.ndim == 2 and s.shape[0] == 0):
            raise ParameterError(
                f"initial_state must have shape ({n},) or (batch, {n}) (one value per neuron), "
                f"got shape {s.shape}")
        if s.ndim == 2 and batch is not None and s.shape[0] != batch and batch != 1:
            raise ParameterError(
                f"initial_state has {s.shape[0]} states but the inputs have {batch} samples")
        bad = ~np.isfinite(s)
        if bad.any():
            where = tuple(np.argwhere(bad)[0])
            raise ParameterError(
                f"initial_state value of neuron {prog.neurons[where[-1]]!r} is not finite: "
                f"{s[where]}")
        rows = s.shape[0] if s.ndim == 2 else (batch or 1)
        state = np.broadcast_to(s, (rows, n)).copy()
    if x is not None and x.shape[1]:
        if state.shape[0] == 1 < x.shape[0]:  # one state for a batch of inputs
            state = np.broadcast_to(state, (x.shape[0], n)).copy()
        state[:, prog.inputs] = x  # (a single input is shared by a batch of states)
    for j, value in clamped.items():
        state[:, j] = value
    return state
