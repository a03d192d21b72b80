"""scikit-learn estimators backed by a netsim multilayer perceptron.

:class:`NetsimClassifier` and :class:`NetsimRegressor` follow the scikit-learn
estimator contract (they pass ``sklearn.utils.estimator_checks.check_estimator``):
``get_params``/``set_params``, ``fit`` returning the estimator, input validation,
``n_features_in_`` and ``feature_names_in_``, cloning, pickling, Pipelines,
``cross_val_score`` and ``GridSearchCV``. ``fit`` builds a :func:`netsim.mlp` and
trains it with :func:`netsim.train`; the fitted network is ``.network_`` (save it
with :func:`netsim.save`, draw it, run it under any rule) and the training history
``.history_``.

Training is seeded by ``random_state`` (default 0, as :func:`netsim.train` is): the
same data and parameters give the same network. Inputs are used as given; put a
``StandardScaler`` in front (a Pipeline) for features on different scales.

This module imports scikit-learn (``pip install netsim[sklearn]``).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .builders import mlp
from .errors import ParameterError
from .io import from_dict, to_dict
from .learn import train
from .network import Network

__all__ = ["NetsimClassifier", "NetsimRegressor"]


class _NetsimEstimator(BaseEstimator):
    """What the classifier and the regressor share: parameters, fit, pickling."""

    _output_activation = "identity"

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (10,),
        *,
        activation: str | Mapping[str, Any] = "tanh",
        loss: str = "mse",
        optimizer: str = "adam",
        lr: float = 0.01,
        epochs: int = 200,
        batch_size: int | None = 32,
        init: str = "glorot",
        weight_decay: float = 0.0,
        early_stopping: int | None = None,
        validation_split: float | None = None,
        random_state: int | np.random.RandomState | None = 0,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.optimizer = optimizer
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.init = init
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_split = validation_split
        self.random_state = random_state

    def _seed(self) -> int | None:
        rs = self.random_state
        if rs is None or isinstance(rs, numbers.Integral):
            return None if rs is None else int(rs)
        return int(check_random_state(rs).randint(np.iinfo(np.int32).max))

    def _fit_network(self, X: np.ndarray, D: np.ndarray) -> None:
        hidden = self.hidden_layer_sizes
        if isinstance(hidden, numbers.Integral):
            hidden = (int(hidden),)
        try:
            sizes = [X.shape[1], *(int(h) for h in hidden), D.shape[1]]
        except (TypeError, ValueError):
            raise ParameterError(
                f"hidden_layer_sizes must be a sequence of positive integers, got {hidden!r}"
            ) from None
        seed = self._seed()
        net = mlp(sizes, activation=self.activation, output_activation=self._output_activation,
                  init=self.init, seed=seed, name=type(self).__name__)
        names = [str(n) for n in getattr(self, "feature_names_in_", ())]
        if names and not set(names) & (set(net.neurons) - set(net.inputs)):
            # fitted on a DataFrame: the input neurons take the column names
            mapping = dict(zip(net.inputs, names, strict=True))
            net = Network.from_networkx(nx.relabel_nodes(net.to_networkx(), mapping),
                                        [mapping[n] for n in net.inputs], net.outputs)
        self.history_ = train(
            net, X, D, loss=self.loss, optimizer=self.optimizer, lr=self.lr,
            epochs=self.epochs, batch_size=self.batch_size, weight_decay=self.weight_decay,
            early_stopping=self.early_stopping, validation_split=self.validation_split,
            seed=seed, progress=False,
        )
        self.network_: Network = net
        self.n_iter_ = self.history_.epochs
        self.loss_curve_ = list(self.history_.loss)

    def _outputs(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return np.asarray(self.network_.predict(X), dtype=np.float64).reshape(len(X), -1)

    # the network pickles as its JSON document: no compiled program, no cache
    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        if isinstance(state.get("network_"), Network):
            state["network_"] = to_dict(state["network_"])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if isinstance(state.get("network_"), Mapping):
            state["network_"] = from_dict(state["network_"])
        super().__setstate__(state)


class NetsimClassifier(ClassifierMixin, _NetsimEstimator):
    """A multilayer-perceptron classifier: softmax outputs, one per class.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int
        Neurons per hidden layer (``()`` for none). Default ``(10,)``.
    activation : str or mapping
        Activation of the hidden neurons (a netsim name: ``"tanh"``, ``"sigmoid"``,
        ``"relu"``, ``{"name": "sigmoid", "steepness": 2}``, …).
    loss : {"cross_entropy", "mse"}
        Categorical cross-entropy (default) or mean squared error on the softmax
        outputs.
    optimizer : {"sgd", "momentum", "adagrad", "rmsprop", "adam"}
    lr : float
        Learning rate.
    epochs : int
        Passes over the training data.
    batch_size : int or None
        Minibatch size (``None``: the full batch).
    init : {"uniform", "glorot", "he"}
        Weight initialiser.
    weight_decay : float
        L2 penalty on the connection weights.
    early_stopping : int, optional
        Stop after this many epochs without improvement (and restore the best).
    validation_split : float, optional
        Fraction of the training data held out to monitor for early stopping.
    random_state : int, RandomState or None
        Seeds the initial weights and the shuffling (default 0).

    Attributes
    ----------
    network_ : Network
        The trained network: inputs ``x1…`` (or the column names when fitted on a
        DataFrame, so that it matches DataFrames by name too), softmax outputs
        ``y1…`` in the order of ``classes_``.
    classes_ : ndarray
        The class labels.
    history_ : History
        Loss (and accuracy) per epoch.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Training loss per epoch.
    n_features_in_, feature_names_in_ : as in scikit-learn.

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.sklearn import NetsimClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> iris = ns.datasets.iris(as_frame=True)
    >>> X, y = iris.drop(columns="species"), iris["species"]
    >>> model = make_pipeline(StandardScaler(), NetsimClassifier((8,), epochs=50))
    >>> bool(model.fit(X, y).score(X, y) > 0.95)
    True
    >>> model[-1].network_
    <Network 'NetsimClassifier': 15 neurons (4 inputs, 3 outputs), 56 connections, feed-forward>
    """

    _output_activation = "softmax"

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (10,),
        *,
        activation: str | Mapping[str, Any] = "tanh",
        loss: str = "cross_entropy",
        optimizer: str = "adam",
        lr: float = 0.01,
        epochs: int = 200,
        batch_size: int | None = 32,
        init: str = "glorot",
        weight_decay: float = 0.0,
        early_stopping: int | None = None,
        validation_split: float | None = None,
        random_state: int | np.random.RandomState | None = 0,
    ) -> None:
        super().__init__(
            hidden_layer_sizes, activation=activation, loss=loss, optimizer=optimizer, lr=lr,
            epochs=epochs, batch_size=batch_size, init=init, weight_decay=weight_decay,
            early_stopping=early_stopping, validation_split=validation_split,
            random_state=random_state,
        )

    def fit(self, X: Any, y: Any) -> NetsimClassifier:
        """Build and train the network on samples ``X`` (n, k) and labels ``y`` (n,)."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, index = np.unique(y, return_inverse=True)
        self._fit_network(X, np.eye(len(self.classes_))[index])
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """The softmax outputs, one column per class of ``classes_``."""
        return self._outputs(X)

    def predict(self, X: Any) -> np.ndarray:
        """The class with the largest output."""
        outputs = self._outputs(X)  # first: an unfitted estimator raises NotFittedError
        return self.classes_[np.argmax(outputs, axis=1)]


class NetsimRegressor(RegressorMixin, _NetsimEstimator):
    """A multilayer-perceptron regressor: identity outputs, one per target.

    Parameters are those of :class:`NetsimClassifier`, with ``loss="mse"`` (the
    only loss for real-valued targets). ``y`` may be ``(n,)`` or ``(n, m)`` for
    ``m`` targets.

    Attributes
    ----------
    network_ : Network
        The trained network (identity outputs ``y1…``).
    history_, n_iter_, loss_curve_, n_features_in_, feature_names_in_
        As for :class:`NetsimClassifier`.

    Examples
    --------
    >>> import numpy as np
    >>> from netsim.sklearn import NetsimRegressor
    >>> X = np.linspace(-1, 1, 40)[:, None]
    >>> model = NetsimRegressor((6,), epochs=300).fit(X, np.sin(3 * X).ravel())
    >>> bool(model.score(X, np.sin(3 * X).ravel()) > 0.95)
    True
    """

    def fit(self, X: Any, y: Any) -> NetsimRegressor:
        """Build and train the network on samples ``X`` (n, k) and targets ``y``."""
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        self._single_target = y.ndim == 1
        self._fit_network(X, y.reshape(len(y), -1))
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The outputs: ``(n,)`` when fitted on ``(n,)`` targets, else ``(n, m)``."""
        out = self._outputs(X)
        return out[:, 0] if self._single_target else out

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
