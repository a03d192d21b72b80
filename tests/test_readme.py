"""The README's examples work as a newcomer would run them."""

from __future__ import annotations

import json
import subprocess
import sys

from _docs import ROOT, code_blocks, run_python

import netsim as ns

README = ROOT / "README.md"


def blocks(language: str) -> list[str]:
    return code_blocks(README, language)


def test_python_examples_run(tmp_path):
    xor, learning = blocks("python")
    done = run_python(xor, tmp_path, path="")  # nothing on PATH: the README needs no other tool
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "[0. 1. 1. 0.]"
    assert ns.load(tmp_path / "xor.json").name == "xor"
    done = run_python(learning, tmp_path, path="")
    assert done.returncode == 0, done.stderr
    predicted = [float(v) for v in done.stdout.strip().strip("[]").split()]
    assert [round(v) for v in predicted] == [0, 1, 1, 0]


def test_json_example_loads_and_computes_and(tmp_path):
    (example,) = blocks("json")
    path = tmp_path / "and.json"
    path.write_text(example, encoding="utf-8")
    net = ns.load(path)
    assert json.loads(example)["name"] == net.name
    out = net.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel().tolist()
    assert out == [0.0, 0.0, 0.0, 1.0]


def test_demo_command_runs():
    done = subprocess.run(
        [sys.executable, "-m", "netsim", "demo"], cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "0 1  ->  1" in done.stdout
    assert "period 2" in done.stdout and "period 1" in done.stdout
