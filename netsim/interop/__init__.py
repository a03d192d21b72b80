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
    """A torch module computing the same function as an acyclic network.

    Needs torch (``pip install netsim[torch]``); see :mod:`netsim.interop.pytorch`
    for the forms the module takes and what is exact.

    Parameters
    ----------
    net : Network
        Any acyclic network whose neurons use the built-in activations (other than
        user-registered ones) and the ``weighted_sum`` or ``distance`` potential.
    dtype : torch.dtype
        ``torch.float64`` (default; agrees with ``net.predict`` to 1e−12) or
        ``torch.float32``.

    Returns
    -------
    torch.nn.Module
        An ``nn.Sequential`` of ``nn.Linear`` layers and activations for a plain
        multilayer perceptron, a :class:`netsim.interop.pytorch.NetsimModule`
        otherwise. Input ``(B, k_in)`` in input order, output ``(B, k_out)`` in
        output order.

    Raises
    ------
    CycleError
        The network is recurrent.
    ParameterError
        An activation or potential without a torch equivalent.

    Examples
    --------
    >>> import torch, netsim as ns
    >>> net = ns.mlp("2-3-1", activation="tanh", seed=0)
    >>> module = ns.to_torch(net)
    >>> module
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): Tanh()
      (2): Linear(in_features=3, out_features=1, bias=True)
      (3): Tanh()
    )
    >>> x = [[0.5, -1.0]]
    >>> with torch.no_grad():
    ...     y = module(torch.tensor(x, dtype=torch.float64)).numpy()
    >>> bool(abs(y - net.predict(x)).max() < 1e-12)
    True
    """
    torch = require("torch", "torch", "to_torch")
    from .pytorch import to_torch as convert

    return convert(net, dtype=torch.float64 if dtype is None else dtype)


def from_torch(module: nn.Module, *, name: str | None = None) -> Network:
    """Read an ``nn.Sequential`` of ``nn.Linear`` layers and activations as a network.

    Parameters
    ----------
    module : torch.nn.Module
        An ``nn.Linear`` or an ``nn.Sequential`` (nested ones are flattened) of
        ``nn.Linear`` layers, each followed by at most one activation:
        ``nn.Identity``, ``nn.Sigmoid``, ``nn.Tanh``, ``nn.ReLU``,
        ``nn.Hardtanh(0, 1)`` (``saturated``), ``nn.Softmax(dim=-1)`` or a
        :class:`netsim.interop.pytorch.NetsimActivation`. A Linear without an
        activation is ``identity``. Or a
        :class:`netsim.interop.pytorch.NetsimModule` made by :func:`to_torch`: its
        network comes back with the module's current (e.g. trained) values.
    name : str, optional
        The network's name.

    Returns
    -------
    Network
        Neurons named as :func:`netsim.mlp` names them (a ``NetsimModule``: those of
        its network); weights in float64.

    Raises
    ------
    ParameterError
        Any other layer, naming its position and type.

    Examples
    --------
    >>> import torch, netsim as ns
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
    ...                             torch.nn.Linear(8, 3), torch.nn.Softmax(dim=-1))
    >>> net = ns.from_torch(model)
    >>> net
    <Network 'mlp 4-8-3': 15 neurons (4 inputs, 3 outputs), 56 connections, feed-forward>
    >>> net.neuron("h1_1").activation, net.neuron("y1").activation
    ('relu', 'softmax')
    """
    require("torch", "torch", "from_torch")
    from .pytorch import from_torch as convert

    return convert(module, name=name)
