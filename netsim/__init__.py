"""netsim: networks of formal neurons on arbitrary directed graphs.

Define a network (:class:`Network`, :func:`mlp`), run it under an update rule
(``net.run``), train it (:func:`train`, :func:`gradient`), save it as JSON
(:func:`save`, :func:`load`) and draw it (``net.to_dot``, ``net.render``).
"""

from . import io
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
from .initializers import initialize
from .io import from_dict, load, save, to_dict
from .io.dot import render_trace, write_dot
from .network import Network, Neuron
from .simulate import ORDERS, RULES, Run, run

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "ORDERS",
    "POTENTIALS",
    "RULES",
    "Activation",
    "CycleError",
    "DataError",
    "FormatError",
    "NetsimError",
    "Network",
    "NetworkError",
    "Neuron",
    "NeuronNotFoundError",
    "NotDifferentiableError",
    "ParameterError",
    "Potential",
    "Program",
    "RenderError",
    "Run",
    "SizeLimitError",
    "UnknownFunctionError",
    "compile_network",
    "from_dict",
    "get_activation",
    "get_potential",
    "initialize",
    "io",
    "load",
    "mlp",
    "parse_sizes",
    "register_activation",
    "register_potential",
    "render_trace",
    "run",
    "save",
    "to_dict",
    "write_dot",
]
