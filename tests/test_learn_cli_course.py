"""``netsim new boolean`` and ``netsim evaluate``: results, JSON and one-line errors."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from _cli import run_cli

import netsim as ns


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_new_boolean_from_a_full_table(tmp_path, capsys):
    rows = ["x,y,z,f"] + [f"{a},{b},{c},{int(a ^ b ^ c)}"
                          for a, b, c in itertools.product([0, 1], repeat=3)]
    table = write(tmp_path / "parity.csv", "\n".join(rows) + "\n")
    out = tmp_path / "parity.json"
    code, text, err = run_cli(capsys, "new", "boolean", table, "-o", out, "--json")
    assert code == 0, err
    data = json.loads(text)
    assert data["hidden"] == 4 and data["inputs"] == 3 and data["name"] == "parity"
    net = ns.load(out)
    assert net.inputs == ("x", "y", "z") and net.outputs == ("f",)
    x = np.array(list(itertools.product([0, 1], repeat=3)))
    assert net.predict(x).ravel().tolist() == [float(a ^ b ^ c) for a, b, c in x]


def test_new_boolean_several_outputs_without_header(tmp_path, capsys):
    table = write(tmp_path / "adder.csv", "0,1,1,0\n1,0,1,0\n1,1,0,1\n")
    out = tmp_path / "adder.json"
    code, text, err = run_cli(capsys, "new", "boolean", table, "--outputs", "2", "-o", out)
    assert code == 0, err
    assert "3 hidden step neurons" in text and "2 OR outputs" in text
    net = ns.load(out)
    assert net.inputs == ("x1", "x2") and net.outputs == ("y1", "y2")
    assert net.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).tolist() == [
        [0, 0], [1, 0], [1, 0], [0, 1]]


@pytest.mark.parametrize("text, message", [
    ("a,b,y\n0,1,2\n", "t.csv, sample 1, column 'y': 2 is not 0 or 1"),
    ("0,1,1\n0,1,0\n", "t.csv: the truth table lists the input 0 1 twice (rows 1 and 2)"),
    ("", "t.csv: the file is empty"),
])
def test_new_boolean_bad_tables_are_one_line(tmp_path, capsys, text, message):
    table = write(tmp_path / "t.csv", text)
    code, _out, err = run_cli(capsys, "new", "boolean", table, "-o", tmp_path / "n.json")
    assert code == 2 and len(err.splitlines()) == 1
    assert message in err
    assert not (tmp_path / "n.json").exists()


def test_evaluate_classes_text_and_json(tmp_path, capsys):
    net = ns.zoo.xor()
    path = tmp_path / "xor.json"
    ns.save(net, path)
    data = write(tmp_path / "d.csv", "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,1\n")
    code, text, err = run_cli(capsys, "evaluate", path, data)
    assert code == 0, err
    lines = text.splitlines()
    assert lines[0].split() == ["samples", "4"]
    assert lines[1].split() == ["loss", "(mse,", "mean)", "0.125"]
    assert lines[2].split() == ["accuracy", "0.75"]
    assert ["0", "1", "0"] in [ln.split() for ln in lines]  # true 0: 1 right, 0 wrong
    code, text, err = run_cli(capsys, "evaluate", path, data, "--json", "--reduction", "sum")
    result = json.loads(text)
    assert result["loss"] == 0.5 and result["confusion"] == [[1, 0], [1, 2]]
    assert result["precision"] == [0.5, 1.0] and result["recall"] == [1.0, 2 / 3]
    assert result["classes"] == ["0", "1"]


def test_evaluate_regression_and_errors(tmp_path, capsys):
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", bias=0.5)
    net.connect("x", "y", 2.0)
    path = tmp_path / "lin.json"
    ns.save(net, path)
    data = write(tmp_path / "d.csv", "1,0.25\n2,1.5\n")
    code, text, err = run_cli(capsys, "evaluate", path, data, "--json")
    assert code == 0, err
    result = json.loads(text)
    # y = 2.5, 4.5: ½((2.25)² + (3)²) / 2
    assert result["loss"] == pytest.approx(0.5 * (2.25**2 + 9) / 2)
    assert "accuracy" not in result
    bad = write(tmp_path / "bad.csv", "1,2,3\n")
    code, _out, err = run_cli(capsys, "evaluate", path, bad)
    assert code == 2 and len(err.splitlines()) == 1
    assert "2 input and 1 target columns, but network" in err
    code, _out, err = run_cli(capsys, "evaluate", path, data, "--loss", "cross_entropy")
    assert code == 2 and "softmax" in err



AND_CSV = "x1,x2,y\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n"
AND_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
AND_D = [[0], [0], [0], [1]]


@pytest.fixture
def and_files(tmp_path):
    net = tmp_path / "net.json"
    ns.save(ns.mlp("2-2-1", seed=3), net)
    return net, write(tmp_path / "and.csv", AND_CSV), tmp_path / "out.json"


@pytest.mark.parametrize("options, kwargs", [
    (["--reduction", "sum", "--no-shuffle", "--lr", "0.3"],
     {"reduction": "sum", "shuffle": False, "lr": 0.3}),
    (["--optimizer", "nesterov", "--momentum", "0.5"],
     {"optimizer": ns.Nesterov(momentum=0.5)}),
    (["--optimizer", "adagrad"], {"optimizer": "adagrad"}),  # its own default rate, 0.01
    (["--weight-decay", "0.01", "--l1", "0.02", "--multiplicative-decay", "0.001",
      "--decay-biases"],
     {"weight_decay": 0.01, "l1": 0.02, "multiplicative_decay": 0.001, "decay_biases": True}),
    (["--lr-schedule", "step:drop=0.5,every=3"], {"lr": ns.step_decay(0.1, 0.5, 3)}),
    (["--lr-schedule", "adaptive:up=1.2"], {"lr": ns.AdaptiveLR(0.1, up=1.2)}),
])
def test_train_options_are_the_python_arguments(and_files, capsys, options, kwargs):
    net_file, data, out = and_files
    code, _text, err = run_cli(capsys, "train", net_file, data, "-o", out, "--epochs", "20",
                               "--batch-size", "2", *options)
    assert code == 0, err
    net = ns.load(net_file)
    ns.train(net, AND_X, AND_D, epochs=20, batch_size=2, progress=False, **kwargs)
    np.testing.assert_allclose(ns.load(out).get_weights(), net.get_weights(), rtol=1e-12)


def test_train_standardize_saves_a_network_for_raw_inputs(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[50.0, -3.0], scale=[10.0, 0.1], size=(30, 2))
    D = (X[:, :1] - 50) / 10 + (X[:, 1:] + 3) / 0.1
    data = write(tmp_path / "d.csv", "\n".join(
        ",".join(repr(float(v)) for v in row) for row in np.hstack([X, D])) + "\n")
    net_file = tmp_path / "net.json"
    ns.save(ns.mlp("2-1", activation="identity", seed=0), net_file)
    out = tmp_path / "out.json"
    code, _text, err = run_cli(capsys, "train", net_file, data, "-o", out, "--standardize",
                               "--epochs", "200", "--batch-size", "full", "--lr", "0.3")
    assert code == 0, err
    net = ns.load(net_file)
    z, _scaler = ns.standardize(X)
    ns.train(net, z, D, epochs=200, batch_size=None, lr=0.3, progress=False)
    np.testing.assert_allclose(ns.load(out).predict(X), net.predict(z), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ns.load(out).predict(X), D, atol=1e-6)


def test_train_kfold_reports_the_folds(and_files, capsys):
    net_file, _data, out = and_files
    data = write(net_file.parent / "many.csv", "x1,x2,y\n" + "".join(
        f"{a},{b},{a & b}\n" for a, b in itertools.product([0, 1], repeat=2)) * 3)
    code, text, err = run_cli(capsys, "train", net_file, data, "-o", out, "--kfold", "3",
                              "--loss", "binary_cross_entropy", "--lr", "1", "--epochs", "50",
                              "--json")
    assert code == 0, err
    result = json.loads(text)
    assert result["kfold"] == 3 and 0 <= result["cv_val_accuracy"] <= 1
    cv = ns.kfold(ns.load(net_file), np.array(AND_X * 3, dtype=float),
                  np.array(AND_D * 3, dtype=float), k=3, loss="binary_cross_entropy", lr=1.0,
                  epochs=50, batch_size=32, seed=0)
    assert result["cv_val_loss"] == pytest.approx(cv.mean_loss, rel=1e-12)


@pytest.mark.parametrize("options, message", [
    (["--optimizer", "adam", "--momentum", "0.5"], "--momentum is for --optimizer momentum"),
    (["--lr-schedule", "step:drop=0.5,evry=3"], "--lr-schedule step takes drop, every"),
    (["--lr-schedule", "cosine"], "--lr-schedule must be step"),
    (["--kfold", "2", "--validation-split", "0.5"], "either --kfold or --validation-split"),
    (["--multiplicative-decay", "1"], "must be a number in [0, 1)"),
    (["--kfold", "1"], "must be an integer >= 2"),
])
def test_train_option_errors_are_one_line(and_files, capsys, options, message):
    net_file, data, out = and_files
    code, _text, err = run_cli(capsys, "train", net_file, data, "-o", out, *options)
    assert code == 2 and len(err.splitlines()) == 1 and message in err
