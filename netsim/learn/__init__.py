"""learn: backpropagation on any acyclic graph, losses, optimizers, the training loop,
model selection (splits, k-fold, bagging), metrics and the classic rules (perceptron,
delta rule / ADALINE, Hebb).

The initialisers live in :mod:`netsim.initializers` (:func:`netsim.initialize`) and
are re-exported here.
"""

from ..initializers import INITIALIZERS, initialize
from .backprop import Gradient, Plan, gradient
from .classic import RuleResult, delta_rule, perceptron_rule
from .data import Samples, Standardizer, read_samples, standardize
from .fold import fold_standardizer
from .hebb import hebb
from .losses import LOSSES, Loss, get_loss
from .metrics import (
    ClassScores,
    Evaluation,
    classification_scores,
    confusion_matrix,
    error_rate,
    evaluate,
)
from .optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    AdaptiveLR,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    get_optimizer,
    step_decay,
)
from .selection import CrossValidation, Ensemble, bagging, kfold, split
from .train import History, train

__all__ = [
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "SGD",
    "AdaGrad",
    "Adam",
    "AdaptiveLR",
    "ClassScores",
    "CrossValidation",
    "Ensemble",
    "Evaluation",
    "Gradient",
    "History",
    "Loss",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "Plan",
    "RMSProp",
    "RuleResult",
    "Samples",
    "Standardizer",
    "bagging",
    "classification_scores",
    "confusion_matrix",
    "delta_rule",
    "error_rate",
    "evaluate",
    "fold_standardizer",
    "get_loss",
    "get_optimizer",
    "gradient",
    "hebb",
    "initialize",
    "kfold",
    "perceptron_rule",
    "read_samples",
    "split",
    "standardize",
    "step_decay",
    "train",
]
