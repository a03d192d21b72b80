"""Bridges to other libraries: weight arrays, PyTorch (scikit-learn: :mod:`netsim.sklearn`).

Everything here sits at the edge of the package: it calls the public API of the
network, compile and train layers, and nothing below calls it back. An optional
library is imported only when its bridge is used; when it is missing the error names
the extra to install (``pip install netsim[torch]``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError
from .arrays import mlp_from_arrays

if TYPE_CHECKING:  # pragma: no cover - typing only
    from torch import nn

    from ..network import Network

__all__ = ["from_torch", "mlp_from_arrays", "require", "to_torch"]


def require(module: str, extra: str, what: str) -> Any:
    """Import an optional library, or raise :class:`MissingExtraError` naming its extra.

    Examples
    --------
    >>> from netsim.interop import require
    >>> require("numpy", "numpy", "this example").__name__
    'numpy'
    >>> require("no_such_library", "magic", "the magic bridge")
    Traceback (most recent call last):
    ...
    netsim.errors.MissingExtraError: the magic bridge needs no_such_library: pip ...
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{what} needs {module}: pip install netsim[{extra}]"
        ) from None


def to_torch(net: Network, *, dtype: Any = None) -> nn.Module:
    """A torch ``nn.Module`` computing the same function as an acyclic network.

    ``nn.Sequential`` of ``nn.Linear`` for a plain multilayer perceptron, a general
    module otherwise; float64 unless ``dtype`` says otherwise. See
    :func:`netsim.interop.pytorch.to_torch` (needs ``pip install netsim[torch]``).
    """
    torch = require("torch", "torch", "to_torch")
    from .pytorch import to_torch as convert

    return convert(net, dtype=torch.float64 if dtype is None else dtype)


def from_torch(module: nn.Module, *, name: str | None = None) -> Network:
    """A network from an ``nn.Sequential`` of ``nn.Linear`` layers and activations.

    See :func:`netsim.interop.pytorch.from_torch` (needs ``pip install netsim[torch]``).
    """
    require("torch", "torch", "from_torch")
    from .pytorch import from_torch as convert

    return convert(module, name=name)
