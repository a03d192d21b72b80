"""Backpropagation through time: recurrent networks trained on sequences.

A sequence is given as inputs ``X`` of shape ``(B, T, k)`` (``B`` sequences of ``T``
steps of the ``k`` inputs). The network runs by the **parallel rule**, unrolled for
``T`` steps:

- ``S_0`` is the initial state: every neuron its ``initial`` value, the inputs ``x_1``;
- step ``t = 1 … T`` holds the inputs at ``x_t`` and recomputes every other neuron
  with incoming connections from the previous state,
  ``S_t[j] = σ_j(ξ_j(S_{t−1}))``; the other neurons keep their value;
- the output at step ``t`` is ``y_t = S_t[outputs]``.

With the same input at every step this is exactly ``net.run(x, rule="parallel",
steps=T)``. Note that a signal needs one step per connection: in an Elman network
(input → hidden → output) ``y_t`` reads the hidden state of step ``t − 1`` and so the
inputs up to ``x_{t−1}``.

Targets are ``D`` of shape ``(B, T, m)`` (one per step) or ``(B, m)`` (the last step
only). The error of one sequence is the sum over its steps with targets,
``E_k = Σ_t E_{k,t}``; ``reduction`` then takes the mean (default) or the sum over the
sequences. The gradient runs backwards through the unrolled steps, each a
:class:`netsim.core.DiffStage` (the core's forward and vector-Jacobian product of the
parallel step), with the weights shared over time:

``∂E/∂S_{t−1} = ∂E_{t−1}/∂S_{t−1} + J_t(S_{t−1})ᵀ ∂E/∂S_t``, ``∂E/∂w = Σ_t ∂E/∂w |_t``.

**Truncated BPTT** (``window=W``): the steps are cut into windows of ``W`` steps,
aligned with the end of the sequence (the last window is complete; the first may be
shorter). The forward pass runs through the whole sequence, each window starting
from the state the previous one reached, but the gradient stays inside each window:
the state at a window's start is treated as a constant. ``W ≥ T`` is full BPTT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compile import Program, as_index
from ..core import DiffStage, reaches_outputs, stage
from ..errors import NetworkError, ParameterError
from ..limits import describe
from .backprop import numeric_data

__all__ = ["SEQUENCE_PLAN_KEY", "SequencePlan", "Tape", "check_sequences", "check_window",
           "is_sequence", "scored", "sequence_loss", "sequence_plan"]

Array = np.ndarray


@dataclass
class Tape:
    """What the forward pass over a batch of sequences recorded."""

    states: Array  # (T+1, N, B): S_t after step t (input rows: the inputs of step t+1)
    xis: Array  # (T+1, N, B): potentials of step t (row 0 unused)
    outputs: Array  # (T, B, m): y_t
    out_xis: Array  # (T, B, m): the outputs' potentials ξ_t


class SequencePlan:
    """The parallel step of a program, differentiable, unrolled over sequences.

    Raises :class:`~netsim.NotDifferentiableError` for a non-differentiable neuron on a
    path to an output.
    """

    def __init__(self, prog: Program) -> None:
        self.prog = prog
        n = prog.n_neurons
        is_input = np.zeros(n, dtype=bool)
        is_input[prog.inputs] = True
        targets = np.flatnonzero(prog.has_input & ~is_input)
        if len(targets) == 0:
            raise NetworkError("the network has no neuron to train (no neuron except the "
                               "inputs has incoming connections)")
        self.step = DiffStage(prog, stage(prog, targets), reaches_outputs(prog))
        computed = np.zeros(n, dtype=bool)
        computed[self.step.targets] = True
        self.carried = as_index(np.flatnonzero(~computed & ~is_input))  # keep their value
        self.inputs = as_index(np.asarray(prog.inputs, dtype=np.int64))
        self.outputs = np.asarray(prog.outputs, dtype=np.int64)
        self.initial = np.asarray(prog.initial, dtype=np.float64)
        self.bias_mask = prog.bias_slots >= 0

    def patch_values(self, prog: Program, weight_positions: Any, bias_neurons: Any) -> bool:
        """Values changed in place: the plan holds the structure only, so it stays."""
        return True

    def forward(self, x: Array, weights: Array, bias: Array,
                mask: Array | None = None) -> Tape:
        """Run ``x`` ``(B, T, k)`` through ``T`` parallel steps (``mask``: dropout)."""
        batch, steps, _ = x.shape
        n = self.prog.n_neurons
        dtype = np.result_type(x.dtype, weights.dtype)
        states = np.empty((steps + 1, n, batch), dtype=dtype)
        xis = np.zeros((steps + 1, n, batch), dtype=dtype)
        states[0] = self.initial[:, None]
        states[0][self.inputs] = x[:, 0].T
        outputs = np.empty((steps, batch, len(self.outputs)), dtype=dtype)
        out_xis = np.empty_like(outputs)
        for t in range(1, steps + 1):
            prev, cur = states[t - 1], states[t]
            cur[self.carried] = prev[self.carried]
            cur[self.inputs] = prev[self.inputs]
            self.step.forward(prev, cur, xis[t], weights, bias, mask=mask)
            outputs[t - 1] = cur[self.outputs].T
            out_xis[t - 1] = xis[t][self.outputs].T
            if t < steps:
                cur[self.inputs] = x[:, t].T  # the inputs of the next step
        return Tape(states, xis, outputs, out_xis)

    def backward(self, tape: Tape, grads: list[tuple[Any, Any] | None], weights: Array,
                 window: int | None = None, mask: Array | None = None) -> tuple[Array, Array]:
        """``(∂E/∂weights, ∂E/∂bias)`` from the loss gradients of each step.

        ``grads[t − 1]`` is ``(grad_y, grad_xi)`` of the outputs at step ``t`` (each
        ``(B, m)`` or ``None``), or ``None`` for a step without targets.
        """
        states, xis = tape.states, tape.xis
        steps = len(grads)
        dtype = states.dtype
        gw = np.zeros(self.prog.n_connections, dtype=dtype)
        gb = np.zeros(self.prog.n_neurons, dtype=dtype)
        g_cur = np.zeros(states.shape[1:], dtype=dtype)
        for t in range(steps, 0, -1):
            g_prev = np.zeros_like(g_cur)
            loss = grads[t - 1]
            grad_y = grad_xi = None
            if loss is not None:
                grad_y, grad_xi = loss
                if grad_y is not None:
                    g_cur[self.outputs] += grad_y.T
            self.step.vjp(states[t - 1], states[t], xis[t], g_cur, g_prev, gw, gb, weights,
                          grad_xi=grad_xi, mask=mask, skip_unfed=grad_y is None,
                          accumulate=True)
            if window is not None and (steps - t + 1) % window == 0:
                g_prev[...] = 0.0  # the window's starting state is a constant
            g_cur = g_prev
        gb *= self.bias_mask
        return gw, gb


def check_window(window: Any, name: str = "bptt_window") -> int | None:
    """``None`` (full BPTT) or a positive number of steps."""
    if window is None:
        return None
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise ParameterError(f"{name} must be a positive number of steps or None (full "
                             f"backpropagation through time), got {describe(window)}")
    return int(window)


def check_sequences(prog: Program, x: Any, d: Any, what: str = "") -> tuple[Array, Array]:
    """Inputs ``(B, T, k)`` and targets ``(B, T, m)`` or ``(B, m)`` as arrays.

    (A single sequence is a batch of one, ``(1, T, k)``: two axes mean samples.)
    """
    name, xa, da = numeric_data(prog, x, d, what)
    n_in, n_out = len(prog.inputs), len(prog.outputs)
    if xa.ndim != 3 or xa.shape[2] != n_in:
        raise ParameterError(f"{what}sequence inputs must have shape (B, T, {n_in}) for the "
                             f"{n_in} inputs of {name}, got {np.shape(x)}")
    batch, steps, _ = xa.shape
    if batch == 0 or steps == 0:
        raise ParameterError(f"{what}no sequences given (inputs of shape {xa.shape})")
    if not ((da.ndim == 3 and da.shape == (batch, steps, n_out))
            or (da.ndim == 2 and da.shape == (batch, n_out))):
        raise ParameterError(
            f"{what}sequence targets must have shape ({batch}, {steps}, {n_out}) (one per "
            f"step) or ({batch}, {n_out}) (the last step only) for inputs of shape "
            f"{xa.shape}, got {np.shape(d)}")
    for arr, label in ((xa, "inputs"), (da, "targets")):
        bad = ~np.isfinite(arr)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ParameterError(f"{what}sequence {label} at {where} is not finite")
    return xa, da


def sequence_loss(loss_fn: Any, ctx: Any, tape: Tape, d: Array, reduction: str
                  ) -> tuple[float, list[tuple[Any, Any] | None]]:
    """The loss ``Σ_t E_t`` (mean or sum over the sequences) and its per-step gradients.

    Per-step targets are scored in one call of the loss on the ``T·B`` rows (its batch
    mean, times ``T``, is the mean over the sequences of the sum over the steps).
    """
    from .losses import apply_reduction

    steps, batch, m = tape.outputs.shape
    if d.ndim == 2:
        value, gy, gxi = apply_reduction(reduction, batch, *loss_fn.evaluate(
            ctx, tape.outputs[-1], tape.out_xis[-1] if loss_fn.fused else None, d))
        grads: list[tuple[Any, Any] | None] = [None] * steps
        grads[-1] = (gy, gxi)
        return value, grads
    rows = steps * batch
    value, gy, gxi = loss_fn.evaluate(
        ctx, tape.outputs.reshape(rows, m),
        tape.out_xis.reshape(rows, m) if loss_fn.fused else None,
        d.transpose(1, 0, 2).reshape(rows, m))
    value, gy, gxi = apply_reduction(reduction, batch, *_scale(steps, value, gy, gxi))
    gy = None if gy is None else gy.reshape(steps, batch, m)
    gxi = None if gxi is None else gxi.reshape(steps, batch, m)
    return value, [(None if gy is None else gy[t], None if gxi is None else gxi[t])
                   for t in range(steps)]


def _scale(k: int, value: float, gy: Array | None, gxi: Array | None
           ) -> tuple[float, Array | None, Array | None]:
    """A mean over ``T·B`` rows → the mean over ``B`` of the sums over ``T``."""
    return (value * k, None if gy is None else gy * k, None if gxi is None else gxi * k)


def scored(tape: Tape, d: Array) -> tuple[Array, Array]:
    """Outputs and targets of every step with a target, as ``(samples, m)`` rows."""
    if d.ndim == 2:
        return tape.outputs[-1], d
    m = d.shape[2]
    return tape.outputs.transpose(1, 0, 2).reshape(-1, m), d.reshape(-1, m)


SEQUENCE_PLAN_KEY = ("learn-sequence-plan", "<f8")


def sequence_plan(net: Any) -> SequencePlan:
    """The BPTT plan of ``net``'s program (cached until a change of structure)."""
    return net.cached(SEQUENCE_PLAN_KEY, lambda: SequencePlan(net.compile()))


def is_sequence(x: Any) -> bool:
    """Whether training data ``x`` holds sequences ``(B, T, k)`` (three axes)."""
    try:
        return np.ndim(x) == 3
    except ValueError:  # ragged nesting: the checks say what is wrong
        return False
