"""Backpropagation over a compiled program, batched, in reverse layer order.

A :class:`Plan` is built once per compiled program (cached on the network). It walks
the program's layer stages (:func:`netsim.core.layer_stages`), each a
:class:`netsim.core.DiffStage`: the core's forward evaluation of a stage beside its
vector-Jacobian product. The passes keep the state transposed, ``(N, B)`` (neurons ×
samples); the forward pass computes exactly what :func:`netsim.core.evaluate_stage`
computes (the tests compare them); the backward pass applies, in reverse layer order,

``∂E/∂y_j = Σ_{r ∈ j→} ∂E/∂ξ_r · ∂ξ_r/∂y_j``, ``∂E/∂ξ_j = ∂E/∂y_j · σ'_j(ξ_j)``,

``∂E/∂w_ji = ∂E/∂ξ_j · ∂ξ_j/∂w_ji`` and ``∂E/∂b_j = ∂E/∂ξ_j``, summed over the batch.

Only neurons on a path to an output matter: a non-differentiable activation (step,
sign) or potential on such a neuron raises :class:`~netsim.NotDifferentiableError`
naming it; elsewhere it is ignored (its gradient is 0).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..checks import check_dtype, check_network, keywords
from ..columns import by_name
from ..compile import Program, as_index
from ..core import DiffStage, layer_stages, reaches_outputs
from ..errors import (
    CycleError,
    NetworkError,
    NeuronNotFoundError,
    ParameterError,
)

__all__ = ["Bound", "Gradient", "Plan", "check_data", "get_plan", "gradient", "numeric_data",
           "training_plan"]

Array = np.ndarray
Index = slice | Array

# Rows × batch elements gathered at once when summing sparse weight gradients.
_CHUNK = 1 << 20


class Plan:
    """Forward and backward passes of one acyclic program, stage by stage.

    The program's layer stages (:func:`netsim.core.layer_stages`) as
    :class:`~netsim.core.DiffStage` objects, run forward in layer order and pulled
    back in reverse, on reusable ``(N, B)`` work arrays.

    Raises :class:`~netsim.CycleError` (naming a cycle) for a recurrent program and
    :class:`~netsim.NotDifferentiableError` for a non-differentiable neuron on a path
    to an output.
    """

    def __init__(self, prog: Program) -> None:
        self.prog = prog
        stages = layer_stages(prog)  # raises CycleError naming a cycle
        self.relevant = reaches_outputs(prog)
        self.stages = [DiffStage(prog, st, self.relevant) for st in stages]
        self.bias_mask = prog.bias_slots >= 0
        self.inputs = as_index(np.asarray(prog.inputs, dtype=np.int64))
        self.outputs = np.asarray(prog.outputs, dtype=np.int64)
        self.out_index = as_index(self.outputs)  # a slice when contiguous: views
        self._work: dict[int, dict[str, Array]] = {}
        self.dtype = prog.weights.dtype  # every work array's (float32 stays float32)
        self.initial = np.asarray(prog.initial, dtype=self.dtype)[:, None]
        fixed = ~prog.has_input
        fixed[prog.inputs] = False
        self.fixed = as_index(np.flatnonzero(fixed)) if fixed.any() else None
        # rows of ∂E/∂y that backward reads or writes: the targets of the stages, the
        # outputs and the sources of every block that propagates further back
        receive = np.zeros(prog.n_neurons, dtype=bool)
        receive[prog.outputs] = True
        for st in self.stages:
            receive[st.receives()] = True
        self.receive = as_index(np.flatnonzero(receive))
        self.direct_inputs = self._direct_inputs()
        # for the bound passes: the dense blocks that write their sources' ∂E/∂y
        # first in the backward order (they assign it; those rows need no zeroing)
        written = np.zeros(prog.n_neurons, dtype=bool)
        written[prog.outputs] = True  # ∂E/∂y of the outputs arrives from the loss
        assign: list[tuple[bool, ...]] = []
        for st in reversed(self.stages):
            flags = []
            for d in st.dense:
                src = np.arange(d.src.start, d.src.stop) if isinstance(d.src, slice) else d.src
                flags.append(bool(d.back and isinstance(d.src, slice) and not written[src].any()))
                if d.back:
                    written[src] = True
            for sb in st.sparse:
                written[sb.cols] = True
            for o in st.others:
                written[o.sources] = True
            assign.append(tuple(flags))
        self.assign = assign[::-1]
        assigned = np.zeros(prog.n_neurons, dtype=bool)
        for st, flags in zip(self.stages, self.assign, strict=True):
            for d, first in zip(st.dense, flags, strict=True):
                if first:
                    assigned[d.src] = True
        self.zero_rows = as_index(np.flatnonzero(receive & ~assigned))

    def patch_values(self, prog: Program, weight_positions: Any, bias_neurons: Any) -> bool:
        """The network's values changed in place (:meth:`Network.set_weights`): the plan
        depends on the structure only (its sparse matrices refresh their data from the
        weights they are given), so it stays."""
        return True

    def _direct_inputs(self) -> bool:
        """Whether only dense blocks read the inputs, all of them in order.

        Then the training loop multiplies the minibatch ``x`` (as ``x.T``) directly
        instead of copying it into the state first.
        """
        prog = self.prog
        inputs = self.inputs
        ok = (
            isinstance(inputs, slice)
            and inputs.stop > inputs.start
            and not prog.has_input[inputs].any()
            and not np.isin(prog.outputs, prog.inputs).any()
        )
        is_input = np.zeros(prog.n_neurons, dtype=bool)
        is_input[prog.inputs] = True
        readers = []
        for st in self.stages:
            for d in st.dense:
                src = np.arange(d.src.start, d.src.stop) if isinstance(d.src, slice) else d.src
                if is_input[src].any():
                    ok = ok and isinstance(d.src, slice) and d.src == inputs
                    readers.append(d)
            ok = ok and not any(is_input[s.cols].any() for s in st.sparse)
            ok = ok and not any(is_input[o.sources].any() for o in st.others)
        for d in readers:
            d.from_inputs = ok
        return ok

    def _buffers(self, batch: int) -> dict[str, Array]:
        """Reusable ``(N, B)`` work arrays (fresh allocations fault pages every step)."""
        buf = self._work.get(batch)
        if buf is None:
            n, dt = self.prog.n_neurons, self.dtype
            n_conn = self.prog.n_connections
            grad = np.zeros(n_conn + n, dtype=dt)  # (∂E/∂weights, ∂E/∂bias), one vector
            buf = {
                "state": np.empty((n, batch), dtype=dt),
                "xis": np.zeros((n, batch), dtype=dt),
                "gys": np.empty((n, batch), dtype=dt),
                "grad": grad,
                "gw": grad[:n_conn],
                "gb": grad[n_conn:],
            }
            if len(self._work) > 1:  # keep two batch sizes: the minibatch and the rest
                self._work.pop(next(iter(self._work)))
            self._work[batch] = buf
        return buf

    def flat_gradient(self, batch: int) -> Array:
        """The work vector ``(∂E/∂weights, ∂E/∂bias)`` whose two parts
        :meth:`backward` with ``reuse=True`` returns for this batch size (the
        training loop steps its optimizer on it and on the matching parameter
        vector in one call)."""
        return self._buffers(batch)["grad"]

    def forward(
        self, x: Array, weights: Array, bias: Array, *, reuse: bool = False,
        masks: list[Array | None] | None = None, final: bool = True,
    ) -> tuple[Array, Array]:
        """States ``S`` and potentials ``XI``, both ``(N, B)``, for inputs ``(B, k)``.

        With ``reuse=True`` the result lives in work arrays that the next call with the
        same batch size overwrites (the training loop's fast path). ``masks`` holds
        one output mask (or ``None``) per stage (dropout). ``final=False`` leaves
        the outputs that feed no other neuron unevaluated, for a loss that computes
        them from their potentials (:meth:`netsim.learn.losses.Loss.from_potentials`).
        """
        prog = self.prog
        batch = x.shape[0]
        if reuse:
            buf = self._buffers(batch)
            state, xis = buf["state"], buf["xis"]
        else:
            state = np.empty((prog.n_neurons, batch), dtype=self.dtype)
            xis = np.zeros_like(state)
        direct = reuse and self.direct_inputs
        if not reuse:
            state[:] = self.initial
        elif self.fixed is not None:  # rows no stage or input overwrites
            state[self.fixed] = self.initial[self.fixed]
        if direct:
            buf["x"] = x  # read by the blocks marked from_inputs, here and in backward
        else:
            state[self.inputs] = x.T
        xd = x if direct else None
        for k, st in enumerate(self.stages):
            st.forward(state, state, xis, weights, bias, x=xd,
                       mask=None if masks is None else masks[k], final=final)
        return state, xis

    def bind(self, x: Array, weights: Array, bias: Array, *, final: bool, skip_unfed: bool
             ) -> Bound | None:
        """The passes bound to the minibatch array ``x`` ``(B, k)`` and the parameter
        arrays (updated in place between steps), on this plan's work arrays for
        batch ``B``: every view made once, a few numpy calls per stage and step.
        ``None`` when a stage is not :meth:`~netsim.core.DiffStage.bindable`.
        ``final``/``skip_unfed`` are those of :meth:`forward` and the backward
        pass (``skip_unfed``: the loss gives no ∂E/∂y, only a fused ∂E/∂ξ)."""
        if not all(st.bindable(final, skip_unfed) for st in self.stages):
            return None
        buf = self._buffers(x.shape[0])
        state, xis, gys = buf["state"], buf["xis"], buf["gys"]
        gw, gb = buf["gw"], buf["gb"]
        xd = x if self.direct_inputs else None
        forward = [st.bind_forward(state, state, xis, weights, bias, xd, final=final)
                   for st in self.stages]
        backward = [st.bind_vjp(state, state, xis, gys, gys, gw, gb, weights, xd,
                                skip_unfed=skip_unfed, assign=flags)
                    for st, flags in zip(self.stages, self.assign, strict=True)][::-1]
        return Bound(self, x, state, xis, gys, gw, gb, forward, backward, skip_unfed)

    def loss(self, loss_fn: Any, ctx: Any, state: Array, xis: Array, d: Array, *,
             final: bool = True) -> tuple[float, Array | None, Array | None, Array]:
        """The loss of a forward pass's outputs against ``d`` ``(B, n_out)``:
        ``(value, ∂E/∂y, ∂E/∂ξ, y)`` (batch means; ``y`` the outputs ``(B, n_out)``).

        ``final`` is the forward pass's: with ``final=False`` the loss computes the
        outputs from their potentials (:meth:`~netsim.learn.losses.Loss.from_potentials`)
        and writes them into ``state``.
        """
        out = self.out_index
        if final:
            y = state[out].T
            xi = xis[out].T if loss_fn.fused else None
            return (*loss_fn.evaluate(ctx, y, xi, d), y)
        view = isinstance(out, slice)
        y = state[out].T if view else np.empty((state.shape[1], len(self.outputs)),
                                               dtype=state.dtype)
        value, grad_y, grad_xi = loss_fn.from_potentials(ctx, xis[out].T, d, y)
        if not view:
            state[out] = y.T
        return value, grad_y, grad_xi, y

    def backward(
        self,
        state: Array,
        xis: Array,
        grad_y: Array | None,
        grad_xi: Array | None,
        weights: Array,
        *,
        reuse: bool = False,
        masks: list[Array | None] | None = None,
    ) -> tuple[Array, Array]:
        """``(∂E/∂weights, ∂E/∂bias)`` from the output gradients ``(B, n_out)``.

        ``grad_y`` is ∂E/∂y of the outputs, ``grad_xi`` a fused ∂E/∂ξ of the outputs
        (added after the activation's own backward step); either may be ``None``.
        With ``reuse=True`` the gradients live in work arrays overwritten by the next
        call. ``masks`` are those given to :meth:`forward`.
        """
        prog = self.prog
        batch = state.shape[1]
        x_direct = None
        if reuse:
            buf = self._buffers(batch)
            gys, gw, gb = buf["gys"], buf["gw"], buf["gb"]
            gys[self.receive] = 0.0  # the other rows are never read
            if self.direct_inputs:
                x_direct = buf["x"]
        else:
            gys = np.zeros_like(state)
            gw = np.zeros(prog.n_connections, dtype=state.dtype)
            gb = np.zeros(prog.n_neurons, dtype=state.dtype)
        if grad_y is not None:
            gys[self.outputs] += grad_y.T
        for k in range(len(self.stages) - 1, -1, -1):
            self.stages[k].vjp(
                state, state, xis, gys, gys, gw, gb, weights, grad_xi=grad_xi, x=x_direct,
                mask=None if masks is None else masks[k], skip_unfed=grad_y is None,
            )
        gb *= self.bias_mask
        return gw, gb


class Bound:
    """A plan's passes bound to fixed arrays (see :meth:`Plan.bind`): call
    :meth:`forward` after writing a minibatch into ``x``, then the loss on
    ``state``/``xis``, then :meth:`backward`. The results live in the plan's work
    arrays, overwritten by the next step."""

    def __init__(self, plan: Plan, x: Array, state: Array, xis: Array, gys: Array,
                 gw: Array, gb: Array, forward: list[Any], backward: list[Any],
                 skip_unfed: bool) -> None:
        self.plan, self.x, self.skip_unfed = plan, x, skip_unfed
        self.state, self.xis, self.gys, self.gw, self.gb = state, xis, gys, gw, gb
        self._forward, self._backward = forward, backward
        self._inputs = None if plan.direct_inputs else plan.inputs
        self._fixed = plan.fixed

    def forward(self) -> tuple[Array, Array]:
        """States and potentials ``(N, B)`` of the minibatch now in ``x``."""
        plan, state = self.plan, self.state
        if self._fixed is not None:  # rows no stage writes: the constants' values
            state[self._fixed] = plan.initial[self._fixed]
        if self._inputs is not None:
            state[self._inputs] = self.x.T
        for f in self._forward:
            f()
        return state, self.xis

    def backward(self, grad_y: Array | None, grad_xi: Array | None) -> tuple[Array, Array]:
        """``(∂E/∂weights, ∂E/∂bias)`` of the last :meth:`forward` (see
        :meth:`Plan.backward`)."""
        plan, gys = self.plan, self.gys
        gys[plan.zero_rows] = 0.0
        if grad_y is not None:
            gys[plan.outputs] += grad_y.T
        for v in self._backward:
            v(grad_xi)
        self.gb *= plan.bias_mask
        return self.gw, self.gb


PLAN_KEY = ("learn-plan", "<f8")


def get_plan(net: Any, dtype: Any = np.float64) -> Plan:
    """The backprop plan of ``net``'s program in ``dtype`` (cached until a change).

    The plan depends on the structure only; read weights and biases from
    ``net.compile(dtype)`` (after training, :func:`netsim.learn.train.write_back`
    patches the values in place and the plan stays).
    """
    dt = np.dtype(dtype)
    return net.cached((PLAN_KEY[0], dt.str), lambda: Plan(net.compile(dt)))


def training_plan(net: Any, what: str, dtype: Any = np.float64) -> Plan:
    """:func:`get_plan`, with a recurrent network's error said in terms of training.

    ``what`` names the caller (``"training"``, ``"the gradient"``).
    """
    try:
        return get_plan(net, dtype)
    except CycleError as exc:
        cycle = list(exc.cycle)
        loop = " -> ".join(map(repr, [*cycle, cycle[0]])) if cycle else "a cycle"
        name = f"network {net.name!r}" if getattr(net, "name", None) else "the network"
        raise CycleError(
            f"{what} needs an acyclic network (backpropagation), but {name} is recurrent "
            f"(it has the cycle {loop}); training recurrent networks takes sequences "
            f"(backpropagation through time): inputs of shape (B, T, {len(net.inputs)}) "
            f"and targets (B, T, {len(net.outputs)}) per step or (B, {len(net.outputs)}) "
            "at the last step",
            cycle,
        ) from None


def numeric_data(prog: Program, x: Any, d: Any, what: str = "",
                 dtype: Any = np.float64) -> tuple[str, Array, Array]:
    """The network's name for messages and ``x``, ``d`` as arrays of ``dtype`` (any
    shape; float64 by default), or a clear error (also when the network has no
    outputs to train)."""
    name = f"network {prog.name!r}" if prog.name else "the network"
    try:
        with np.errstate(over="ignore"):  # beyond float32's range: reported as not finite
            x_arr = np.asarray(x, dtype=dtype)
            d_arr = np.asarray(d, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{what}inputs and targets must be numeric arrays ({exc})") from None
    if len(prog.outputs) == 0:
        raise NetworkError(f"{name} has no output neurons; set them with set_outputs")
    return name, x_arr, d_arr


def _columns(prog: Program, data: Any, rows: Any, what: str) -> Any:
    """``data`` with named columns put in the order of the neurons ``rows``; an array,
    list or number unchanged (without building the names: 784 inputs cost more than
    the check itself)."""
    if isinstance(data, np.ndarray | list | tuple) or np.isscalar(data):
        return data
    return by_name(data, [prog.neurons[i] for i in rows], what)


def check_data(prog: Program, x: Any, d: Any, what: str = "",
               dtype: Any = np.float64) -> tuple[Array, Array]:
    """Inputs ``(B, k_in)`` and targets ``(B, k_out)`` as arrays of ``dtype`` (float64
    by default), or a clear error.

    One sample may be given as ``(k_in,)`` and ``(k_out,)``. The data are converted
    once, straight to ``dtype`` (float32 data for float32 training are not copied),
    and checked finite in that type: a value beyond the float32 range is an error
    there, not a silent infinity.
    """
    x = _columns(prog, x, prog.inputs, f"{what}inputs")
    d = _columns(prog, d, prog.outputs, f"{what}targets")
    name, x_arr, d_arr = numeric_data(prog, x, d, what, dtype)
    n_in, n_out = len(prog.inputs), len(prog.outputs)
    if x_arr.ndim == 1:
        x_arr = x_arr[None, :]
    if d_arr.ndim == 1:
        one = x_arr.shape[0] == 1 and d_arr.shape[0] == n_out
        d_arr = d_arr[None, :] if one else d_arr[:, None]
    if x_arr.ndim != 2 or x_arr.shape[1] != n_in:
        raise ParameterError(
            f"{what}inputs must have shape (B, {n_in}) for the {n_in} inputs of {name}, "
            f"got {np.shape(x)}"
        )
    if d_arr.ndim != 2 or d_arr.shape[1] != n_out:
        raise ParameterError(
            f"{what}targets must have shape (B, {n_out}) for the {n_out} outputs of {name}, "
            f"got {np.shape(d)}"
        )
    if d_arr.shape[0] != x_arr.shape[0]:
        raise ParameterError(
            f"{what}inputs and targets must have the same number of samples, got "
            f"{x_arr.shape[0]} inputs and {d_arr.shape[0]} targets"
        )
    if x_arr.shape[0] == 0:
        raise ParameterError(f"{what}no samples given (empty inputs)")
    for arr, label in ((x_arr, "inputs"), (d_arr, "targets")):
        if not _surely_finite(arr) and not np.all(np.isfinite(arr)):
            row, col = np.argwhere(~np.isfinite(arr))[0]
            beyond = ""
            given = x if label == "inputs" else d
            if arr.dtype != np.float64 and np.isfinite(_value(given, arr.shape, row, col)):
                beyond = f" in {arr.dtype} (beyond its range)"
            raise ParameterError(
                f"{what}{label} sample {row}, column {col} is not finite{beyond}")
    return x_arr, d_arr


def _surely_finite(arr: Array) -> bool:
    """True when every value of ``arr`` is finite, by one reduction without a boolean
    temporary: the sum is NaN or infinite when a value is. ``False`` means "check
    value by value" (the sum may also overflow on huge finite values). A contiguous
    array is summed by ``einsum`` (a plain SIMD loop, faster than ``np.sum``'s
    pairwise one; no BLAS call, whose threads stall on a busy machine)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if arr.flags.c_contiguous:
            return bool(np.isfinite(np.einsum("i->", arr.reshape(-1))))
        return bool(np.isfinite(np.sum(arr)))


def _value(data: Any, shape: tuple[int, ...], row: int, col: int) -> float:
    """The given value at ``(row, col)`` of the checked ``shape``, in float64."""
    return float(np.asarray(data, dtype=np.float64).reshape(shape)[row, col])


class Gradient:
    """∂E/∂(configuration) of a network on a batch, with the loss value.

    Attributes
    ----------
    vector : ndarray
        The gradient in configuration order (see :meth:`Network.get_weights`), in
        the precision it was computed in (``dtype=``).
    loss : float
        The loss E on the batch (mean over samples).
    weights, bias : ndarray
        The same gradient in the compiled program's layout (CSR order; per neuron).

    ``g[(source, target)]`` is ∂E/∂w of a connection, ``g[neuron]`` ∂E/∂b of a bias.
    """

    def __init__(self, prog: Program, keys: list[Any] | Callable[[], list[Any]], gw: Array,
                 gb: Array, loss: float, *, keep: bool = True):
        self._prog = prog
        self._key_source = keys  # the keys, or how to get them when first asked
        self.loss = float(loss)
        # in the passes' precision (float64 holds float32 values exactly)
        self.vector = prog.configuration_vector(gw, gb).astype(gw.dtype, copy=False)
        # ``keep=False``: gw/gb are work arrays (overwritten by the next pass); the
        # program-layout arrays are then split from the vector when first asked
        self._layout: tuple[Array, Array] | None = (gw, gb) if keep else None

    def _program_layout(self) -> tuple[Array, Array]:
        if self._layout is None:
            self._layout = self._prog.split_configuration(self.vector)
        return self._layout

    @property
    def weights(self) -> Array:
        """∂E/∂w in the program's connection order (CSR by target)."""
        return self._program_layout()[0]

    @property
    def bias(self) -> Array:
        """∂E/∂b per neuron (0 where a neuron has no bias)."""
        return self._program_layout()[1]

    @property
    def _keys(self) -> list[Any]:
        keys = self._key_source
        if callable(keys):
            keys = self._key_source = keys()
        return keys

    def keys(self) -> list[Any]:
        """The configuration keys, in order: a neuron id (bias) or ``(source, target)``."""
        return list(self._keys)

    def items(self) -> Iterator[tuple[Any, float]]:
        return zip(self._keys, self.vector.tolist(), strict=True)

    def __len__(self) -> int:
        return len(self.vector)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Array:
        return self.vector if dtype is None else self.vector.astype(dtype)

    def __getitem__(self, key: Any) -> float:
        prog = self._prog
        if isinstance(key, tuple) and len(key) == 2:
            src, dst = key
            for n in (src, dst):
                if n not in prog.index:
                    raise NeuronNotFoundError(f"the network has no neuron {n!r}")
            j, i = prog.index[dst], prog.index[src]
            lo, hi = prog.indptr[j], prog.indptr[j + 1]
            k = lo + int(np.searchsorted(prog.sources[lo:hi], i))
            if k >= hi or prog.sources[k] != i:
                raise NetworkError(f"there is no connection {src!r} -> {dst!r}")
            return float(self.vector[prog.weight_slots[k]])
        if key not in prog.index:
            raise NeuronNotFoundError(f"the network has no neuron {key!r}")
        slot = prog.bias_slots[prog.index[key]]
        if slot < 0:
            raise NetworkError(
                f"neuron {key!r} has no bias in the configuration (no incoming connection "
                "or a potential without bias)"
            )
        return float(self.vector[slot])

    def __repr__(self) -> str:
        return f"<Gradient: {len(self.vector)} values, loss {self.loss:.6g}>"


@keywords
def gradient(
    net: Any, X: Any, D: Any, loss: Any = "mse", *, reduction: str = "mean",
    bptt_window: int | None = None, dtype: Any = "float64",
) -> Gradient:
    """∂E/∂w for every weight and bias, by backpropagation (through time).

    Parameters
    ----------
    net : Network
        Any acyclic network; its outputs are read from its output neurons. Any
        network, recurrent too, for sequences.
    X : array_like, shape (B, k_in) or (k_in,)
        Inputs, in the network's input order. Sequences: ``(B, T, k_in)``, the
        parallel rule unrolled for ``T`` steps (see :mod:`netsim.learn.bptt`).
    D : array_like, shape (B, k_out) or (k_out,)
        Desired outputs; for sequences ``(B, T, k_out)`` (per step) or
        ``(B, k_out)`` (the last step).
    loss : {"mse", "binary_cross_entropy", "cross_entropy"} or Loss
        See :mod:`netsim.learn.losses`.
    reduction : {"mean", "sum"}
        ``"mean"``: E = (1/B) Σ_k E_k (default); ``"sum"``: the course's E = Σ_k E_k,
        whose gradient is the sum of the per-sample gradients.
    bptt_window : int, optional
        Sequences only: truncated backpropagation through time (windows of this
        many steps, aligned with the end).
    dtype : {"float64", "float32"} or numpy dtype
        The precision of the passes; the gradient's arrays are in this type.

    Returns
    -------
    Gradient
        ``.vector`` in configuration order, ``g[(src, dst)]``, ``g[neuron]``, ``.loss``.

    Raises
    ------
    CycleError
        For a recurrent network (names one cycle).
    NotDifferentiableError
        When a step/sign neuron lies on a path to an output.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_input("x"); net.add_output("y", bias=0.5); net.connect("x", "y", 2.0)
    >>> g = ns.gradient(net, [[1.0]], [[0.0]])   # y = 2.5, E = ½·2.5²
    >>> g.loss, g[("x", "y")], g["y"]
    (3.125, 2.5, 2.5)
    >>> net.connect("y", "y", 0.5)                 # recurrent: y_t = 0.5 + 2x_t + 0.5 y_(t-1)
    >>> g = ns.gradient(net, [[[1.0], [0.0]]], [[0.0]])   # y_1 = 2.5, y_2 = 1.75
    >>> g.loss, g[("y", "y")]                      # ½·1.75², 1.75 · y_1
    (1.53125, 4.375)
    """
    from .bptt import check_sequences, check_window, is_sequence, sequence_loss, sequence_plan
    from .losses import apply_reduction, check_reduction, get_loss, prepared

    check_network(net, "gradient")
    reduction = check_reduction(reduction)
    window = check_window(bptt_window)
    dt = check_dtype(dtype)
    if is_sequence(X):
        splan = sequence_plan(net, dt)
        prog = net.compile(dt)
        xs, ds = check_sequences(prog, X, D)
        xs, ds = xs.astype(dt, copy=False), ds.astype(dt, copy=False)
        loss_fn = get_loss(loss)
        tape = splan.forward(xs, prog.weights, prog.bias)
        value, grads = sequence_loss(loss_fn, loss_fn.prepare(prog), tape, ds, reduction)
        gw, gb = splan.backward(tape, grads, prog.weights, window)
        return Gradient(prog, net.configuration, gw, gb, value)
    if window is not None:
        raise ParameterError("bptt_window is for sequence data: inputs of shape (B, T, k)")
    plan = training_plan(net, "the gradient", dt)
    prog = net.compile(dt)
    x, d = check_data(prog, X, D, dtype=dt)
    loss_fn = get_loss(loss)
    ctx = prepared(net, loss_fn, prog)
    final = not loss_fn.outputs_from_potentials  # else the loss computes the outputs
    # the plan's work arrays (nothing of them is returned: the result is copied out)
    state, xis = plan.forward(x, prog.weights, prog.bias, reuse=True, final=final)
    value, grad_y, grad_xi, _y = plan.loss(loss_fn, ctx, state, xis, d, final=final)
    value, grad_y, grad_xi = apply_reduction(reduction, len(x), value, grad_y, grad_xi)
    gw, gb = plan.backward(state, xis, grad_y, grad_xi, prog.weights, reuse=True)
    return Gradient(prog, net.configuration, gw, gb, value, keep=False)
