"""``netsim run``: one input, a CSV of inputs, traces, JSON, and one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _cli import run_cli

import netsim as ns


@pytest.fixture
def xor(tmp_path):
    path = tmp_path / "xor.json"
    ns.save(ns.zoo.xor(), path)
    return str(path)


@pytest.fixture
def osc(tmp_path):
    path = tmp_path / "osc.json"
    ns.save(ns.zoo.mutual_inhibition(), path)
    return str(path)


def test_single_input(capsys, xor):
    code, out, err = run_cli(capsys, "run", xor, "--input", "1", "0")
    assert code == 0 and err == ""
    assert "y=1" in out and "steps      2" in out and "converged  yes" in out


def test_trace_table(capsys, xor):
    _code, out, _ = run_cli(capsys, "run", xor, "--input", "1", "1", "--trace")
    lines = out.splitlines()
    header = next(line for line in lines if line.strip().startswith("step"))
    assert header.split() == ["step", "x1", "x2", "h1", "h2", "y"]
    i = lines.index(header)
    assert lines[i + 1].split() == ["0", "1", "1", "0", "0", "0"]
    assert lines[i + 2].split() == ["1", "1", "1", "1", "0", "0"]
    assert lines[i + 3].split() == ["2", "1", "1", "1", "0", "0"]


def test_csv_inputs_and_json(capsys, xor, tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("# all four\nx2,x1\n0,0\n1,0\n\n0,1\n1,1\n")
    code, out, _ = run_cli(capsys, "run", xor, "--inputs", str(data))
    assert code == 0
    rows = [line.split() for line in out.splitlines()[2:]]
    assert [r[3] for r in rows] == ["0", "1", "1", "0"]
    code, out, _ = run_cli(capsys, "run", xor, "--inputs", str(data), "--json")
    doc = json.loads(out)
    assert doc["output"] == [[0.0], [1.0], [1.0], [0.0]] and doc["steps"] == [2, 2, 2, 2]


def test_rules_orders_and_steps(capsys, osc):
    code, out, _ = run_cli(capsys, "run", osc, "--input", "--rule", "parallel", "--json")
    doc = json.loads(out)
    assert doc["period"] == 2 and doc["converged"] is False
    code, out, _ = run_cli(capsys, "run", osc, "--rule", "sequential", "--order", "random",
                           "--seed", "3", "--json", "--trace")
    doc = json.loads(out)
    assert doc["converged"] is True and doc["order"] == "random" and doc["seed"] == 3
    assert len(doc["trace"]) == doc["steps"] + 1
    code, out, _ = run_cli(capsys, "run", osc, "--rule", "parallel", "--steps", "5", "--json")
    assert code == 0 and json.loads(out)["steps"] == 5
    code, out, _ = run_cli(capsys, "run", osc, "--rule", "parallel", "--max-steps", "1", "--json")
    assert code == 0 and json.loads(out)["steps"] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--input", "1"], "has 2 input neurons"),
        (["--input", "1", "0", "--rule", "paralel"], "did you mean 'parallel'"),
        (["--input", "1", "0", "--order", "rand"], "allowed: cyclic"),
        (["--input", "1", "0", "--steps", "-1"], "--steps: must be an integer between 0 and"),
        (["--input", "1", "0", "--max-steps", "-3"], "--max-steps: must be an integer between"),
        (["--input", "1", "x"], "invalid float value"),
        (["--input", "1", "nan"], "not finite"),
        ([], "give the 2 input value(s)"),
    ],
)
def test_bad_options_one_line_exit_2(capsys, xor, argv, message):
    code, out, err = run_cli(capsys, "run", xor, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_layered_on_recurrent_names_cycle(capsys, osc):
    code, _out, err = run_cli(capsys, "run", osc, "--rule", "layered")
    assert code == 2 and "cycle" in err and "'a'" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,0\n1\n", "line 2: 1 column, expected 2"),
        ("1,0\n1,zz\n", "line 2, column 2: 'zz' is not a number"),
        ("x1,x3\n1,0\n", "unknown column 'x3'"),
        ("x1,x2\n", "no samples"),
        ("1,inf\n", "is not a finite number"),
    ],
)
def test_bad_csv(capsys, xor, tmp_path, text, message):
    data = tmp_path / "bad.csv"
    data.write_text(text)
    code, _out, err = run_cli(capsys, "run", xor, "--inputs", str(data))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_missing_files(capsys, xor, tmp_path):
    code, _out, err = run_cli(capsys, "run", xor, "--inputs", str(tmp_path / "none.csv"))
    assert code == 2 and "none.csv" in err and len(err.strip().splitlines()) == 1


def test_read_inputs_reorders_columns(tmp_path):
    from netsim.cli.run import read_inputs

    data = tmp_path / "x.csv"
    data.write_text("b,a\n1,2\n3,4\n")
    assert np.array_equal(read_inputs(data, ["a", "b"]), [[2, 1], [4, 3]])


def test_state_and_states(capsys, osc, tmp_path):
    # mutual inhibition (a, b sign, w = −1 both ways) from (1, 1): parallel flips both
    # every step (period 2); from (1, −1) it is a fixed point
    code, out, err = run_cli(capsys, "run", osc, "--state", "1", "-1", "--json")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert (data["state"], data["period"], data["steps"]) == ([1.0, -1.0], 1, 1)
    code, out, _ = run_cli(capsys, "run", osc, "--state", "1", "1", "--json")
    assert json.loads(out)["period"] == 2
    states = tmp_path / "s.csv"
    states.write_text("b,a\n-1,1\n1,1\n")  # a header names the neurons, in any order
    code, out, _ = run_cli(capsys, "run", osc, "--states", states, "--json")
    data = json.loads(out)
    assert code == 0 and data["period"] == [1, 2] and data["state"][0] == [1.0, -1.0]
    code, out, _ = run_cli(capsys, "run", osc, "--states", states)
    assert code == 0 and len(out.splitlines()) == 4  # rule, header, two samples


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--state", "1"], "--state needs 2 values (one per neuron, in neuron order), got 1"),
        (["--state", "1", "x"], "argument --state: invalid float value: 'x'"),
        (["--state", "1", "1", "--states", "s.csv"], "not allowed with argument --state"),
        (["--states", "missing.csv"], "missing.csv"),
    ],
)
def test_state_mistakes(capsys, osc, argv, message):
    code, _out, err = run_cli(capsys, "run", osc, *argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_state_on_a_network_with_inputs(capsys, xor):
    # the state gives x1 = 1, x2 = 0 (and h1, h2, y); --input overwrites the inputs
    code, out, _ = run_cli(capsys, "run", xor, "--state", "1", "0", "0", "0", "0", "--json")
    assert code == 0 and json.loads(out)["output"] == [1.0]
    code, out, _ = run_cli(capsys, "run", xor, "--state", "1", "0", "0", "0", "0",
                           "--input", "1", "1", "--json")
    assert json.loads(out)["output"] == [0.0]


def test_clamp_and_pin(capsys, osc):
    # from (1, 1) with a held at 1: b = sign(−1) = −1, then nothing changes
    code, out, _ = run_cli(capsys, "run", osc, "--state", "1", "1", "--clamp", "a=1",
                           "--json")
    data = json.loads(out)
    assert code == 0 and data["state"] == [1.0, -1.0] and data["period"] == 1
    code, out, _ = run_cli(capsys, "run", osc, "--state", "1", "1", "--pin", "b", "--json")
    assert json.loads(out)["state"] == [-1.0, 1.0]
    code, _out, err = run_cli(capsys, "run", osc, "--pin", "c")
    assert code == 2 and "no neuron 'c'" in err
    code, _out, err = run_cli(capsys, "run", osc, "--clamp", "a")
    assert code == 2 and "--clamp expects NEURON=VALUE, got 'a'" in err
