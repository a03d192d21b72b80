"""Training data helpers: input standardisation and reading samples from CSV.

:class:`Standardizer` fits the mean and standard deviation of each input column and
applies ``(x − mean) / std`` later (to validation, test or new inputs).
:func:`read_samples` reads a numeric CSV (an optional header line of names) and
splits its columns into inputs and targets; any malformed line is a one-line
:class:`~netsim.DataError` naming the file, line and column.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..checks import as_floats, integer_text, keywords
from ..csvfile import read_csv
from ..errors import DataError, ParameterError, did_you_mean

__all__ = ["Samples", "Standardizer", "read_samples", "standardize"]

Array = np.ndarray


@dataclass
class Standardizer:
    """Per-column ``(x − mean) / std`` with the mean and std fitted on training data.

    Columns with zero spread get ``std = 1`` (they are only centred).

    Examples
    --------
    >>> import netsim as ns
    >>> s = ns.Standardizer().fit([[1.0, 10.0], [3.0, 10.0]])
    >>> s.mean.tolist(), s.std.tolist()
    ([2.0, 10.0], [1.0, 1.0])
    >>> s.transform([[3.0, 11.0]]).tolist()
    [[1.0, 1.0]]
    """

    mean: Array | None = None
    std: Array | None = None

    def fit(self, x: Any) -> Standardizer:
        arr = as_floats(x, "x")
        if arr.ndim != 2 or arr.shape[0] == 0:
            raise ParameterError(
                f"Standardizer.fit needs a (B, k) array with B >= 1, got {arr.shape}"
            )
        self.mean = arr.mean(axis=0)
        std = arr.std(axis=0)
        self.std = np.where(std > 0, std, 1.0)
        return self

    def transform(self, x: Any) -> Array:
        if self.mean is None or self.std is None:
            raise ParameterError("Standardizer is not fitted; call fit(X) first")
        arr = as_floats(x, "x")
        if arr.shape[-1] != len(self.mean):
            raise ParameterError(
                f"Standardizer was fitted on {len(self.mean)} columns, got {arr.shape[-1]}"
            )
        return (arr - self.mean) / self.std

    def fit_transform(self, x: Any) -> Array:
        return self.fit(x).transform(x)

    def inverse_transform(self, z: Any) -> Array:
        if self.mean is None or self.std is None:
            raise ParameterError("Standardizer is not fitted; call fit(X) first")
        return np.asarray(z, dtype=np.float64) * self.std + self.mean

    __call__ = transform


def standardize(x: Any) -> tuple[Array, Standardizer]:
    """Standardise ``x`` column-wise; returns ``(z, fitted Standardizer)``.

    Examples
    --------
    >>> import netsim as ns
    >>> z, s = ns.standardize([[0.0], [2.0]])
    >>> z.ravel().tolist(), s.mean.tolist()
    ([-1.0, 1.0], [1.0])
    """
    s = Standardizer()
    return s.fit_transform(x), s


@dataclass
class Samples:
    """Samples read from a CSV file: inputs, targets and the column names."""

    inputs: Array
    targets: Array
    input_names: list[str]
    target_names: list[str]
    sequences: list[str] | None = None  # sequence data: the ids, in order of appearance


def _check_targets(targets: Any) -> int | list[str]:
    """``targets`` as a count or a list of distinct names (see :func:`read_samples`)."""
    if isinstance(targets, str):
        text = targets.strip()
        count = integer_text(text, "targets")
        names = [t.strip() for t in text.split(",") if t.strip()]
        targets = count if count is not None else names
    if isinstance(targets, bool) or not isinstance(targets, int | list | tuple):
        raise ParameterError(
            "targets must be a number of last columns (int) or column names (str or a list "
            f"of str), got {targets!r}")
    if isinstance(targets, int):
        if targets < 1:
            raise ParameterError(f"targets must be at least 1 column, got {targets}")
        return targets
    names = list(targets)
    if not names:
        raise ParameterError("targets names no column (an empty list); give at least one")
    for t in names:
        if not isinstance(t, str) or not t:
            raise ParameterError(f"targets must be column names (non-empty str), got {t!r}")
    dup = next((t for k, t in enumerate(names) if t in names[:k]), None)
    if dup is not None:
        raise ParameterError(f"targets names column {dup!r} twice")
    return names


@keywords
def read_samples(
    path: str | os.PathLike[str],
    targets: int | Sequence[str] | str = 1,
    *,
    classes: str | None = None,
    sequence: str | None = None,
    last_step: bool = False,
) -> Samples:
    """Read training samples from a CSV file.

    Parameters
    ----------
    path : path
        A comma-separated file; every row has the same number of numeric columns. A
        first line with any non-numeric field is a header of distinct column names.
        Blank lines and lines starting with ``#`` are skipped (the rules of
        :mod:`netsim.csvfile`, shared with ``netsim run --inputs``).
    targets : int, str or sequence of str
        The last ``targets`` columns are the desired outputs (an int), or the columns
        with these names (a comma-separated string or a sequence; needs a header).
    classes : str, optional
        Instead of ``targets``: the name of one column of class labels (text allowed),
        one-hot encoded in the order the classes first appear (``target_names`` are
        the class labels). Every other column is an input.
    sequence : str, optional
        Sequence data (for backpropagation through time): the name of a column of
        sequence ids (text allowed). Each row is one step of its sequence, the steps
        of a sequence in file order; the sequences come in the order their ids first
        appear and must have the same number of steps ``T``. ``inputs`` is then
        ``(B, T, k)`` and ``targets`` ``(B, T, m)``, and ``sequences`` lists the ids.
    last_step : bool
        With ``sequence``: the targets of each sequence's last row only, ``(B, m)``
        (the other rows' target fields are not used).

    Raises
    ------
    DataError
        Empty file, a row with the wrong number of columns, text or a non-finite
        number in a number column, or unknown target names, naming file, line, column.

    Examples
    --------
    >>> import pathlib, tempfile, netsim as ns
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "xor.csv"
    >>> _ = p.write_text("x1,x2,y\\n0,0,0\\n0,1,1\\n1,0,1\\n1,1,0\\n")
    >>> s = ns.read_samples(p, targets=1)
    >>> s.inputs.shape, s.targets.ravel().tolist(), s.target_names
    ((4, 2), [0.0, 1.0, 1.0, 0.0], ['y'])
    >>> _ = p.write_text("seq,x,y\\na,0,0\\na,1,1\\nb,1,1\\nb,1,0\\n")
    >>> s = ns.read_samples(p, sequence="seq")
    >>> s.inputs.shape, s.targets[:, :, 0].tolist(), s.sequences
    ((2, 2, 1), [[0.0, 1.0], [1.0, 0.0]], ['a', 'b'])
    """
    if not isinstance(path, str | os.PathLike):
        raise ParameterError(f"read_samples expects a file path, got {type(path).__name__}")
    if classes is not None and not isinstance(classes, str):
        raise ParameterError(f"classes must be a column name (str), got {classes!r}")
    if sequence is not None:
        if not isinstance(sequence, str):
            raise ParameterError(f"sequence must be a column name (str), got {sequence!r}")
        if classes is not None:
            raise ParameterError("give either classes or sequence, not both")
        if not isinstance(last_step, bool):
            raise ParameterError(f"last_step must be True or False, got {last_step!r}")
        table = read_csv(path, text_column=sequence)
        flat = _split(table, _check_targets(targets), drop=table.names.index(sequence))
        return _group(flat, table.text, table.source, last_step)
    if last_step:
        raise ParameterError("last_step is for sequence data (give sequence=COLUMN)")
    targets = _check_targets(targets)
    table = read_csv(path, text_column=classes)
    return _split(table, targets, classes=classes)


def _split(table: Any, targets: int | list[str], *, classes: str | None = None,
           drop: int | None = None) -> Samples:
    """The table's columns as inputs and targets (``drop``: a column to leave out)."""
    name, header, data, names = table.source, table.header, table.values, table.names
    if drop is not None:
        keep = [c for c in range(data.shape[1]) if c != drop]
        data, names = data[:, keep], [names[c] for c in keep]
        header = names if header is not None else None
    width = data.shape[1]
    if classes is not None:
        labels = table.text
        kinds = list(dict.fromkeys(labels))
        if len(kinds) < 2:
            raise DataError(f"{name}: column {classes!r} has only one class ({kinds[0]!r})")
        if width < 2:
            raise DataError(f"{name}: no input column is left beside {classes!r}")
        index = {k: i for i, k in enumerate(kinds)}
        label_col = names.index(classes)
        inputs = [c for c in range(width) if c != label_col]
        return Samples(
            inputs=data[:, inputs],
            targets=np.eye(len(kinds))[[index[v] for v in labels]],
            input_names=[names[c] for c in inputs],
            target_names=kinds,
        )
    if isinstance(targets, int):
        if not 1 <= targets < width:
            raise DataError(
                f"{name}: cannot take the last {targets} of {width} columns as targets "
                "(at least one input and one target column are needed)"
            )
        cols = list(range(width - targets, width))
    else:
        if header is None:
            raise DataError(f"{name}: target columns given by name but the file has no header")
        missing = [t for t in targets if t not in header]
        if missing:
            raise DataError(
                f"{name}: no column named {missing[0]!r}{did_you_mean(missing[0], header)}; "
                f"columns: {', '.join(header)}"
            )
        cols = [header.index(t) for t in targets]
        if len(cols) >= width:
            raise DataError(f"{name}: every column is a target; no input column is left")
    inputs = [c for c in range(width) if c not in cols]
    return Samples(
        inputs=data[:, inputs],
        targets=data[:, cols],
        input_names=[names[c] for c in inputs],
        target_names=[names[c] for c in cols],
    )


def _group(flat: Samples, ids: list[str], name: str, last_step: bool) -> Samples:
    """Rows → sequences ``(B, T, ·)`` by their ids (see :func:`read_samples`)."""
    order = list(dict.fromkeys(ids))
    rows: dict[str, list[int]] = {k: [] for k in order}
    for r, k in enumerate(ids):
        rows[k].append(r)
    steps = len(rows[order[0]])
    for k in order:
        if len(rows[k]) != steps:
            raise DataError(
                f"{name}: sequence {k!r} has {len(rows[k])} steps but sequence "
                f"{order[0]!r} has {steps}; every sequence needs the same number of steps")
    index = np.array([rows[k] for k in order], dtype=np.int64)  # (B, T)
    targets = flat.targets[index]
    return Samples(
        inputs=flat.inputs[index],
        targets=targets[:, -1] if last_step else targets,
        input_names=flat.input_names,
        target_names=flat.target_names,
        sequences=order,
    )
