"""Networks from weight matrices and back: ``ns.from_matrix``, ``net.weight_matrix()``.

The convention is the textbook one: ``W[j, i] = w_ji``, the weight of the connection
from neuron i (the *source*, a column) into neuron j (the *target*, a row), so that
the potentials of all neurons are ``ξ = b + W y``. networkx's
``to_numpy_array`` uses the transpose (row = source).
"""

from __future__ import annotations

import io
import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .checks import as_floats, check_path, keywords
from .csvfile import read_csv
from .errors import DataError, ParameterError
from .files import read_bytes
from .limits import MAX_CSV_BYTES, check_memory, check_network_size, describe
from .network import Network, NeuronId, check_neuron_ids

__all__ = ["from_matrix", "read_matrix", "weight_matrix"]

Array = np.ndarray


def _as_matrix(w: Any, what: str = "W") -> Array:
    arr = as_floats(w, what)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ParameterError(f"{what} must be a square (N, N) matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        j, i = np.argwhere(~np.isfinite(arr))[0]
        raise ParameterError(f"{what}[{j}, {i}] is {arr[j, i]}, not a finite number")
    return arr


def _nonzero_entries(w: Any) -> tuple[Array, Array, Array, tuple[int, int]]:
    """``(sources, targets, weights, shape)`` of the non-zero entries of ``W``, source-major
    (column by column, rows ascending), from a dense array or a scipy sparse matrix."""
    import scipy.sparse as sp

    if not sp.issparse(w):
        arr = _as_matrix(w)
        # every non-zero entry becomes a connection: size the network before its arrays
        check_network_size(arr.shape[0], int(np.count_nonzero(arr)),
                           f"from_matrix(W of shape {arr.shape})")
        sources, targets = np.nonzero(arr.T)
        return sources, targets, arr.T[sources, targets], arr.shape
    shape = w.shape
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
        raise ParameterError(f"W must be a square (N, N) matrix, got shape {shape}")
    if w.dtype.kind not in "biuf":
        raise ParameterError(f"W must hold real numbers, got dtype {w.dtype}")
    check_network_size(shape[0], int(w.nnz), f"from_matrix(W of shape {shape})")
    csc = sp.csc_matrix(w, dtype=np.float64, copy=True)
    csc.sum_duplicates()  # sorted rows, one entry per position
    if not np.all(np.isfinite(csc.data)):
        k = int(np.flatnonzero(~np.isfinite(csc.data))[0])
        col = int(np.searchsorted(csc.indptr, k, side="right") - 1)
        raise ParameterError(f"W[{int(csc.indices[k])}, {col}] is {csc.data[k]}, not a "
                             "finite number")
    csc.eliminate_zeros()
    sources = np.repeat(np.arange(shape[0]), np.diff(csc.indptr))
    return sources, csc.indices, csc.data, shape


@keywords
def from_matrix(
    w: Any,
    bias: Any = None,
    activation: str | Mapping[str, Any] = "sign",
    *,
    ids: Sequence[NeuronId] | None = None,
    inputs: Sequence[NeuronId] = (),
    outputs: Sequence[NeuronId] = (),
    name: str | None = None,
    **params: float,
) -> Network:
    """A network from its weight matrix, ``W[j, i] = w_ji`` (target row, source column).

    Every non-zero entry becomes a connection ``i → j`` (a zero entry is no
    connection; the diagonal gives self-loops). Note that networkx's adjacency
    matrices are the transpose (row = source). The network is built from arrays
    (:meth:`Network.from_arrays`): no Python work per connection.

    Parameters
    ----------
    w : array_like or scipy.sparse matrix, shape (N, N)
        The weights; ``W[j, i]`` is the weight from neuron i into neuron j. A sparse
        matrix is read without densifying it (its explicit zeros are no connection).
    bias : float or array_like of shape (N,), optional
        The biases ``b_j`` (``−h_j``, the thresholds with their sign flipped).
    activation : str or mapping
        The activation of every neuron (``"sign"``, ``"step"``, ``{"name": "sigmoid",
        "steepness": 2}``, ...).
    ids : sequence, optional
        Neuron ids in matrix order (default ``y1`` … ``yN``).
    inputs, outputs : sequence of ids
        The input and output neurons, in order.
    name : str, optional
    **params
        Activation parameters for every neuron, e.g. ``zero=-1`` for sign.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.from_matrix([[0, -1], [1, 0]], bias=[0.5, 0])
    >>> net.connections
    [('y1', 'y2', 1.0), ('y2', 'y1', -1.0)]
    >>> net.weight_matrix().tolist()
    [[0.0, -1.0], [1.0, 0.0]]
    """
    sources, targets, weights, shape = _nonzero_entries(w)  # sized before it is built
    n = shape[0]
    if bias is None:
        b = np.zeros(n)
    else:
        try:
            b = np.broadcast_to(as_floats(bias, "bias"), (n,)).copy()
        except ValueError:
            raise ParameterError(
                f"bias must be a number or {n} numbers (one per neuron), got {describe(bias)}"
            ) from None
        if not np.all(np.isfinite(b)):
            k = int(np.flatnonzero(~np.isfinite(b))[0])
            raise ParameterError(f"bias[{k}] is {b[k]}, not a finite number")
    names = [f"y{k + 1}" for k in range(n)] if ids is None else check_neuron_ids(ids)
    if len(names) != n:
        raise ParameterError(f"ids must name {n} neurons (one per matrix row), got {len(names)}")
    if len(set(names)) != n:
        dup = next(x for x, c in Counter(names).items() if c > 1)
        raise ParameterError(f"ids must be distinct, but {dup!r} appears twice")
    if params:  # the activation parameters given as keywords join the spec
        base = (dict(activation) if isinstance(activation, Mapping)
                else {"name": getattr(activation, "name", activation)})
        activation = {**base, **params}
    # source-major (the connections of y1 first), built from the arrays (no graph)
    return Network.from_arrays(
        sources, targets, weights, neurons=names, activation=activation, bias=b,
        inputs=inputs, outputs=outputs, name=name,
    )


def weight_matrix(net: Network, *, sparse: bool = False) -> Any:
    """The weight matrix ``W[j, i] = w_ji`` (target row, source column), neuron order.

    A missing connection is 0. With ``sparse=True`` a ``scipy.sparse.csr_matrix``.
    See :meth:`netsim.Network.weight_matrix`.
    """
    import scipy.sparse as sp

    from .compile import compile_network

    prog = compile_network(net)
    n = prog.n_neurons
    matrix = sp.csr_matrix(
        (prog.weights.astype(np.float64), prog.sources, prog.indptr), shape=(n, n)
    )
    if not sparse:
        check_memory(8.0 * n * n, f"weight_matrix() of {n:,} neurons (sparse=True gives "
                     f"its {matrix.nnz:,} connections as a scipy.sparse matrix)")
    return matrix if sparse else matrix.toarray()


@keywords
def read_matrix(path: str | os.PathLike[str], what: str = "matrix") -> Array:
    """Read a matrix from a ``.npy`` file or a CSV file of numbers (one row per line).

    CSV files are read with :func:`netsim.csvfile.read_csv`, the reader of every CSV
    (a first line of names is a header and is skipped). ``.npy`` files are loaded
    without pickle.

    Raises
    ------
    DataError
        Unreadable file, text or non-finite numbers, ragged rows, naming the file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import netsim as ns
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "W.csv"
    >>> _ = path.write_text("0,-1\\n-1,0\\n")
    >>> ns.read_matrix(path).tolist()
    [[0.0, -1.0], [-1.0, 0.0]]
    """
    check_path(path)
    name = os.fspath(path)
    if name.lower().endswith(".npy"):
        # a regular file within the size limit (never a FIFO or a device), no pickle
        raw = read_bytes(name, limit=MAX_CSV_BYTES, error=DataError, what=f"{what} file")
        _check_npy_size(raw, name, what)
        try:
            arr = np.load(io.BytesIO(raw), allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise DataError(f"{name}: not a readable .npy {what} ({exc})") from None
        if arr.dtype.kind not in "biuf":
            raise DataError(f"{name}: the {what} must hold numbers, got dtype {arr.dtype}")
        arr = np.asarray(arr, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise DataError(f"{name}: the {what} must be 1- or 2-dimensional, got {arr.ndim}")
        if not np.all(np.isfinite(arr)):
            raise DataError(f"{name}: the {what} holds a non-finite number")
        return arr
    values = read_csv(name).values
    if values.shape[1] == 1 and values.shape[0] > 1:
        raise DataError(
            f"{name}: a {what} in CSV needs at least two columns (write a vector as one row)"
        )
    return values


def _check_npy_size(raw: bytes, name: str, what: str) -> None:
    """Refuse a ``.npy`` whose header announces more data than the file holds.

    numpy allocates the announced shape before reading the data, so a 150-byte file
    claiming ``shape (10**13,)`` would ask for 73 TiB.
    """
    from numpy.lib import format as npy

    buf = io.BytesIO(raw)
    try:
        version = npy.read_magic(buf)
        if version == (1, 0):
            shape, _fortran, dtype = npy.read_array_header_1_0(buf)
        elif version == (2, 0):
            shape, _fortran, dtype = npy.read_array_header_2_0(buf)
        else:
            raise DataError(f"{name}: .npy format version {version[0]}.{version[1]} is not "
                            f"supported for a {what} (save it with numpy.save)")
    except (OSError, ValueError) as exc:
        raise DataError(f"{name}: not a readable .npy {what} ({exc})") from None
    if dtype.kind not in "biuf" or dtype.hasobject:
        raise DataError(f"{name}: the {what} must hold numbers, got dtype {dtype}")
    announced = math.prod(shape) * dtype.itemsize
    held = len(raw) - buf.tell()
    if announced != held:
        raise DataError(f"{name}: the .npy header announces shape {shape} ({announced:,} "
                        f"bytes of data), but the file holds {held:,}")
