"""A small typed use of netsim, checked by mypy (tests/test_interop_typing.py).

It also runs as a plain script. ``assert_type`` is a no-op at run time and a check
for the type checker.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
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
    run = net.run([0.0, 1.0], rule="parallel", max_steps=10, record="step")
    assert_type(run, ns.Run)
    assert run.trace is not None and run.converged
    again_outputs = net.predict([[0.0, 1.0]], steps=3)   # run's options, typed
    assert_type(again_outputs, np.ndarray)
    dot = net.to_dot(direction="TB", weights=True, layout="layered")
    assert "rankdir" in dot.source
    with tempfile.TemporaryDirectory() as folder:
        written = net.render(Path(folder) / "net.dot", min_weight=0.1)
        assert_type(written, Path)
        page = net.view(run, Path(folder) / "run.html", interval=0.2, direction="LR")
        assert page.html.startswith("<!DOCTYPE html>")


if __name__ == "__main__":
    main()
