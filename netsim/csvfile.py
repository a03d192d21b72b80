"""The one CSV reader: numeric tables of inputs or samples, with an optional header.

Used by ``netsim run --inputs``, ``netsim train``/``evaluate`` and
:func:`netsim.read_samples`, so every CSV follows the same rules:

- the file is read by :func:`netsim.files.read_text` (a regular file of at most
  :data:`netsim.limits.MAX_CSV_BYTES`, UTF-8 with or without a byte-order mark);
- blank lines and lines whose first field starts with ``#`` are skipped;
- the first remaining row is a **header** when any of its fields is not a number
  (always, when a text column is asked for); header names are stripped, must be
  non-empty and distinct;
- every other row has as many fields as the first; each field is a finite number
  (surrounding spaces allowed), except in the text column.

Every problem is one :class:`~netsim.DataError` naming the file, line and column.
"""

from __future__ import annotations

import array
import csv
import io
import math
import os
from dataclasses import dataclass, field

import numpy as np

from .errors import DataError, did_you_mean
from .files import read_text
from .limits import MAX_CSV_BYTES, check_memory

__all__ = ["Table", "read_csv"]


@dataclass
class Table:
    """A CSV read by :func:`read_csv`.

    ``values`` is ``(rows, columns)`` float64 (0.0 in the text column), ``lines`` the
    line number of each row, ``text`` the text column's fields (empty without one).
    """

    source: str
    header: list[str] | None
    header_line: int | None
    values: np.ndarray
    lines: list[int]
    text: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """The header, or ``column 1``, ``column 2``, ... without one."""
        if self.header is not None:
            return list(self.header)
        return [f"column {k + 1}" for k in range(self.values.shape[1])]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_csv(
    path: str | os.PathLike[str],
    *,
    text_column: str | None = None,
    columns: list[str] | None = None,
) -> Table:
    """Read a numeric CSV (see the module docstring for the rules).

    Parameters
    ----------
    path : path
    text_column : str, optional
        The header name of one column whose fields are kept as text (class labels);
        a header is then required.
    columns : list of str, optional
        The columns the file must have (e.g. the input neurons): a header must name
        each once, in any order (the values come back in this order); without a
        header, each row has ``len(columns)`` fields in this order.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from netsim.csvfile import read_csv
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("# inputs\\nx1,x2\\n0,1\\n\\n1, 0\\n")
    >>> t = read_csv(p)
    >>> t.header, t.values.tolist(), t.lines
    (['x1', 'x2'], [[0.0, 1.0], [1.0, 0.0]], [3, 5])
    >>> _ = p.write_text("y,y\\n0,1\\n")
    >>> read_csv(p)
    Traceback (most recent call last):
    ...
    netsim.errors.DataError: ...x.csv, line 1: column name 'y' appears twice (columns 1 and 2)
    """
    name = os.fspath(path)
    text = read_text(name, limit=MAX_CSV_BYTES, error=DataError, what="CSV file")
    # at most one float (8 bytes) per 2 characters, plus the text being parsed
    check_memory(5 * len(text), f"reading {name}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line: int | None = None
    width = -1
    first_line = 0
    flat = array.array("d")
    lines: list[int] = []
    labels: list[str] = []
    label_col = -1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataError(f"{name}, line {reader.line_num}: not a readable CSV line "
                            f"({exc})") from None
        line = reader.line_num
        fields = [f.strip() for f in row]
        if not any(fields) or fields[0].startswith("#"):
            continue
        if width < 0:
            width, first_line = len(fields), line
            if text_column is not None or not all(_is_number(f) for f in fields):
                header, header_line = _check_header(fields, name, line), line
                if columns is not None:
                    _check_columns(header, columns, name, line)
                if text_column is not None:
                    if text_column not in header:
                        raise DataError(f"{name}: no column named {text_column!r} for the "
                                        f"classes; columns: {', '.join(header)}")
                    label_col = header.index(text_column)
                continue
        if len(fields) != width:
            raise DataError(f"{name}, line {line}: {len(fields)} column"
                            f"{'s' * (len(fields) != 1)}, expected {width} (as on line "
                            f"{first_line})")
        for c, f in enumerate(fields):
            if c == label_col:
                labels.append(f)
                flat.append(0.0)
                continue
            try:
                value = float(f)
            except ValueError:
                where = f" ({header[c]})" if header is not None else ""
                raise DataError(f"{name}, line {line}, column {c + 1}{where}: {f!r} is not a "
                                "number") from None
            if not math.isfinite(value):
                raise DataError(f"{name}, line {line}, column {c + 1}: {f!r} is not a "
                                "finite number")
            flat.append(value)
        lines.append(line)
    if width < 0:
        raise DataError(f"{name}: the file is empty (no samples)")
    if columns is not None and header is None and width != len(columns):
        k = len(columns)
        raise DataError(f"{name}, line {first_line}: expected {k} value{'s' * (k != 1)} "
                        f"(one per column: {', '.join(columns)}), got {width}")
    if not lines:
        raise DataError(f"{name}: the file has a header line but no samples")
    values = np.frombuffer(flat, dtype=np.float64).reshape(len(lines), width).copy()
    if columns is not None and header is not None:
        values = values[:, [header.index(c) for c in columns]]
        header = list(columns)
    return Table(name, header, header_line, values, lines, labels)


def _check_header(fields: list[str], name: str, line: int) -> list[str]:
    seen: dict[str, int] = {}
    for c, f in enumerate(fields):
        if not f:
            raise DataError(f"{name}, line {line}, column {c + 1}: empty column name in the "
                            "header")
        if f in seen:
            raise DataError(f"{name}, line {line}: column name {f!r} appears twice (columns "
                            f"{seen[f] + 1} and {c + 1})")
        seen[f] = c
    return fields


def _check_columns(header: list[str], columns: list[str], name: str, line: int) -> None:
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise DataError(f"{name}, line {line}: unknown column {unknown[0]!r}"
                        f"{did_you_mean(unknown[0], columns)}; the columns are "
                        f"{', '.join(columns)}")
    if len(header) != len(columns):
        missing = [c for c in columns if c not in header]
        raise DataError(f"{name}, line {line}: the header must name each of "
                        f"{', '.join(columns)} once; {missing[0]!r} is missing")
