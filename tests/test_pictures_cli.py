"""``netsim view`` and class names as output labels after ``netsim train``."""

from __future__ import annotations

import json
import pathlib
import re

import pytest
from _cli import run_cli

import netsim as ns

IRIS = pathlib.Path(__file__).resolve().parent.parent / "examples" / "iris.csv"


@pytest.fixture
def xor_file(tmp_path):
    path = tmp_path / "xor.json"
    ns.save(ns.zoo.xor(), path)
    return path


def test_view_writes_the_page_of_the_run(tmp_path, xor_file, capsys):
    out = tmp_path / "run.html"
    code, text, err = run_cli(capsys, "view", xor_file, "--input", "1", "0", "-o", out)
    assert code == 0 and err == ""
    assert text == f"wrote {out} (2 steps, rule layered)\n"
    page = out.read_text("utf-8")
    data = json.loads(re.search(r'<script id="netsim-data" type="application/json">(.*?)'
                                r"</script>", page, re.S)[1])
    assert data["trace"] == ns.zoo.xor().run([1, 0], record=True).trace.tolist()


def test_view_from_a_starting_state(tmp_path, capsys):
    """A network without inputs, started on its 2-cycle: the page holds that run."""
    osc = tmp_path / "osc.json"
    ns.save(ns.zoo.build("mutual-inhibition"), osc)
    out = tmp_path / "osc.html"
    code, text, err = run_cli(capsys, "view", osc, "--state", "1", "1", "-o", out)
    assert code == 0 and err == "" and "rule parallel" in text
    data = json.loads(re.search(r'<script id="netsim-data" type="application/json">(.*?)'
                                r"</script>", out.read_text("utf-8"), re.S)[1])
    assert data["trace"] == [[1, 1], [-1, -1], [1, 1]]
    code, _, err = run_cli(capsys, "view", osc, "--state", "1", "-o", out)
    assert code == 2 and err == "netsim: error: --state needs 2 values (one per neuron, in "\
        "neuron order), got 1\n"


def test_view_of_a_csv_row_with_options(tmp_path, capsys):
    net = ns.hopfield([[1, -1, 1, -1]], ids=["a", "b", "c", "d"])
    path = tmp_path / "h.json"
    ns.save(net, path)
    probes = tmp_path / "p.csv"
    probes.write_text("1,1,1,-1\n-1,-1,1,-1\n")
    out = tmp_path / "h.html"
    code, _text, err = run_cli(capsys, "view", path, "--inputs", probes, "--sample", "1",
                               "--rule", "sequential", "--layout", "grid", "--title", "<t>",
                               "-o", out)
    assert code == 0, err
    page = out.read_text("utf-8")
    assert "<title>&lt;t&gt;</title>" in page
    run = net.run([-1, -1, 1, -1], rule="sequential", record=True)
    data = json.loads(re.search(r'application/json">(.*?)</script>', page, re.S)[1])
    assert data["trace"] == run.trace.tolist()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give the 2 input value(s) with --input"),
        (["--input", "1", "0", "--order", "random"], "applies to the sequential rule only"),
        (["--input", "1", "0", "--sample", "2"], "--sample picks a row of --inputs"),
        (["--input", "1", "0", "--interval", "0"], "--interval: must be a number in (0, 60]"),
        (["--input", "1"], "input"),
    ],
)
def test_view_errors_are_one_line(tmp_path, xor_file, capsys, args, message):
    code, _out, err = run_cli(capsys, "view", xor_file, *args, "-o", tmp_path / "x.html")
    assert code == 2 and err.count("\n") == 1 and message in err, err


def test_train_with_classes_labels_the_outputs(tmp_path, capsys):
    start = tmp_path / "iris0.json"
    ns.save(ns.mlp("4-5-3", output_activation="softmax", seed=0), start)
    trained = tmp_path / "iris.json"
    code, out, err = run_cli(capsys, "train", start, IRIS, "--classes", "species",
                             "--loss", "cross_entropy", "--epochs", "3", "-o", trained)
    assert code == 0, err
    assert "labels         y1: setosa, y2: versicolor, y3: virginica" in out
    net = ns.load(trained)
    assert [net.neuron(o).label for o in net.outputs] == ["setosa", "versicolor", "virginica"]
    code, out, _ = run_cli(capsys, "run", trained, "--input", "5.1", "3.5", "1.4", "0.2")
    assert re.search(r"output     y1 \(setosa\)=\S+  y2 \(versicolor\)=\S+  "
                     r"y3 \(virginica\)=\S+", out)
    code, out, _ = run_cli(capsys, "info", trained)
    assert "labels       y1: setosa, y2: versicolor, y3: virginica" in out
    assert '<b>setosa</b> <font point-size="9">y1</font>' in net.to_dot().source
    code, out, _ = run_cli(capsys, "train", start, IRIS, "--classes", "species", "--loss",
                           "cross_entropy", "--epochs", "1", "--json", "-o", trained)
    assert json.loads(out)["labels"] == {"y1": "setosa", "y2": "versicolor", "y3": "virginica"}


def test_train_on_named_target_columns_labels_only_renamed_outputs(tmp_path, capsys):
    start = tmp_path / "n.json"
    ns.save(ns.mlp("2-1", seed=0), start)
    data = tmp_path / "d.csv"
    data.write_text("spam,a,b\n1,0,0\n0,1,1\n")
    code, _out, err = run_cli(capsys, "train", start, data, "-o", tmp_path / "o.json",
                              "--targets", "spam", "--epochs", "2")
    assert code == 0, err
    assert ns.load(tmp_path / "o.json").neuron("y1").label == "spam"


def test_render_layout_option(tmp_path, capsys):
    path = tmp_path / "h.json"
    ns.save(ns.hopfield([[1, -1, 1, -1, 1]]), path)
    code, _out, err = run_cli(capsys, "render", path, "-o", tmp_path / "h.dot",
                              "--layout", "grid")
    assert code == 0, err
    assert 'pos="0.000,0.000!"' in (tmp_path / "h.dot").read_text("utf-8")


def test_render_trace_as_gif(tmp_path, xor_file, capsys):
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot")
    pytest.importorskip("PIL")
    out = tmp_path / "xor.gif"
    code, text, err = run_cli(capsys, "render", xor_file, "--input", "1", "0", "--trace",
                              "-o", out)
    assert code == 0, err
    assert text == f"wrote {out} (3 frames)\n" and out.read_bytes().startswith(b"GIF89a")
    code, _text, err = run_cli(capsys, "render", xor_file, "-o", out)
    assert code == 2 and "add --input ... --trace" in err


def test_view_of_the_attractors(tmp_path, capsys):
    net = ns.Network(name="pair")
    net.add_neuron("a", activation="sign")
    net.add_neuron("b", activation="sign")
    net.connect("a", "b", 1.0)
    net.connect("b", "a", 1.0)
    path = tmp_path / "pair.json"
    ns.save(net, path)
    out = tmp_path / "basins.html"
    code, text, err = run_cli(capsys, "view", path, "--attractors", "-o", out)
    assert code == 0, err
    assert text == f"wrote {out} (4 states, 3 attractors)\n"
    assert out.read_text("utf-8").count("<tr data-attractor=") == 3
    code, _text, err = run_cli(capsys, "view", path, "--attractors", "--rule", "layered",
                               "-o", out)
    assert code == 2 and "parallel or sequential" in err
