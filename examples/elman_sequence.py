"""An Elman network learns Elman's temporal XOR by backpropagation through time.

The input is a stream of bits made of triples (a, b, a XOR b), a and b random. The
network reads one bit per step and predicts the next one: only every third bit is
predictable. An Elman (simple recurrent) network — tanh hidden neurons connected to
each other, which plays the role of the context units (under the parallel rule a
hidden neuron reads the previous step's hidden state), and a sigmoid output — is
trained on 64 streams of 30 steps by backpropagation through time (``ns.train`` with
inputs of shape ``(B, T, 1)``), Adam and gradient clipping.

Timing: under the parallel rule a signal needs one step per connection, so the output
at step t reads the hidden state of step t − 1 and therefore the inputs up to
x_{t−1}: the target of y_t is x_t itself.

Run: ``python examples/elman_sequence.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import netsim as ns


def elman(hidden: int, seed: int = 0) -> ns.Network:
    """One input, ``hidden`` tanh neurons (recurrent among themselves), one sigmoid output."""
    net = ns.Network(name=f"elman 1-{hidden}-1")
    net.add_input("x")
    for j in range(hidden):
        net.add_neuron(f"h{j}", activation="tanh")
    net.add_output("y", activation="sigmoid")
    names = [f"h{j}" for j in range(hidden)]
    net.connect_many([("x", h, 0.0) for h in names]
                     + [(a, b, 0.0) for b in names for a in names]
                     + [(h, "y", 0.0) for h in names])
    ns.initialize(net, "glorot", seed=seed)
    return net


def temporal_xor(n_streams: int, triples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Streams ``(B, 3·triples, 1)`` of (a, b, a XOR b) triples; the targets are the
    inputs themselves (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ab = rng.integers(0, 2, size=(n_streams, triples, 2))
    stream = np.concatenate([ab, (ab[:, :, :1] ^ ab[:, :, 1:])], axis=2)
    x = stream.reshape(n_streams, -1, 1).astype(float)
    return x, x.copy()


def xor_accuracy(net: ns.Network, x: np.ndarray) -> float:
    """How often the output is on the right side of ½ at the predictable steps."""
    from netsim.learn.bptt import sequence_plan

    prog = net.compile()
    y = sequence_plan(net).forward(x, prog.weights, prog.bias).outputs[:, :, 0].T  # (B, T)
    steps = np.arange(2, x.shape[1], 3)  # the third bit of every triple
    return float(np.mean((y[:, steps] >= 0.5) == (x[:, steps, 0] >= 0.5)))


def main(verbose: bool = True) -> dict:
    x, d = temporal_xor(64, 10, seed=0)
    net = elman(8, seed=1)
    history = ns.train(net, x, d, loss="binary_cross_entropy", optimizer="adam", lr=0.02,
                       epochs=80, batch_size=16, clip=5.0, seed=0, progress=False)
    xt, _ = temporal_xor(200, 10, seed=1)
    accuracy = xor_accuracy(net, xt)
    if verbose:
        print(f"{net}\nloss {history.loss[0]:.3f} -> {history.loss[-1]:.3f}; "
              f"the XOR bit predicted right in {accuracy:.1%} of new streams")
    return {"net": net, "history": history, "accuracy": accuracy}


if __name__ == "__main__":
    main()
