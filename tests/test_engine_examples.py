"""Every example in examples/ runs and shows what it claims."""

from __future__ import annotations

import numpy as np
import pytest
from _examples import load_example


def test_xor_truth_table(capsys):
    out = load_example("xor").main()
    assert out.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert "x1 x2 | y" in capsys.readouterr().out


def test_xor_hidden_potentials_are_the_textbook_ones():
    net = load_example("xor").build()
    run = net.run([[0, 0], [0, 1], [1, 0], [1, 1]])
    h1 = run.state[:, net.neurons.index("h1")]
    h2 = run.state[:, net.neurons.index("h2")]
    assert h1.tolist() == [0, 1, 1, 1]  # −1 + 2x1 + 2x2 >= 0: OR
    assert h2.tolist() == [1, 1, 1, 0]  # 3 − 2x1 − 2x2 >= 0: NAND


def test_logic_gates():
    tables = load_example("logic_gates").main()
    assert tables["AND"].tolist() == [0, 0, 0, 1]
    assert tables["OR"].tolist() == [0, 1, 1, 1]
    assert tables["NOT"].tolist() == [1, 0]
    assert tables["NAND"].tolist() == [1, 1, 1, 0]
    assert tables["NOR"].tolist() == [1, 0, 0, 0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_boolean_functions_two_layers(seed):
    checked = load_example("boolean_function").main(seed)
    assert {n for n, _t, _ok in checked} == {3, 4, 5}
    assert all(ok for _n, _t, ok in checked)


def test_boolean_function_build_every_input():
    module = load_example("boolean_function")
    truth = np.array([0, 1, 1, 0, 1, 0, 0, 1])  # parity of 3 variables
    net = module.build(3, truth)
    x = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)])
    assert net.predict(x)[:, 0].tolist() == truth.tolist()
    assert len(net.layers()) == 3


def test_oscillator_parallel_period_two_sequential_fixed_point():
    parallel, sequential = load_example("mutual_inhibition").main()
    assert parallel.period == 2 and not parallel.converged
    assert parallel.trace.tolist() == [[1, 1], [-1, -1], [1, 1]]
    assert sequential.converged and sequential.period == 1
    assert sequential.state.tolist() == [-1, 1]


def test_hopfield_recall():
    patterns, run = load_example("hopfield_recall").main(n=120, n_patterns=4, noise=0.1, seed=3)
    assert np.array_equal(run.output, patterns)
    assert run.converged.all() and (run.period == 1).all()
