"""Fold an input standardisation into a network's first weights.

A network trained on standardised inputs ``z_i = (x_i − μ_i) / σ_i`` computes, for a
neuron ``j`` reading inputs, ``ξ_j = b_j + Σ_i w_ji z_i + (other terms)``. The same
potential on the raw inputs is obtained with

``w'_ji = w_ji / σ_i`` and ``b'_j = b_j − Σ_i w_ji μ_i / σ_i``,

so after :func:`fold_standardizer` the network takes raw inputs and gives exactly the
outputs it gave on standardised ones (up to rounding).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..checks import check_network, keywords
from ..errors import NetworkError, ParameterError

__all__ = ["fold_standardizer"]


@keywords
def fold_standardizer(net: Any, scaler: Any) -> None:
    """Rewrite ``net`` in place so that it reads raw inputs instead of standardised ones.

    Parameters
    ----------
    net : Network
        Every neuron fed by an input neuron must use the weighted-sum potential (the
        distance potential's centres would need another rule), and input neurons must
        not have incoming connections.
    scaler : Standardizer
        Fitted on the raw inputs, in the network's input order.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> X = np.array([[0.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
    >>> Z, scaler = ns.standardize(X)
    >>> net = ns.mlp("2-3-1", seed=0)
    >>> before = net.predict(Z)
    >>> ns.learn.fold_standardizer(net, scaler)
    >>> bool(np.allclose(net.predict(X), before))
    True
    """
    check_network(net, "fold_standardizer")
    if getattr(scaler, "mean", None) is None or getattr(scaler, "std", None) is None:
        raise ParameterError("the Standardizer is not fitted; call fit(X) first")
    mean = np.asarray(scaler.mean, dtype=np.float64)
    std = np.asarray(scaler.std, dtype=np.float64)
    inputs = net.inputs
    if len(mean) != len(inputs):
        raise ParameterError(
            f"the Standardizer was fitted on {len(mean)} columns but the network has "
            f"{len(inputs)} inputs"
        )
    graph = net.graph
    for i in inputs:
        if graph.in_degree(i):
            raise NetworkError(
                f"input neuron {i!r} has incoming connections; a standardisation cannot be "
                "folded into its weights"
            )
    shift: dict[Any, float] = {}
    new_weights: list[tuple[Any, Any, float]] = []
    for i, mu, sigma in zip(inputs, mean.tolist(), std.tolist(), strict=True):
        for j in graph.successors(i):
            if net.neuron(j).potential != "weighted_sum":
                raise NetworkError(
                    f"neuron {j!r} reads input {i!r} through the potential "
                    f"{net.neuron(j).potential!r}; only weighted-sum neurons can take a "
                    "folded standardisation"
                )
            w = net.weight(i, j)
            new_weights.append((i, j, w / sigma))
            shift[j] = shift.get(j, 0.0) + w * mu / sigma
    for i, j, w in new_weights:
        net.set_weight(i, j, w)
    for j, s in shift.items():
        net.set_neuron(j, bias=net.neuron(j).bias - s)
