"""``netsim render``: exit codes, outputs, and one-line errors."""

from __future__ import annotations

import shutil

import pytest
from _cli import run_cli

import netsim as ns
from netsim.cli import main
from netsim.zoo import xor

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' missing")


@pytest.fixture
def xor_file(tmp_path):
    path = tmp_path / "xor.json"
    ns.save(xor(), path)
    return path


@needs_dot
def test_render_svg(xor_file, tmp_path, capsys):
    status, out, err = run_cli(capsys, "render", xor_file, "-o", tmp_path / "x.svg")
    assert (status, err) == (0, "")
    assert out == f"wrote {tmp_path / 'x.svg'}\n"
    assert (tmp_path / "x.svg").read_text("utf-8").lstrip().startswith("<?xml")


def test_render_dot_with_options(xor_file, tmp_path, capsys):
    target = tmp_path / "x.dot"
    argv = ["render", xor_file, "-o", target, "--direction", "tb", "--no-weights",
            "--clusters", "--min-weight", "1.5", "--no-legend"]
    assert run_cli(capsys, *argv)[0] == 0
    expected = xor().to_dot(direction="TB", weights=False, clusters=True, min_weight=1.5,
                            legend=False).source
    assert target.read_text("utf-8") == expected


def test_render_state_overlay_from_input(xor_file, tmp_path, capsys):
    target = tmp_path / "x.dot"
    assert run_cli(capsys, "render", xor_file, "-o", target, "--input", "1", "0")[0] == 0
    net = xor()
    assert target.read_text("utf-8") == net.to_dot(state=net.run([1, 0])).source
    argv = ["render", xor_file, "-o", target, "--input", "1", "0", "--rule", "parallel",
            "--steps", "1"]
    assert run_cli(capsys, *argv)[0] == 0
    assert target.read_text("utf-8") == net.to_dot(
        state=net.run([1, 0], rule="parallel", steps=1)).source


def test_render_trace_frames(xor_file, tmp_path, capsys):
    argv = ["render", xor_file, "-o", tmp_path / "f", "--input", "1", "1", "--rule",
            "parallel", "--steps", "2", "--trace", "--format", "dot"]
    status, out, _ = run_cli(capsys, *argv)
    assert status == 0 and out.startswith("wrote 3 frames:")
    assert sorted(p.name for p in tmp_path.glob("f_*.dot")) == ["f_0.dot", "f_1.dot", "f_2.dot"]


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [(["-o", "x.jpg"], "'.jpg' is not one of svg, png, pdf, dot"),
     (["-o", "x.svg", "--direction", "up"], "argument --direction: must be 'LR' or 'TB'"),
     (["-o", "x.dot", "--trace"], "--trace needs --input"),
     (["-o", "x.dot", "--input", "1"], "input"),
     (["-o", "x.dot", "--input", "one"], "invalid float value"),
     (["-o", "x.dot", "--min-weight", "-1"], "--min-weight: must be a finite number >= 0"),
     (["-o", "x.dot", "--max-layer-width", "2"], "max_layer_width"),
     ([], "-o/--output")],
)
def test_bad_arguments_exit_2_with_one_line(xor_file, tmp_path, capsys, monkeypatch, extra,
                                            fragment):
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli(capsys, "render", xor_file, *extra)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and fragment in err


def test_missing_network_file(tmp_path, capsys):
    status, _, err = run_cli(capsys, "render", tmp_path / "nope.json", "-o", tmp_path / "x.svg")
    assert status == 2 and err.count("\n") == 1 and "nope.json" in err


def test_missing_dot_exit_2_and_dot_text_written(xor_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "")
    status, out, err = run_cli(capsys, "render", xor_file, "-o", tmp_path / "x.svg")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "apt-get install graphviz" in err
    assert (tmp_path / "x.dot").read_text("utf-8") == xor().to_dot().source


def test_help_lists_render(capsys):
    with pytest.raises(SystemExit) as info:
        main(["render", "--help"])
    assert info.value.code == 0
    assert "--direction" in capsys.readouterr().out


def test_render_sequential_random_order(tmp_path, capsys):
    from _diagram_cases import hopfield

    path = tmp_path / "hop.json"
    net = hopfield()
    ns.save(net, path)
    target = tmp_path / "h.dot"
    argv = ["render", path, "-o", target, "--input", "1", "1", "1", "-1", "--rule",
            "sequential", "--order", "random", "--seed", "3", "--steps", "2"]
    assert run_cli(capsys, *argv)[0] == 0
    run = net.run([1, 1, 1, -1], rule="sequential", order="random", seed=3, steps=2)
    assert target.read_text("utf-8") == net.to_dot(state=run).source
