"""Derrida curves: how a perturbation spreads in one parallel step (damage spreading).

For pairs of random states at Hamming distance d (over the free neurons; neurons
without incoming connections take a random value too, the same in both), one parallel
step of both; the *Derrida map* is the mean distance after the step as a function of
d. Its value at d = 1, the *Derrida coefficient* δ (the mean number of neurons a single
flip changes), separates the ordered (δ < 1: damage dies out) from the chaotic regime
(δ > 1: damage spreads); δ = 1 is critical (Derrida & Pomeau 1986; for random
threshold networks, Rohlf & Bornholdt 2002).

The step is the engine's: the pairs run through ``net.run(initial_state=...)`` in
batches of about :data:`~netsim.analyse.sampled.BATCH_ELEMENTS` values (the neurons
with incoming connections are updated, the others keep their value), so networks of
10^5 neurons need no more memory than one batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..checks import as_floats, check_network, check_seed, keywords
from ..errors import ParameterError
from ..limits import check_count, check_memory, describe
from ..network import Network
from ._space import StateSpace, state_space
from .sampled import BATCH_ELEMENTS

__all__ = ["DerridaCurve", "derrida"]

Array = np.ndarray


@dataclass(eq=False)
class DerridaCurve:
    """The result of :func:`derrida`.

    Attributes
    ----------
    distances : ndarray of int
        The Hamming distances d before the step.
    after : ndarray of float
        The mean distance after one step, per d (averaged over pairs and networks).
    sem : ndarray of float
        Its standard error.
    n : int
        Free neurons per network (the ensemble's mean; the normalisation of
        :attr:`normalized`).
    pairs : int
        Pairs per distance and network.
    """

    distances: Array
    after: Array
    sem: Array
    n: int
    pairs: int

    @property
    def coefficient(self) -> float:
        """δ: the mean distance after one step from distance 1 (needs d = 1)."""
        hit = np.flatnonzero(self.distances == 1)
        if not len(hit):
            raise ParameterError("the Derrida coefficient needs distance 1 in the curve")
        return float(self.after[hit[0]])

    @property
    def normalized(self) -> tuple[Array, Array]:
        """``(d/n, after/n)``: the Derrida map on normalised distances."""
        return self.distances / self.n, self.after / self.n

    def plot(self, ax: Any = None) -> Any:
        """Plot the normalised map with the diagonal (needs matplotlib)."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:  # pragma: no cover - the test environment has it
            from ..errors import NetsimError

            raise NetsimError("plotting needs matplotlib: pip install netsim[plot]") from None
        if ax is None:
            _fig, ax = plt.subplots(figsize=(4, 4))
        x, y = self.normalized
        ax.plot([0, x.max()], [0, x.max()], color="0.6", lw=1, ls="--", label="no change")
        ax.errorbar(x, y, yerr=self.sem / self.n, marker="o", ms=3, lw=1, label="after one step")
        ax.set_xlabel("normalised distance before")
        ax.set_ylabel("normalised distance after one step")
        ax.legend(loc="upper left")
        return ax


def _damage(net: Network, space: StateSpace, dist: int, rows: int,
            rng: np.random.Generator) -> Array:
    """Hamming distances after one parallel step of ``rows`` random pairs at ``dist``."""
    low, high = space.alphabet
    m = space.n
    bits = rng.random((rows, m)) < 0.5
    other = bits.copy()
    if dist:
        # d distinct neurons per pair: the d smallest of m random keys
        flip = np.argpartition(rng.random((rows, m)), dist - 1, axis=1)[:, :dist]
        at = np.arange(rows)[:, None]
        other[at, flip] = ~other[at, flip]
    # neurons without inputs keep a random value too, the same in both states
    full = np.where(rng.random((rows, len(space.base_state))) < 0.5, high, low)
    full = np.concatenate([full, full])
    full[:, space.free] = np.where(np.concatenate([bits, other]), high, low)
    after = net.run(initial_state=full, rule="parallel", steps=1).state[:, space.free]
    return (after[:rows] != after[rows:]).sum(axis=1)


def _networks(net_or_nets: Network | Sequence[Network]) -> list[Network]:
    if isinstance(net_or_nets, Network):
        return [net_or_nets]
    if isinstance(net_or_nets, Sequence) and not isinstance(net_or_nets, str | bytes):
        if not net_or_nets:
            raise ParameterError("derrida needs a Network or a non-empty sequence of Networks,"
                                 " got an empty sequence")
        for x in net_or_nets:
            check_network(x, "derrida (each network of the ensemble)")
        return list(net_or_nets)
    check_network(net_or_nets, "derrida")  # names what was given
    return []  # pragma: no cover - check_network raised


@keywords
def derrida(
    net_or_nets: Network | Sequence[Network],
    distances: Sequence[int] | None = None,
    *,
    pairs: int = 1000,
    seed: int | np.random.Generator | None = 0,
) -> DerridaCurve:
    """The Derrida map of a discrete network or of an ensemble of networks.

    Parameters
    ----------
    net_or_nets : Network or sequence of Network
        Networks of two-valued neurons (step or sign, one alphabet); an ensemble is
        averaged (distances up to its smallest number of free neurons).
    distances : sequence of int, optional
        Hamming distances before the step (default: 1 … n, at most 20 values spread
        evenly, always with 1).
    pairs : int
        Random pairs per distance and network.
    seed : int or Generator, optional
        The random source of the states and the flipped neurons.

    Returns
    -------
    DerridaCurve

    Examples
    --------
    Two neurons that copy each other: a flip moves to the other neuron, δ = 1.

    >>> import netsim as ns
    >>> net = ns.from_matrix([[0, 1], [1, 0]], activation="sign")
    >>> curve = ns.derrida(net, pairs=50)
    >>> curve.distances.tolist(), curve.after.tolist(), curve.coefficient
    ([1, 2], [1.0, 2.0], 1.0)
    """
    nets = _networks(net_or_nets)
    pairs = check_count(pairs, "pairs", 1)
    rng = np.random.default_rng(check_seed(seed))
    spaces = [state_space(x, what="the Derrida map") for x in nets]
    sizes = [s.n for s in spaces]
    n = min(sizes)
    if n == 0:
        raise ParameterError("derrida needs networks with free neurons (incoming connections)")
    if distances is None:
        d = np.unique(np.round(np.linspace(1, n, min(n, 20))).astype(int))
    else:
        d = as_floats(distances, "distances")
        if (d.ndim != 1 or not len(d) or not np.all(d == np.round(d)) or d.min() < 0
                or d.max() > n):
            raise ParameterError(
                f"distances must be whole numbers between 0 and {n} (the free neurons), "
                f"got {describe(distances)}"
            )
        d = d.astype(np.int64)
    # per batch: 2 full states per pair (twice while stepped) and the random draws
    chunk = max(1, BATCH_ELEMENTS // max(max(len(s.base_state) for s in spaces), 1))
    check_memory(8.0 * pairs * len(nets) * len(d) + 8.0 * 8 * BATCH_ELEMENTS,
                 f"derrida(pairs={pairs:,}): the states")
    per_net = np.empty((len(nets), len(d), pairs))
    for k, (net, space) in enumerate(zip(nets, spaces, strict=True)):
        for c, dist in enumerate(d.tolist()):
            for a in range(0, pairs, chunk):
                rows = min(pairs, a + chunk) - a
                per_net[k, c, a : a + rows] = _damage(net, space, dist, rows, rng)
    flat = per_net.transpose(1, 0, 2).reshape(len(d), -1)
    mean = flat.mean(axis=1)
    sem = flat.std(axis=1, ddof=1) / np.sqrt(flat.shape[1]) if flat.shape[1] > 1 else 0 * mean
    n = round(float(np.mean(sizes)))
    return DerridaCurve(d.astype(int), mean, sem, n, pairs)
