"""``netsim attractors NET --solver`` and ``netsim new matrix W.csv``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _cli import run_cli

import netsim as ns

pytest.importorskip("ortools")


@pytest.fixture
def matrix_files(tmp_path):
    (tmp_path / "W.csv").write_text("0,1,-1\n1,0,1\n-1,1,0\n")
    (tmp_path / "b.csv").write_text("0.5,0,-0.5\n")
    return tmp_path


def test_new_matrix_then_solver(matrix_files, capsys):
    d = matrix_files
    code, out, err = run_cli(capsys, "new", "matrix", d / "W.csv", "--bias", d / "b.csv",
                             "-o", d / "m.json")
    assert code == 0 and "3 neurons, 6 connections" in out and not err
    net = ns.load(d / "m.json")
    assert net.weight_matrix().tolist() == [[0, 1, -1], [1, 0, 1], [-1, 1, 0]]
    assert [net.neuron(j).bias for j in net.neurons] == [0.5, 0.0, -0.5]
    # by hand: ++- is stable (ξ = (1.5, 0, -1.5)); -+- -> +-+ -> -+- is the 2-cycle
    code, out, err = run_cli(capsys, "attractors", d / "m.json", "--solver", "--max-period", 2,
                             "--json")
    data = json.loads(out)
    assert code == 0 and data["complete"] and data["method"] == "solver"
    assert [(a["period"], a["states"]) for a in data["attractors"]] == [
        (1, ["++-"]), (2, ["-+-", "+-+"])]
    exhaustive = ns.attractors(net)
    assert sorted((a.period, a.labels) for a in exhaustive.attractors) == [
        (1, ["++-"]), (2, ["-+-", "+-+"])]
    code, out, err = run_cli(capsys, "attractors", d / "m.json", "--solver")
    assert code == 0 and "2 attractors of period <= 4, 1 fixed point" in out


def test_new_matrix_options(matrix_files, capsys):
    d = matrix_files
    np.save(d / "W.npy", np.array([[0.0, 2.0], [0.0, 0.0]]))
    code, _, _ = run_cli(capsys, "new", "matrix", d / "W.npy", "--activation", "step",
                           "--ids", "a", "b", "--inputs", "b", "--outputs", "a",
                           "--name", "pair", "-o", d / "p.json")
    net = ns.load(d / "p.json")
    assert code == 0 and net.name == "pair" and net.weight("b", "a") == 2.0
    assert net.inputs == ("b",) and net.outputs == ("a",)
    assert net.neuron("a").activation == "step"


def test_sample(matrix_files, capsys):
    d = matrix_files
    run_cli(capsys, "new", "matrix", d / "W.csv", "--bias", d / "b.csv", "-o", d / "m.json")
    code, out, _ = run_cli(capsys, "attractors", d / "m.json", "--sample", 400, "--seed", 3,
                           "--json")
    data = json.loads(out)
    assert code == 0 and data["samples"] == 400 and data["unresolved"] == 0
    # by hand: +++, -++, +-- and --- go to ++- (basin 5 of 8); --+ -> -+- (basin 3)
    exhaustive = ns.attractors(ns.load(d / "m.json"))
    assert {tuple(a.labels): a.basin for a in exhaustive.attractors} == {
        ("++-",): 5, ("-+-", "+-+"): 3}
    by_label = {tuple(a["states"]): a for a in data["attractors"]}
    assert set(by_label) == {("++-",), ("-+-", "+-+")}
    assert sum(a["count"] for a in by_label.values()) == 400
    lo, hi = by_label[("++-",)]["interval"]
    assert lo < 5 / 8 < hi
    code, out, _ = run_cli(capsys, "attractors", d / "m.json", "--sample", 50)
    assert code == 0 and "50 samples" in out


def test_new_hopfield(tmp_path, capsys):
    (tmp_path / "p.csv").write_text("1,-1,1,-1,1,-1\n1,1,1,-1,-1,-1\n")
    code, out, _ = run_cli(capsys, "new", "hopfield", tmp_path / "p.csv", "--rule",
                           "pseudo-inverse", "-o", tmp_path / "h.json", "--json")
    assert code == 0 and json.loads(out)["patterns"] == 2
    net = ns.load(tmp_path / "h.json")
    assert len(net) == 6 and net.inputs == net.outputs == tuple(f"y{k}" for k in range(1, 7))
    assert ns.is_fixed_point(net, [[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]]).all()
    (tmp_path / "bits.csv").write_text("1,0,1\n0,1,1\n")
    code, _, err = run_cli(capsys, "new", "hopfield", tmp_path / "bits.csv", "-o",
                           tmp_path / "x.json")
    assert code == 2 and "bits.csv: Hopfield patterns must be bipolar" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new", "matrix", "b.csv", "-o", "x.json"], "the weight matrix must be square"),
        (["new", "matrix", "W.csv", "--bias", "W.csv", "-o", "x.json"],
         "W.csv: expected 3 biases (one per neuron), got 9"),
        (["new", "matrix", "missing.csv", "-o", "x.json"], "missing.csv"),
        (["attractors", "m.json", "--max-period", "2"], "--max-period needs --solver"),
        (["attractors", "m.json", "--solver", "--max-period", "0"],
         "must be an integer >= 1, got '0'"),
        (["attractors", "m.json", "--solver", "--dot", "s.dot"], "cannot go with --solver"),
        (["attractors", "m.json", "--solver", "--rule", "sequential"], "parallel rule"),
        (["attractors", "m.json", "--solver", "--sample", "5"], "choose one"),
        (["attractors", "m.json", "--sample", "0"], "must be an integer >= 1, got '0'"),
        (["attractors", "m.json", "--sample", "5", "--dot", "s.dot"], "cannot go with --sample"),
    ],
)
def test_errors_are_one_line(matrix_files, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(matrix_files)
    run_cli(capsys, "new", "matrix", "W.csv", "-o", "m.json")
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
