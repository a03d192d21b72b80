"""``netsim attractors``: text, JSON, clamps, DOT output and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _cli import run_cli

import netsim as ns

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def latch(tmp_path):
    path = tmp_path / "latch.json"
    ns.save(ns.zoo.sr_latch(), path)
    return path


def test_text_output_lists_attractors_periods_and_basins(latch, capsys):
    code, out, err = run_cli(capsys, "attractors", latch)
    assert code == 0 and err == ""
    assert "rule: parallel; free neurons (2): q nq" in out
    assert "constants: s=0, r=0" in out
    assert "4 states, 3 attractors, 2 fixed points" in out
    rows = [line.split() for line in out.splitlines() if line[:4].strip().isdigit()]
    assert rows == [["0", "2", "2", "00", "->", "11"], ["1", "1", "1", "01"],
                    ["2", "1", "1", "10"]]


def test_json_with_clamp_and_sequential_rule(latch, capsys):
    code, out, _ = run_cli(capsys, "attractors", latch, "--rule", "sequential",
                           "--clamp", "s=1", "r=0", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["rule"] == "sequential" and data["constants"] == {"s": 1.0, "r": 0.0}
    assert data["attractors"] == [
        {"index": 0, "kind": "fixed point", "states": ["10"], "basin": 4, "size": 1,
         "reach": 4}
    ]


def test_clamp_flags_accumulate(latch, capsys):
    code, out, _ = run_cli(capsys, "attractors", latch, "--clamp", "s=1", "--clamp", "r=1",
                           "--json")
    data = json.loads(out)
    assert code == 0 and data["constants"] == {"s": 1.0, "r": 1.0}
    assert [a["states"] for a in data["attractors"]] == [["00"]]


def test_dot_file(latch, tmp_path, capsys):
    dot = tmp_path / "states.dot"
    code, _out, _ = run_cli(capsys, "attractors", latch, "--dot", dot)
    assert code == 0
    text = dot.read_text()
    assert text.startswith("digraph") and '"00" -> "11"' in text and '"11" -> "00"' in text
    assert "garden of Eden" in text  # the legend


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--clamp", "s"], "--clamp expects NEURON=VALUE, got 's'"),
        (["--clamp", "s=high"], "the value 'high' is not a number"),
        (["--clamp", "x=1"], "has no neuron 'x'"),
        (["--rule", "layered"], "invalid choice: 'layered'"),
    ],
)
def test_bad_options_exit_2_with_one_line(latch, capsys, argv, message):
    code, out, err = run_cli(capsys, "attractors", latch, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_continuous_network_and_missing_file(tmp_path, capsys):
    path = tmp_path / "mlp.json"
    ns.save(ns.mlp("2-2-1", seed=0), path)
    code, _, err = run_cli(capsys, "attractors", path)
    assert code == 2 and "continuous activation" in err and err.count("\n") == 1
    code, _, err = run_cli(capsys, "attractors", tmp_path / "nope.json")
    assert code == 2 and err.count("\n") == 1


def test_size_limit_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NETSIM_MEMORY_LIMIT", str(2**30))  # the limit follows memory
    net = ns.Network("ring")
    for k in range(26):
        net.add_neuron(f"n{k}", activation="sign")
    for k in range(26):
        net.connect(f"n{k}", f"n{(k + 1) % 26}", 1.0)
    path = tmp_path / "ring.json"
    ns.save(net, path)
    code, _, err = run_cli(capsys, "attractors", path)
    assert code == 2 and "limited to 24 free neurons" in err and err.count("\n") == 1


def test_python_m_netsim_attractors(latch):
    proc = subprocess.run(
        [sys.executable, "-m", "netsim", "attractors", str(latch), "--clamp", "r=1"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0 and proc.stderr == ""
    assert "1 attractor, 1 fixed point" in proc.stdout
