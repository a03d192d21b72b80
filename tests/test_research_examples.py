"""The threshold-network research example runs and shows what its docstring promises."""

from __future__ import annotations

import pytest
from _examples import load_example

pytest.importorskip("ortools")


def test_threshold_networks(tmp_path, capsys):
    target = tmp_path / "derrida.png"
    # the claims at the smallest sizes that still show them clearly (the full sizes are
    # the example's defaults)
    out = load_example("threshold_networks").main(
        ["--plot", str(target), "--derrida-n", "200", "--pairs", "100", "--distances", "1",
         "--members", "10"])
    assert out["periods"] == [3, 3] and out["confirmed"] == [True, True]
    delta = out["delta"]
    assert delta[1.0] < 0.8 and delta[1.5] < 1 < delta[2.5] and delta[3.0] > 1.2
    assert out["ensemble"]["n_attractors"]["count"] == 10
    text = capsys.readouterr().out
    assert "annealed 1.048" in text and "the engine confirms 2 of 2 attractors" in text
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "matplotlib is not installed" in text
    else:
        assert target.exists()
