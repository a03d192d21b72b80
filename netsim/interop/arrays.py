"""Multilayer perceptrons from the weight arrays other libraries hold.

scikit-learn (``coefs_``, ``intercepts_``) and Keras (``layer.get_weights()``) keep a
dense layer as a matrix of shape ``(n_in, n_out)`` — row ``i`` holds the weights out
of input ``i`` — and a bias vector ``(n_out,)``. :func:`mlp_from_arrays` builds the
netsim network of those layers; :meth:`netsim.Network.layer_weights` gives the arrays
back. (PyTorch's ``nn.Linear.weight`` is the transpose, ``(n_out, n_in)``; see
:mod:`netsim.interop.pytorch`.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..builders import mlp_neuron_ids
from ..errors import ParameterError
from ..functions import ACTIVATIONS
from ..network import Network, resolve_function

__all__ = ["mlp_from_arrays"]

ActivationSpec = str | Mapping[str, Any]


def _matrix(value: Any, what: str, ndim: int) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be an array of numbers, got {type(value).__name__}"
                             ) from None
    if arr.ndim != ndim:
        raise ParameterError(f"{what} must be {ndim}-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{what} holds a value that is not finite")
    return arr


def mlp_from_arrays(
    weights: Sequence[Any],
    biases: Sequence[Any] | None = None,
    *,
    activation: ActivationSpec | Sequence[ActivationSpec] = "sigmoid",
    output_activation: ActivationSpec | None = None,
    name: str | None = None,
) -> Network:
    """A multilayer perceptron from ``(n_in, n_out)`` weight matrices and bias vectors.

    Parameters
    ----------
    weights : sequence of array_like
        One matrix per layer of connections, ``weights[ℓ][i, j] = w_ji`` from neuron
        ``i`` of layer ℓ to neuron ``j`` of layer ℓ+1 (scikit-learn's ``coefs_``,
        the first array of each Keras ``Dense`` layer). Consecutive shapes must
        chain: ``weights[ℓ].shape[1] == weights[ℓ+1].shape[0]``.
    biases : sequence of array_like, optional
        One vector ``(n_ℓ+1,)`` per matrix (``intercepts_``); zeros when omitted.
    activation : str, mapping or sequence of them
        The activation of the hidden neurons; or one activation per weight matrix
        (then ``output_activation`` must be omitted).
    output_activation : str or mapping, optional
        The activation of the outputs; defaults to ``activation``. ``"softmax"``
        makes the outputs one softmax group. (scikit-learn's names: ``"logistic"``
        is ``"sigmoid"``, ``"relu"``, ``"tanh"`` and ``"identity"`` are the same.)
    name : str, optional
        The network's name (default ``"mlp"`` and the sizes).

    Returns
    -------
    Network
        Neurons named as :func:`netsim.mlp` names them (``x1``…, ``h1_1``…, ``y1``…).

    Raises
    ------
    ParameterError
        Shapes that do not chain, a bias of the wrong length, a value that is not
        finite, an unknown activation.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> W = [np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([[1.0], [1.0]])]
    >>> b = [np.array([0.0, 1.0]), np.array([-0.5])]
    >>> net = ns.mlp_from_arrays(W, b, activation="relu", output_activation="identity")
    >>> net.weight("x2", "h1_1"), net.neuron("y1").bias
    (2.0, -0.5)
    >>> net.predict([1.0, 1.0])        # relu(1 + 2) + relu(1 − 1 + 0.5) − 0.5
    array([3.])
    """
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or not weights:
        raise ParameterError(
            "weights must be a non-empty list of 2-D arrays, one per layer of connections"
        )
    mats = [_matrix(w, f"weights[{k}]", 2) for k, w in enumerate(weights)]
    sizes = [mats[0].shape[0], *(m.shape[1] for m in mats)]
    for k in range(1, len(mats)):
        if mats[k].shape[0] != mats[k - 1].shape[1]:
            raise ParameterError(
                f"weights[{k}] has {mats[k].shape[0]} rows but weights[{k - 1}] has "
                f"{mats[k - 1].shape[1]} columns; shapes must chain (n_in, n_out)"
            )
    if min(sizes) < 1:
        raise ParameterError(f"every layer needs at least one neuron, got sizes {sizes}")
    if biases is None:
        vecs = [np.zeros(n) for n in sizes[1:]]
    else:
        if isinstance(biases, np.ndarray) or not isinstance(biases, Sequence) or len(
            biases
        ) != len(mats):
            raise ParameterError(
                f"biases must be a list of {len(mats)} vectors, one per weight matrix"
            )
        vecs = [_matrix(b, f"biases[{k}]", 1) for k, b in enumerate(biases)]
        for k, (b, n) in enumerate(zip(vecs, sizes[1:], strict=True)):
            if len(b) != n:
                raise ParameterError(
                    f"biases[{k}] has {len(b)} values but weights[{k}] has {n} columns"
                )
    if isinstance(activation, str | Mapping):
        last = activation if output_activation is None else output_activation
        acts: list[ActivationSpec] = [activation] * (len(mats) - 1) + [last]
    else:
        acts = list(activation)
        if output_activation is not None or len(acts) != len(mats):
            raise ParameterError(
                f"activation as a list needs one entry per weight matrix ({len(mats)}) "
                "and no output_activation"
            )
    for k, act in enumerate(acts):  # an error names the argument, not a neuron
        resolve_function(act, ACTIVATIONS, f"mlp_from_arrays: activation of layer {k + 1}")
    net = Network(name=name or "mlp " + "-".join(map(str, sizes)))
    ids = mlp_neuron_ids(sizes)
    for neuron in ids[0]:
        net.add_input(neuron)
    for layer, (act, bias) in enumerate(zip(acts, vecs, strict=True), start=1):
        add = net.add_output if layer == len(mats) else net.add_neuron
        for neuron, b in zip(ids[layer], bias.tolist(), strict=True):
            add(neuron, activation=act, bias=b)
    net.connect_many(
        (src, dst, w)
        for mat, before, after in zip(mats, ids, ids[1:], strict=False)
        for j, dst in enumerate(after)
        for src, w in zip(before, mat[:, j].tolist(), strict=True)
    )
    return net
