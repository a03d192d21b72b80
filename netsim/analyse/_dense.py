"""Dense weighted-sum dynamics over the free neurons (shared by energy, recall, Glauber).

For a network whose free neurons (with incoming connections, not clamped) all use the
``weighted_sum`` potential, the potentials of the free neurons are

    ξ_f = W_ff · y_f + (b_f + W_fc · y_c)

where ``c`` are the other neurons (constants during the dynamics). This module keeps
``W_ff``, ``W_fc`` and ``b_f`` as dense arrays and updates local fields incrementally:
after neuron ``k`` changes by Δ, ``ξ += Δ · W_ff[:, k]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..compile import Program, compile_network
from ..core import activate_into
from ..core.threshold import exact_sign, gamma, threshold_into
from ..errors import NetworkError, NeuronNotFoundError, ParameterError, did_you_mean
from ..functions import Activation
from ..network import Network, NeuronId

__all__ = ["DenseDynamics", "dense_weights"]

Array = np.ndarray


def dense_weights(prog: Program) -> Array:
    """``W[j, i] = w_ji`` as a dense ``(N, N)`` array."""
    n = prog.n_neurons
    w = np.zeros((n, n), dtype=np.float64)
    rows = np.repeat(np.arange(n), np.diff(prog.indptr))
    w[rows, prog.sources] = prog.weights
    return w


@dataclass(eq=False)
class DenseDynamics:
    """Free/constant split of a weighted-sum network with dense weight blocks."""

    program: Program
    free: Array  # neuron indices
    const: Array  # neuron indices
    w_ff: Array
    w_fc: Array
    b_f: Array
    clamp_values: dict[int, float]
    _tol_for: tuple[float, Array] | None = None  # (value bound, rounding bounds)

    @classmethod
    def build(
        cls, net: Network, clamp: Mapping[NeuronId, float] | None = None, what: str = "energy"
    ) -> DenseDynamics:
        prog = compile_network(net)
        clamped: dict[int, float] = {}
        for key, value in (clamp or {}).items():
            if key not in prog.index:
                raise NeuronNotFoundError(
                    f"clamp names neuron {key!r}, which is not in the network"
                    f"{did_you_mean(key, [str(n) for n in prog.neurons])}"
                )
            clamped[prog.index[key]] = float(value)
        free = np.array([j for j in prog.updated.tolist() if j not in clamped], dtype=np.int64)
        for j in free.tolist():
            pot = prog.potential_names[int(prog.potential_ids[j])]
            if pot != "weighted_sum":
                raise NetworkError(
                    f"{what} needs weighted-sum neurons, but neuron {prog.neurons[j]!r} "
                    f"has the potential {pot!r}"
                )
            act = prog.activations[int(prog.activation_ids[j])]
            if act.group:
                raise NetworkError(
                    f"{what} cannot use the group activation {act.name!r} of neuron "
                    f"{prog.neurons[j]!r}"
                )
        mask = np.ones(prog.n_neurons, dtype=bool)
        mask[free] = False
        const = np.flatnonzero(mask)
        w = dense_weights(prog)
        return cls(
            program=prog,
            free=free,
            const=const,
            w_ff=np.ascontiguousarray(w[np.ix_(free, free)]),
            w_fc=np.ascontiguousarray(w[np.ix_(free, const)]),
            b_f=prog.bias[free].astype(np.float64),
            clamp_values=clamped,
        )

    @property
    def n(self) -> int:
        return len(self.free)

    def prepare(self, states: Array) -> Array:
        """Full states ``(B, N)`` as float64 with clamp values written in."""
        y = np.array(states, dtype=np.float64, copy=True)
        if y.ndim == 1:
            y = y[None, :]
        if y.ndim != 2 or y.shape[1] != self.program.n_neurons:
            raise ParameterError(
                f"a state must have {self.program.n_neurons} values (one per neuron), "
                f"got shape {np.shape(states)}"
            )
        for j, v in self.clamp_values.items():
            y[:, j] = v
        return y

    def bias_f(self, y: Array) -> Array:
        """Effective biases of the free neurons, constants folded in: ``(B, n)``."""
        return self.b_f + y[:, self.const] @ self.w_fc.T

    def fields(self, y: Array) -> Array:
        """Potentials ξ of the free neurons ``(B, n)`` from full states ``(B, N)``."""
        return y[:, self.free] @ self.w_ff.T + self.bias_f(y)

    @cached_property
    def _segments(self) -> list[tuple[Array, Callable[..., Array], dict[str, Array]]]:
        prog = self.program
        ids = prog.activation_ids[self.free]
        out = []
        for aid in np.unique(ids):
            cols = np.flatnonzero(ids == aid)
            act = prog.activations[int(aid)]
            neurons = self.free[cols]
            params = {k: v[neurons] for k, v in prog.activation_params[act.name].items()}
            out.append((cols, act.forward, params))
        return out

    @cached_property
    def _single(self) -> list[tuple[Activation, dict[str, float]]]:
        prog = self.program
        out = []
        for j in self.free.tolist():
            act = prog.activations[int(prog.activation_ids[j])]
            params = {k: float(v[j]) for k, v in prog.activation_params[act.name].items()}
            out.append((act, params))
        return out

    def activate(self, xi: Array, y: Array | None = None, const: Array | None = None,
                 bound: float | None = None) -> Array:
        """Outputs of all free neurons from their potentials ``(B, n)``.

        With the current free states ``y`` ``(B, n)`` and the other neurons' values
        ``const`` ``(B, N − n)``, threshold neurons are decided exactly where rounding
        could decide their side, and a tie kept by the neuron keeps ``y`` (see
        :mod:`netsim.core.threshold`); without them, ``keep`` ties come out as NaN.
        ``bound``: a bound of every ``|y|`` and ``|const|`` (see :meth:`value_bound`),
        else computed from them.
        """
        out = np.empty_like(xi)
        for cols, forward, params in self._segments:
            out[:, cols] = forward(xi[:, cols], **params)
        if y is not None and self._exact.any():
            self._settle(np.flatnonzero(self._exact), xi, out, y, const, bound)
        return out

    def activate_one(self, k: int, xi: Array, y: Array | None = None,
                     const: Array | None = None, bound: float | None = None) -> Array:
        """Output of free neuron ``k`` (position in ``free``) from potentials ``(B,)``
        (``y``, ``const``: as for :meth:`activate`)."""
        if y is not None and self._exact[k]:  # a threshold neuron (the hot loop)
            low, high, _tie = self._jumps[:, k]
            out = np.where(xi >= 0, high, low)
            # only a potential within the rounding bound of 0 needs more
            if bound is None or np.abs(xi).min() <= self._tolerance(bound)[k]:
                self._settle(np.array([k]), xi[:, None], out[:, None], y, const, bound)
            return out
        act, params = self._single[k]
        out = np.empty_like(xi)
        activate_into(act, xi, out, params)  # the entry's in-place kernel
        return out

    def updater(self, y: Array, const: Array, bound: float | None
                ) -> Callable[[int, Array], Array]:
        """``update(k, xi)``: :meth:`activate_one` for the free states ``y`` (updated in
        place by the caller) and constants ``const``, with per-neuron tables as plain
        Python values (the sequential sweep's hot loop)."""
        if bound is None:
            return lambda k, xi: self.activate_one(k, xi, y, const, bound)
        tol = self._tolerance(bound).tolist()
        jumps = [(float(lo), float(hi)) if ex else None for ex, lo, hi in
                 zip(self._exact.tolist(), self._jumps[0], self._jumps[1], strict=True)]
        absolute, sign = np.abs, np.sign

        def update(k: int, xi: Array) -> Array:
            jump = jumps[k]
            if jump is None:
                return self.activate_one(k, xi)
            if jump == (-1.0, 1.0):
                out = sign(xi)  # 0 at a tie: settled below
            else:
                out = np.empty_like(xi)
                threshold_into(xi, out, *jump)
            if absolute(xi).min() <= tol[k]:  # within the rounding bound of 0
                self._settle(np.array([k]), xi[:, None], out[:, None], y, const, bound)
            return out

        return update

    def _tolerance(self, bound: float) -> Array:
        """The rounding bound of every free neuron's potential for values ≤ ``bound``."""
        hit = self._tol_for
        if hit is None or hit[0] != bound:
            sb, sw = self._slack
            hit = self._tol_for = (bound, sb + sw * bound)
        return hit[1]

    def value_bound(self, full: Array) -> float | None:
        """A bound of every |value| during dynamics from the states ``full`` ``(B, N)``
        when every free neuron is discrete (its values are then bounded), else None."""
        vmax = 0.0
        for act, params in self._single:
            if act.values is None:
                return None
            vmax = max(vmax, *(abs(v) for v in act.values(params)))
        return max(vmax, float(np.max(np.abs(full), initial=0.0)))

    @cached_property
    def _exact(self) -> Array:
        """Free neurons with a threshold activation (a ``jump``)."""
        prog = self.program
        return np.array([prog.activations[int(prog.activation_ids[j])].jump is not None
                         for j in self.free.tolist()], dtype=bool)

    @cached_property
    def _jumps(self) -> Array:
        """``(3, n)``: low, high, value at 0 (NaN: keep) of the threshold neurons."""
        out = np.full((3, self.n), np.nan)
        for k in np.flatnonzero(self._exact).tolist():
            act, params = self._single[k]
            out[:, k] = act.jump(params)
        return out

    @cached_property
    def _slack(self) -> tuple[Array, Array]:
        """γ·|b| and γ·(Σ|w|) per free neuron (times a value bound: the rounding bound)."""
        g = gamma(self.program.n_neurons + 2, np.float64)
        return (g * np.abs(self.b_f),
                g * (np.abs(self.w_ff).sum(axis=1) + np.abs(self.w_fc).sum(axis=1)))

    def _settle(self, ks: Array, xi: Array, out: Array, y: Array, const: Array | None,
                bound: float | None) -> None:
        """Exact decisions and the tie rule for the free neurons ``ks``; ``xi``/``out``
        hold their columns in the same order."""
        n_c = len(self.const)
        c = np.zeros((y.shape[0], n_c)) if const is None else const
        if bound is None:
            bound = max(float(np.max(np.abs(y), initial=0.0)),
                        float(np.max(np.abs(c), initial=0.0)))
        tol = self._tolerance(bound)[ks]
        near = np.abs(xi) <= tol
        for b, i in np.argwhere(near).tolist():
            k = int(ks[i])
            s = exact_sign(float(self.b_f[k]), np.concatenate([self.w_ff[k], self.w_fc[k]]),
                           np.concatenate([y[b], c[b]]))
            low, high, tie = self._jumps[:, k]
            value = high if s > 0 else low if s < 0 else tie
            out[b, i] = y[b, k] if value != value else value

    def energy(self, y: Array) -> Array:
        """E = −½ y_fᵀ W_ff y_f − (b_f + W_fc y_c)ᵀ y_f for full states ``(B, N)``."""
        yf = y[:, self.free]
        return -0.5 * np.einsum("bi,bi->b", yf @ self.w_ff.T, yf) - np.einsum(
            "bi,bi->b", self.bias_f(y), yf
        )

    def asymmetry(self) -> float:
        """max |w_ji − w_ij| over the free neurons."""
        if self.n == 0:
            return 0.0
        return float(np.max(np.abs(self.w_ff - self.w_ff.T)))
