"""The learning examples in ``examples/`` run and reach what their docs claim."""

from __future__ import annotations

import numpy as np
import pytest
from _examples import load_example


def test_xor_backprop():
    out = load_example("xor_backprop").main(verbose=False)
    np.testing.assert_array_equal(out["outputs"] > 0.5, [False, True, True, False])
    assert out["history"].loss[-1] < 0.01


def test_sine_fit_and_optional_plot(tmp_path):
    out = load_example("sine").main(verbose=False, plot=str(tmp_path / "sine.png"))
    assert out["max_error"] < 0.05
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert out["plot"] is None
    else:
        assert (tmp_path / "sine.png").stat().st_size > 0


def test_iris_csv_is_the_classic_data():
    x, d = load_example("iris").load_iris()
    assert x.shape == (150, 4) and d.shape == (150, 3)
    np.testing.assert_array_equal(d.sum(axis=0), [50, 50, 50])
    # Fisher's data (as in R's `iris`): column sums and rows 35 and 38
    np.testing.assert_allclose(x.sum(axis=0), [876.5, 458.6, 563.7, 179.9])
    np.testing.assert_allclose(x[34], [4.9, 3.1, 1.5, 0.2])
    np.testing.assert_allclose(x[37], [4.9, 3.6, 1.4, 0.1])


def test_iris_reaches_95_percent_test_accuracy():
    out = load_example("iris").main(verbose=False)
    assert out["test_accuracy"] >= 0.95


def test_shortcut_network_learns_xor_with_one_hidden_neuron():
    module = load_example("shortcut")
    out = module.main(verbose=False)
    net = out["net"]
    assert len(net.hidden) == 1 and net.has_connection("x1", "y")
    np.testing.assert_array_equal(out["outputs"] > 0.5, [False, True, True, False])


def test_perceptron_example():
    out = load_example("perceptron").main(verbose=False)
    assert out["result"].converged
    np.testing.assert_array_equal(out["predicted"], out["targets"])
    assert not out["xor"].converged


@pytest.mark.parametrize("name", ["xor_backprop", "shortcut", "perceptron"])
def test_examples_run_as_scripts(name, capsys):
    load_example(name).main()
    assert capsys.readouterr().out
