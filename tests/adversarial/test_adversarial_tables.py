"""Hostile table files for the commands that build a network from one: ``new boolean``
(a truth table), ``new matrix`` (a weight matrix and its biases, CSV or ``.npy``) and
``new hopfield`` (patterns).

Each file goes through each command in one driver process limited to 1 GB. A bad file
must give exit status 2 and one line on stderr naming the file (never a traceback, a
hang or an output file); the last cases are strange but valid and must work.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from _harness import assert_ok, assert_refused, run_cases


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _lying_npy(shape: str) -> bytes:
    """A 3-value float64 .npy whose header announces ``shape`` instead."""
    raw = _npy(np.zeros(3))
    header = raw[:128].decode("latin-1").replace("(3,)", shape)
    header = header.rstrip("\n").rstrip(" ")
    return (header + " " * (127 - len(header)) + "\n").encode("latin-1") + raw[128:]


TABLE = "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"

# name -> (content, commands it applies to); None content: made by _make
BAD: dict[str, bytes | None] = {
    "fifo.csv": None,
    "directory.csv": None,
    "devzero.csv": None,
    "too_large.csv": None,
    "too_large.npy": None,
    "utf16.csv": TABLE.encode("utf-16"),
    "latin1.csv": "x1,x2,é\n0,0,0\n".encode("latin-1"),
    "garbage.csv": bytes(range(256)) * 4,
    "empty.csv": b"",
    "header_only.csv": b"x1,x2,y\n",
    "ragged.csv": b"0,0,0\n0,1\n1,0,1\n",
    "nan.csv": b"0,0,nan\n0,1,1\n",
    "inf.csv": b"0,0,0\n0,inf,1\n",
    "huge_number.csv": b"0,0,0\n0,1e999,1\n",
    "digits.csv": b"0,0,0\n0,1" + b"0" * 5000 + b",1\n",
    "text.csv": b"0,0,0\n0,one,1\n",
    "long_field.csv": b"0," + b"1" * 200_000 + b",0\n",
    "nul.csv": b"0,0\x00,0\n",
    "unterminated_quote.csv": b'"0,0,0\n1,1,1\n',
    "pickle.npy": b"\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False, "
                  b"'shape': (3,), }" + b" " * 60 + b"\n" + b"\x80\x04N." * 3,
    "strings.npy": _npy(np.array([["a", "b"], ["c", "d"]])),
    "lying_shape.npy": _lying_npy("(10000000000000,)"),
    "lying_2d.npy": _lying_npy("(100000, 100000)"),
    "truncated.npy": _npy(np.eye(3))[:-5],
    "nan.npy": _npy(np.array([[0.0, np.nan], [1.0, 0.0]])),
    "three_d.npy": _npy(np.zeros((2, 2, 2))),
    "not_npy.npy": b"\x93NUMPY\x09\x00 not a header\n",
}

GOOD: dict[str, bytes] = {
    "bom.csv": b"\xef\xbb\xbf" + TABLE.encode(),
    "comments.csv": b"# a truth table\n" + TABLE.encode() + b"\n\n",
    "square.npy": _npy(np.array([[-1, 1, 1], [1, -1, 1], [1, 1, -1]], dtype=np.int8)),
}

COMMANDS = {
    "boolean": lambda f, o: ["new", "boolean", f, "-o", f"{o}.json"],
    "matrix": lambda f, o: ["new", "matrix", f, "-o", f"{o}.json"],
    "matrix_bias": lambda f, o: ["new", "matrix", "W.csv", "--bias", f, "-o", f"{o}.json"],
    "hopfield": lambda f, o: ["new", "hopfield", f, "-o", f"{o}.json"],
}

# what each good file is fit for (a truth table is not a square matrix, ...)
FITS = {
    "bom.csv": ("boolean",), "comments.csv": ("boolean",),
    "square.npy": ("matrix", "hopfield"),
}


def _make(tmp: Path) -> dict[str, str]:
    paths = {}
    for name, content in {**BAD, **GOOD}.items():
        path = tmp / name
        if name.startswith("fifo"):
            os.mkfifo(path)
        elif name.startswith("directory"):
            path.mkdir()
        elif name.startswith("devzero"):
            path = Path("/dev/zero")
        elif name.startswith("too_large"):  # sparse: refused by its size
            with open(path, "wb") as f:
                f.truncate(300 * 2**20)
        else:
            path.write_bytes(content)
        paths[name] = str(path)
    (tmp / "W.csv").write_text("0,1\n1,0\n", encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_tables")
    paths = _make(tmp)
    keys, cases = [], []
    for name, path in paths.items():
        for command, argv in COMMANDS.items():
            stem = name.replace(".", "_")
            keys.append((name, command))
            cases.append({"argv": argv(path, f"out_{stem}_{command}"), "seconds": 20})
    out = dict(zip(keys, zip(cases, run_cases(cases, cwd=tmp), strict=True), strict=True))
    return tmp, paths, out


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", list(BAD))
def test_bad_table_is_one_line_naming_the_file(results, name, command):
    tmp, paths, out = results
    case, result = out[name, command]
    assert_refused(case, result, message=paths[name])
    assert result["seconds"] < 10, result
    assert not list(tmp.glob(f"out_{name.replace('.', '_')}_{command}*")), "output written"


@pytest.mark.parametrize("name", list(GOOD))
def test_strange_but_valid_table_works(results, name):
    _tmp, _paths, out = results
    for command in FITS[name]:
        case, result = out[name, command]
        assert_ok(case, result)


def test_no_temporary_file_is_left(results):
    tmp, _paths, _out = results
    assert not [p.name for p in tmp.iterdir() if p.name.endswith(".tmp")]
