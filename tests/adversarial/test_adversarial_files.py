"""Hostile network files through every command that reads one.

Each file is run through ``validate``, ``info``, ``info --json``, ``run``, ``render``,
``attractors`` and ``train`` in one driver process limited to 1 GB. A bad file must
give exit status 2 and one line on stderr naming the file (never a traceback, never
a hang, never an output file); a strange but valid file (a byte-order mark, a lone
surrogate in an id, an injection attempt in the name, a 20,000-character id) must
work, with its text escaped on output.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from _harness import assert_ok, assert_refused, run_cases

HEADER = '{"format": "netsim-network", "version": 1, '


def _valid(name: str = "ok", ids: tuple[str, str, str] = ("x1", "x2", "y")) -> dict:
    x1, x2, y = ids
    return {
        "format": "netsim-network", "version": 1, "name": name,
        "neurons": [{"id": x1}, {"id": x2}, {"id": y, "activation": "step", "bias": -1.5}],
        "connections": [{"from": x1, "to": y, "weight": 1.0},
                        {"from": x2, "to": y, "weight": 1.0}],
        "inputs": [x1, x2], "outputs": [y],
    }


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


BAD_FILES: dict[str, bytes | None] = {
    "layer_1e20": (HEADER + '"neurons": [{"id": "a", "layer": 1e20}]}').encode(),
    "layer_1e8": (HEADER + '"neurons": [{"id": "a", "layer": 100000000}]}').encode(),
    "nested_name": (HEADER + f'"neurons": [], "name": {_nested(985)}}}').encode(),
    "nested_bias": (HEADER + f'"neurons": [{{"id": "a", "bias": {_nested(985)}}}]}}').encode(),
    "nested_deeper": (HEADER + f'"neurons": [], "name": {_nested(100_000)}}}').encode(),
    "weight_10e400": json.dumps(_valid()).replace('"weight": 1.0', '"weight": 1' + "0" * 400,
                                                    1).encode(),
    "weight_1e999": json.dumps(_valid()).replace('"weight": 1.0', '"weight": 1e999', 1).encode(),
    "digits_5000": json.dumps(_valid()).replace('"bias": -1.5', '"bias": 1' + "0" * 5000).encode(),
    "weight_nan": json.dumps(_valid()).replace('"weight": 1.0', '"weight": NaN', 1).encode(),
    "utf16": json.dumps(_valid()).encode("utf-16"),
    "utf32": json.dumps(_valid()).encode("utf-32"),
    "latin1": json.dumps(_valid("café"), ensure_ascii=False).encode("latin-1"),
    "garbage": bytes(range(256)) * 4,
    "empty": b"",
    "null": b"null",
    "array": b"[]",
    "id_object": json.dumps(_valid()).replace('"id": "x1"', '"id": {"a": 1}').encode(),
    # 100,000 bare neurons in 1.3 MB: the network needs ~200 MB, run with 100 MB free
    "many_neurons": (HEADER + '"neurons": ['
                     + ",".join(f'{{"id":{k}}}' for k in range(100_000)) + "]}").encode(),
    "fifo": None,
    "directory": None,
    "devzero": None,
    "too_large": None,
}

ENV = {"many_neurons": {"NETSIM_MEMORY_LIMIT": str(100 * 2**20)}}

GOOD_FILES: dict[str, bytes] = {
    "bom": b"\xef\xbb\xbf" + json.dumps(_valid()).encode(),
    "surrogate_id": json.dumps(_valid(ids=("x1", "\ud800", "y"))).encode(),
    "injection_name": json.dumps(_valid('<x> { INJECTED -> PWNED [image="/etc/passwd"] } '
                                        'digraph <y>')).encode(),
    "long_id": json.dumps(_valid(ids=("x" * 20_000, "é" * 9_000, "<b>y</b>"))).encode(),
}

COMMANDS = {
    "validate": lambda f, o: ["validate", f],
    "info": lambda f, o: ["info", f],
    "info_json": lambda f, o: ["info", "--json", f],
    "run": lambda f, o: ["run", f, "--input", "1", "0"],
    "run_trace_json": lambda f, o: ["run", f, "--input", "1", "0", "--trace", "--json"],
    "render": lambda f, o: ["render", f, "-o", f"{o}.svg"],
    "attractors": lambda f, o: ["attractors", f],
    "train": lambda f, o: ["train", f, "data.csv", "-o", f"{o}.json"],
}


def _make(tmp: Path) -> dict[str, str]:
    paths = {}
    for name, content in {**BAD_FILES, **GOOD_FILES}.items():
        path = tmp / f"{name}.json"
        if name == "fifo":
            os.mkfifo(path)
        elif name == "directory":
            path.mkdir()
        elif name == "devzero":
            path = Path("/dev/zero")
        elif name == "too_large":  # sparse: no disk space used, refused by its size
            with open(path, "wb") as f:
                f.truncate(300 * 2**20)
        else:
            path.write_bytes(content)
        paths[name] = str(path)
    (tmp / "data.csv").write_text("x1,x2,y\n0,0,0\n1,1,1\n", encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_files")
    paths = _make(tmp)
    keys, cases = [], []
    for name, path in paths.items():
        for command, argv in COMMANDS.items():
            keys.append((name, command))
            cases.append({"argv": argv(path, f"out_{name}_{command}"), "seconds": 20,
                          "env": ENV.get(name, {})})
    out = dict(zip(keys, zip(cases, run_cases(cases, cwd=tmp), strict=True), strict=True))
    return tmp, out


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_is_one_line_and_status_2(results, name, command):
    tmp, out = results
    case, result = out[name, command]
    path = case["argv"][2 if command in ("info_json",) else 1]
    assert_refused(case, result, message=path if command != "validate" else None)
    assert not list(tmp.glob(f"out_{name}_{command}*")), "an output file was written"


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "train"])
@pytest.mark.parametrize("name", list(GOOD_FILES))
def test_strange_but_valid_file_works(results, name, command):
    tmp, out = results
    case, result = out[name, command]
    assert_ok(case, result)
    if command == "render":
        svg = (tmp / f"out_{name}_{command}.svg").read_text(encoding="utf-8")
        assert svg.count("<svg") == 1 and "<image" not in svg
        assert "PWNED" not in svg or "INJECTED" in svg  # only inside the quoted name
    if command.endswith("json"):
        json.loads(result["out"])  # escaped output is still one JSON document


def test_surrogate_is_printed_escaped(results):
    _tmp, out = results
    _case, result = out["surrogate_id", "info"]
    assert "\\ud800" in result["out"]


def test_no_temporary_file_is_left(results):
    tmp, _out = results
    assert not [p.name for p in tmp.iterdir() if p.name.endswith(".tmp")]
