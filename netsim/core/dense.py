"""The whole weight matrix as one dense block, kept beside the program.

``W[j, i] = w_ji`` (target row, source column) in neuron order, in the program's
dtype: what the dense single-neuron updates read row by row
(:mod:`netsim.core.sequential`) and what the analyses of dense networks (energy, the
fixed-point search) take their blocks from. Built once per program, on first use.
"""

from __future__ import annotations

import numpy as np

from ..compile import Program
from ..limits import check_memory
from .cache import derived

__all__ = ["dense_matrix"]

Array = np.ndarray


def dense_matrix(prog: Program) -> Array:
    """``W[j, i] = w_ji`` as a C-ordered ``(N, N)`` array (zeros where there is no
    connection), cached beside ``prog``. Callers must not write to it.

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.core.dense import dense_matrix
    >>> dense_matrix(ns.hopfield([[1, -1, 1]], normalize=False).compile()).tolist()
    [[0.0, -1.0, 1.0], [-1.0, 0.0, -1.0], [1.0, -1.0, 0.0]]
    """

    def build() -> Array:
        n = prog.n_neurons
        check_memory(float(np.dtype(prog.dtype).itemsize) * n * n,
                     f"the dense weight matrix of {n:,} neurons")
        w = np.zeros((n, n), dtype=prog.dtype)
        w[np.repeat(np.arange(n), prog.in_degree), prog.sources] = prog.weights
        w.flags.writeable = False
        return w

    return derived(prog, "dense_matrix", build)
