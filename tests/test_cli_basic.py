"""The first commands: ``netsim new``, ``info``, ``validate``; help and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _cli import run_cli
from _io_cases import BAD, recurrent, rich, write_bad

import netsim as ns
from netsim.cli import main
from netsim.zoo import xor

ROOT = Path(__file__).resolve().parents[1]  # `python -m netsim` from the project root


def test_new_mlp_writes_a_loadable_file(tmp_path, capsys):
    path = tmp_path / "net.json"
    code, out, err = run_cli(capsys, "new", "mlp", "2-4-3-2", "--output-activation", "softmax",
                             "--seed", "0", "-o", path)
    assert code == 0 and err == ""
    assert out == f"wrote {path}: network 'mlp 2-4-3-2', 11 neurons, 26 connections\n"
    assert ns.load(path) == ns.mlp("2-4-3-2", output_activation="softmax", seed=0)


def test_new_mlp_accepts_spaced_sizes_and_function_parameters(tmp_path, capsys):
    path = tmp_path / "net.json"
    code, out, _ = run_cli(capsys, "new", "mlp", "3", "2", "1", "--activation",
                           "sigmoid:steepness=2", "--output-activation",
                           '{"name": "sign", "zero": -1}', "--init", "he", "--seed", "5",
                           "--name", "tiny", "-o", path, "--json")
    assert code == 0
    assert json.loads(out) == {"file": str(path), "name": "tiny", "sizes": [3, 2, 1],
                               "neurons": 6, "connections": 8}
    net = ns.load(path)
    assert net == ns.mlp([3, 2, 1], activation={"name": "sigmoid", "steepness": 2},
                         output_activation={"name": "sign", "zero": -1}, init="he", seed=5,
                         name="tiny")


def test_info_text(tmp_path, capsys):
    path = tmp_path / "xor.json"
    ns.save(xor(), path)
    code, out, err = run_cli(capsys, "info", path)
    assert code == 0 and err == ""
    assert out.splitlines() == [
        f"file         {path}",
        "name         xor",
        "neurons      5 (2 inputs, 1 output, 2 hidden)",
        "connections  6",
        "parameters   9 (weights and biases)",
        "structure    feed-forward, 3 layers: 2-2-1",
        "layers       0: input (2); 1: hidden (2); 2: output (1)",
        "inputs       x1, x2",
        "outputs      y",
        "activations  identity (2), step (3)",
        "potentials   weighted_sum (5)",
    ]


def test_info_json_of_a_recurrent_network(tmp_path, capsys):
    path = tmp_path / "loop.json"
    ns.save(recurrent(), path)
    code, out, _ = run_cli(capsys, "info", path, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["recurrent"] is True and data["layers"] is None
    assert data["cycle"][0] in {"s0", "s1", "s2"}
    assert data["inputs"] == ["s0"] and data["outputs"] == ["s0", "s1", "s2"]
    assert data["hidden"] == 0 and data["connections"] == 5
    assert data["activations"] == {"sign": 3}


def test_info_text_lists_groups_and_mixed_ids(tmp_path, capsys):
    path = tmp_path / "rich.json"
    ns.save(rich(), path)
    code, out, _ = run_cli(capsys, "info", path)
    assert code == 0
    assert "groups       out (2)" in out
    assert "inputs       0, 1" in out
    assert "potentials   distance (2), weighted_sum (6)" in out


def test_validate_ok(tmp_path, capsys):
    path = tmp_path / "xor.json"
    ns.save(xor(), path)
    code, out, err = run_cli(capsys, "validate", path)
    assert code == 0 and err == ""
    assert out == (f"{path}: ok (5 neurons (2 inputs, 1 output, 2 hidden), 6 connections, "
                   "feed-forward)\n")


def test_validate_several_files_reports_each(tmp_path, capsys):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    ns.save(xor(), good)
    bad.write_text(BAD["duplicate_id"][0])
    code, out, err = run_cli(capsys, "validate", good, bad, tmp_path / "missing.json")
    assert code == 2
    assert out.startswith(f"{good}: ok")
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"netsim: error: {bad}: $.neurons[2].id: duplicate")
    assert lines[1] == f"netsim: error: {tmp_path / 'missing.json'}: cannot read: " \
                       "No such file or directory"


def test_validate_json(tmp_path, capsys):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    ns.save(xor(), good)
    bad.write_text(BAD["nan_weight"][0])
    code, out, err = run_cli(capsys, "validate", "--json", good, bad)
    assert code == 2 and len(err.splitlines()) == 1
    data = json.loads(out)
    assert [d["ok"] for d in data] == [True, False]
    assert "non-finite" in data[1]["error"]


@pytest.mark.parametrize("command", ["validate", "info"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_every_load_error_through_the_cli(tmp_path, capsys, command, case):
    path, fragments = write_bad(tmp_path, case)
    code, out, err = run_cli(capsys, command, path)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"netsim: error: {path}: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["new", "mlp", "2-x-1", "-o", "{out}"], "sizes must look like '2-4-3-2'"),
        (["new", "mlp", "2", "x", "-o", "{out}"], "layer sizes must be whole numbers"),
        (["new", "mlp", "2-0-1", "-o", "{out}"], "at least one neuron"),
        (["new", "mlp", "2-3", "--activation", "sigmod", "-o", "{out}"],
         "unknown activation 'sigmod' (did you mean 'sigmoid'?)"),
        (["new", "mlp", "2-3", "--activation", "sigmoid:steepness=-1", "-o", "{out}"],
         "parameter 'steepness' must be a finite number > 0"),
        (["new", "mlp", "2-3", "--activation", "sigmoid:steepness", "-o", "{out}"],
         "parameters are written KEY=NUMBER"),
        (["new", "mlp", "2-3", "--activation", "{{bad", "-o", "{out}"], "is not valid JSON"),
        (["new", "mlp", "2-3", "--init", "xavier", "-o", "{out}"], "initializer must be one of"),
        (["new", "mlp", "2-3"], "the following arguments are required: -o/--output"),
        (["new", "mlp", "2-3", "--seed", "one", "-o", "{out}"], "invalid int value: 'one'"),
        (["new", "perceptron", "-o", "{out}"], "invalid choice: 'perceptron'"),
        (["new", "mlp", "2-3", "-o", "{missing_dir}"], "does not exist"),
        (["info"], "the following arguments are required: FILE"),
        (["info", "{missing}"], "No such file or directory"),
        (["validate"], "the following arguments are required: FILE"),
    ],
)
def test_bad_command_lines_give_one_line_and_exit_2(tmp_path, capsys, argv, fragment):
    subs = {"out": tmp_path / "o.json", "missing": tmp_path / "nope.json",
            "missing_dir": tmp_path / "no" / "dir" / "o.json"}
    code, out, err = run_cli(capsys, *(a.format(**subs) for a in argv))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1, err
    assert fragment in err
    assert not (tmp_path / "o.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["--help"], ["new", "--help"], ["new", "mlp", "--help"],
                                  ["info", "--help"], ["validate", "--help"]])
def test_help_everywhere(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: netsim")


def test_python_dash_m_netsim(tmp_path):
    path = tmp_path / "net.json"
    done = subprocess.run(
        [sys.executable, "-m", "netsim", "new", "mlp", "2-2-1", "--seed", "1", "-o", str(path)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "netsim", "validate", str(tmp_path / "nope.json")],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1
    assert "Traceback" not in bad.stderr


def test_info_reports_contradictory_layer_numbers(tmp_path, capsys):
    path = tmp_path / "layers.json"
    path.write_text(json.dumps({
        "format": "netsim-network", "version": 1,
        "neurons": [{"id": "a", "layer": 2}, {"id": "b", "layer": 1}],
        "connections": [{"from": "a", "to": "b", "weight": 1.0}],
    }))
    code, out, _ = run_cli(capsys, "info", path)
    assert code == 0
    assert "structure    feed-forward; layers: neuron 'b' has layer 1 but its predecessor" in out
    code, out, _ = run_cli(capsys, "info", "--json", path)
    assert json.loads(out)["layers"] is None and "layer_error" in json.loads(out)
