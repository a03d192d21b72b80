"""Builders for common architectures."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from .checks import check_dtype, keywords
from .errors import ParameterError, SizeLimitError
from .functions import ACTIVATIONS
from .initializers import initialize
from .limits import MAX_NEURONS, check_network_size, describe
from .network import Network, resolve_function

__all__ = ["mlp", "mlp_neuron_ids", "parse_sizes"]

_SIZES = re.compile(r"^\s*\d+(\s*-\s*\d+)+\s*$")


def parse_sizes(sizes: str | Sequence[int]) -> list[int]:
    """``"2-4-3-2"`` or ``[2, 4, 3, 2]`` → ``[2, 4, 3, 2]`` (at least two layers, ≥ 1)."""
    if isinstance(sizes, str):
        if not _SIZES.match(sizes):
            raise ParameterError(
                f"sizes must look like '2-4-3-2' (layer sizes joined by '-'), got {sizes!r}"
            )
        values = [int(s) for s in sizes.split("-")]
    else:
        try:
            values = [int(s) for s in sizes]
        except (TypeError, ValueError):
            raise ParameterError(
                f"sizes must be a sequence of integers or a string like '2-4-3-2', got {sizes!r}"
            ) from None
        if any(isinstance(s, bool | np.bool_) or int(s) != s for s in sizes):
            raise ParameterError(f"sizes must be whole numbers, got {list(sizes)!r}")
    if len(values) < 2 or any(v < 1 for v in values):
        raise ParameterError(
            f"sizes must list at least two layers of at least one neuron, got {values!r}"
        )
    big = next((v for v in values if v > MAX_NEURONS), None)
    if big is not None:
        raise SizeLimitError(f"a layer of {describe(big)} neurons is above the limit of "
                             f"{MAX_NEURONS:,} neurons")
    check_network_size(sum(values), sum(a * b for a, b in pairwise(values)),
                       f"an MLP {'-'.join(map(str, values))}")
    return values


def mlp_neuron_ids(sizes: Sequence[int]) -> list[list[str]]:
    """Neuron ids of an MLP: ``x1..`` inputs, ``h{ℓ}_{k}`` hidden, ``y1..`` outputs."""
    last = len(sizes) - 1
    ids = []
    for layer, size in enumerate(sizes):
        if layer == 0:
            ids.append([f"x{k + 1}" for k in range(size)])
        elif layer == last:
            ids.append([f"y{k + 1}" for k in range(size)])
        else:
            ids.append([f"h{layer}_{k + 1}" for k in range(size)])
    return ids


@keywords
def mlp(
    sizes: str | Sequence[int],
    *,
    activation: str | Mapping[str, Any] = "sigmoid",
    output_activation: str | Mapping[str, Any] | None = None,
    init: str = "uniform",
    seed: int | np.random.Generator | None = None,
    name: str | None = None,
    dtype: Any = "float64",
) -> Network:
    """A fully connected feed-forward network (multilayer perceptron).

    Parameters
    ----------
    sizes : str or sequence of int
        Layer sizes, input first: ``[2, 4, 3, 2]`` or the textbook ``"2-4-3-2"``.
    activation : str or mapping
        Activation of the hidden neurons (``{"name": "sigmoid", "steepness": 2}``
        for parameters).
    output_activation : str or mapping, optional
        Activation of the output neurons; defaults to ``activation``. With
        ``"softmax"`` the outputs form one softmax group.
    init : {"uniform", "glorot", "he"}
        The weight initialiser (see :mod:`netsim.initializers`).
    seed : int or Generator, optional
        Seed of the initialiser.
    name : str, optional
        The network's name; defaults to the sizes, e.g. ``"mlp 2-4-3-2"``.
    dtype : {"float64", "float32"} or numpy dtype
        ``"float32"``: the initial weights are rounded to float32 numbers (stored as
        the float64 values equal to them), so a float32 program or
        ``ns.train(..., dtype="float32")`` starts from exactly the network's values.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.mlp("2-4-3-2", output_activation="softmax", seed=0)
    >>> net
    <Network 'mlp 2-4-3-2': 11 neurons (2 inputs, 2 outputs), 26 connections, feed-forward>
    >>> [len(layer) for layer in net.layers()]
    [2, 4, 3, 2]
    """
    values = parse_sizes(sizes)
    dt = check_dtype(dtype)
    out_act = activation if output_activation is None else output_activation
    # check the functions once, so an error names the argument, not a neuron
    resolve_function(activation, ACTIVATIONS, "mlp: activation")
    resolve_function(out_act, ACTIVATIONS, "mlp: output_activation")
    net = Network(name=name or "mlp " + "-".join(map(str, values)))
    ids = mlp_neuron_ids(values)
    for neuron in ids[0]:
        net.add_input(neuron)
    for layer in ids[1:-1]:
        for neuron in layer:
            net.add_neuron(neuron, activation=activation)
    for neuron in ids[-1]:
        net.add_output(neuron, activation=out_act)
    net.connect_many(
        (src, dst, 0.0)
        for before, after in pairwise(ids)
        for dst in after
        for src in before
    )
    initialize(net, init, seed=seed)
    if dt != np.float64:
        net.set_weights(net.get_weights().astype(dt).astype(np.float64))
    return net
