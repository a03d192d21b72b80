"""The two function registries: activations σ and inner potentials ξ."""

from .activations import ACTIVATIONS, Activation, get_activation, register_activation
from .potentials import (
    POTENTIALS,
    Potential,
    get_potential,
    per_connection,
    register_potential,
    segment_sum,
)
from .registry import KEEP, Parameter, Registry, numeric

__all__ = [
    "ACTIVATIONS",
    "KEEP",
    "POTENTIALS",
    "Activation",
    "Parameter",
    "Potential",
    "Registry",
    "get_activation",
    "get_potential",
    "numeric",
    "per_connection",
    "register_activation",
    "register_potential",
    "segment_sum",
]
