"""netsim: networks of formal neurons on arbitrary directed graphs.

Define a network (:class:`Network`, :func:`mlp`), run it under an update rule
(``net.run``), train it (:func:`train`, :func:`gradient`), save it as JSON
(:func:`save`, :func:`load`) and draw it (``net.to_dot``, ``net.render``).
Small textbook networks ready to use live in :mod:`netsim.zoo` (``ns.zoo.xor()``).
"""

from . import io, zoo
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
from .builders import mlp, parse_sizes
from .compile import Program, compile_network
from .errors import (
    CycleError,
    DataError,
    FormatError,
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
from .io import from_dict, load, save, to_dict
from .io.dot import render_trace, write_dot
from .learn import (
    SGD,
    AdaGrad,
    Adam,
    Gradient,
    History,
    Momentum,
    Optimizer,
    RMSProp,
    RuleResult,
    Standardizer,
    delta_rule,
    gradient,
    perceptron_rule,
    read_samples,
    standardize,
    step_decay,
    train,
)
from .learn.hebb import hebb
from .matrices import from_matrix, read_matrix
from .network import Network, Neuron
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
    "CycleError",
    "DataError",
    "FormatError",
    "Gradient",
    "History",
    "Momentum",
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
    "capacity_experiment",
    "check_energy",
    "compile_network",
    "delta_rule",
    "derrida",
    "energy",
    "energy_trace",
    "ensemble_study",
    "fixed_points",
    "from_dict",
    "from_matrix",
    "get_activation",
    "get_potential",
    "glauber",
    "gradient",
    "hebb",
    "hopfield",
    "initialize",
    "io",
    "is_fixed_point",
    "load",
    "mlp",
    "parse_sizes",
    "perceptron_rule",
    "random_threshold_network",
    "read_matrix",
    "read_samples",
    "recall",
    "register_activation",
    "register_potential",
    "render_trace",
    "run",
    "save",
    "standardize",
    "step_decay",
    "to_dict",
    "train",
    "write_dot",
    "zoo",
]
