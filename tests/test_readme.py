"""The README's examples work as a newcomer would run them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import netsim as ns

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.S | re.M)


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = cwd / "example.py"
    script.write_text(code, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )


def test_python_examples_run(tmp_path):
    xor, learning = blocks("python")
    done = run_python(xor, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "[0. 1. 1. 0.]"
    assert ns.load(tmp_path / "xor.json").name == "xor"
    done = run_python(learning, tmp_path)
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
