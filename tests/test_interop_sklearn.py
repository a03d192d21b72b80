"""netsim.sklearn: estimators that pass scikit-learn's own checks and work in its tools."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import netsim as ns

pytest.importorskip("sklearn")
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from netsim.sklearn import NetsimClassifier, NetsimRegressor


@parametrize_with_checks([NetsimClassifier(), NetsimRegressor()])
def test_check_estimator(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def iris():
    data = ns.datasets.iris()
    labels = np.array(data.target_names)[data.targets.argmax(axis=1)]
    return data.inputs, labels


def test_pipeline_and_cross_validation(iris):
    X, y = iris
    model = make_pipeline(StandardScaler(), NetsimClassifier((8,), epochs=60))
    scores = cross_val_score(model, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.85


def test_grid_search_picks_among_netsim_parameters(iris):
    X, y = iris
    search = GridSearchCV(
        make_pipeline(StandardScaler(), NetsimClassifier(epochs=30)),
        {"netsimclassifier__hidden_layer_sizes": [(2,), (8,)],
         "netsimclassifier__lr": [0.001, 0.02]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["netsimclassifier__lr"] == 0.02
    assert search.best_score_ > 0.85
    best = search.best_estimator_[-1]
    assert isinstance(best.network_, ns.Network)


def test_fitted_network_is_the_model(iris):
    X, y = iris
    clf = NetsimClassifier((5,), epochs=20).fit(X, y)
    net = clf.network_
    assert [len(layer) for layer in net.layers()] == [4, 5, 3]
    assert net.neuron("y1").activation == "softmax"
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    np.testing.assert_array_equal(clf.predict_proba(X), net.predict(X))
    assert clf.n_iter_ == 20 == len(clf.loss_curve_) == clf.history_.epochs
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_same_seed_same_network_other_seed_other_network(iris):
    X, y = iris
    a = NetsimClassifier((4,), epochs=5).fit(X, y).network_.get_weights()
    b = NetsimClassifier((4,), epochs=5).fit(X, y).network_.get_weights()
    c = NetsimClassifier((4,), epochs=5, random_state=1).fit(X, y).network_.get_weights()
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    d = NetsimClassifier((4,), epochs=5, random_state=np.random.RandomState(0)).fit(X, y)
    assert d.network_.get_weights().shape == a.shape


def test_regressor_learns_a_line_exactly_enough():
    # no hidden layer, identity output: the network is y = w·x + b; the data y = 2x − 1
    X = np.linspace(-1, 1, 21)[:, None]
    reg = NetsimRegressor((), lr=0.05, epochs=400, batch_size=None).fit(X, 2 * X.ravel() - 1)
    assert reg.network_.weight("x1", "y1") == pytest.approx(2.0, abs=1e-6)
    assert reg.network_.neuron("y1").bias == pytest.approx(-1.0, abs=1e-6)
    assert reg.predict([[0.5]]) == pytest.approx([0.0], abs=1e-6)


def test_regressor_with_two_targets():
    X = np.random.default_rng(0).uniform(-1, 1, size=(60, 2))
    Y = np.column_stack([X.sum(axis=1), X[:, 0] - X[:, 1]])
    reg = NetsimRegressor((), lr=0.05, epochs=300).fit(X, Y)
    assert reg.predict(X).shape == (60, 2) and reg.score(X, Y) > 0.99


def test_pickle_keeps_the_predictions(iris):
    X, y = iris
    clf = NetsimClassifier((3,), epochs=5).fit(X, y)
    state = clf.__getstate__()
    assert isinstance(state["network_"], dict) and state["network_"]["format"] == "netsim-network"
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    assert again.network_ == clf.network_


def test_dataframe_features_are_remembered():
    pd = pytest.importorskip("pandas")
    frame = ns.datasets.iris(as_frame=True)
    X, y = frame.drop(columns="species"), frame["species"]
    clf = NetsimClassifier((3,), epochs=5).fit(X, y)
    assert list(clf.feature_names_in_) == list(X.columns)
    assert clf.network_.inputs == tuple(X.columns)   # the input neurons take the names
    reordered = X[list(reversed(X.columns))]
    np.testing.assert_array_equal(clf.network_.predict(reordered), clf.predict_proba(X))
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(X[list(reversed(X.columns))])
    assert isinstance(clf.predict(pd.DataFrame(X)), np.ndarray)


def test_clone_and_parameters():
    clf = NetsimClassifier((4, 3), activation="relu", lr=0.05)
    params = clone(clf).get_params()
    assert params["hidden_layer_sizes"] == (4, 3) and params["activation"] == "relu"
    assert params["random_state"] == 0


def test_bad_parameters_are_clear_errors(iris):
    X, y = iris
    with pytest.raises(ns.ParameterError, match="hidden_layer_sizes"):
        NetsimClassifier(hidden_layer_sizes="big").fit(X, y)
    with pytest.raises(ns.UnknownFunctionError, match="tanhh"):
        NetsimClassifier(activation="tanhh").fit(X, y)
    with pytest.raises(ns.ParameterError, match="epochs"):
        NetsimClassifier(epochs=0).fit(X, y)


def test_early_stopping_on_a_held_out_split(iris):
    X, y = iris
    clf = NetsimClassifier((4,), epochs=500, lr=0.05, early_stopping=5,
                           validation_split=0.2).fit(X, y)
    assert clf.history_.val_loss and clf.n_iter_ == clf.history_.epochs
    assert clf.history_.stopped_early and clf.n_iter_ < 500
