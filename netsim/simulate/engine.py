"""The run loop: stopping, stability, cycle detection, batches and traces, in one place.

See :mod:`netsim.simulate` for the definitions of steps, stopping and periods.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np

from ..checks import (
    BOOLEAN,
    Constraints,
    Interval,
    Kind,
    Options,
    check_network,
    keywords,
    overflow_error,
)
from ..columns import by_name
from ..compile import Program, compile_network
from ..core import derived
from ..core.kernels import SMALL, all_finite
from ..errors import ParameterError
from ..limits import MAX_STEPS, available_memory, check_memory, describe
from .result import Run
from .rules import RULE_REGISTRY, Rule, magnitude_of, make_rule, two_values

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network
from .start import Initial, held_indices, held_program, starting_state

__all__ = ["RUN_CONSTRAINTS", "PreparedRun", "RunOptions", "default_options", "prepared_run",
           "run"]

Array = np.ndarray

# Default bound of a run until stable: steps, or sweeps for the sequential rule.
DEFAULT_MAX_STEPS = 1000


def _inputs(prog: Program, inputs: Any, dtype: np.dtype) -> tuple[Array, bool]:
    """``(B, k)`` float inputs and whether a single input was given."""
    if not isinstance(inputs, np.ndarray | list | tuple):  # a DataFrame: match by name
        inputs = by_name(inputs, [prog.neurons[i] for i in prog.inputs])
    try:
        x = np.asarray(inputs, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(
            f"inputs must be numbers, one per input neuron, got {inputs!r}"
        ) from None
    k = len(prog.inputs)
    single = x.ndim <= 1
    if x.ndim == 0:
        x = x.reshape(1)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] != k:
        names = ", ".join(repr(prog.neurons[i]) for i in prog.inputs[:6])
        names += ", ..." if k > 6 else ""
        if x.ndim == 2:
            count = x.shape[1]
            got = f"{'the input has' if single else 'a sample has'} {count} value" + (
                "s" * (count != 1))
        else:
            got = f"the inputs have shape {x.shape}"
        raise ParameterError(
            f"the network has {k} input neuron{'s' * (k != 1)} ({names}), but {got}; "
            f"give shape ({k},) or (batch, {k})"
        )
    if x.shape[0] == 0:
        raise ParameterError("the batch of inputs is empty")
    _check_finite(prog, x, single)
    return x.astype(dtype, copy=False), single


def _check_finite(prog: Program, x: Array, single: bool) -> None:
    """Raise :class:`ParameterError` naming the first input value of ``x`` ``(B, k)``
    that is not finite."""
    if not _finite(x) and (bad := ~np.isfinite(x)).any():
        b, i = np.argwhere(bad)[0]
        where = f"sample {b}, " if not single else ""
        raise ParameterError(
            f"input {where}neuron {prog.neurons[prog.inputs[i]]!r} is not finite: {x[b, i]}"
        )


def _finite(x: Array) -> bool:
    """Whether every value of ``x`` is finite, in one fast pass: ``x·x`` is finite iff
    every value is (barring overflow: False then, and the caller checks the values one
    by one)."""
    if x.size <= 4096:  # small: one direct test
        return all_finite(x)
    flat = x.reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(np.dot(flat, flat)))


RECORD_MODES = ("step", "sweep")

# The values each parameter of run() accepts: declared here once, checked by @keywords
# before the call, read by the command line for its options (netsim.checks).
RUN_CONSTRAINTS: Constraints = {
    "steps": [Interval(int, 0, MAX_STEPS), None],
    "max_steps": [Interval(int, 0, MAX_STEPS), None],
    "tol": Interval(float, 0, None),
    "seed": [Interval(int, 0, None), None],
    "record": [BOOLEAN, Options(*RECORD_MODES), None],
    "clamp": [Kind(Mapping, "a mapping {neuron: value}"), None],
    "monitors": [Kind(Mapping, "a mapping {name: f} with f(states) -> values"), None],
    "temperature": [Interval(float, 0, None), None],
}


class RunOptions(TypedDict, total=False):
    """The keyword options of :func:`run`, for the functions that pass them on
    (``**options: Unpack[RunOptions]``, e.g. :meth:`netsim.Network.predict`; the tests
    keep it equal to :func:`run`'s signature)."""

    rule: str | None
    steps: int | None
    max_steps: int | None
    tol: float
    order: str
    seed: int | None
    record: bool | str
    dtype: Any
    initial_state: Any
    clamp: Mapping[Any, float] | None
    pin: Iterable[Any] | None
    monitors: Mapping[str, Callable[[np.ndarray], Any]] | None
    temperature: float | None


@keywords(constraints=RUN_CONSTRAINTS)
def run(
    net: Any,
    inputs: Any = None,
    *,
    rule: str | None = None,
    steps: int | None = None,
    max_steps: int | None = None,
    tol: float = 0.0,
    order: str = "cyclic",
    seed: int | None = None,
    record: bool | str = False,
    dtype: Any = np.float64,
    initial_state: Any = None,
    clamp: Mapping[Any, float] | None = None,
    pin: Iterable[Any] | None = None,
    monitors: Mapping[str, Callable[[np.ndarray], Any]] | None = None,
    temperature: float | None = None,
) -> Run:
    """Run a network on one input ``(k,)`` or a batch ``(B, k)``.

    Parameters
    ----------
    net : Network or Program
        The network (compiled and cached on first use) or a compiled program.
    inputs : array_like, optional
        Values of the input neurons, in input order: ``(k,)`` or ``(B, k)`` (a
        DataFrame is matched by column names). May be left out for a network without
        inputs, or when ``initial_state`` gives every neuron's value.
    rule : {"layered", "parallel", "sequential"}, optional
        The update rule; by default ``"layered"`` for an acyclic network and
        ``"parallel"`` for a recurrent one.
    steps : int, optional
        Run exactly this many steps (``max_steps`` is then not used). By default,
        run until stable.
    max_steps : int, optional
        The bound of a run until stable; a run that reaches it without becoming
        stable is reported with ``converged=False``. Default: 1000 steps, or for
        the sequential rule 1000 sweeps (``1000·n`` steps, ``n`` = neurons it
        updates) so that a large network gets as many chances per neuron.
    tol : float
        A neuron "changes" when its value moves by more than ``tol`` (default 0:
        any change).
    order : {"cyclic", "random", "random-replacement"}
        The selection order of the sequential rule.
    seed : int, optional
        Seed of the random orders and of the temperature's draws (same seed, same run).
    record : {False, True, "step", "sweep"}
        Keep the states in ``run.trace``: after every step (``True`` or ``"step"``),
        or after every sweep of the sequential rule (``"sweep"``: ``n`` times less
        memory; for the layered and parallel rules a sweep is a step).
    dtype : {numpy.float64, numpy.float32}
        The value type of the simulation.
    initial_state : array_like or mapping, optional
        The starting state: every neuron's value ``(N,)`` or ``(B, N)`` in neuron
        order, or ``{neuron: value}`` over the default initial state. Given
        ``inputs`` then overwrite the input neurons.
    clamp : mapping, optional
        ``{neuron: value}``: neurons held at that value for the whole run (an input
        neuron too: the clamp overrides the input).
    pin : list, optional
        Neurons held at their starting value. A held (clamped or pinned) neuron is
        removed from the set the rule updates: it is never selected, never changes,
        and the sequential rule's sweep is over the other neurons.
    monitors : mapping, optional
        ``{name: f}`` with ``f(states) -> values`` for states ``(M, N)`` (e.g.
        :func:`netsim.energy_monitor`, :func:`netsim.overlap_monitor`): evaluated on
        every record, returned as ``run.monitors[name]`` shaped like the trace (one
        value, or a row of values, per record). Implies ``record="step"`` when
        ``record`` is not given.
    temperature : float, optional
        Stochastic (Glauber) sequential updates for two-valued (step, sign) neurons:
        the selected neuron takes its high value with probability
        ``σ((hi − lo)·ξ/T)``, drawn from ``seed``. ``None`` or 0: deterministic.

    Returns
    -------
    Run

    Notes
    -----
    A run with every option at its default (``ns.run(net, x)``, ``net.run(x)``,
    ``net.predict(x)``) is prepared once per program and kept until the network
    changes (:class:`PreparedRun`): the same result, without the per-call work that
    does not depend on the inputs.

    Examples
    --------
    Two neurons inhibiting each other oscillate under the parallel rule and settle
    under the sequential one:

    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_neuron("a", activation="sign", initial=1.0)
    >>> net.add_neuron("b", activation="sign", initial=1.0)
    >>> net.connect("a", "b", -1.0); net.connect("b", "a", -1.0)
    >>> r = ns.run(net, rule="parallel")
    >>> r.converged, r.period, r.steps
    (False, 2, 2)
    >>> r = ns.run(net, rule="sequential")
    >>> r.converged, r.period, r.state
    (True, 1, array([-1.,  1.]))

    Starting elsewhere (a fixed point), and holding ``a`` at +1:

    >>> ns.run(net, initial_state=[-1, 1], rule="parallel").steps
    1
    >>> ns.run(net, initial_state=[1, 1], clamp={"a": 1}, rule="parallel").state
    array([ 1., -1.])
    """
    check_network(net, "run", program=True)
    if default_options(rule, steps, max_steps, tol, order, seed, record, dtype,
                       initial_state, clamp, pin, monitors, temperature):
        return prepared_run(net)(inputs)
    return _execute(net, inputs, rule, steps, max_steps, tol, order, seed, record, dtype,
                    initial_state, clamp, pin, monitors, temperature)


def default_options(rule: Any, steps: Any, max_steps: Any, tol: Any, order: Any, seed: Any,
                    record: Any, dtype: Any, initial_state: Any, clamp: Any, pin: Any,
                    monitors: Any, temperature: Any) -> bool:
    """Whether every option of :func:`run` (in its order) is its default (the same
    object; for ``tol`` and ``order`` an equal float or str): the run is then the
    prepared one (see :func:`prepared_run`).

    >>> import numpy as np
    >>> from netsim.simulate.engine import default_options
    >>> default_options(None, None, None, 0.0, "cyclic", None, False, np.float64,
    ...                 None, None, None, None, None)
    True
    """
    return (rule is None and steps is None and max_steps is None and type(tol) is float
            and tol == 0.0 and type(order) is str and order == "cyclic" and seed is None
            and record is False and dtype is np.float64 and initial_state is None
            and clamp is None and pin is None and monitors is None and temperature is None)


def _execute(net: Any, inputs: Any, rule: Any, steps: Any, max_steps: Any, tol: Any,
             order: Any, seed: Any, record: Any, dtype: Any, initial_state: Any, clamp: Any,
             pin: Any, monitors: Any, temperature: Any) -> Run:
    """The body of :func:`run`, its arguments checked."""
    steps = None if steps is None else int(steps)
    max_steps = None if max_steps is None else int(max_steps)
    prog = net if isinstance(net, Program) else compile_network(net, dtype=dtype)
    dt = prog.dtype
    seed = None if seed is None else int(seed)
    mode = "step" if record is True else record or None
    monitors = _check_monitors(monitors)
    if monitors and not mode:
        mode = "step"
    temperature = float(temperature) if temperature else None
    clamped, pinned = held_indices(prog, clamp, pin)
    x, single = (None, True) if inputs is None else _inputs(prog, inputs, dt)
    if x is None and initial_state is None and len(prog.inputs):
        k = len(prog.inputs)
        raise ParameterError(f"the network has {k} input neuron{'s' * (k != 1)}: give the "
                             "inputs (or a full initial_state)")
    state = starting_state(prog, x, initial_state, clamped,
                           None if x is None else x.shape[0])
    if state is not None:
        single = single and (initial_state is None or isinstance(initial_state, Mapping)
                             or np.ndim(initial_state) == 1)
        state = state.astype(dt, copy=False)
        x = state[:, prog.inputs]
    elif x is None:
        x = np.zeros((1, 0), dtype=dt)
    base = prog
    if clamped or pinned:
        prog = held_program(prog, [*clamped, *pinned])
    rule_obj = make_rule(rule, order, prog)
    if temperature:
        _check_stochastic(rule_obj)
        rule_obj.temperature = temperature
    if max_steps is None:
        # a bound in sweeps for a rule whose unit is a sweep
        max_steps = DEFAULT_MAX_STEPS * (rule_obj.unit if rule_obj.info.unit == "sweep" else 1)
    by_sweep = mode == "sweep" and rule_obj.info.unit == "sweep" and rule_obj.unit > 0
    result = _loop(prog, rule_obj, Initial(prog, x, state), steps, max_steps, float(tol),
                   seed, bool(mode), rule_obj.unit if by_sweep else 1)
    if monitors:
        result["monitors"] = _monitor(monitors, result["trace"])
    result["per"] = "sweep" if by_sweep else "step"
    return _package(base, rule_obj, result, single, seed)


def _check_monitors(monitors: Mapping[str, Any] | None) -> dict[str, Callable[[Array], Any]]:
    for name, f in (monitors or {}).items():
        if not callable(f):
            raise ParameterError(f"monitor {name!r} must be callable f(states) -> values, "
                                 f"got {describe(f)}")
    return dict(monitors or {})


def _monitor(monitors: Mapping[str, Callable[[Array], Any]], trace: Array
             ) -> dict[str, Array]:
    """Every monitor on every record: ``(T+1[, B], ...)`` like the trace."""
    lead = trace.shape[:-1]
    flat = trace.reshape(-1, trace.shape[-1])
    out = {}
    for name, f in monitors.items():
        values = np.asarray(f(flat))
        if values.ndim == 0 or values.shape[0] != flat.shape[0]:
            raise ParameterError(f"monitor {name!r} must return one value (or one row of "
                                 f"values) per state: {flat.shape[0]} for states of shape "
                                 f"{flat.shape}, got shape {values.shape}")
        out[name] = values.reshape(*lead, *values.shape[1:])
    return out


def _check_stochastic(rule: Rule) -> None:
    """Temperature needs a rule that takes it and two-valued (step, sign) neurons."""
    if not rule.info.takes_temperature:
        takes = [n for n in RULE_REGISTRY.names() if RULE_REGISTRY.get(n).takes_temperature]
        raise ParameterError(f"temperature applies to the {', '.join(map(repr, takes))} rule "
                             f"(Glauber dynamics), not to rule {rule.name!r}")
    prog = rule.prog
    upd = prog.updated
    jumps = all(prog.activations[int(a)].jump is not None
                for a in np.unique(prog.activation_ids[upd]))
    if jumps and (len(upd) == 0 or two_values(prog, upd) is not None):
        return
    for j in upd.tolist():  # name the first neuron that is not two-valued
        act = prog.activations[int(prog.activation_ids[j])]
        values = () if act.values is None else act.values(
            {k: float(v[j]) for k, v in prog.activation_params[act.name].items()})
        if act.jump is None or len(values) != 2:
            raise ParameterError(
                f"temperature needs two-valued (step, sign) neurons, but neuron "
                f"{prog.neurons[j]!r} has the activation {act.name!r}")


def _loop(
    prog: Program,
    rule: Rule,
    init: Initial,
    steps: int | None,
    max_steps: int,
    tol: float,
    seed: int | None,
    record: bool,
    sweep: int = 1,
) -> dict[str, Any]:
    """The run loop; ``sweep`` > 1: record the state after every ``sweep`` steps."""
    batch, n = init.x.shape[0], prog.n_neurons
    fixed = steps is not None
    limit = steps if steps is not None else max_steps
    if rule.info.unit == "pass" and rule.unit and not fixed and not record and (
            rule.unit <= limit):
        # a single-pass rule (layered) stops after its pass: nothing to compare
        work = rule.start(init, seed, tol, False)
        adv = rule.advance(work, rule.unit)
        if adv.stable.all():
            return dict(state=_lazy_public(rule, work), output=rule.outputs(work),
                        steps=np.full(batch, rule.unit, dtype=np.int64),
                        converged=adv.stable, period=np.ones(batch, dtype=np.int64),
                        transient=np.where(adv.changed, adv.last_change, 0), trace=None)
    final = np.empty((batch, n), dtype=prog.dtype)
    n_steps = np.zeros(batch, dtype=np.int64)
    converged = np.zeros(batch, dtype=bool)
    period = np.zeros(batch, dtype=np.int64)  # 0: no repeat seen
    transient = np.full(batch, -1, dtype=np.int64)
    last_change = np.zeros(batch, dtype=np.int64)
    chunks: list[tuple[int, Array, Array]] = []

    # A trace keeps (T+1, B, N) values, twice while it is assembled from its chunks.
    row_bytes = 2 * batch * n * np.dtype(prog.dtype).itemsize
    memory = available_memory() if record else 0
    per = "sweep" if sweep > 1 else "step"

    def row(t: int) -> int:  # the trace row holding the state after step t
        return -(-t // sweep)

    if record and fixed:
        check_memory((row(limit) + 1) * row_bytes,
                     f"run(record={per!r}) with steps={limit}: the trace of {batch} x {n} "
                     f"values per {per}")

    if rule.unit == 0:  # nothing can ever change: a fixed point from the start
        converged[:] = True
        period[:] = 1
        transient[:] = 0
        n_steps[:] = limit if fixed else 0
        t_end = int(n_steps.max(initial=0))
        state0 = init.public()
        trace = np.broadcast_to(state0, (row(t_end) + 1, batch, n)).copy() if record else None
        return dict(state=state0.copy(), output=None, steps=n_steps, converged=converged,
                    period=period, transient=transient, trace=trace)

    work = rule.start(init, seed, tol, record and sweep == 1)
    active = np.arange(batch)
    parked = np.zeros(batch, dtype=bool)  # stopped, final state kept, not yet dropped
    settled_at = -1  # a fixed-steps run whose state can no longer change stops here
    skipped = 0  # steps of a fixed-steps run known not to change the state
    # A repeated state is a cycle only for deterministic rules on discrete states.
    cycles = rule.deterministic and prog.discrete and rule.info.compares_states
    seen = StateHistory(*rule.codes(work)) if cycles else None
    t = 0
    while active.size and t < limit:
        k = min(rule.unit, limit - t)
        if record and not fixed:
            check_memory((row(t + k) + 1) * row_bytes,
                         f"run(record={per!r}) with max_steps={limit}: the trace after step "
                         f"{t + k} ({batch} x {n} values per {per})", available=memory)
        adv = rule.advance(work, k)
        if record and adv.records is not None:
            chunks.append((t, active.copy(), adv.records))
        elif record and sweep > 1:  # the state at the end of this sweep
            chunks.append((row(t + k) - 1, active.copy(), rule.public(work)[None]))
        ch = adv.changed
        last_change[active[ch]] = t + adv.last_change[ch]
        t += k
        newly = adv.stable & ~converged[active]
        hit = active[newly]
        converged[hit] = True
        period[hit] = 1
        transient[hit] = last_change[hit]
        if seen is not None and t % rule.unit == 0:  # a sweep rule: at sweep ends only
            first = seen.add(*rule.codes(work), t)
            again = (first >= 0) & (period[active] == 0)
            if again.any():  # these states were seen after step `first`
                b, first = active[again], first[again]
                period[b] = t - first
                transient[b] = first
                converged[b] = period[b] == 1
        if fixed:
            # A single-pass rule (layered) is done after its pass, and a deterministic
            # rule at a repeated state (period 1) stays there: the remaining steps
            # cannot change anything, so they are not stepped through one by one.
            if (rule.info.unit == "pass" and adv.stable.all()) or (
                    cycles and (period[active] == 1).all()):
                settled_at, skipped = t, limit - t
                break
            if cycles and not record and (period[active] > 0).all() and not skipped:
                # every sample is on a cycle: whole rounds of the common period leave
                # the state unchanged; step only through the remainder
                common = math.lcm(*{int(p) for p in period[active]})
                skipped = (limit - t) // common * common
                limit -= skipped
            continue
        stop = period[active] > 0
        if stop.all():
            break  # every remaining sample stops now: handled after the loop
        new = stop & ~parked
        if new.any():
            done = np.flatnonzero(new)
            final[active[done]] = rule.public_rows(work, done)
            n_steps[active[done]] = t
            parked |= new
            # Stopped samples are dropped once they are half of the work: dropping
            # costs a copy of every array, so it is not done for every few samples
            # (a parked sample's later states are never read).
            if 2 * np.count_nonzero(parked) >= parked.size:
                keep = np.flatnonzero(~parked)
                work = rule.compact(work, keep)
                active = active[keep]
                parked = np.zeros(keep.size, dtype=bool)
                if seen is not None:
                    seen.compact(keep)
    output = None
    if active.size == batch and not parked.any():  # nobody stopped early: the state
        output = rule.outputs(work)  # is built only on demand
        final = _lazy_public(rule, work)
        n_steps[:] = t + skipped
    elif active.size:
        live = np.flatnonzero(~parked)
        final[active[live]] = (rule.public(work) if live.size == active.size
                               else rule.public_rows(work, live))
        n_steps[active[live]] = t
    trace = None
    if record:
        t_end = int(n_steps.max(initial=0))
        trace = np.empty((row(t_end) + 1, batch, n), dtype=prog.dtype)
        trace[0] = init.public()
        for t0, members, rec in chunks:
            trace[t0 + 1 : t0 + 1 + len(rec), members] = rec
        if callable(final):
            final = final()
        for b in range(batch):  # a sample that stopped keeps its final state
            end = int(n_steps[b]) if settled_at < 0 else min(int(n_steps[b]), settled_at)
            trace[row(end) + 1 :, b] = final[b]
    return dict(state=final, output=output, steps=n_steps, converged=converged, period=period,
                transient=transient, trace=trace)


class StateHistory:
    """The states seen so far by each active sample, as rows of codes, compared with
    each new state in whole-array operations (no per-sample Python work).

    A state's code is a row of ``uint64`` words that are equal exactly when the states
    are (see :meth:`netsim.simulate.rules.Rule.codes`); a code marked invalid (a state
    that can never recur) matches nothing.
    """

    def __init__(self, codes: Array, valid: Array | None) -> None:
        batch, self.words = codes.shape
        # word w of the state after the r-th recorded step: words[w][r, sample]
        self.table = [np.empty((8, batch), dtype=np.uint64) for _ in range(self.words)]
        self.valid: Array | None = None  # (rows, batch), kept once a code is invalid
        self.times = np.empty(8, dtype=np.int64)
        self.size = 0
        self.add(codes, valid, 0)

    def add(self, codes: Array, valid: Array | None, t: int) -> Array:
        """Record the states after step ``t``; per sample, the step after which the same
        state was first seen, or −1."""
        size = self.size
        if size:
            same = self.table[0][:size] == codes[:, 0]
            for w in range(1, self.words):
                same &= self.table[w][:size] == codes[:, w]
            if self.valid is not None:
                same &= self.valid[:size]
            if valid is not None:
                same &= valid
            row = same.argmax(axis=0)  # the first match (0 when none)
            first = self.times[row]
            first[~same[row, np.arange(len(row))]] = -1
        else:
            first = np.full(codes.shape[0], -1, dtype=np.int64)
        if size == len(self.times):  # grow by doubling
            self.table = [np.concatenate([t_, np.empty_like(t_)]) for t_ in self.table]
            self.times = np.concatenate([self.times, np.empty_like(self.times)])
            if self.valid is not None:
                self.valid = np.concatenate([self.valid, np.empty_like(self.valid)])
        for w in range(self.words):
            self.table[w][size] = codes[:, w]
        if valid is not None and self.valid is None:
            self.valid = np.ones((len(self.times), codes.shape[0]), dtype=bool)
        if self.valid is not None:
            self.valid[size] = True if valid is None else valid
        self.times[size] = t
        self.size = size + 1
        return first

    def compact(self, keep: Array) -> None:
        """Keep the samples ``keep`` (positions among the current ones)."""
        self.table = [t_[: self.size, keep] for t_ in self.table]  # grown again by add
        self.times = self.times[: self.size]
        if self.valid is not None:
            self.valid = self.valid[: self.size, keep]


def _lazy_public(rule: Rule, work: Any) -> Any:
    box: list[Array] = []

    def build() -> Array:
        if not box:
            box.append(rule.public(work, owned=True))
        return box[0]

    return build


def _package(prog: Program, rule: Rule, r: dict[str, Any], single: bool,
             seed: int | None) -> Run:
    state = r["state"]
    output = r["output"] if r["output"] is not None else state[:, prog.outputs]
    trace = r["trace"]
    monitors = r.get("monitors", {})
    common = dict(
        neurons=prog.neurons,
        outputs=prog.output_names,
        rule=rule.name,
        order=rule.order,
        seed=seed,
        per=r.get("per", "step"),
        _index=prog.index,
        _single=single,
    )
    if single:
        per = int(r["period"][0])
        tr = int(r["transient"][0])
        return Run(
            output=output[0],
            _state=state if callable(state) else state[0],
            steps=int(r["steps"][0]),
            converged=bool(r["converged"][0]),
            period=per if per > 0 else None,
            transient=tr if tr >= 0 else None,
            trace=None if trace is None else trace[:, 0],
            monitors={k: v[:, 0] for k, v in monitors.items()},
            **common,
        )
    return Run(
        output=output,
        _state=state,
        steps=r["steps"],
        converged=r["converged"],
        period=r["period"],
        transient=r["transient"],
        trace=trace,
        monitors=monitors,
        **common,
    )


# --- the prepared run: every option at its default -------------------------------------

_PREPARED = ("run", "prepared")  # the key of the prepared run among a network's caches
_PLAIN = (np.ndarray, list, tuple)  # inputs converted directly (else: matched by name)


def _named(exc: OverflowError, inputs: Any) -> Exception:
    """The error for an ``OverflowError`` of a prepared run: an integer of the inputs too
    large for a float is named as :func:`run` names it (the prepared run is also called
    without run()'s checks around it)."""
    return overflow_error("run", {"inputs": inputs}) or exc


def prepared_run(net: Network | Program) -> PreparedRun:
    """The run with every option at its default, prepared for ``net``'s current program
    (built on first use; kept until the network changes, or patched along with a value
    change where its plan can be).

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.simulate.engine import prepared_run
    >>> net = ns.zoo.xor()
    >>> go = prepared_run(net)
    >>> go([1, 0]).output, go([[1, 1], [0, 1]]).output.ravel()
    (array([1.]), array([0., 1.]))
    """
    if isinstance(net, Program):
        return derived(net, _PREPARED, lambda: PreparedRun(net))
    return net.cached(_PREPARED, lambda: prepared_run(compile_network(net)))


class PreparedRun:
    """``run(prog, inputs)`` with every option at its default, with what does not depend
    on the inputs done once: the rule object (prepared once per program), the result's
    fields that name things.

    A single-pass rule (the layered rule on an acyclic network, see
    :meth:`netsim.simulate.rules.Rule.run_pass`) runs its pass directly from the
    inputs, without the run loop's bookkeeping: the result is the one :func:`run` gives
    (the tests compare every field). Anything else — other rules, inputs that are not
    a plain array or list, a bad input — takes the general path, which also raises
    the errors.
    """

    derived_from_others = True  # holds the prepared rule and its plan

    def __init__(self, prog: Program) -> None:
        self.prog = prog
        self.rule = make_rule(None, "cyclic", prog)
        rule = self.rule
        self.lean = rule.single_pass and 0 < rule.unit <= DEFAULT_MAX_STEPS
        self.k = len(prog.inputs)
        # the Run's fields that do not depend on the inputs (for one input: all but the
        # output, the state and a fresh monitors dict)
        self.fields = dict(neurons=prog.neurons, outputs=prog.output_names, rule=rule.name,
                           order=rule.order, seed=None, per="step", _index=prog.index,
                           trace=None)
        self.single = {**self.fields, "steps": rule.unit, "converged": True, "period": 1,
                       "transient": rule.unit, "_single": True}

    def patch_values(self, prog: Program, weight_positions: Any, bias_neurons: Any) -> bool:
        """Values changed in place: it stays prepared while its rule does."""
        patch = getattr(self.rule, "patch_values", None)
        return bool(patch is not None and patch(prog, weight_positions, bias_neurons))

    def __call__(self, inputs: Any) -> Run:
        """The run on ``inputs`` (one ``(k,)`` or a batch ``(B, k)``)."""
        try:
            done = self._pass(inputs)
            if done is None:
                return _execute(self.prog, inputs, None, None, None, 0.0, "cyclic", None,
                                False, np.float64, None, None, None, None, None)
        except OverflowError as exc:
            raise _named(exc, inputs) from None
        work, single, batch = done
        rule = self.rule
        steps = rule.unit
        # The Run is made from its fields directly (it is a frozen dataclass: its
        # __init__ would set each of its 16 fields through object.__setattr__, which
        # costs as much as the pass on a small network); the tests compare it with
        # the one run() builds through __init__, field by field.
        run = object.__new__(Run)
        fields = run.__dict__
        if single:
            fields.update(self.single)
            fields["output"] = rule.outputs(work)[0]
        else:
            fields.update(self.fields)
            fields.update(output=rule.outputs(work),
                          steps=np.full(batch, steps, dtype=np.int64),
                          converged=np.ones(batch, dtype=bool),
                          period=np.ones(batch, dtype=np.int64),
                          transient=np.full(batch, steps, dtype=np.int64), _single=False)
        # built on first access (Run.state keeps it)
        fields["_state"] = functools.partial(rule.public, work, True)
        fields["monitors"] = {}
        return run

    def outputs(self, inputs: Any) -> Array | None:
        """The outputs of the run on ``inputs`` when it is the single pass (which always
        stops), without the rest of the Run; None when it is not (call the object for
        the Run)."""
        try:
            done = self._pass(inputs)
        except OverflowError as exc:
            raise _named(exc, inputs) from None
        if done is None:
            return None
        work, single, _batch = done
        output = self.rule.outputs(work)
        return output[0] if single else output

    def _pass(self, inputs: Any) -> tuple[Any, bool, int] | None:
        """The work after the single pass on ``inputs``, whether one input was given and
        the batch size; None for the general path: not a single-pass rule, or inputs
        that are not a plain array or list of shape ``(k,)`` or ``(B, k)`` with finite
        values (the general path then matches them by name, or names what is wrong)."""
        if not self.lean or not isinstance(inputs, _PLAIN):
            return None
        try:
            x = np.asarray(inputs, dtype=np.float64)
        except (TypeError, ValueError):
            return None
        shape, k = x.shape, self.k
        if len(shape) == 1 and shape[0] == k:
            single = True
        elif len(shape) == 2 and shape[1] == k and shape[0]:
            single = False
        else:
            return None
        magnitude = None
        if x.size <= SMALL:  # a few values: one pass in plain Python
            magnitude = magnitude_of(x)  # an integer is finite
            if not magnitude[1] and not all_finite(x):
                return None
        elif not _finite(x):
            return None
        work = self.rule.run_pass(x, magnitude)  # one input (k,) is a batch of one
        return work, single, 1 if single else shape[0]
