"""Common command-line mistakes: one stderr line, exit status 2, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import netsim as ns
from netsim.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ns.save(ns.zoo.xor(), "xor.json")
    ns.save(ns.mlp("2-2-1", seed=0), "net.json")
    Path("data.csv").write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    Path("bad.csv").write_text("x1,x2\n0,0\n1,zz\n", encoding="utf-8")
    return tmp_path


def one_error(capsys, *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (argv, out)
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["new", "mlp", "2-2-1", "-o", "net.txt"], "-o net.txt: a network file is JSON"),
        (["new", "mlp", "2-2-1", "-o", "nodir/a.json"], "the directory 'nodir' does not exist"),
        (["new", "mlp", "2-2-1", "--activation", "sigmod", "-o", "a.json"],
         "--activation: unknown activation 'sigmod' (did you mean 'sigmoid'?)"),
        (["new", "mlp", "2-2-1", "--output-activation", "softmx", "-o", "a.json"],
         "--output-activation: unknown activation 'softmx' (did you mean 'softmax'?)"),
        (["train", "net.json", "data.csv", "-o", "t.txt"], "a network file is JSON"),
        (["train", "net.json", "data.csv", "-o", "nodir/t.json"],
         "-o nodir/t.json: the directory 'nodir' does not exist"),
        (["render", "xor.json", "-o", "nodir/x.svg"], "the directory 'nodir' does not exist"),
        (["attractors", "xor.json", "--dot", "nodir/g.dot"],
         "--dot nodir/g.dot: the directory 'nodir' does not exist"),
        (["attractors", "xor.json", "--max-rows", "-1"], "must be an integer >= 0"),
        (["train", "data.csv", "net.json", "-o", "t.json"],
         "data.csv: line 1, column 2: malformed JSON: Extra data (a network file, in JSON, "
         "is expected here)"),
        (["run", "xor.json", "--input", "1", "0", "--sample", "3"],
         "--sample picks the row of --inputs whose --trace is shown"),
        (["demo", "--epochs", "0"], "netsim demo: error: argument --epochs: must be an integer"),
        (["run", "xor.json", "--inputs", "bad.csv"], "bad.csv, line 3, column 2 (x2): 'zz'"),
        (["run", "xor.json", "--inputs", "data.csv", "extra.csv"],
         "netsim run: error: unrecognized arguments: extra.csv (see 'netsim run --help')"),
        (["new", "mlp", "2-2-1", "-o", "a.json", "b.json"],
         "netsim new mlp: error: unrecognized arguments: b.json"),
        (["run", "xor.json", "--input", "1", "0", "--order", "random"],
         "--order random applies to the sequential rule only; add --rule sequential"),
        (["render", "xor.json", "-o", "x.dot", "--input", "1", "0", "--order", "random"],
         "applies to the sequential rule only"),
    ],
)
def test_mistakes_name_what_and_where(files, capsys, argv, fragment):
    err = one_error(capsys, *argv)
    assert fragment in err
    assert sorted(p.name for p in files.iterdir()) == [
        "bad.csv", "data.csv", "net.json", "xor.json"]


def test_a_missing_file_is_named_first(files, capsys):
    for missing, argv in (("nope.json", ["info", "nope.json"]),
                          ("nope.csv", ["run", "xor.json", "--inputs", "nope.csv"]),
                          ("nope.csv", ["train", "net.json", "nope.csv", "-o", "t.json"])):
        err = one_error(capsys, *argv)
        assert err == f"netsim: error: {missing}: No such file or directory\n", err


def test_render_trace_into_a_new_directory(files, capsys):
    assert main(["render", "xor.json", "-o", "frames/", "--format", "dot",
                 "--input", "1", "0", "--trace"]) == 0
    assert sorted(p.name for p in (files / "frames").iterdir()) == [
        "frame_0.dot", "frame_1.dot", "frame_2.dot"]


def test_train_reports_the_saved_weights(files, capsys):
    assert main(["train", "net.json", "data.csv", "-o", "t.json", "--epochs", "3"]) == 0
    out = capsys.readouterr().out
    assert "stopped early  no" in out and "saved epoch    3" in out
    # with early stopping the saved weights are the best epoch's, and so are the figures
    assert main(["train", "net.json", "data.csv", "-o", "t.json", "--epochs", "40",
                 "--lr", "50", "--early-stopping", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["saved_epoch"] == data["best_epoch"]


def test_every_help_is_plain_text(capsys):
    parser = build_parser()
    subs = parser._subparsers._group_actions[0].choices
    for name, sub in subs.items():
        text = sub.format_help()
        assert "``" not in text and "%" not in text, name
        for action in sub._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"netsim {name} {action.option_strings[0]} has no help"


def test_a_closed_pipe_is_not_an_error(tmp_path):
    # a reader that stops early (``netsim ... | head -1``) gets no error line
    code = (
        "import sys, netsim.cli as c\n"
        "class Closed:\n"
        "    def write(self, s): raise BrokenPipeError(32, 'Broken pipe')\n"
        "    def flush(self): pass\n"
        "    def fileno(self): return sys.__stdout__.fileno()\n"
        "sys.stdout = Closed()\n"
        "sys.exit(c.main(['demo', '--epochs', '1']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and done.stderr == ""
