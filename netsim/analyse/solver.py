"""Exact attractor search with a constraint solver (OR-Tools CP-SAT).

For networks beyond the exhaustive analysis (2^24 states) the fixed points and the
cycles of the parallel rule are the solutions of a system of linear constraints over
Boolean variables, which a CP-SAT solver enumerates completely:

- **the network as integers.** Every free neuron j (with incoming connections, not
  clamped) is a threshold unit ``y_j' = high if ξ_j > 0, low if ξ_j < 0, tie if ξ_j = 0``
  with ``ξ_j = b_j + Σ_i w_ji y_i`` (constant neurons folded into ``b_j``). ``step`` is
  (0, 1) with tie 1 (ξ ≥ 0 → 1); ``sign`` is (−1, +1) with tie ``zero`` (+1 or −1), or
  (−1, 0, +1) with ``zero=0``; ``zero="keep"`` keeps the current value at ξ = 0. Only the
  sign of ξ_j matters, so each neuron's weights and bias are scaled to integers by a
  positive factor: the exact rational values of the stored floats
  (:class:`fractions.Fraction`) times their least common denominator. When those
  integers are too large (floats such as Hebb's k/N have denominators 2^59), each value
  is split into a small rational (``limit_denominator``) plus its exact remainder and
  the two are combined lexicographically, ``M·L1·(small part) + L2·(remainder)``:
  the sign of that integer form equals the sign of the exact potential of the stored
  floats for every state (checked: the remainders sum to less than 1/L1 and M exceeds
  them). A neuron whose integers would still exceed 2^60 is refused
  (:class:`~netsim.ParameterError`) rather than approximated.
- **bounded unrolling.** A cycle of length p is p states ``s_0 … s_{p−1}`` with the
  threshold constraints from ``s_t`` to ``s_{t+1}`` and the closing constraint from
  ``s_{p−1}`` back to ``s_0``. The tie rules are linear too: with a Boolean ``b`` per
  two-valued neuron, ``b' ⇔ ξ ≥ 0`` (tie high), ``b' ⇔ ξ ≥ 1`` (tie low) and
  ``b' ⇔ ξ + b ≥ 1`` (keep: the current bit decides ξ = 0).
- **symmetry breaking.** ``s_0`` is strictly lexicographically smaller than every other
  ``s_t`` (free neurons in neuron order, values as numbers), so each cycle is found
  exactly once, starting at its smallest state, and its minimal period is exactly p
  (a shorter period would repeat ``s_0``). The lexicographic order is encoded with
  prefix-equality Booleans that the states determine, so every solution is one cycle.
- **verification.** Every cycle the solver returns is checked by direct exact integer
  arithmetic (Python integers, unbounded) on the exact rational weights of the stored
  floats, independently of the scaled model: each step, the closing step and the
  minimal period. (``net.run`` from a given state is not available yet; the exact
  check is the same decision the engine makes at a tie.)

Why CP-SAT: the constraints are linear over Booleans with enforcement literals, and
CP-SAT enumerates all solutions natively (``enumerate_all_solutions``), which a SAT
solver would need blocking clauses and a pseudo-Boolean encoding for.

The solver is an optional extra: ``pip install netsim[solver]`` (OR-Tools).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..compile import Program, compile_network
from ..errors import NetsimError, NetworkError, ParameterError
from ..limits import MAX_PERIOD, check_count
from ..network import Network, NeuronId
from ._space import check_clamp
from .energy import NetsimWarning

__all__ = [
    "KEEP",
    "MAX_INTEGER",
    "SolverAnalysis",
    "SolverAttractor",
    "ThresholdUnit",
    "enumerate_cycles",
    "integer_row",
    "solver_attractors",
    "threshold_units",
]

Array = np.ndarray

KEEP = "keep"
MAX_INTEGER = 1 << 60  # bound on Σ|coefficients| of one neuron (CP-SAT works in int64)
SMALL_DENOMINATOR = 1 << 20  # small rationals tried when the exact integers are too big
MAX_SOLUTIONS = 100_000


def _require_ortools() -> Any:
    try:
        from ortools.sat.python import cp_model
    except ImportError:  # pragma: no cover - the test environment has it
        raise NetsimError(
            "the solver-based attractor search needs OR-Tools: pip install netsim[solver]"
        ) from None
    return cp_model


# --- the network as integer threshold units -------------------------------------------


@dataclass(frozen=True)
class ThresholdUnit:
    """One free neuron as the solver sees it: an integer threshold unit.

    Its next value is ``values[-1]`` (high) if ``ξ > 0``, ``values[0]`` (low) if ``ξ < 0``
    and ``tie`` if ``ξ = 0``, where ``ξ = offset + Σ_k coefficients[k]·y[sources[k]]``
    over the free neurons' current values ``y`` (positions in the free-neuron order).

    Attributes
    ----------
    values : tuple of int
        The alphabet: ``(0, 1)``, ``(-1, 1)`` or ``(-1, 0, 1)``.
    sources : tuple of int
        Positions of the free neurons it reads.
    coefficients : tuple of int
        Their integer weights (the exact weights times a positive factor).
    offset : int
        The integer bias, constants folded in (same factor).
    tie : int or "keep"
        The value at ξ = 0, or ``"keep"`` (the current value).
    """

    values: tuple[int, ...]
    sources: tuple[int, ...]
    coefficients: tuple[int, ...]
    offset: int
    tie: int | str

    def next_value(self, xi: int, current: int) -> int:
        """The value after an update with the integer potential ``xi``."""
        if xi > 0:
            return self.values[-1]
        if xi < 0:
            return self.values[0]
        return current if self.tie == KEEP else int(self.tie)


def _is_keep(value: Any) -> bool:
    # zero="keep" is stored by the activation registry; a float parameter array cannot
    # hold the word, so NaN (never a valid tie value) stands for it there too.
    if isinstance(value, str):
        return value == KEEP
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _unit_kind(prog: Program, j: int) -> tuple[tuple[int, ...], int | str]:
    """(alphabet, tie) of the step/sign neuron ``j``, or a NetworkError."""
    name = prog.activation_names[int(prog.activation_ids[j])]
    potential = prog.potential_names[int(prog.potential_ids[j])]
    neuron = prog.neurons[j]
    if potential != "weighted_sum":
        raise NetworkError(
            f"the solver needs weighted-sum neurons, but neuron {neuron!r} has the "
            f"potential {potential!r}"
        )
    params = {k: v[j] for k, v in prog.activation_params.get(name, {}).items()}
    zero = params.get("zero", 1.0)
    if name == "step":
        if _is_keep(zero):
            return (0, 1), KEEP
        return (0, 1), (1 if float(zero) > 0 else 0)
    if name == "sign":
        if _is_keep(zero):
            return (-1, 1), KEEP
        z = float(zero)
        if z == 0.0:
            return (-1, 0, 1), 0
        return (-1, 1), (1 if z > 0 else -1)
    raise NetworkError(
        f"the solver handles step and sign neurons, but neuron {neuron!r} has the "
        f"activation {name!r} (clamp it or change it)"
    )


def _lcm(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out = out * v // math.gcd(out, v)
    return out


def integer_row(
    coefficients: Sequence[Fraction], offset: Fraction, where: str = "a neuron"
) -> tuple[list[int], int]:
    """Integers whose linear form has the sign of the exact one for every state.

    ``ξ = offset + Σ c_k y_k`` with ``|y_k| ≤ 1``: returns ``(ints, int_offset)`` such
    that ``int_offset + Σ ints_k y_k`` is positive, zero or negative exactly when ξ is,
    for every ``y`` with entries in {−1, 0, 1}. See the module docstring.

    Raises
    ------
    ParameterError
        When no such integers below 2^60 are found.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> integer_row([F(1, 3), F(-2, 3)], F(1, 6))
    ([2, -4], 1)
    >>> ints, off = integer_row([F(0.1), F(0.2)], F(-0.3))
    >>> sum(ints) + off   # the stored floats: 0.1 + 0.2 − 0.3 is exactly positive
    1
    """
    exact = [*coefficients, offset]
    scale = _lcm([x.denominator for x in exact])
    ints = [int(x * scale) for x in exact]
    if sum(abs(v) for v in ints) < MAX_INTEGER:
        return _reduced(ints)
    small = [x.limit_denominator(SMALL_DENOMINATOR) for x in exact]
    rest = [x - s for x, s in zip(exact, small, strict=True)]
    l1 = _lcm([s.denominator for s in small])
    if sum(abs(r) for r in rest) * l1 < 1:
        l2 = _lcm([r.denominator for r in rest])
        rest_ints = [int(r * l2) for r in rest]
        m = sum(abs(v) for v in rest_ints) + 1
        ints = [m * int(s * l1) + r for s, r in zip(small, rest_ints, strict=True)]
        if sum(abs(v) for v in ints) < MAX_INTEGER:
            return _reduced(ints)
    raise ParameterError(
        f"the weights and bias of {where} have no exact integer form below 2^60 (their "
        f"exact common denominator is {scale:.3g}); the solver cannot model them exactly "
        "— round them to fewer significant digits (e.g. round(w, 6)) or use integer weights"
    )


def _reduced(ints: list[int]) -> tuple[list[int], int]:
    g = 0
    for v in ints:
        g = math.gcd(g, v)
    if g > 1:
        ints = [v // g for v in ints]
    return ints[:-1], ints[-1]


@dataclass(frozen=True, eq=False)
class UnitSystem:
    """The free neurons of a network as threshold units, with the constants."""

    program: Program
    free: Array
    constants: dict[NeuronId, float]
    base_state: Array
    units: tuple[ThresholdUnit, ...]
    exact: tuple[tuple[tuple[int, ...], int], ...]  # per unit: exact integer weights, offset

    @property
    def free_ids(self) -> tuple[NeuronId, ...]:
        return tuple(self.program.neurons[i] for i in self.free)

    def states(self, values: Array) -> Array:
        """Full network states ``(K, N)`` from free-neuron values ``(K, n)``."""
        values = np.asarray(values)
        out = np.broadcast_to(self.base_state, (len(values), len(self.base_state))).copy()
        out[:, self.free] = values
        return out

    def step_exact(self, y: Sequence[int]) -> tuple[int, ...]:
        """One parallel step of the free neurons in exact integer arithmetic.

        Each neuron's exact rational weights times their common denominator (Python
        integers, unbounded): independent of the scaled solver model.
        """
        out = []
        for unit, (weights, offset) in zip(self.units, self.exact, strict=True):
            xi = offset + sum(w * y[s] for w, s in zip(weights, unit.sources, strict=True))
            out.append(unit.next_value((xi > 0) - (xi < 0), y[len(out)]))
        return tuple(out)


def threshold_units(
    net: Network, clamp: Mapping[NeuronId, float] | None = None
) -> UnitSystem:
    """The free neurons of ``net`` as exact integer threshold units.

    Parameters
    ----------
    net : Network
        Every free neuron must be a weighted-sum ``step`` or ``sign`` neuron.
    clamp : mapping, optional
        Neuron id → value held fixed; neurons without incoming connections keep their
        ``initial`` value unless clamped.

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.analyse.solver import threshold_units
    >>> net = ns.hopfield([[1, -1, 1]])          # weights ±1/3
    >>> [u.coefficients for u in threshold_units(net).units]
    [(-1, 1), (-1, -1), (1, -1)]
    """
    prog = compile_network(net)
    clamped = check_clamp(prog, clamp)
    free = np.array([j for j in prog.updated.tolist() if j not in clamped], dtype=np.int64)
    base = prog.initial.astype(np.float64).copy()
    for j, v in clamped.items():
        base[j] = v
    position = {int(j): k for k, j in enumerate(free.tolist())}
    units, exact = [], []
    for j in free.tolist():
        values, tie = _unit_kind(prog, j)
        lo, hi = int(prog.indptr[j]), int(prog.indptr[j + 1])
        sources, weights = [], []
        offset = Fraction(float(prog.bias[j]))
        for i, w in zip(prog.sources[lo:hi].tolist(), prog.weights[lo:hi].tolist(), strict=True):
            if w == 0.0:
                continue
            if i in position:
                sources.append(position[i])
                weights.append(Fraction(w))
            else:
                offset += Fraction(w) * Fraction(float(base[i]))
        ints, int_offset = integer_row(weights, offset, where=f"neuron {prog.neurons[j]!r}")
        units.append(ThresholdUnit(values, tuple(sources), tuple(ints), int_offset, tie))
        scale = _lcm([x.denominator for x in [*weights, offset]])
        exact.append((tuple(int(w * scale) for w in weights), int(offset * scale)))
    free_set = set(position)
    base[free] = 0.0
    constants = {
        prog.neurons[j]: float(base[j]) for j in range(prog.n_neurons) if j not in free_set
    }
    return UnitSystem(prog, free, constants, base, tuple(units), tuple(exact))


# --- the CP-SAT model ------------------------------------------------------------------


class _Model:
    """The unrolled constraints for cycles of exactly one period ``p``."""

    def __init__(self, units: Sequence[ThresholdUnit], p: int) -> None:
        cp_model = _require_ortools()
        self.model = model = cp_model.CpModel()
        self.units, self.p = units, p
        # state variables: one Boolean per two-valued neuron, (pos, neg) for ternary
        self.bools: list[list[tuple[Any, ...]]] = []
        self.value: list[list[Any]] = []
        for t in range(p):
            row_b, row_v = [], []
            for k, u in enumerate(units):
                if len(u.values) == 2:
                    b = model.NewBoolVar(f"s{t}_{k}")
                    row_b.append((b,))
                    row_v.append(u.values[0] + (u.values[1] - u.values[0]) * b)
                else:
                    pos, neg = model.NewBoolVar(f"p{t}_{k}"), model.NewBoolVar(f"n{t}_{k}")
                    model.AddBoolOr([pos.Not(), neg.Not()])
                    row_b.append((pos, neg))
                    row_v.append(pos - neg)
            self.bools.append(row_b)
            self.value.append(row_v)
        for t in range(p):
            self._transition(t, (t + 1) % p)
        for t in range(1, p):
            self._lex_less(self.value[0], self.value[t], f"lex{t}")

    def _transition(self, t: int, t1: int) -> None:
        model = self.model
        for k, u in enumerate(self.units):
            y = self.value[t]
            xi = sum(
                (c * y[s] for c, s in zip(u.coefficients, u.sources, strict=True)), u.offset
            )
            new = self.bools[t1][k]
            if len(u.values) == 3:  # sign with zero=0: +1 iff ξ>0, −1 iff ξ<0
                pos, neg = new
                model.Add(xi >= 1).OnlyEnforceIf(pos)
                model.Add(xi <= -1).OnlyEnforceIf(neg)
                model.Add(xi == 0).OnlyEnforceIf([pos.Not(), neg.Not()])
                continue
            (b1,) = new
            if u.tie == KEEP:  # b' ⇔ ξ + b ≥ 1: at ξ = 0 the current bit decides
                (b0,) = self.bools[t][k]
                model.Add(xi + b0 >= 1).OnlyEnforceIf(b1)
                model.Add(xi + b0 <= 0).OnlyEnforceIf(b1.Not())
            else:
                theta = 0 if u.tie == u.values[1] else 1  # b' ⇔ ξ ≥ θ
                model.Add(xi >= theta).OnlyEnforceIf(b1)
                model.Add(xi <= theta - 1).OnlyEnforceIf(b1.Not())

    def _lex_less(self, a: Sequence[Any], b: Sequence[Any], name: str) -> None:
        """a < b lexicographically; the prefix Booleans are determined by a and b."""
        model = self.model
        eq = [model.NewConstant(1)] + [
            model.NewBoolVar(f"{name}_{k}") for k in range(1, len(a) + 1)
        ]
        model.Add(eq[-1] == 0)
        for k in range(len(a)):
            model.AddImplication(eq[k + 1], eq[k])
            model.Add(a[k] == b[k]).OnlyEnforceIf(eq[k + 1])
            model.Add(a[k] <= b[k] - 1).OnlyEnforceIf([eq[k], eq[k + 1].Not()])

    def read(self, callback: Any) -> tuple[tuple[int, ...], ...]:
        out = []
        for t in range(self.p):
            row = []
            for u, bs in zip(self.units, self.bools[t], strict=True):
                if len(bs) == 1:
                    row.append(u.values[1] if callback.BooleanValue(bs[0]) else u.values[0])
                else:
                    pos, neg = (int(callback.BooleanValue(b)) for b in bs)
                    row.append(pos - neg)
            out.append(tuple(row))
        return tuple(out)


# --- results ---------------------------------------------------------------------------

_CHARS = {(0, 1): "01", (-1, 1): "-+", (-1, 0, 1): "-0+"}


@dataclass(eq=False)
class SolverAttractor:
    """One attractor found by the solver: a fixed point or a cycle of the parallel rule.

    Attributes
    ----------
    index : int
        Its number in ``analysis.attractors``.
    values : tuple of tuple of int
        The free neurons' values along the cycle, starting at its lexicographically
        smallest state (for two-valued neurons: the smallest code, as in the exhaustive
        analysis), in the order visited.
    """

    index: int
    values: tuple[tuple[int, ...], ...]
    system: UnitSystem = field(repr=False)

    @property
    def period(self) -> int:
        """The cycle length (1 for a fixed point)."""
        return len(self.values)

    @property
    def is_fixed_point(self) -> bool:
        return self.period == 1

    @property
    def kind(self) -> str:
        return "fixed point" if self.is_fixed_point else f"cycle of length {self.period}"

    @property
    def states(self) -> Array:
        """The full network states ``(period, N)``."""
        return self.system.states(np.array(self.values, dtype=float))

    @property
    def labels(self) -> list[str]:
        """One label per state: the free neurons' values as ``0/1`` or ``-/+`` (``0``)."""
        units = self.system.units
        chars = [_CHARS[u.values] for u in units]
        return [
            "".join(c[u.values.index(v)] for c, u, v in zip(chars, units, s, strict=True))
            for s in self.values
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": "fixed point" if self.is_fixed_point else "cycle",
            "period": self.period,
            "states": self.labels,
        }


@dataclass(eq=False)
class SolverAnalysis:
    """The result of :func:`solver_attractors` (``ns.attractors(net, method="solver")``).

    Attributes
    ----------
    attractors : list of SolverAttractor
        Every fixed point and every cycle of length ≤ ``max_period``, by period and
        then by their first state.
    max_period : int
    complete : bool
        False when a time limit or ``max_solutions`` stopped the search early.
    seconds : dict
        Solver wall time per period.
    """

    system: UnitSystem
    attractors: list[SolverAttractor]
    max_period: int
    complete: bool = True
    seconds: dict[int, float] = field(default_factory=dict)
    rule: str = "parallel"
    method: str = "solver"

    @property
    def free_ids(self) -> tuple[NeuronId, ...]:
        return self.system.free_ids

    @property
    def periods(self) -> list[int]:
        return [a.period for a in self.attractors]

    @property
    def fixed_points(self) -> Array:
        """The fixed points as full states ``(K, N)``, in lexicographic order."""
        rows = [a.values[0] for a in self.attractors if a.is_fixed_point]
        n = len(self.system.free)
        return self.system.states(np.array(rows, dtype=float).reshape(len(rows), n))

    def summary(self) -> dict[str, Any]:
        """A JSON-ready dict of the search and every attractor."""
        counts: dict[str, int] = {}
        for p in self.periods:
            counts[str(p)] = counts.get(str(p), 0) + 1
        return {
            "rule": self.rule,
            "method": self.method,
            "max_period": self.max_period,
            "complete": self.complete,
            "free_neurons": [n if isinstance(n, int) else str(n) for n in self.free_ids],
            "constants": {str(k): v for k, v in self.system.constants.items()},
            "n_fixed_points": sum(a.is_fixed_point for a in self.attractors),
            "attractors_by_period": counts,
            "seconds": {str(k): round(v, 4) for k, v in self.seconds.items()},
            "attractors": [a.to_dict() for a in self.attractors],
        }

    def table(self, max_rows: int = 50) -> str:
        """The attractors as text (one row per attractor)."""
        free = self.free_ids
        names = " ".join(map(str, free[:20])) + (f" ... ({len(free)})" if len(free) > 20 else "")
        head = [f"rule: parallel (solver, periods 1..{self.max_period}); free neurons "
                f"({len(free)}): {names}"]
        if self.system.constants:
            shown = list(self.system.constants.items())[:10]
            more = len(self.system.constants) - len(shown)
            head.append("constants: " + ", ".join(f"{k}={v:g}" for k, v in shown)
                        + (f", ... ({more} more)" if more > 0 else ""))
        n_fp = sum(a.is_fixed_point for a in self.attractors)
        head.append(
            f"{len(self.attractors)} attractor{'s' * (len(self.attractors) != 1)} of period "
            f"<= {self.max_period}, {n_fp} fixed point{'s' * (n_fp != 1)}"
            + ("" if self.complete else " (INCOMPLETE: the search was stopped early)")
        )
        rows = [f"{'#':>4}  {'period':>6}  states"]
        for a in self.attractors[:max_rows]:
            labels = [lab if len(lab) <= 64 else lab[:61] + "..." for lab in a.labels[:4]]
            text = " -> ".join(labels) + (" -> ..." if a.period > 4 else "")
            rows.append(f"{a.index:>4}  {a.period:>6}  {text or '(no free neurons)'}")
        if len(self.attractors) > max_rows:
            rows.append(f"... {len(self.attractors) - max_rows} more attractors")
        return "\n".join([*head, *rows])


# --- the search ------------------------------------------------------------------------


def _check_int(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ParameterError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def solver_attractors(
    net: Network,
    clamp: Mapping[NeuronId, float] | None = None,
    *,
    max_period: int = 4,
    time_limit: float | None = None,
    max_solutions: int = MAX_SOLUTIONS,
) -> SolverAnalysis:
    """Every fixed point and every cycle up to ``max_period`` of the parallel rule.

    Exact (see :mod:`netsim.analyse.solver`): the stored float weights are modelled as
    exact rationals, and every attractor found is verified by exact integer
    arithmetic. Needs OR-Tools (``pip install netsim[solver]``).

    Parameters
    ----------
    net : Network
        Free neurons: weighted-sum ``step`` or ``sign`` neurons (any tie rule).
    clamp : mapping, optional
        Neuron id → value held fixed.
    max_period : int
        The longest cycle searched (1: fixed points only).
    time_limit : float, optional
        Seconds allowed per period; when it runs out the result has
        ``complete=False`` (and a :class:`~netsim.NetsimWarning` is issued).
    max_solutions : int
        Stop (``complete=False``) after this many attractors of one period.

    Returns
    -------
    SolverAnalysis

    Examples
    --------
    The two-neuron oscillator has one cycle of length 4 and no fixed point:

    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="sign"); net.add_neuron("b", activation="sign")
    >>> net.connect("a", "b", 1.0); net.connect("b", "a", -1.0)
    >>> result = ns.attractors(net, method="solver", max_period=4)
    >>> [(a.period, a.labels) for a in result.attractors]
    [(4, ['--', '+-', '++', '-+'])]
    """
    max_period = check_count(max_period, "max_period", 1, MAX_PERIOD)
    max_solutions = _check_int(max_solutions, "max_solutions", 1)
    if time_limit is not None and (
        isinstance(time_limit, bool) or not isinstance(time_limit, int | float)
        or not time_limit > 0 or not math.isfinite(time_limit)
    ):
        raise ParameterError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    _require_ortools()
    system = threshold_units(net, clamp)
    found: list[tuple[tuple[int, ...], ...]] = []
    seconds: dict[int, float] = {}
    complete = True
    # a cycle visits distinct states: none is longer than the number of states
    n_states = math.prod(len(u.values) for u in system.units)
    for p in range(1, min(max_period, n_states) + 1):
        start = time.perf_counter()
        cycles, done = enumerate_cycles(
            system.units, p, time_limit=time_limit, max_solutions=max_solutions
        )
        seconds[p] = time.perf_counter() - start
        for cycle in cycles:
            _verify(system, cycle)
        found.extend(cycles)
        complete &= done
    if not complete:
        warnings.warn(
            "the solver search was stopped early (time_limit or max_solutions); the list "
            "of attractors is incomplete",
            NetsimWarning,
            stacklevel=2,
        )
    attractors = [SolverAttractor(k, c, system) for k, c in enumerate(found)]
    return SolverAnalysis(system, attractors, max_period, complete, seconds)


def enumerate_cycles(
    units: Sequence[ThresholdUnit],
    p: int,
    *,
    time_limit: float | None = None,
    max_solutions: int = MAX_SOLUTIONS,
) -> tuple[list[tuple[tuple[int, ...], ...]], bool]:
    """Every cycle of minimal period exactly ``p`` of the threshold units (parallel rule).

    Each cycle is a tuple of ``p`` states (tuples of values, one per unit), starting at
    its lexicographically smallest state. Returns ``(cycles, complete)``; ``complete``
    is False when ``time_limit`` or ``max_solutions`` stopped the enumeration.

    Examples
    --------
    Two 0/1 units with ξ = the other's value and the tie rule "keep": a unit switches
    on when the other is on and keeps its value otherwise. 01 and 10 both go to 11.

    >>> from netsim.analyse.solver import ThresholdUnit, enumerate_cycles
    >>> latch = [ThresholdUnit((0, 1), (1,), (1,), 0, "keep"),
    ...          ThresholdUnit((0, 1), (0,), (1,), 0, "keep")]
    >>> enumerate_cycles(latch, 1)
    ([((0, 0),), ((1, 1),)], True)
    >>> enumerate_cycles(latch, 2)
    ([], True)
    """
    cp_model = _require_ortools()
    if not units:  # nothing free: the one state is a fixed point
        return ([((),)] if p == 1 else []), True
    built = _Model(units, p)
    found: list[tuple[tuple[int, ...], ...]] = []

    class Collect(cp_model.CpSolverSolutionCallback):  # type: ignore[misc, name-defined]
        def on_solution_callback(self) -> None:
            found.append(built.read(self))
            if len(found) >= max_solutions:
                self.StopSearch()

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1  # enumeration is single-threaded in CP-SAT
    if p == 1:
        # The LP relaxation with cuts prunes dense threshold constraints (a Hopfield
        # network's) far better than propagation alone: the 64 neurons of four letters,
        # all fixed points in 1 s instead of an unfinished minute. For longer cycles
        # (often thousands) plain propagation enumerates faster.
        solver.parameters.linearization_level = 2
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    status = solver.Solve(built.model, Collect())
    if status == cp_model.MODEL_INVALID:  # pragma: no cover - a bug in the model
        raise NetsimError(f"internal error: invalid CP-SAT model ({built.model.Validate()})")
    done = status in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and len(found) < max_solutions
    return sorted(found), done


def _verify(system: UnitSystem, cycle: tuple[tuple[int, ...], ...]) -> None:
    """Check a cycle by exact arithmetic: every step, the closing step, minimal period."""
    p = len(cycle)
    for t in range(p):
        if system.step_exact(cycle[t]) != cycle[(t + 1) % p]:
            raise NetsimError(
                f"internal error: the solver returned a state sequence that is not a cycle "
                f"of the network (step {t} of {p}); please report it"
            )
    if any(cycle[t] == cycle[0] for t in range(1, p)) or min(cycle) != cycle[0]:
        raise NetsimError("internal error: the solver returned a cycle twice; please report it")
