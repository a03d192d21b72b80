"""Hostile CSV files through ``run --inputs``, ``train`` and ``read_samples``.

Both commands read CSVs with the one reader (:mod:`netsim.csvfile`), so each file
goes through both; a bad file is exit status 2 and one line naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _harness import assert_ok, assert_refused, run_cases

import netsim as ns

GOOD = "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"

BAD: dict[str, bytes | None] = {
    "utf16": GOOD.encode("utf-16"),
    "latin1": "x1,x2,é\n0,0,0\n".encode("latin-1"),
    "binary": bytes(range(256)),
    "field_200k": ("x1,x2,y\n0,0," + "1" * 200_000 + "\n").encode(),
    "quote_unclosed": b'x1,x2,y\n0,0,"1\n',
    "duplicate_header": b"y,y,y\n0,1,1\n",
    "empty_header_name": b"x1,,y\n0,1,1\n",
    "header_only": b"x1,x2,y\n",
    "empty": b"",
    "blank_lines": b"\n\n  \n",
    "ragged": b"x1,x2,y\n0,0,0\n1,1\n",
    "text_cell": b"x1,x2,y\n0,zz,0\n",
    "nan": b"x1,x2,y\n0,nan,0\n",
    "inf": b"x1,x2,y\n0,1e400,0\n",
    "nul_bytes": b"x1,x2,y\n0,\x00,0\n",
    "fifo": None,
    "directory": None,
    "devzero": None,
    "too_large": None,
}

GOOD_FILES = {
    "bom": b"\xef\xbb\xbf" + GOOD.encode(),
    "comments_crlf": b"# xor\r\nx1,x2,y\r\n0,0,0\r\n\r\n0,1,1\r\n# end\r\n1,0,1\r\n1,1,0\r\n",
    "no_header": b"0,0,0\n0,1,1\n1,0,1\n1,1,0\n",
}


def _make(tmp: Path) -> dict[str, str]:
    paths = {}
    for name, content in {**BAD, **GOOD_FILES}.items():
        path = tmp / f"{name}.csv"
        if name == "fifo":
            os.mkfifo(path)
        elif name == "directory":
            path.mkdir()
        elif name == "devzero":
            path = Path("/dev/zero")
        elif name == "too_large":
            with open(path, "wb") as f:
                f.truncate(300 * 2**20)
        else:
            path.write_bytes(content)
        paths[name] = str(path)
    ns.save(ns.mlp("2-2-1", seed=0), tmp / "net.json")
    reader = ns.Network(name="three inputs")  # reads the same three columns by name
    for nid in ("x1", "x2", "y"):
        reader.add_input(nid)
    reader.add_output("o", activation="step")
    for nid in ("x1", "x2", "y"):
        reader.connect(nid, "o", 1.0)
    ns.save(reader, tmp / "reader.json")
    return paths


def _commands(path: str, out: str) -> dict[str, list[str]]:
    return {
        "train": ["train", "net.json", path, "-o", f"{out}.json", "--epochs", "2"],
        "run": ["run", "reader.json", "--inputs", path],
    }


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_csv")
    paths = _make(tmp)
    keys, cases = [], []
    for name, path in paths.items():
        for command, argv in _commands(path, f"out_{name}").items():
            keys.append((name, command))
            cases.append({"argv": argv})
    return tmp, dict(zip(keys, zip(cases, run_cases(cases, cwd=tmp), strict=True), strict=True))


@pytest.mark.parametrize("command", ["train", "run"])
@pytest.mark.parametrize("name", list(BAD))
def test_bad_csv_is_one_line_naming_the_file(results, name, command):
    tmp, out = results
    case, result = out[name, command]
    path = case["argv"][2] if command == "train" else case["argv"][3]
    assert_refused(case, result, message=path)
    assert not list(tmp.glob(f"out_{name}*"))


@pytest.mark.parametrize("command", ["train", "run"])
@pytest.mark.parametrize("name", list(GOOD_FILES))
def test_valid_csv_works(results, name, command):
    _tmp, out = results
    assert_ok(*out[name, command])


def test_run_reads_a_bom_csv_like_train(tmp_path):
    # run --inputs and train read a CSV with a byte-order mark the same way
    (tmp_path / "x.csv").write_bytes(b"\xef\xbb\xbfx2,x1\n1,0\n")
    net = ns.mlp("2-1", seed=0)
    from netsim.cli.run import read_inputs

    assert read_inputs(tmp_path / "x.csv", list(net.inputs)).tolist() == [[0.0, 1.0]]
    s = ns.read_samples(tmp_path / "x.csv", targets=1)
    assert s.input_names == ["x2"] and s.target_names == ["x1"]


def test_duplicate_header_is_named(tmp_path):
    (tmp_path / "d.csv").write_text("y,y,y\n0,1,1\n", encoding="utf-8")
    with pytest.raises(ns.DataError, match="column name 'y' appears twice"):
        ns.read_samples(tmp_path / "d.csv", targets="y")


@pytest.mark.parametrize(
    ("targets", "message"),
    [([], "an empty list"), (True, "got True"), (0, "at least 1"), (["y", "y"], "twice"),
     ([1], "column names"), (1.5, "got 1.5")],
)
def test_bad_targets_argument(tmp_path, targets, message):
    (tmp_path / "d.csv").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ns.ParameterError, match=message):
        ns.read_samples(tmp_path / "d.csv", targets=targets)
