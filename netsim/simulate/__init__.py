"""simulate: run a compiled network under an update rule.

The computation proceeds in discrete *steps*; in each, the rule selects a set of
neurons and those are evaluated from the current state (a neuron without incoming
connections keeps its value; an input neuron *with* incoming connections, as in a
Hopfield network, is updated like any other). What a step is, per rule:

``layered``
    Step ℓ evaluates layer ℓ ≥ 1 (layer 0 holds the neurons without inputs). After
    ``L`` steps (``L`` = the number of layers after layer 0) the state is final:
    ``steps = L``, ``converged = True``, ``period = 1``, ``transient = L``. Acyclic
    networks only; on a recurrent one a :class:`~netsim.CycleError` names a cycle.
``parallel``
    Every step recomputes every neuron with inputs from the previous state.
``sequential``
    One neuron per step, in ``order`` ``"cyclic"``, ``"random"`` or
    ``"random-replacement"`` (see :mod:`netsim.simulate.sequential`); a *sweep* is
    ``n`` steps, ``n`` = the number of neurons with inputs. Selecting a member of a
    softmax group evaluates the whole group.

Stopping: with ``steps``, exactly that many steps. Otherwise until stable, bounded
by ``max_steps``: the parallel rule stops after the first step in which no neuron
changed by more than ``tol``; the sequential rule at the end of the first sweep in
which none did (with ``"random-replacement"``, which may skip a neuron, the state
must moreover be a fixed point). Reaching ``max_steps`` first gives
``converged=False``; a run never hangs and never raises on that account.

Periods: for the deterministic rules (parallel, sequential cyclic) on discrete
states (every updated neuron has a finite set of values, e.g. step, sign) the state
is hashed (128-bit BLAKE2b) after every step (parallel) or sweep (sequential) and a
repeat is detected per sample: ``period`` is the distance in steps between the two
occurrences (1 = fixed point) and ``transient`` the step at which the cycle was
first entered. Without ``steps`` the run stops at the first repeat, so a cycle of
period ``p > 1`` stops at ``steps = transient + p`` with ``converged=False``. For
the sequential rule repeats are looked for at sweep boundaries, so its periods and
transients of cycles are whole sweeps. A stable run has ``period = 1`` and
``transient`` = the step of the last change. Random orders report only fixed points.

Batches: ``(B, k)`` inputs give exactly the per-sample runs, stacked; every sample
stops on its own (``steps``, ``converged``, ``period``, ``transient`` are arrays).

Examples
--------
>>> import netsim as ns
>>> net = ns.mlp("2-3-1", seed=0)
>>> run = ns.run(net, [[0, 1], [1, 1]])
>>> run.output.shape, run.steps.tolist(), run.converged.tolist()
((2, 1), [2, 2], [True, True])
"""

from .engine import run
from .result import Run
from .rules import ORDERS, RULES

__all__ = ["ORDERS", "RULES", "Run", "run"]
