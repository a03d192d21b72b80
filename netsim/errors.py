"""The exception hierarchy.

Every error netsim raises on purpose is a :class:`NetsimError`. Each subclass also
derives from the matching built-in exception, so ``except ValueError`` keeps working
for callers that do not know netsim. Messages are one line that names what is wrong
and where (file, neuron, field, parameter).
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches

__all__ = [
    "CycleError",
    "DataError",
    "FormatError",
    "MissingExtraError",
    "NetsimError",
    "NetsimWarning",
    "NetworkError",
    "NeuronNotFoundError",
    "NotDifferentiableError",
    "ParameterError",
    "RenderError",
    "SizeLimitError",
    "UnknownFunctionError",
    "did_you_mean",
]


class NetsimError(Exception):
    """Root of every error netsim raises on purpose."""


class ParameterError(NetsimError, ValueError):
    """A function or method argument has a value outside what it accepts."""


class NetworkError(NetsimError, ValueError):
    """The network's structure does not allow the operation (duplicates, roles, ...)."""


class NeuronNotFoundError(NetsimError, KeyError):
    """A neuron id that the network does not contain."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class UnknownFunctionError(NetsimError, ValueError):
    """An activation or potential name that is not registered."""


class CycleError(NetworkError):
    """An operation that needs an acyclic network met a cycle.

    ``cycle`` holds the neurons of one cycle, in order.
    """

    def __init__(self, message: str, cycle: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.cycle = list(cycle)


class NotDifferentiableError(NetsimError, ValueError):
    """Backpropagation met an activation without a derivative (step, sign)."""


class FormatError(NetsimError, ValueError):
    """A network file is malformed: bad JSON, schema violation or bad meaning."""


class DataError(NetsimError, ValueError):
    """A data file (CSV of inputs or training samples) is malformed."""


class SizeLimitError(NetsimError, ValueError):
    """An exhaustive computation was asked for on a network that is too large."""


class RenderError(NetsimError, RuntimeError):
    """A diagram could not be rendered (e.g. Graphviz's ``dot`` is missing)."""


class MissingExtraError(NetsimError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def did_you_mean(name: object, choices: Sequence[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""``."""
    matches = get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


class NetsimWarning(UserWarning):
    """A result that is computed but may not mean what the textbook says."""
