"""learn: backpropagation on any acyclic graph, losses, optimizers, the training loop
and the classic rules (perceptron, delta rule / ADALINE, Hebb).

The initialisers live in :mod:`netsim.initializers` (:func:`netsim.initialize`) and
are re-exported here.
"""

from ..initializers import INITIALIZERS, initialize
from .backprop import Gradient, Plan, gradient
from .classic import RuleResult, delta_rule, perceptron_rule
from .data import Samples, Standardizer, read_samples, standardize
from .hebb import hebb
from .losses import LOSSES, Loss, get_loss
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
from .train import History, train

__all__ = [
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "SGD",
    "AdaGrad",
    "Adam",
    "AdaptiveLR",
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
    "delta_rule",
    "get_loss",
    "get_optimizer",
    "gradient",
    "hebb",
    "initialize",
    "perceptron_rule",
    "read_samples",
    "standardize",
    "step_decay",
    "train",
]
