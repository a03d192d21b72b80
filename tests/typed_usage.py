"""A small typed use of netsim, checked by mypy (tests/test_interop_typing.py).

It also runs as a plain script. ``assert_type`` is a no-op at run time and a check
for the type checker.
"""

from __future__ import annotations

from typing import assert_type

import numpy as np

import netsim as ns
from netsim.learn.data import Samples


def main() -> None:
    net: ns.Network = ns.mlp("2-3-1", activation="tanh", seed=0)
    outputs = net.predict([[0.0, 1.0]])
    assert_type(outputs, np.ndarray)
    flag = len(outputs) > 5
    either = net.predict([[0.0, 1.0]], as_frame=flag)   # a bool known only at run time
    assert isinstance(either, np.ndarray)
    weights, biases = net.layer_weights()
    assert_type(weights, list[np.ndarray])
    again = ns.mlp_from_arrays(weights, biases, activation="tanh")
    assert_type(again, ns.Network)
    data = ns.datasets.iris()
    assert_type(data, Samples)
    history = ns.train(again, [[0.0, 1.0]], [[1.0]], epochs=2, progress=False)
    assert_type(history, ns.History)
    config: np.ndarray = net.get_weights()
    net.set_weights(config)


if __name__ == "__main__":
    main()
