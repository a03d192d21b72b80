"""The discrete state space of a network: free neurons, constants, alphabet, codes.

A state of the *free* neurons (updatable: with incoming connections, not clamped) is
coded as an integer: free neuron ``k`` (in neuron order) is bit ``n − 1 − k``, so the
state's label read left to right is the code written in binary (``"0110"`` is 6).
Every other neuron is a *constant* during the analysis: a clamped neuron takes its
clamp value, a neuron without incoming connections its ``initial`` value unless
clamped.

The alphabet comes from the activations' ``values``: ``step`` gives ``(0, 1)``,
``sign`` gives ``(−1, +1)``. Every free neuron must share one two-valued alphabet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compile import Program, compile_network
from ..errors import NetworkError, NeuronNotFoundError, ParameterError, did_you_mean
from ..limits import describe
from ..network import Network, NeuronId

__all__ = ["StateSpace", "check_clamp", "state_space"]

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class StateSpace:
    """The free neurons of a network, the constants and the two-letter alphabet.

    Attributes
    ----------
    program : Program
        The compiled network.
    free : ndarray of int
        Neuron indices of the free neurons, in neuron order (bit ``n − 1 − k``).
    constants : dict
        Neuron id → the fixed value of every other neuron.
    alphabet : tuple of float
        ``(low, high)``: the value of a 0 bit and of a 1 bit.
    """

    program: Program
    free: Array
    constants: dict[NeuronId, float]
    alphabet: tuple[float, float]
    base_state: Array  # (N,): the constants in place, the free neurons at `low`

    @property
    def n(self) -> int:
        """Number of free neurons."""
        return len(self.free)

    @property
    def size(self) -> int:
        """Number of states, 2**n."""
        return 1 << self.n

    @property
    def free_ids(self) -> tuple[NeuronId, ...]:
        return tuple(self.program.neurons[i] for i in self.free)

    @property
    def bipolar(self) -> bool:
        return self.alphabet == (-1.0, 1.0)

    def bits(self, codes: Array) -> Array:
        """``(len(codes), n)`` array of 0/1 bits, free neuron order."""
        codes = np.asarray(codes, dtype=np.int64)
        shifts = np.arange(self.n - 1, -1, -1, dtype=np.int64)
        return ((codes[:, None] >> shifts) & 1).astype(np.int8)

    def states(self, codes: Array) -> Array:
        """Full network states ``(len(codes), N)`` for the given codes."""
        codes = np.asarray(codes, dtype=np.int64).reshape(-1)
        out = np.broadcast_to(self.base_state, (len(codes), self.program.n_neurons)).copy()
        low, high = self.alphabet
        out[:, self.free] = np.where(self.bits(codes).astype(bool), high, low)
        return out

    def values(self, codes: Array) -> Array:
        """Values of the free neurons only, ``(len(codes), n)``."""
        return self.states(codes)[:, self.free]

    def codes(self, values: Array) -> Array:
        """Codes of states given as free-neuron values ``(B, n)`` or full states ``(B, N)``.

        Raises ParameterError for a value outside the alphabet.
        """
        arr = np.asarray(values, dtype=float)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.shape[1] == self.program.n_neurons and arr.shape[1] != self.n:
            arr = arr[:, self.free]
        if arr.shape[1] != self.n:
            raise ParameterError(
                f"a state must have {self.n} free-neuron values or {self.program.n_neurons} "
                f"neuron values, got {arr.shape[1]}"
            )
        low, high = self.alphabet
        bad = ~((arr == low) | (arr == high))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise ParameterError(
                f"neuron {self.free_ids[c]!r} has value {arr[r, c]:g}, outside the "
                f"alphabet ({low:g}, {high:g})"
            )
        weights = np.int64(1) << np.arange(self.n - 1, -1, -1, dtype=np.int64)
        return ((arr == high).astype(np.int64) * weights).sum(axis=1)

    def label(self, code: int) -> str:
        """A readable label: ``"0110"`` (binary) or ``"+--+"`` (bipolar), free neurons in order."""
        bits = format(int(code), f"0{self.n}b") if self.n else ""
        if self.bipolar:
            return bits.replace("0", "-").replace("1", "+")
        return bits

    def code_of_label(self, label: str) -> int:
        """The inverse of :meth:`label`."""
        text = label.replace("+", "1").replace("-", "0").replace("−", "0")
        if len(text) != self.n or set(text) - {"0", "1"}:
            raise ParameterError(f"{label!r} is not a label of {self.n} free neurons")
        return int(text, 2) if text else 0


def _alphabet_of(prog: Program, j: int) -> tuple[float, ...] | None:
    act = prog.activations[int(prog.activation_ids[j])]
    if act.values is None:
        return None
    params = {k: float(v[j]) for k, v in prog.activation_params[act.name].items()}
    return tuple(sorted(float(v) for v in act.values(params)))


def check_clamp(prog: Program, clamp: Mapping[NeuronId, float] | None) -> dict[int, float]:
    """``clamp`` (neuron id → value held fixed) as neuron index → value, checked: a
    mapping, of neurons of the network, to finite numbers.

    >>> import netsim as ns
    >>> from netsim.analyse._space import check_clamp
    >>> check_clamp(ns.zoo.xor().compile(), {"x2": 1})
    {1: 1.0}
    >>> check_clamp(ns.zoo.xor().compile(), 5)
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: clamp must be a mapping of neuron id to value, got 5
    """
    if clamp is None:
        return {}
    if not isinstance(clamp, Mapping):
        raise ParameterError(
            f"clamp must be a mapping of neuron id to value, got {describe(clamp)}")
    out: dict[int, float] = {}
    for key, value in clamp.items():
        if key not in prog.index:
            names = [str(n) for n in prog.neurons]
            raise NeuronNotFoundError(
                f"clamp names neuron {key!r}, which is not in the network"
                f"{did_you_mean(key, names)}"
            )
        bad = isinstance(value, bool) or not isinstance(value, int | float | np.number)
        try:
            number = math.nan if bad else float(value)
        except OverflowError:  # an integer beyond the float range
            number = math.inf
        if not math.isfinite(number):
            raise ParameterError(
                f"clamp value of neuron {key!r} must be a finite number, got {describe(value)}"
            )
        out[prog.index[key]] = number
    return out


def state_space(
    net: Network,
    clamp: Mapping[NeuronId, float] | None = None,
    max_free: int | None = None,
    what: str = "exhaustive analysis",
) -> StateSpace:
    """The state space of ``net`` with ``clamp`` (neuron id → value) applied.

    Parameters
    ----------
    net : Network
    clamp : mapping, optional
        Neurons held at a value (inputs and any other neuron).
    max_free : int, optional
        Raise :class:`~netsim.SizeLimitError` when there are more free neurons.
    what : str
        The operation named in the size-limit error.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="sign"); net.add_neuron("b", activation="sign")
    >>> net.connect("a", "b", 1.0); net.connect("b", "a", -1.0)
    >>> space = state_space(net)
    >>> space.n, space.alphabet, space.label(2)
    (2, (-1.0, 1.0), '+-')
    """
    prog = compile_network(net)
    clamped = check_clamp(prog, clamp)
    free = np.array(
        [j for j in prog.updated.tolist() if j not in clamped], dtype=np.int64
    )
    alphabets: dict[tuple[float, ...], int] = {}
    for j in free.tolist():
        alpha = _alphabet_of(prog, j)
        name = prog.neurons[j]
        if alpha is None:
            act = prog.activation_names[int(prog.activation_ids[j])]
            raise NetworkError(
                f"{what} needs discrete neurons, but neuron {name!r} has the continuous "
                f"activation {act!r} (use step or sign, or clamp it)"
            )
        if len(alpha) != 2:
            raise NetworkError(
                f"{what} needs two-valued neurons, but neuron {name!r} takes the values "
                f"{', '.join(f'{v:g}' for v in alpha)}"
            )
        alphabets.setdefault(alpha, j)
    if len(alphabets) > 1:
        (a1, j1), (a2, j2) = list(alphabets.items())[:2]
        raise NetworkError(
            f"{what} needs one alphabet for all free neurons, but neuron "
            f"{prog.neurons[j1]!r} takes {a1} and neuron {prog.neurons[j2]!r} takes {a2}"
        )
    alphabet = next(iter(alphabets), (0.0, 1.0))
    if max_free is not None and len(free) > max_free:
        from ..errors import SizeLimitError

        raise SizeLimitError(
            f"{what} is limited to {max_free} free neurons (2^{max_free} states), but "
            f"network {net.name or '(unnamed)'!r} has {len(free)}; clamp some neurons "
            "or use the fixed-point search"
        )
    base = prog.initial.astype(np.float64).copy()
    for j, v in clamped.items():
        base[j] = v
    base[free] = alphabet[0]
    free_set = set(free.tolist())
    constants = {
        prog.neurons[j]: float(base[j]) for j in range(prog.n_neurons) if j not in free_set
    }
    return StateSpace(
        program=prog,
        free=free,
        constants=constants,
        alphabet=(float(alphabet[0]), float(alphabet[1])),
        base_state=base,
    )


def chunks(total: int, size: int) -> Any:
    """``range`` objects covering ``range(total)`` in pieces of ``size``."""
    for start in range(0, total, size):
        yield range(start, min(total, start + size))
