"""netsim: networks of formal neurons on arbitrary directed graphs.

Define a network (:class:`Network`, :func:`mlp`), run it under an update rule
(``net.run``), train it (:func:`train`, :func:`gradient`), save it as JSON
(:func:`save`, :func:`load`) and draw it (``net.to_dot``, ``net.render``).
Small textbook networks ready to use live in :mod:`netsim.zoo` (``ns.zoo.xor()``).
"""

from . import datasets, io, zoo
from .analyse import (
    NetsimWarning,
    attractors,
    capacity_experiment,
    check_energy,
    energy,
    energy_trace,
    fixed_points,
    glauber,
    is_fixed_point,
    recall,
)
from .analyse.derrida import derrida
from .analyse.ensemble import ensemble_study
from .analyse.random_networks import random_threshold_network
from .boolean import boolean_network
from .builders import mlp, parse_sizes
from .compile import Program, compile_network
from .errors import (
    CycleError,
    DataError,
    FormatError,
    MissingExtraError,
    NetsimError,
    NetworkError,
    NeuronNotFoundError,
    NotDifferentiableError,
    ParameterError,
    RenderError,
    SizeLimitError,
    UnknownFunctionError,
)
from .functions import (
    ACTIVATIONS,
    POTENTIALS,
    Activation,
    Potential,
    get_activation,
    get_potential,
    register_activation,
    register_potential,
)
from .hopfield import hopfield
from .initializers import initialize
from .interop import from_torch, mlp_from_arrays, to_torch
from .io import from_dict, load, save, to_dict
from .io.dot import render_trace, write_dot
from .learn import (
    SGD,
    AdaGrad,
    Adam,
    AdaptiveLR,
    ClassScores,
    CrossValidation,
    Ensemble,
    Evaluation,
    Gradient,
    History,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    RuleResult,
    Standardizer,
    bagging,
    classification_scores,
    confusion_matrix,
    delta_rule,
    error_rate,
    evaluate,
    gradient,
    kfold,
    perceptron_rule,
    read_samples,
    split,
    standardize,
    step_decay,
    train,
)
from .learn.hebb import hebb
from .matrices import from_matrix, read_matrix
from .network import Network, Neuron
from .plot import plot_decision_regions, plot_patterns, plot_recall
from .simulate import ORDERS, RULES, Run, run

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "ORDERS",
    "POTENTIALS",
    "RULES",
    "SGD",
    "Activation",
    "AdaGrad",
    "Adam",
    "AdaptiveLR",
    "ClassScores",
    "CrossValidation",
    "CycleError",
    "DataError",
    "Ensemble",
    "Evaluation",
    "FormatError",
    "Gradient",
    "History",
    "MissingExtraError",
    "Momentum",
    "Nesterov",
    "NetsimError",
    "NetsimWarning",
    "Network",
    "NetworkError",
    "Neuron",
    "NeuronNotFoundError",
    "NotDifferentiableError",
    "Optimizer",
    "ParameterError",
    "Potential",
    "Program",
    "RMSProp",
    "RenderError",
    "RuleResult",
    "Run",
    "SizeLimitError",
    "Standardizer",
    "UnknownFunctionError",
    "attractors",
    "bagging",
    "boolean_network",
    "capacity_experiment",
    "check_energy",
    "classification_scores",
    "compile_network",
    "confusion_matrix",
    "datasets",
    "delta_rule",
    "derrida",
    "energy",
    "energy_trace",
    "ensemble_study",
    "error_rate",
    "evaluate",
    "fixed_points",
    "from_dict",
    "from_matrix",
    "from_torch",
    "get_activation",
    "get_potential",
    "glauber",
    "gradient",
    "hebb",
    "hopfield",
    "initialize",
    "io",
    "is_fixed_point",
    "kfold",
    "load",
    "mlp",
    "mlp_from_arrays",
    "parse_sizes",
    "perceptron_rule",
    "plot_decision_regions",
    "plot_patterns",
    "plot_recall",
    "random_threshold_network",
    "read_matrix",
    "read_samples",
    "recall",
    "register_activation",
    "register_potential",
    "render_trace",
    "run",
    "save",
    "split",
    "standardize",
    "step_decay",
    "to_dict",
    "to_torch",
    "train",
    "write_dot",
    "zoo",
]
