"""Small named textbook networks with fixed weights: ``ns.zoo.xor()`` and friends.

Each function builds a fresh :class:`~netsim.network.Network` (change it freely). They
are the networks the demo, the examples, the figures and the tests share:

- :func:`xor` — XOR from three step neurons (h1 = OR, h2 = NAND, y = AND of both);
- :func:`gate` — one step neuron computing AND, OR, NAND, NOR (of any number of
  inputs) or NOT;
- :func:`pair` — two neurons a and b connected both ways (a two-neuron recurrent net);
- :func:`mutual_inhibition` — two sign neurons inhibiting each other: a 2-cycle under
  the parallel rule, a fixed point under the sequential rule;
- :func:`sr_latch` — the set–reset latch of two NOR threshold neurons (a memory bit);
- :func:`elman` — a small recurrent network with context units, feedback and a
  self-loop (used by the figures and the diagram tests).
"""

from __future__ import annotations

from .checks import keywords
from .errors import ParameterError, did_you_mean
from .network import Network

__all__ = [
    "GATES",
    "NAMED",
    "build",
    "elman",
    "gate",
    "gate_weights",
    "mutual_inhibition",
    "pair",
    "sr_latch",
    "xor",
]

_GATE_KINDS = ("and", "or", "nand", "nor", "not")
# Largest n_inputs a gate accepts (a guard against absurd sizes, not a limit of the idea).
MAX_GATE_INPUTS = 1_000_000


def gate_weights(kind: str, n_inputs: int | None = None) -> tuple[float, tuple[float, ...]]:
    """``(bias, weights)`` of the step neuron computing ``kind`` on ``n_inputs`` bits.

    The course's constructions, with step(ξ) = 1 if ξ ≥ 0: AND has weights 1 and bias
    −n (all inputs on), OR weights 1 and bias −1 (some input on), NOT weight −1 and
    bias 0; NAND and NOR negate AND and OR: weights −1 and bias n − 1, resp. 0.

    Examples
    --------
    >>> from netsim.zoo import gate_weights
    >>> gate_weights("and", 3)
    (-3.0, (1.0, 1.0, 1.0))
    """
    if kind not in _GATE_KINDS:
        raise ParameterError(
            f"gate must be one of {', '.join(map(repr, _GATE_KINDS))}, got {kind!r}"
            f"{did_you_mean(kind, _GATE_KINDS)}"
        )
    n = (1 if kind == "not" else 2) if n_inputs is None else n_inputs
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_GATE_INPUTS:
        raise ParameterError(
            f"n_inputs must be an integer in [1, {MAX_GATE_INPUTS}], got {n_inputs!r}"
        )
    if kind == "not" and n != 1:
        raise ParameterError(f"gate 'not' has one input, got n_inputs={n_inputs!r}")
    bias = {"and": -float(n), "or": -1.0, "nand": float(n - 1), "nor": 0.0, "not": 0.0}[kind]
    weight = 1.0 if kind in ("and", "or") else -1.0
    return bias, (weight,) * n


# gate → (bias, weight of each input) for the usual two inputs (NOT: one)
GATES: dict[str, tuple[float, tuple[float, ...]]] = {
    kind: gate_weights(kind) for kind in _GATE_KINDS
}


def xor() -> Network:
    """The textbook XOR network of three step neurons.

    The hidden neurons compute ``h1 = [−1 + 2x1 + 2x2 ≥ 0]`` (OR) and
    ``h2 = [3 − 2x1 − 2x2 ≥ 0]`` (NAND); the output ``y = [−2 + h1 + h2 ≥ 0]`` fires
    when both do (AND), which is XOR.

    Returns
    -------
    Network
        Inputs ``x1``, ``x2``; hidden ``h1``, ``h2``; output ``y``; named ``"xor"``.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.zoo.xor()
    >>> net
    <Network 'xor': 5 neurons (2 inputs, 1 output), 6 connections, feed-forward>
    >>> net.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    net = Network(name="xor", description="XOR from three step neurons")
    net.add_input("x1")
    net.add_input("x2")
    net.add_neuron("h1", activation="step", bias=-1)
    net.add_neuron("h2", activation="step", bias=3)
    net.add_output("y", activation="step", bias=-2)
    for x in ("x1", "x2"):
        net.connect(x, "h1", 2.0)
        net.connect(x, "h2", -2.0)
    net.connect("h1", "y", 1.0)
    net.connect("h2", "y", 1.0)
    return net


@keywords
def gate(kind: str, n_inputs: int | None = None) -> Network:
    """One step neuron computing a logic gate on 0/1 inputs.

    The threshold h sits in the bias b = −h: AND is ``[−n + Σ x ≥ 0]``, OR is
    ``[−1 + Σ x ≥ 0]``, NAND is ``[n − 1 − Σ x ≥ 0]``, NOR ``[−Σ x ≥ 0]``, NOT is
    ``[−x ≥ 0]`` (:func:`gate_weights`).

    Parameters
    ----------
    kind : {"and", "or", "nand", "nor", "not"}
    n_inputs : int, optional
        Number of inputs (default 2; NOT has exactly 1).

    Returns
    -------
    Network
        Inputs ``x1`` … ``xn``, output ``y``; named after the gate.

    Examples
    --------
    >>> import netsim as ns
    >>> ns.zoo.gate("nand").predict([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel().tolist()
    [1.0, 1.0, 1.0, 0.0]
    >>> ns.zoo.gate("not").predict([[0], [1]]).ravel().tolist()
    [1.0, 0.0]
    >>> ns.zoo.gate("and", n_inputs=3).predict([[1, 1, 0], [1, 1, 1]]).ravel().tolist()
    [0.0, 1.0]
    """
    bias, weights = gate_weights(kind, n_inputs)
    net = Network(name=kind)
    names = [f"x{k + 1}" for k in range(len(weights))]
    for name in names:
        net.add_input(name)
    net.add_output("y", activation="step", bias=bias)
    net.connect_many(zip(names, ["y"] * len(names), weights, strict=True))
    return net


def pair(
    w_ab: float,
    w_ba: float,
    *,
    activation: str = "sign",
    bias: float = 0.0,
    name: str | None = "pair",
) -> Network:
    """Two neurons ``a`` and ``b`` connected both ways (no inputs, no outputs).

    Parameters
    ----------
    w_ab, w_ba : float
        The weights of a → b and b → a.
    activation : str
        The activation of both neurons (default ``"sign"``).
    bias : float
        The bias of both neurons.
    name : str, optional

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.zoo.pair(1.0, -1.0, name="excite-inhibit")  # b copies a, a negates b
    >>> net.connections
    [('a', 'b', 1.0), ('b', 'a', -1.0)]
    """
    net = Network(name)
    net.add_neuron("a", activation=activation, bias=bias)
    net.add_neuron("b", activation=activation, bias=bias)
    net.connect("a", "b", w_ab)
    net.connect("b", "a", w_ba)
    return net


def mutual_inhibition() -> Network:
    """Two sign neurons inhibiting each other, both starting at +1.

    Under the parallel rule both flip at every step, (1, 1) → (−1, −1) → (1, 1): a
    cycle of period 2. Under the sequential rule a flips first and b then stays: a
    fixed point.

    Returns
    -------
    Network
        :func:`pair` ``(-1, -1)`` with initial values 1 and both neurons as outputs.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.zoo.mutual_inhibition()
    >>> net.run([], rule="parallel").period, net.run([], rule="sequential").period
    (2, 1)
    """
    net = pair(-1.0, -1.0, name="mutual inhibition")
    for j in ("a", "b"):
        net.set_neuron(j, initial=1.0)
    net.set_outputs(["a", "b"])
    return net


def sr_latch() -> Network:
    """The set–reset latch: two NOR neurons feeding each other.

    ``q = step(0.5 − r − nq)`` and ``nq = step(0.5 − s − q)`` (each fires only when
    both of its inputs are 0). Setting ``s = 1`` stores ``q = 1``, ``r = 1`` stores
    ``q = 0``; with ``s = r = 0`` both stored values are fixed points.

    Returns
    -------
    Network
        Inputs ``s``, ``r``; outputs ``q``, ``nq`` (step neurons); named ``"sr-latch"``.

    Examples
    --------
    >>> import netsim as ns
    >>> result = ns.attractors(ns.zoo.sr_latch(), "sequential", clamp={"s": 0, "r": 0})
    >>> sorted(a.labels[0] for a in result.attractors)
    ['01', '10']
    """
    net = Network("sr-latch")
    net.add_input("s")
    net.add_input("r")
    net.add_output("q", activation="step", bias=0.5)
    net.add_output("nq", activation="step", bias=0.5)
    net.connect("r", "q", -1.0)
    net.connect("nq", "q", -1.0)
    net.connect("s", "nq", -1.0)
    net.connect("q", "nq", -1.0)
    return net


def elman() -> Network:
    """A small Elman-style recurrent network with fixed weights.

    One input ``x``, tanh hidden neurons ``h1``, ``h2`` whose context units ``c1``,
    ``c2`` copy them and feed them back, a sigmoid output ``y`` that also feeds back
    into ``h1``, and a self-loop on ``h2``.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.zoo.elman()
    >>> net
    <Network 'elman': 6 neurons (1 input, 1 output), 10 connections, recurrent>
    """
    net = Network(name="elman")
    net.add_input("x")
    net.add_neuron("h1", activation="tanh", bias=0.1)
    net.add_neuron("h2", activation="tanh", bias=-0.2)
    net.add_neuron("c1")
    net.add_neuron("c2")
    net.add_output("y", activation="sigmoid", bias=0.5)
    net.connect_many([
        ("x", "h1", 1.5), ("x", "h2", -0.7), ("h1", "y", 1.0), ("h2", "y", -1.2),
        ("h1", "c1", 1.0), ("h2", "c2", 1.0), ("c1", "h1", 0.4), ("c2", "h2", 0.3),
        ("y", "h1", 0.2), ("h2", "h2", 0.8),
    ])
    return net


def jordan() -> Network:
    """A small Jordan-style recurrent network with fixed weights.

    One input ``x``, tanh hidden neurons ``h1``, ``h2``, a sigmoid output ``y``, and a
    state unit ``s`` that copies the output (weight 1) and keeps half of its own last
    value (self-loop 0.5): ``s(t+1) = y(t) + 0.5·s(t)``, fed back into both hidden
    neurons. Unlike Elman's context units, which copy the hidden layer, Jordan's state
    unit remembers the network's own outputs.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.zoo.jordan()
    >>> net
    <Network 'jordan': 5 neurons (1 input, 1 output), 8 connections, recurrent>
    >>> net.weight("y", "s"), net.weight("s", "s")
    (1.0, 0.5)
    """
    net = Network(name="jordan")
    net.add_input("x")
    net.add_neuron("h1", activation="tanh", bias=0.1)
    net.add_neuron("h2", activation="tanh", bias=-0.3)
    net.add_neuron("s")
    net.add_output("y", activation="sigmoid", bias=-0.2)
    net.connect_many([
        ("x", "h1", 1.2), ("x", "h2", -0.8), ("h1", "y", 1.1), ("h2", "y", -0.9),
        ("y", "s", 1.0), ("s", "s", 0.5), ("s", "h1", 0.6), ("s", "h2", -0.4),
    ])
    return net


# The networks the command line can write (``netsim new zoo NAME``), by name.
NAMED = ("xor", "and", "or", "nand", "nor", "not", "mutual-inhibition", "sr-latch", "elman",
         "jordan")


def build(name: str) -> Network:
    """The zoo network called ``name`` (one of :data:`NAMED`).

    Examples
    --------
    >>> import netsim as ns
    >>> ns.zoo.build("sr-latch").outputs
    ('q', 'nq')
    """
    if name in GATES:
        return gate(name)
    builders = {"xor": xor, "mutual-inhibition": mutual_inhibition, "sr-latch": sr_latch,
                "elman": elman, "jordan": jordan}
    if name not in builders:
        raise ParameterError(
            f"zoo network must be one of {', '.join(NAMED)}, "
            f"got {name!r}{did_you_mean(name, NAMED)}"
        )
    return builders[name]()
