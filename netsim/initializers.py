"""Seeded weight initialisers over the configuration of any network.

For a connection i → j let ``d_j`` be j's fan-in and ``o_i`` i's fan-out.

``uniform`` (default, the textbook rule)
    every weight and bias of j drawn from U(−√3/√d_j, +√3/√d_j), so that the
    potential of j has unit variance for unit-variance inputs.
``glorot``
    weights from U(−√6/√(d_j + o_i), +√6/√(d_j + o_i)) (Glorot & Bengio, 2010;
    for a layer this is the usual fan-in + fan-out); biases 0.
``he``
    weights from N(0, 2/d_j) (He et al., 2015), for ReLU units; biases 0.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .checks import keywords
from .errors import ParameterError
from .network import Network

__all__ = ["INITIALIZERS", "initialize"]


def _uniform(fan_in: np.ndarray, fan_out: np.ndarray, is_bias: np.ndarray, rng) -> np.ndarray:
    limit = np.sqrt(3.0) / np.sqrt(fan_in)
    return rng.uniform(-limit, limit)


def _glorot(fan_in: np.ndarray, fan_out: np.ndarray, is_bias: np.ndarray, rng) -> np.ndarray:
    limit = np.sqrt(6.0) / np.sqrt(fan_in + fan_out)
    return np.where(is_bias, 0.0, rng.uniform(-limit, limit))


def _he(fan_in: np.ndarray, fan_out: np.ndarray, is_bias: np.ndarray, rng) -> np.ndarray:
    return np.where(is_bias, 0.0, rng.normal(0.0, np.sqrt(2.0 / fan_in)))


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "uniform": _uniform,
    "glorot": _glorot,
    "he": _he,
}


def _rng(seed: object) -> np.random.Generator:
    """A Generator from ``None``, a non-negative int or a Generator (else ParameterError)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise ParameterError(
        f"seed must be a non-negative integer, a numpy Generator or None, got {seed!r}"
    )


@keywords(network=True)
def initialize(
    net: Network, method: str = "uniform", seed: int | np.random.Generator | None = None
) -> np.ndarray:
    """Draw a fresh configuration for ``net`` and write it into the network.

    Parameters
    ----------
    net : Network
    method : {"uniform", "glorot", "he"}
        See the module docstring.
    seed : int or numpy Generator, optional
        The same seed gives the same weights.

    Returns
    -------
    numpy.ndarray
        The new configuration vector (also written into ``net``).

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.mlp("2-3-1", seed=0)
    >>> w = ns.initialize(net, "glorot", seed=1)
    >>> w.shape
    (13,)
    """
    if method not in INITIALIZERS:
        raise ParameterError(
            f"initializer must be one of {', '.join(map(repr, INITIALIZERS))}, got {method!r}"
        )
    rng = _rng(seed)
    # fan-in and fan-out per configuration entry, from the compiled arrays (no walk over
    # the graph): a connection i → j has fan_in(j), fan_out(i); a bias b_j has fan_in(j), 1
    prog = net.compile()
    fan_in = prog.in_degree.astype(np.float64)
    fan_out = np.bincount(prog.sources, minlength=prog.n_neurons).astype(np.float64)
    targets = np.repeat(np.arange(prog.n_neurons), prog.in_degree)
    fan_in_arr = prog.configuration_vector(fan_in[targets], fan_in)
    fan_out_arr = prog.configuration_vector(fan_out[prog.sources], np.ones(prog.n_neurons))
    bias_arr = prog.configuration_vector(np.zeros(len(prog.sources)),
                                         np.ones(prog.n_neurons)).astype(bool)
    vector = INITIALIZERS[method](fan_in_arr, fan_out_arr, bias_arr, rng)
    net.set_weights(vector)
    return vector
