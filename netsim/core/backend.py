"""The array-backend seam: where the core creates the arrays and matrices it computes on.

Today there is one backend, numpy with scipy.sparse. The core builds its execution
layouts (dense weight blocks, sparse matrices, state buffers) through
:func:`get_backend`; evaluation then uses only operations that numpy-compatible array
libraries share (``@``, ufuncs with ``out=``, slicing). Adding another library (e.g.
CuPy with ``cupyx.scipy.sparse``) means one more :class:`ArrayBackend` implementation
and a place that selects it; see docs/architecture.md. No other module creates
arrays for the core's hot paths.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

__all__ = ["ArrayBackend", "NumpyBackend", "get_backend", "set_backend"]


class ArrayBackend(Protocol):
    """What the core needs from an array library."""

    name: str
    xp: Any  # the numpy-compatible namespace (np, cupy, ...)

    def asarray(self, a: Any, dtype: Any = None) -> Any:
        """An array of this backend (no copy when ``a`` already is one)."""

    def to_numpy(self, a: Any) -> np.ndarray:
        """A host numpy array (results handed back to the user)."""

    def csr(self, data: Any, indices: Any, indptr: Any, shape: tuple[int, int]) -> Any:
        """A CSR sparse matrix supporting ``matrix @ dense``."""

    def issparse(self, a: Any) -> bool:
        """Whether ``a`` is a sparse matrix of this backend."""


class NumpyBackend:
    """numpy arrays and scipy.sparse CSR matrices (the default and only backend)."""

    name: str = "numpy"
    xp: Any = np

    def asarray(self, a: Any, dtype: Any = None) -> np.ndarray:
        return np.asarray(a, dtype=dtype)

    def to_numpy(self, a: Any) -> np.ndarray:
        return np.asarray(a)

    def csr(self, data: Any, indices: Any, indptr: Any, shape: tuple[int, int]) -> Any:
        return sp.csr_matrix((data, indices, indptr), shape=shape)

    def issparse(self, a: Any) -> bool:
        return sp.issparse(a)


_BACKEND: ArrayBackend = NumpyBackend()


def get_backend() -> ArrayBackend:
    """The array backend of the core.

    Examples
    --------
    >>> from netsim.core.backend import get_backend
    >>> get_backend().name
    'numpy'
    """
    return _BACKEND


def set_backend(backend: ArrayBackend) -> ArrayBackend:
    """Make ``backend`` the core's array backend; return the previous one.

    Layouts already built for a program keep the arrays they were built with: choose
    the backend before the first run (or compile afresh).
    """
    global _BACKEND
    previous, _BACKEND = _BACKEND, backend
    return previous
