"""DataFrames, Series and mappings are matched to the neurons by name, never by position."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import netsim as ns

pd = pytest.importorskip("pandas")


@pytest.fixture
def net():
    # y = 2·x1 − x2, z = x2: the inputs are not interchangeable
    net = ns.Network("lin")
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("y")
    net.add_output("z")
    net.connect("x1", "y", 2.0)
    net.connect("x2", "y", -1.0)
    net.connect("x2", "z", 1.0)
    return net


def test_columns_in_another_order_are_reordered(net):
    frame = pd.DataFrame({"x2": [1.0, 0.0], "x1": [0.0, 1.0]})
    # row 0: x1 = 0, x2 = 1 → y = −1, z = 1; row 1: x1 = 1, x2 = 0 → y = 2, z = 0
    assert net.predict(frame).tolist() == [[-1.0, 1.0], [2.0, 0.0]]
    assert net.run(frame).output.tolist() == [[-1.0, 1.0], [2.0, 0.0]]
    assert ns.run(net, frame, rule="parallel").output.tolist() == [[-1.0, 1.0], [2.0, 0.0]]


def test_outputs_as_a_frame_keep_the_index(net):
    frame = pd.DataFrame({"x2": [1.0, 0.0], "x1": [0.0, 1.0]}, index=["a", "b"])
    out = net.predict(frame, as_frame=True)
    assert list(out.columns) == ["y", "z"] and list(out.index) == ["a", "b"]
    assert out.loc["b", "y"] == 2.0
    single = net.predict([1.0, 0.0], as_frame=True)
    assert single.shape == (1, 2) and single.iloc[0].tolist() == [2.0, 0.0]


@pytest.mark.parametrize(("columns", "message"), [
    ({"x1": [1.0]}, "has no column 'x2' for the neuron 'x2'"),
    ({"x1": [1.0], "x2": [0.0], "x3": [5.0]}, "column 'x3' names no neuron"),
])
def test_missing_or_extra_columns_are_errors_naming_them(net, columns, message):
    with pytest.raises(ns.DataError, match=message):
        net.predict(pd.DataFrame(columns))


def test_text_in_a_column_is_an_error(net):
    with pytest.raises(ns.DataError, match="values that are not numbers"):
        net.predict(pd.DataFrame({"x1": ["a"], "x2": [1.0]}))


def test_duplicate_columns_are_an_error(net):
    frame = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["x1", "x2", "x2"])
    with pytest.raises(ns.DataError, match="names 'x2' twice"):
        net.predict(frame)


def test_series_and_mappings(net):
    assert net.predict(pd.Series({"x2": 0.0, "x1": 1.0})).tolist() == [2.0, 0.0]
    assert net.predict({"x2": 0.0, "x1": 1.0}).tolist() == [2.0, 0.0]
    assert net.predict({"x2": [1, 0], "x1": [0, 1]}).tolist() == [[-1.0, 1.0], [2.0, 0.0]]
    with pytest.raises(ns.DataError, match="no entry 'x1'"):
        net.predict(pd.Series({"x2": 0.0}))
    with pytest.raises(ns.DataError, match="same length"):
        net.predict({"x1": [1, 2], "x2": [1]})


def test_unnamed_columns_are_read_by_position(net):
    frame = pd.DataFrame(np.array([[1.0, 0.0]]))    # labels 0, 1: no names to match
    assert net.predict(frame).tolist() == [[2.0, 0.0]]


def test_integer_neuron_ids_match_integer_labels():
    net = ns.Network()
    net.add_input(0)
    net.add_input(1)
    net.add_output(2)
    net.connect(0, 2, 1.0)
    net.connect(1, 2, 10.0)
    assert net.predict(pd.DataFrame({1: [1.0], 0: [2.0]})).tolist() == [[12.0]]


def test_training_data_are_matched_too(net):
    frame = pd.DataFrame({"x2": [1.0, 0.0, 1.0], "x1": [0.0, 1.0, 1.0]})
    targets = pd.DataFrame({"z": [1.0, 0.0, 1.0], "y": [-1.0, 2.0, 1.0]})
    g = ns.gradient(net, frame, targets)
    assert np.allclose(g.vector, 0.0)                  # the network fits the data exactly
    bad = targets.rename(columns={"z": "w"})
    with pytest.raises(ns.DataError, match="targets: the DataFrame has no column 'z'"):
        ns.train(net, frame, bad, epochs=1)


def iris_network() -> ns.Network:
    net = ns.Network("iris")
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    for name in names:
        net.add_input(name)
    for species in ("setosa", "versicolor", "virginica"):
        net.add_output(species, activation="softmax")
    net.connect_many((x, y, 0.1 * k) for k, (x, y) in enumerate(
        (x, y) for x in names for y in ("setosa", "versicolor", "virginica")))
    return net


def test_iris_frame_trains_by_name_in_any_column_order():
    frame = ns.datasets.iris(as_frame=True)
    X = frame.drop(columns="species")
    D = pd.get_dummies(frame["species"]).astype(float)
    by_name, by_position = iris_network(), iris_network()
    ns.train(by_name, X[X.columns[::-1]], D[D.columns[::-1]], loss="cross_entropy",
             epochs=3, seed=0)
    ns.train(by_position, X.to_numpy(), D.to_numpy(), loss="cross_entropy", epochs=3, seed=0)
    assert np.array_equal(by_name.get_weights(), by_position.get_weights())
    out = by_name.predict(X[X.columns[::-1]], as_frame=True)
    assert list(out.columns) == ["setosa", "versicolor", "virginica"]


def test_missing_pandas_names_the_extra(net, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ns.MissingExtraError, match=r"pip install netsim\[pandas\]"):
        net.predict([1.0, 0.0], as_frame=True)


@given(st.permutations(range(4)), st.integers(0, 2**32 - 1))
def test_any_column_order_gives_the_answer_of_the_input_order(order, seed):
    net = ns.mlp("4-3-2", activation="tanh", seed=seed % 1000)
    X = np.random.default_rng(seed).normal(size=(5, 4))
    frame = pd.DataFrame(X, columns=list(net.inputs))
    shuffled = frame[[net.inputs[k] for k in order]]
    np.testing.assert_array_equal(net.predict(shuffled), net.predict(X))
    for k in range(5):  # one row at a time, as a Series: the same numbers
        np.testing.assert_array_equal(net.predict(shuffled.iloc[k]), net.predict(X[k]))
