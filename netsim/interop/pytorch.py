"""PyTorch bridge: a netsim network as an ``nn.Module`` and back.

:func:`to_torch` turns an acyclic network into a module computing the same function
of the inputs (in input order) to the outputs (in output order):

- a *plain multilayer perceptron* — weighted-sum neurons, every connection from one
  layer to the next, one activation per layer, inputs exactly layer 0 and outputs
  exactly the last layer — becomes an ``nn.Sequential`` of ``nn.Linear`` layers and
  activations (the standard ``nn.Sigmoid``, ``nn.Tanh``, ``nn.ReLU``,
  ``nn.Hardtanh(0, 1)`` for ``saturated``, ``nn.Softmax(dim=-1)``, ``nn.Identity``;
  :class:`NetsimActivation` for those with parameters or without a torch twin:
  ``step``, ``sign``, ``sigmoid`` with a steepness, ``scaled_tanh``, ``gaussian``);
- *any other acyclic network* (shortcut connections, distance potentials, softmax
  groups, neurons without inputs that keep their initial value) becomes a
  :class:`NetsimModule`, which evaluates the layers of the layered rule one after
  the other with dense masked weight matrices.

Both are built in float64 by default, where they agree with ``net.predict`` to
rounding (1e−12); their weights are ``nn.Parameter`` objects, so they can be trained
with torch. :func:`from_torch` reads an ``nn.Sequential`` of ``nn.Linear`` and the
activations above back into a network, and a :class:`NetsimModule` back into its
network with the module's current values (:meth:`NetsimModule.to_network`).
Threshold units (step, sign) compare in plain floating point in torch, while netsim
decides ties exactly.

This module imports torch; ``netsim.to_torch`` and ``netsim.from_torch`` import it
only when called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from ..core import layer_stages
from ..errors import NetworkError, ParameterError
from ..network import Network
from .arrays import mlp_from_arrays

__all__ = ["NetsimActivation", "NetsimModule", "from_torch", "to_torch"]

# netsim activation → its standard torch module, when it takes no parameters
_PLAIN: dict[str, Any] = {
    "identity": nn.Identity,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "saturated": lambda: nn.Hardtanh(0.0, 1.0),
}
# the parameters each activation torch can evaluate takes (and their defaults)
_SUPPORTED: dict[str, tuple[str, ...]] = {
    "identity": (),
    "step": (),
    "sign": ("zero",),
    "sigmoid": ("steepness",),
    "tanh": (),
    "scaled_tanh": ("a", "b"),
    "relu": (),
    "saturated": (),
    "gaussian": ("width",),
}


def _apply(name: str, xi: torch.Tensor, params: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """σ(ξ) in torch, the formulas of :mod:`netsim.functions.activations`."""
    if name == "identity":
        return xi
    if name == "step":
        return (xi >= 0).to(xi.dtype)
    if name == "sign":
        one = torch.ones_like(xi)
        return torch.where(xi > 0, one, torch.where(xi < 0, -one, params["zero"].expand_as(xi)))
    if name == "sigmoid":
        return torch.sigmoid(params["steepness"] * xi)
    if name == "tanh":
        return torch.tanh(xi)
    if name == "scaled_tanh":
        return params["a"] * torch.tanh(params["b"] * xi)
    if name == "relu":
        return torch.relu(xi)
    if name == "saturated":
        return torch.clamp(xi, 0.0, 1.0)
    if name == "gaussian":
        return torch.exp(-((xi / params["width"]) ** 2))
    raise ParameterError(f"activation {name!r} has no torch equivalent")  # pragma: no cover


class NetsimActivation(nn.Module):
    """A netsim activation with one parameter value per neuron, as a torch module.

    Parameters
    ----------
    name : str
        ``"step"``, ``"sign"``, ``"sigmoid"``, ``"scaled_tanh"``, ``"gaussian"`` (or
        any activation :func:`to_torch` supports).
    params : mapping of str to array_like
        The activation's parameters, one value per neuron of the layer (buffers).
    """

    def __init__(self, name: str, params: Mapping[str, Any] | None = None,
                 dtype: torch.dtype = torch.float64) -> None:
        super().__init__()
        if name not in _SUPPORTED:
            raise ParameterError(f"activation {name!r} has no torch equivalent")
        self.name = name
        self.param_names = tuple(_SUPPORTED[name])
        for key in self.param_names:
            self.register_buffer(key, torch.as_tensor(np.asarray((params or {})[key]),
                                                      dtype=dtype))

    def forward(self, xi: torch.Tensor) -> torch.Tensor:
        """σ(ξ), elementwise, with each neuron's parameter values."""
        return _apply(self.name, xi, {k: getattr(self, k) for k in self.param_names})

    def extra_repr(self) -> str:
        return repr(self.name)


def _layer_activation(name: str, params: Mapping[str, np.ndarray], dtype: torch.dtype
                      ) -> nn.Module:
    if name == "softmax":
        return nn.Softmax(dim=-1)
    if name in _PLAIN:
        return _PLAIN[name]()
    if name == "sigmoid" and np.all(params["steepness"] == 1.0):
        return nn.Sigmoid()
    return NetsimActivation(name, params, dtype)


class _Stage(nn.Module):
    """One layer of the layered rule: its targets' potentials and activations."""

    # buffers (registered below), declared for type checkers
    targets: torch.Tensor
    ws_pos: torch.Tensor
    ws_mask: torch.Tensor
    dist_pos: torch.Tensor
    dist_mask: torch.Tensor
    dist_p: torch.Tensor

    def __init__(self, prog: Any, targets: np.ndarray, dtype: torch.dtype) -> None:
        super().__init__()
        n = prog.n_neurons
        self.register_buffer("targets", torch.as_tensor(targets, dtype=torch.long))
        dense = np.zeros((len(targets), n))
        mask = np.zeros((len(targets), n))
        for row, j in enumerate(targets):
            lo, hi = prog.indptr[j], prog.indptr[j + 1]
            dense[row, prog.sources[lo:hi]] = prog.weights[lo:hi]
            mask[row, prog.sources[lo:hi]] = 1.0
        pot = np.array([prog.potential_names[prog.potential_ids[j]] for j in targets])
        for p in set(pot) - {"weighted_sum", "distance"}:
            raise ParameterError(f"the {p!r} potential has no torch equivalent")
        ws, dist = np.flatnonzero(pot == "weighted_sum"), np.flatnonzero(pot == "distance")
        self.register_buffer("ws_pos", torch.as_tensor(ws, dtype=torch.long))
        self.register_buffer("ws_mask", torch.as_tensor(mask[ws], dtype=dtype))
        self.weight = nn.Parameter(torch.as_tensor(dense[ws], dtype=dtype))
        self.bias = nn.Parameter(torch.as_tensor(prog.bias[targets[ws]], dtype=dtype))
        self.register_buffer("dist_pos", torch.as_tensor(dist, dtype=torch.long))
        self.register_buffer("dist_mask", torch.as_tensor(mask[dist], dtype=dtype))
        self.centre = nn.Parameter(torch.as_tensor(dense[dist], dtype=dtype))
        p_values = prog.potential_params.get("distance", {}).get("p", np.full(n, 2.0))
        self.register_buffer("dist_p", torch.as_tensor(p_values[targets[dist]], dtype=dtype))
        # activations: one segment per elementwise function, one per softmax group
        self.segments: list[tuple[str, tuple[str, ...]]] = []
        names = [prog.activation_names[prog.activation_ids[j]] for j in targets]
        for k, name in enumerate(dict.fromkeys(names)):
            if name == "softmax":
                continue
            if name not in _SUPPORTED:
                raise ParameterError(f"activation {name!r} has no torch equivalent")
            pos = np.flatnonzero(np.array(names) == name)
            self.register_buffer(f"act{k}_pos", torch.as_tensor(pos, dtype=torch.long))
            values = prog.activation_params.get(name, {})
            for param in _SUPPORTED[name]:
                self.register_buffer(f"act{k}_{param}",
                                     torch.as_tensor(values[param][targets[pos]], dtype=dtype))
            self.segments.append((f"act{k}", _SUPPORTED[name]))
            setattr(self, f"act{k}_name", name)
        groups = prog.groups[targets]
        self.n_groups = 0
        for g in dict.fromkeys(groups[np.array(names) == "softmax"].tolist()):
            pos = np.flatnonzero((groups == g) & (np.array(names) == "softmax"))
            self.register_buffer(f"group{self.n_groups}", torch.as_tensor(pos, dtype=torch.long))
            self.n_groups += 1

    def forward(self, state: torch.Tensor) -> torch.Tensor:
        """The state ``(B, N)`` with this layer's neurons evaluated from it."""
        batch = state.shape[0]
        xi = state.new_zeros((batch, len(self.targets)))
        if len(self.ws_pos):
            xi = xi.index_copy(1, self.ws_pos, state @ (self.weight * self.ws_mask).T + self.bias)
        if len(self.dist_pos):
            diff = (state[:, None, :] - self.centre[None]).abs() * self.dist_mask[None]
            p = self.dist_p
            dist = (diff ** p[:, None]).sum(-1) ** (1.0 / p)
            xi = xi.index_copy(1, self.dist_pos, dist)
        y = xi.new_zeros(xi.shape)
        for key, params in self.segments:
            pos = getattr(self, f"{key}_pos")
            values = {p: getattr(self, f"{key}_{p}") for p in params}
            y = y.index_copy(1, pos, _apply(getattr(self, f"{key}_name"), xi[:, pos], values))
        for g in range(self.n_groups):
            pos = getattr(self, f"group{g}")
            y = y.index_copy(1, pos, torch.softmax(xi[:, pos], dim=-1))
        return state.index_copy(1, self.targets, y)


class NetsimModule(nn.Module):
    """Any acyclic netsim network as a torch module (see :func:`to_torch`).

    ``forward(x)`` takes ``(B, k_in)`` inputs in the network's input order and
    returns ``(B, k_out)`` outputs in its output order, evaluating the layers of the
    layered rule one after the other from the initial state.
    """

    initial: torch.Tensor
    inputs: torch.Tensor
    outputs: torch.Tensor

    def __init__(self, net: Network, dtype: torch.dtype = torch.float64) -> None:
        super().__init__()
        prog = net.compile()
        # the layered rule's own checks (e.g. a softmax group sits in one layer)
        layer_stages(prog)
        self.network = net.copy()  # the definition, for to_network
        self.neurons = list(prog.neurons)
        self.register_buffer("initial", torch.as_tensor(prog.initial, dtype=dtype))
        self.register_buffer("inputs", torch.as_tensor(prog.inputs, dtype=torch.long))
        self.register_buffer("outputs", torch.as_tensor(prog.outputs, dtype=torch.long))
        stages = []
        layers = prog.layer
        assert layers is not None  # layer_stages refuses a network without layers
        for layer in range(int(layers.max()) + 1 if prog.n_neurons else 0):
            targets = np.flatnonzero((layers == layer) & prog.has_input)
            if len(targets):
                stages.append(_Stage(prog, targets, dtype))
        self.stages = nn.ModuleList(stages)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The outputs ``(B, k_out)`` for the inputs ``x`` ``(B, k_in)``."""
        state = self.initial.expand(x.shape[0], -1)
        state = state.index_copy(1, self.inputs, x.to(self.initial.dtype))
        for stage in self.stages:
            state = stage(state)
        return state[:, self.outputs]

    def to_network(self) -> Network:
        """The network with the module's current weights, biases and centres.

        After training the module in torch, this is the trained netsim network (a
        copy of the one the module was made from, with the new values).
        """
        net = self.network.copy()
        prog = net.compile()
        weights = np.array(prog.weights, dtype=np.float64)
        bias = np.array(prog.bias, dtype=np.float64)
        for stage in self.stages:
            assert isinstance(stage, _Stage)
            targets = stage.targets.cpu().numpy()
            for rows, matrix, biases in ((stage.ws_pos, stage.weight, stage.bias),
                                         (stage.dist_pos, stage.centre, None)):
                values = matrix.detach().cpu().to(torch.float64).numpy()
                shift = None if biases is None else biases.detach().cpu().to(torch.float64)
                for k, pos in enumerate(rows.cpu().numpy()):
                    j = targets[pos]
                    lo, hi = prog.indptr[j], prog.indptr[j + 1]
                    weights[lo:hi] = values[k, prog.sources[lo:hi]]
                    if shift is not None:
                        bias[j] = float(shift[k])
        net.set_weights(prog.configuration_vector(weights, bias))
        return net


def _sequential(net: Network, dtype: torch.dtype) -> nn.Sequential | None:
    """The plain-MLP form of ``net``, or ``None`` when it has another shape."""
    try:
        weights, biases = net.layer_weights()
    except NetworkError:
        return None
    layers = net.layers()
    if set(layers[0]) != set(net.inputs) or set(layers[-1]) != set(net.outputs):
        return None
    if len(layers[0]) != len(net.inputs) or len(layers[-1]) != len(net.outputs):
        return None
    prog = net.compile()
    modules: list[nn.Module] = []
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        idx = np.array([prog.index[n] for n in layers[k + 1]])
        if not prog.has_input[idx].all():
            return None  # a neuron without inputs keeps its value: not a Linear layer
        names = {prog.activation_names[prog.activation_ids[j]] for j in idx}
        if len(names) != 1:
            return None
        (name,) = names
        if name == "softmax" and len(set(prog.groups[idx])) != 1:
            return None
        if name == "softmax" and np.count_nonzero(prog.groups == prog.groups[idx[0]]) != len(idx):
            return None
        if name != "softmax" and name not in _SUPPORTED:
            raise ParameterError(f"to_torch: activation {name!r} has no torch equivalent")
        linear = nn.Linear(w.shape[0], w.shape[1], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.as_tensor(w.T, dtype=dtype))
            linear.bias.copy_(torch.as_tensor(b, dtype=dtype))
        modules.append(linear)
        params = {p: prog.activation_params[name][p][idx] for p in _SUPPORTED.get(name, ())}
        if name != "identity":
            modules.append(_layer_activation(name, params, dtype))
    return nn.Sequential(*modules)


def to_torch(net: Network, *, dtype: Any = torch.float64) -> nn.Module:
    """:func:`netsim.to_torch`, once torch is imported (documented there)."""
    if not isinstance(net, Network):
        raise ParameterError(f"to_torch expects a Network, got {type(net).__name__}")
    if dtype not in (torch.float64, torch.float32):
        raise ParameterError(f"dtype must be torch.float64 or torch.float32, got {dtype!r}")
    net.require_acyclic("to_torch")
    if len(net.outputs) == 0:
        raise NetworkError("to_torch needs a network with output neurons (set_outputs)")
    module = _sequential(net, dtype)
    return module if module is not None else NetsimModule(net, dtype)


def _flatten(module: nn.Module) -> list[nn.Module]:
    if isinstance(module, nn.Sequential):
        return [m for child in module for m in _flatten(child)]
    return [module]


def _read_activation(module: nn.Module, where: str) -> tuple[str, dict[str, np.ndarray]]:
    if isinstance(module, NetsimActivation):
        return module.name, {k: getattr(module, k).detach().cpu().numpy().astype(float)
                             for k in module.param_names}
    if isinstance(module, nn.Hardtanh) and (module.min_val, module.max_val) == (0.0, 1.0):
        return "saturated", {}
    if isinstance(module, nn.Softmax) and module.dim in (-1, 1):
        return "softmax", {}
    for cls, name in ((nn.Identity, "identity"), (nn.Sigmoid, "sigmoid"),
                      (nn.Tanh, "tanh"), (nn.ReLU, "relu")):
        if type(module) is cls:
            return name, {}
    raise ParameterError(
        f"from_torch: {where} is {module!r}; supported: nn.Linear, nn.Identity, nn.Sigmoid, "
        "nn.Tanh, nn.ReLU, nn.Hardtanh(0, 1), nn.Softmax(dim=-1), NetsimActivation"
    )


def from_torch(module: nn.Module, *, name: str | None = None) -> Network:
    """:func:`netsim.from_torch`, once torch is imported (documented there)."""
    if not isinstance(module, nn.Module):
        raise ParameterError(f"from_torch expects a torch.nn.Module, got {type(module).__name__}")
    if isinstance(module, NetsimModule):
        net = module.to_network()
        if name is not None:
            net.name = name
        return net
    layers = _flatten(module)
    weights: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    acts: list[tuple[str, dict[str, np.ndarray]]] = []
    for k, layer in enumerate(layers):
        where = f"layer {k}"
        if isinstance(layer, nn.Linear):
            w = layer.weight.detach().cpu().to(torch.float64).numpy()
            weights.append(w.T.copy())
            b = layer.bias
            biases.append(np.zeros(w.shape[0]) if b is None
                          else b.detach().cpu().to(torch.float64).numpy().copy())
            acts.append(("identity", {}))
        elif not weights:
            raise ParameterError(f"from_torch: {where} must be an nn.Linear, got {layer!r}")
        elif not isinstance(layers[k - 1], nn.Linear):
            raise ParameterError(
                f"from_torch: {where} ({layer!r}) is a second activation after one layer"
            )
        else:
            acts[-1] = _read_activation(layer, where)
    if not weights:
        raise ParameterError("from_torch: the module holds no nn.Linear layer")
    specs: list[str | dict[str, Any]] = []
    for act, params in acts:
        uniform = {p: float(v.flat[0]) for p, v in params.items() if np.all(v == v.flat[0])}
        specs.append({"name": act, **uniform})
    net = mlp_from_arrays(weights, biases, activation=specs, name=name)
    layer_ids = net.layers()
    softmax_layers = [k for k, (act, _p) in enumerate(acts) if act == "softmax"]
    for k, (act, params) in enumerate(acts):
        ids = layer_ids[k + 1]
        for p, values in params.items():
            if not np.all(values == values.flat[0]):  # one value per neuron
                for neuron, v in zip(ids, np.broadcast_to(values, len(ids)), strict=True):
                    net.set_neuron(neuron, **{p: float(v)})
        if act == "softmax" and len(softmax_layers) > 1:
            for neuron in ids:  # one softmax group per layer, as torch computes it
                net.set_neuron(neuron, group=f"softmax{k + 1}")
    return net
