"""The README's examples work as a newcomer would run them."""

from __future__ import annotations

import json
import os
import shutil
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


def cli_commands() -> list[list[str]]:
    """The README's command-line block: one argv per command (continuations joined)."""
    (block,) = blocks("sh")[1:]
    text = block.replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert line.startswith("netsim "), line
            commands.append(line.split()[1:])
    return commands


def test_cli_block_runs_in_order_on_the_files_it_names(tmp_path):
    # the files the block needs: those written by the Python and JSON blocks, and iris.csv
    assert run_python(blocks("python")[0], tmp_path).returncode == 0
    (tmp_path / "and.json").write_text(blocks("json")[0], encoding="utf-8")
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "iris.csv", tmp_path / "examples" / "iris.csv")
    outputs = {}
    commands = cli_commands()
    assert [c[0] for c in commands] == [
        "new", "info", "train", "run", "validate", "run", "render", "new", "attractors", "run",
        "evaluate", "view"]
    for argv in commands:
        if argv[0] == "render" and shutil.which("dot") is None:
            argv = [a.replace(".svg", ".dot") for a in argv]
        done = subprocess.run(
            [sys.executable, "-m", "netsim", *argv], cwd=tmp_path, capture_output=True,
            text=True, timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": os.environ["PATH"]},
        )
        assert done.returncode == 0 and done.stderr == "", (argv, done.stderr)
        outputs[" ".join(argv[:2])] = done.stdout
    assert (tmp_path / "trained.json").exists()
    # the outputs carry the class names as labels: "y1 (setosa)=0.99"
    y1 = outputs["run trained.json"].split("y1 (setosa)=")[1].split()[0]
    assert float(y1) > 0.9                      # the setosa is recognised
    assert "ok" in outputs["validate iris.json"]
    table = outputs["attractors osc.json"]
    assert "3 attractors, 2 fixed points" in table
    assert [line.split()[1] for line in table.splitlines()[-3:]] == ["2", "1", "1"]  # periods
    assert "period     2" in outputs["run osc.json"]     # started on the cycle
    assert "confusion matrix" in outputs["evaluate trained.json"]
    assert "<script" in (tmp_path / "xor.html").read_text(encoding="utf-8")
