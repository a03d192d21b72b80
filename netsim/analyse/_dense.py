"""Dense weighted-sum blocks over the free neurons (energy, the fixed-point search).

For a network whose free neurons (with incoming connections, not clamped) all use the
``weighted_sum`` potential, the potentials of the free neurons are

    ξ_f = W_ff · y_f + (b_f + W_fc · y_c)

where ``c`` are the other neurons (constants during the dynamics). ``W_ff`` and
``W_fc`` are blocks of the core's dense weight matrix
(:func:`netsim.core.dense.dense_matrix`) and the free neurons' activations are the
core's activation segments of their stage (:func:`netsim.core.apply_activation`), so
the energy and the fixed-point search evaluate nothing themselves. This module runs no
dynamics: recall and Glauber dynamics run through ``net.run``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..compile import Program, compile_network
from ..core import Stage, apply_activation, stage
from ..core.dense import dense_matrix
from ..errors import NetworkError, NeuronNotFoundError, ParameterError, did_you_mean
from ..network import Network, NeuronId

__all__ = ["DenseDynamics"]

Array = np.ndarray


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
        w = dense_matrix(prog)
        return cls(
            program=prog,
            free=free,
            const=const,
            w_ff=np.ascontiguousarray(w[np.ix_(free, free)], dtype=np.float64),
            w_fc=np.ascontiguousarray(w[np.ix_(free, const)], dtype=np.float64),
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

    @cached_property
    def _stage(self) -> Stage | None:
        """The core's stage of the free neurons (rows = ``free``, ascending)."""
        return stage(self.program, self.free) if self.n else None

    def activate(self, xi: Array) -> Array:
        """Outputs of all free neurons from their potentials ``(B, n)`` (a tie kept by
        the neuron, ``zero="keep"``, comes out as NaN: the caller decides)."""
        out = np.empty_like(xi)
        if self._stage is not None:
            for seg in self._stage.activations:
                out[:, seg.rows] = apply_activation(seg, xi[:, seg.rows])
        return out

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
