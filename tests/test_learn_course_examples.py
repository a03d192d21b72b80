"""The course examples: model selection on Iris and the Boolean construction's table."""

from __future__ import annotations

import numpy as np
from _examples import load_example


def test_model_selection_example(capsys):
    result = load_example("model_selection").main(seed=0)
    out = capsys.readouterr().out
    assert "split: 90 train, 30 validation, 30 test (per species in test: [10, 10, 10])" in out
    test = result["test"]
    assert test.accuracy == 1.0 and test.scores.confusion.trace() == 30
    cv = result["cv"]
    assert len(cv.folds) == 5 and 0.9 <= cv.mean_accuracy <= 1.0
    assert sorted(np.concatenate(cv.folds).tolist()) == list(range(150))
    assert len(result["ensemble"]) == 5 and result["bagged"].accuracy >= 0.9


def test_boolean_example_prints_the_construction(capsys):
    load_example("boolean_function").main(seed=0)
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["hidden", "neuron", "weights", "x1", "x2", "x3", "bias"]
    assert out[1].split() == ["h_011", "-1", "+1", "+1", "-2"]
    assert out[4].split() == ["h_111", "+1", "+1", "+1", "-3"]
    rows = {tuple(line.split("|")[0].split()): line.split("|")[2].strip()
            for line in out[6:14]}
    assert rows == {(a, b, c): str(int(int(a) + int(b) + int(c) >= 2))
                    for a in "01" for b in "01" for c in "01"}
