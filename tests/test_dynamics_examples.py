"""The dynamics examples run and show what their docstrings promise."""

from __future__ import annotations

import pytest
from _examples import load_example


def test_hopfield_letters(capsys):
    out = load_example("hopfield_letters").main(["--noise", "0.2", "--seed", "0"])
    assert out["pseudo-inverse"]["recalled"] == [True, True, True, True]
    assert out["final_overlaps"] == [1.0, 1.0, 1.0, 1.0]
    text = capsys.readouterr().out
    assert "..###.." in text and "sweep 1" in text


def test_hopfield_letters_plot_without_or_with_matplotlib(tmp_path, capsys):
    target = tmp_path / "recall.png"
    load_example("hopfield_letters").main(["--plot", str(target)])
    text = capsys.readouterr().out
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "matplotlib is not installed" in text
    else:
        assert target.exists()


def test_oscillator(tmp_path, capsys):
    out = load_example("oscillator").main(["--dot", str(tmp_path)])
    assert out["inhibition/parallel"] == [(["--", "++"], 2), (["-+"], 1), (["+-"], 1)]
    assert out["inhibition/sequential"] == [(["-+"], 1), (["+-"], 1)]
    assert out["excite-inhibit/parallel"] == [(["--", "+-", "++", "-+"], 4)]
    assert (tmp_path / "inhibition-parallel.dot").read_text().startswith("digraph")
    assert "state graph:" in capsys.readouterr().out


@pytest.mark.parametrize("rule", ["parallel", "sequential"])
def test_threshold_circuit(rule, capsys):
    rows = {(r["s"], r["r"], r["rule"]): r["attractors"]
            for r in load_example("threshold_circuit").main()}
    assert rows[(1, 0, rule)] == [(["10"], 1, 4)]
    assert rows[(0, 1, rule)] == [(["01"], 1, 4)]
    hold = rows[(0, 0, rule)]
    assert (["01"], 1, 1) in hold and (["10"], 1, 1) in hold
    assert ((["00", "11"], 2, 2) in hold) == (rule == "parallel")
