"""The dropout and Elman examples run and show what their docs claim."""

from __future__ import annotations

from _examples import load_example


def test_dropout_example_closes_the_gap(tmp_path):
    out = load_example("dropout").main(verbose=False, plot=str(tmp_path / "dropout.png"))
    plain, drop = out["plain"], out["dropout"]
    assert out["plain_gap"] > 0.2  # without dropout the noise is learnt
    assert abs(out["dropout_gap"]) < 0.1
    assert drop.val_loss[-1] < plain.val_loss[-1]
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert out["plot"] is None
    else:
        assert (tmp_path / "dropout.png").stat().st_size > 0


def test_elman_example_learns_the_temporal_xor():
    out = load_example("elman_sequence").main(verbose=False)
    assert out["accuracy"] > 0.98
    assert out["history"].loss[-1] < out["history"].loss[0]
