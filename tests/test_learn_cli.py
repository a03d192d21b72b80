"""``netsim train``: training from a CSV, and one clear line for each bad CSV."""

from __future__ import annotations

import json
import pathlib
import re

import numpy as np
import pytest
from _cli import run_cli

import netsim as ns

XOR = "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"


@pytest.fixture
def net_file(tmp_path):
    path = tmp_path / "net.json"
    ns.save(ns.mlp("2-2-1", seed=3), path)
    return path


def test_train_xor_from_csv(tmp_path, net_file, capsys):
    data = tmp_path / "xor.csv"
    data.write_text(XOR)
    out_file = tmp_path / "trained.json"
    status, out, err = run_cli(capsys, "train", net_file, data, "-o", out_file, "--lr", "2",
                           "--epochs", "3000", "--batch-size", "full", "--json")
    assert status == 0, err
    result = json.loads(out)
    assert result["epochs"] == 3000 and result["loss"] < 0.01
    trained = ns.load(out_file)
    y = trained.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel()
    np.testing.assert_array_equal(y > 0.5, [False, True, True, False])
    # same as the Python API with the same settings
    net = ns.load(net_file)
    ns.train(net, [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], lr=2.0, epochs=3000,
             batch_size=None, progress=False)
    np.testing.assert_allclose(trained.get_weights(), net.get_weights())


def test_train_text_output_and_options(tmp_path, net_file, capsys):
    data = tmp_path / "d.csv"
    rows = np.random.default_rng(0).uniform(size=(20, 3)).round(3)
    data.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")  # no header
    out_file = tmp_path / "t.json"
    status, out, err = run_cli(capsys, "train", net_file, data, "-o", out_file, "--targets", "1",
                           "--optimizer", "adam", "--lr", "0.01", "--epochs", "5",
                           "--validation-split", "0.25", "--seed", "2", "--loss",
                           "binary_cross_entropy", "--no-progress")
    assert status == 0, err
    assert "val loss" in out and "accuracy" in out and err == ""
    assert out_file.exists()


def test_targets_by_name(tmp_path, capsys):
    net_file = tmp_path / "n.json"
    ns.save(ns.mlp("2-1", seed=0), net_file)
    data = tmp_path / "d.csv"
    data.write_text("y,a,b\n1,0,0\n0,1,1\n")
    status, _out, err = run_cli(capsys, "train", net_file, data, "-o", tmp_path / "o.json",
                            "--targets", "y", "--epochs", "2")
    assert status == 0, err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", r"d\.csv: the file is empty"),
        ("x1,x2,y\n", r"d\.csv: the file has a header line but no samples"),
        ("0,0,0\n0,1\n", r"d\.csv, line 2: 2 columns, expected 3"),
        ("x1,x2,y\n0,0,0\n0,abc,1\n", r"d\.csv, line 3, column 2 \(x2\): 'abc' is not a number"),
        ("0,0,0\n1,1,nan\n", r"d\.csv, line 2, column 3: 'nan' is not a finite number"),
        ("0,0,0,1\n1,1,1,0\n", r"d\.csv: 3 input and 1 target columns, but network"),
    ],
)
def test_bad_csv_is_one_line_with_status_2(tmp_path, net_file, capsys, content, message):
    data = tmp_path / "d.csv"
    data.write_text(content)
    out_file = tmp_path / "o.json"
    status, out, err = run_cli(capsys, "train", net_file, data, "-o", out_file)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("netsim: error: ")
    assert re.search(message, err), err
    assert not out_file.exists()


def test_bad_targets_and_options(tmp_path, net_file, capsys):
    data = tmp_path / "d.csv"
    data.write_text(XOR)
    for extra, message in [
        (["--targets", "z"], "no column named 'z'"),
        (["--targets", "3"], "cannot take the last 3 of 3 columns"),
        (["--batch-size", "0"], "an integer >= 1 or 'full'"),
        (["--lr", "-1"], "must be a number > 0"),
        (["--loss", "cross_entropy"], "softmax"),
    ]:
        status, _out, err = run_cli(capsys, "train", net_file, data, "-o", tmp_path / "o.json",
                                *extra)
        assert status == 2 and err.count("\n") == 1 and message in err, err
    status, _out, err = run_cli(capsys, "train", net_file, tmp_path / "missing.csv", "-o",
                            tmp_path / "o.json")
    assert status == 2 and "missing.csv" in err and err.count("\n") == 1


def test_train_on_class_labels(tmp_path, capsys):
    net_file = tmp_path / "iris.json"
    ns.save(ns.mlp("4-6-3", activation="tanh", output_activation="softmax", seed=1),
            net_file)
    iris = pathlib.Path(__file__).resolve().parent.parent / "examples" / "iris.csv"
    status, out, err = run_cli(capsys, "train", net_file, iris, "--classes", "species",
                           "--loss", "cross_entropy", "--optimizer", "adam", "--lr", "0.02",
                           "--epochs", "60", "--batch-size", "16", "--json", "-o",
                           tmp_path / "trained.json")
    assert status == 0, err
    assert json.loads(out)["accuracy"] > 0.9
    samples = ns.read_samples(iris, classes="species")
    assert samples.target_names == ["setosa", "versicolor", "virginica"]
    assert samples.inputs.shape == (150, 4) and samples.targets.sum(axis=0).tolist() == [50] * 3


def test_class_label_errors(tmp_path, capsys):
    net_file = tmp_path / "n.json"
    ns.save(ns.mlp("2-2", output_activation="softmax", seed=0), net_file)
    data = tmp_path / "d.csv"
    data.write_text("a,b,kind\n1,2,x\n3,4,y\n")
    for extra, message in [
        (["--classes", "sort"], "no column named 'sort' for the classes"),
        (["--classes", "kind", "--targets", "1"], "either --targets or --classes"),
    ]:
        status, _out, err = run_cli(capsys, "train", net_file, data, "-o", tmp_path / "o.json",
                                *extra)
        assert status == 2 and err.count("\n") == 1 and message in err, err
    data.write_text("a,b,kind\n1,2,x\n3,4,x\n")
    status, _out, err = run_cli(capsys, "train", net_file, data, "-o", tmp_path / "o.json",
                            "--classes", "kind")
    assert status == 2 and "only one class ('x')" in err
