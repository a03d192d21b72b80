"""Boolean functions as two-layer networks of step neurons (the course's theorem).

Every function ``F: {0,1}^n → {0,1}`` is computed by a two-layer network of unit
step neurons (step(ξ) = 1 if ξ ≥ 0, else 0). For every input vector ``v`` with
``F(v) = 1`` one hidden neuron ``N_v`` fires exactly on ``v``: its weight from
``x_i`` is ``+1`` where ``v_i = 1`` and ``−1`` where ``v_i = 0``, and its bias is
``−(number of ones in v)`` — on ``v`` the potential is 0, on any other input it is
at most −1. The output is the OR of these neurons (weights 1, bias −1).

:func:`boolean_network` builds it from a truth table (several output columns share
the hidden neurons: each output is the OR of the rows where it is 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .checks import as_floats, keywords
from .errors import ParameterError, SizeLimitError
from .limits import check_network_size
from .network import Network, check_neuron_ids
from .zoo import gate_weights

__all__ = ["MAX_BOOLEAN_INPUTS", "boolean_network", "truth_table"]

Array = np.ndarray

#: A callable is tabulated on all 2^n inputs: at most this many input variables.
MAX_BOOLEAN_INPUTS = 20


def _bits(value: Any, where: str) -> Array:
    arr = as_floats(value, f"{where}: the truth-table entries")
    if not np.all((arr == 0) | (arr == 1)):
        bad = arr[~((arr == 0) | (arr == 1))].ravel()
        raise ParameterError(
            f"{where}: truth-table entries must be 0 or 1, got {bad[0]:g}"
            if bad.size else f"{where}: truth-table entries must be 0 or 1"
        )
    return arr.astype(np.int8)


def truth_table(function: Callable[..., Any], n_inputs: int) -> Array:
    """The full truth table of ``function(*bits)`` on ``n_inputs`` bits.

    Rows in binary counting order (x1 the most significant bit); the last column(s)
    hold the value(s) of the function (a bool, 0/1, or a sequence of them).

    Examples
    --------
    >>> from netsim.boolean import truth_table
    >>> truth_table(lambda a, b: a != b, 2).tolist()
    [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]
    """
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
        raise ParameterError(f"n_inputs must be a positive integer, got {n_inputs!r}")
    if n_inputs > MAX_BOOLEAN_INPUTS:
        raise SizeLimitError(
            f"n_inputs={n_inputs} would tabulate 2^{n_inputs} rows; at most "
            f"{MAX_BOOLEAN_INPUTS} input variables"
        )
    rows = (np.arange(2**n_inputs)[:, None] >> np.arange(n_inputs - 1, -1, -1)) & 1
    values = [np.atleast_1d(_bits(function(*map(int, row)), f"function{tuple(row)}"))
              for row in rows]
    widths = {len(v) for v in values}
    if len(widths) != 1:
        raise ParameterError("the function must return the same number of values on every input")
    return np.hstack([rows, np.array(values)]).astype(np.int8)


def _table(table: Any, n_outputs: int) -> tuple[Array, Array]:
    """Input rows and output rows of a truth table given as rows or a mapping."""
    if isinstance(table, Mapping):
        if not table:
            raise ParameterError("the truth table is empty")
        keys = [np.atleast_1d(_bits(k, f"row {k!r}")) for k in table]
        vals = [np.atleast_1d(_bits(v, f"row {k!r}")) for k, v in table.items()]
        if len({len(k) for k in keys}) != 1 or len({len(v) for v in vals}) != 1:
            raise ParameterError("every row of the truth table must have the same length")
        return np.array(keys), np.array(vals)
    arr = _bits(table, "truth table")
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ParameterError(
            f"the truth table must be a 2-D array of rows (inputs, then outputs), got shape "
            f"{arr.shape}"
        )
    if isinstance(n_outputs, bool) or not isinstance(n_outputs, int) or n_outputs < 1:
        raise ParameterError(f"n_outputs must be a positive integer, got {n_outputs!r}")
    if arr.shape[1] <= n_outputs:
        raise ParameterError(
            f"the truth table has {arr.shape[1]} columns: it needs at least one input column "
            f"before the {n_outputs} output column(s)"
        )
    return arr[:, :-n_outputs], arr[:, -n_outputs:]


def _names(given: Any, default: list[str], what: str) -> list[Any]:
    if given is None:
        return default
    names = check_neuron_ids(given, f"{what} names")
    if len(names) != len(default):
        raise ParameterError(f"{len(default)} {what} names needed, got {len(names)}")
    if len(set(names)) != len(names):
        raise ParameterError(f"{what} names must be distinct, got {names!r}")
    return names


@keywords
def boolean_network(
    truth: Any,
    *,
    n_inputs: int | None = None,
    n_outputs: int = 1,
    inputs: Any = None,
    outputs: Any = None,
    name: str | None = None,
) -> Network:
    """The course's two-layer step network computing a Boolean function.

    One hidden step neuron per input vector ``v`` on which some output is 1 (weights
    ``+1`` where ``v_i = 1``, ``−1`` where ``v_i = 0``, bias ``−Σ v_i``), and per
    output an OR neuron over the hidden neurons of its true rows (weights 1, bias −1).
    An output that is never 1 has no incoming connection and stays 0.

    Parameters
    ----------
    truth : array_like, mapping or callable
        The truth table: rows of 0/1, the inputs then the last ``n_outputs`` columns
        as outputs; or a mapping ``{(x1, ..., xn): y}`` (``y`` a bit or a tuple of
        bits); or a callable ``f(x1, ..., xn)`` with ``n_inputs`` (tabulated on all
        2^n inputs, n ≤ 20). Input vectors missing from a table are 0 on every
        output (only the true rows matter to the construction); an input vector
        listed twice is an error.
    n_inputs : int, optional
        Required with a callable.
    n_outputs : int
        Output columns of an array table (default 1).
    inputs, outputs : sequence of ids, optional
        Neuron ids (default ``x1 … xn`` and ``y``, or ``y1 … ym``).
    name : str, optional

    Returns
    -------
    Network
        Inputs, hidden neurons ``h_<bits>`` (``h_101`` fires exactly on input 1 0 1)
        and outputs, all ``step``.

    Examples
    --------
    XOR: hidden neurons for the rows 01 and 10, and their OR.

    >>> import netsim as ns
    >>> net = ns.boolean_network([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]])
    >>> net.hidden, net.neuron("h_01").bias, net.weight("x1", "h_01")
    (('h_01', 'h_10'), -1.0, -1.0)
    >>> net.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    if callable(truth) and not isinstance(truth, Mapping):
        if n_inputs is None:
            raise ParameterError("a function needs n_inputs (the number of its bits)")
        table = truth_table(truth, n_inputs)
        width = table.shape[1] - n_inputs
        x_rows, y_rows = table[:, :n_inputs], table[:, n_inputs:]
        n_outputs = width
    else:
        x_rows, y_rows = _table(truth, n_outputs)
        if n_inputs is not None and n_inputs != x_rows.shape[1]:
            raise ParameterError(
                f"n_inputs={n_inputs!r} but the truth table has {x_rows.shape[1]} input columns"
            )
    n, m = x_rows.shape[1], y_rows.shape[1]
    keys = ["".join(map(str, row)) for row in x_rows.tolist()]
    seen: dict[str, int] = {}
    for k, key in enumerate(keys):
        if key in seen:
            raise ParameterError(
                f"the truth table lists the input {' '.join(key)} twice (rows {seen[key] + 1} "
                f"and {k + 1})"
            )
        seen[key] = k
    in_names = _names(inputs, [f"x{i + 1}" for i in range(n)], "input")
    out_names = _names(outputs, ["y"] if m == 1 else [f"y{j + 1}" for j in range(m)], "output")
    if set(in_names) & set(out_names):
        raise ParameterError("input and output names must differ")
    true_rows = [k for k in range(len(keys)) if y_rows[k].any()]
    check_network_size(n + len(true_rows) + m,
                       n * len(true_rows) + int(y_rows.sum()), "boolean_network")
    net = Network(name=name)
    for x in in_names:
        net.add_input(x)
    hidden = [f"h_{keys[k]}" for k in true_rows]
    clash = set(hidden) & (set(in_names) | set(out_names))
    if clash:
        raise ParameterError(f"neuron id {sorted(map(str, clash))[0]!r} is used twice")
    connections: list[tuple[Any, Any, float]] = []
    for k, h in zip(true_rows, hidden, strict=True):
        v = x_rows[k]
        net.add_neuron(h, activation="step", bias=-float(v.sum()))
        connections += [(x, h, 1.0 if bit else -1.0) for x, bit in zip(in_names, v, strict=True)]
    or_bias, _ = gate_weights("or")
    for j, y in enumerate(out_names):
        net.add_output(y, activation="step", bias=or_bias)
        connections += [(h, y, 1.0) for k, h in zip(true_rows, hidden, strict=True)
                        if y_rows[k, j]]
    net.connect_many(connections)
    return net
