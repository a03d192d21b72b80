"""Value changes without recompiling (issue 15): a 784-128-64-10 sigmoid MLP.

Printed side by side, interleaved, BLAS pinned to one thread (see ``_harness.py``):

- V1 ``net.set_weight(...)`` then ``net.predict(x)`` (one sample) vs ``net.predict(x)``
  alone: the cost of a value change; target at most 2x.
- V2 ``ns.gradient(net, X, D)`` (batch 64, cross-entropy) vs the forward pass, the
  loss and the backward pass it runs, called directly on the backprop plan with its
  work arrays: the cost of the wrapping (checks, the result's arrays, the
  configuration vector); target at most 1.3x.
- V3 ``net.get_weights()`` / V4 ``net.set_weights(w)`` vs the numpy gather / scatter of
  a configuration vector of the same size (what they must at least do); no target.
"""

from __future__ import annotations

import numpy as np
from _harness import measure, print_results

import netsim as ns
from netsim.learn.backprop import get_plan
from netsim.learn.losses import get_loss


def _network(quick: bool) -> ns.Network:
    sizes = [64, 32, 16, 10] if quick else [784, 128, 64, 10]
    return ns.mlp(sizes, activation="sigmoid", output_activation="softmax", seed=0)


def main(quick: bool = False) -> None:
    net = _network(quick)
    rng = np.random.default_rng(0)
    n_in = len(net.inputs)
    x1 = rng.random((1, n_in))
    xb = rng.random((64, n_in))
    d = np.eye(10)[rng.integers(0, 10, 64)]
    repeat = 5 if quick else 9
    results = []

    counter = iter(range(10**9))

    def change_and_predict() -> None:
        net.set_weight("x1", "h1_1", 0.001 * (next(counter) % 7))
        net.predict(x1)

    results.append(measure("V1 set_weight + predict (1 sample)", change_and_predict,
                           lambda: net.predict(x1), "predict alone", target=2.0,
                           repeat=repeat))

    prog = net.compile()
    plan = get_plan(net)
    loss = get_loss("cross_entropy")
    ctx = loss.prepare(prog)

    def forward_loss_backward() -> None:
        # what ns.gradient runs, on the plan's work arrays: the forward pass without
        # the output softmax, the cross-entropy from the potentials, the backward pass
        state, xis = plan.forward(xb, prog.weights, prog.bias, reuse=True, final=False)
        _value, grad_y, grad_xi, _y = plan.loss(loss, ctx, state, xis, d, final=False)
        plan.backward(state, xis, grad_y, grad_xi, prog.weights, reuse=True)

    results.append(measure("V2 ns.gradient (batch 64)",
                           lambda: ns.gradient(net, xb, d, loss="cross_entropy"),
                           forward_loss_backward, "its forward + loss + backward",
                           target=1.3, repeat=repeat))

    slots = prog.weight_slots
    vector = net.get_weights()
    weights = prog.weights.copy()

    def gather() -> np.ndarray:
        out = np.empty(prog.n_config)
        out[slots] = weights
        return out

    results.append(measure("V3 get_weights", net.get_weights, gather,
                           "numpy scatter into a configuration vector", repeat=repeat))

    def scatter() -> None:
        weights[...] = vector[slots]

    results.append(measure("V4 set_weights", lambda: net.set_weights(vector), scatter,
                           "numpy gather from a configuration vector", repeat=repeat))
    print_results(f"values: {len(net)} neurons, {prog.n_connections} connections",
                  results)


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
