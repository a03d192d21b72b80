"""Program.with_values, install_program and Network.install: derived programs after
training share the structure, carry the new values and are dropped at the next change."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim import core
from netsim.compile import compile_network, install_program
from netsim.core import parallel_stage


def _net():
    return ns.mlp("2-3-1", activation="sigmoid", seed=0)


def test_with_values_changes_values_only():
    prog = _net().compile()
    _ = parallel_stage(prog)  # build a value-holding cache on the old one
    w = np.arange(prog.n_connections, dtype=float)
    b = np.linspace(-1, 1, prog.n_neurons)
    new = prog.with_values(w, b)
    assert np.array_equal(new.weights, w) and np.array_equal(new.bias, b)
    assert new.sources is prog.sources and new.indptr is prog.indptr
    # value-holding caches start afresh: the stage carries the new biases
    assert np.array_equal(parallel_stage(new).bias, b[parallel_stage(new).targets])
    assert not np.array_equal(parallel_stage(prog).bias, parallel_stage(new).bias)
    # evaluation uses the new values, equal to compiling a network holding them
    net = _net()
    net.set_weights(prog.configuration_vector(w, b))
    x = np.array([[0.3, -0.7], [1.0, 2.0]])
    assert np.allclose(ns.run(new, x).output, net.predict(x), rtol=1e-12)


def test_with_values_keeps_dtype_and_checks_shapes():
    prog = _net().compile(dtype=np.float32)
    new = prog.with_values(np.zeros(prog.n_connections), np.zeros(prog.n_neurons))
    assert new.weights.dtype == np.float32 and new.bias.dtype == np.float32
    with pytest.raises(ns.ParameterError, match="shape"):
        prog.with_values(np.zeros(prog.n_connections + 1), np.zeros(prog.n_neurons))


def test_install_program_until_next_change():
    net = _net()
    prog = net.compile()
    net.graph.version += 1  # a change of values made outside the definition methods
    other = prog.with_values(prog.weights * 2, prog.bias)
    install_program(net, other)
    assert compile_network(net) is other
    net.add_neuron("extra")  # any change drops it
    assert compile_network(net) is not other


def test_install_program_checks_size():
    prog = _net().compile()
    with pytest.raises(ns.ParameterError, match="size"):
        install_program(ns.mlp("2-2-1", seed=0), prog)


def test_train_installs_trained_program():
    net = _net()
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    d = np.array([[0.0], [1.0], [1.0], [0.0]])
    ns.train(net, x, d, epochs=3, batch_size=2, lr=0.5, progress=False, seed=0)
    prog = net.compile()  # the installed program: no compile after training
    assert prog is net.compile()
    fresh = net.copy().compile()  # compiled from the graph the weights were written to
    assert np.array_equal(prog.configuration_vector(), net.get_weights())
    assert np.array_equal(fresh.weights, prog.weights)
    assert np.array_equal(fresh.bias, prog.bias)


@pytest.mark.parametrize("density", [0.9, 0.2])
def test_evaluate_stage_dense_and_sparse_blocks_agree_with_the_definition(density):
    from netsim.core import evaluate_stage

    rng = np.random.default_rng(1)
    n = 12
    w = rng.normal(size=(n, n)) * (rng.random((n, n)) < density)
    np.fill_diagonal(w, 0.0)  # rows read different sources: not a shared-source block
    b = rng.normal(size=n)
    net = ns.Network()
    for j in range(n):
        net.add_neuron(j, activation="identity", bias=float(b[j]))
    tgt, src = np.nonzero(w)
    net.connect_many(zip(src.tolist(), tgt.tolist(), w[tgt, src].tolist(), strict=True))
    prog = net.compile()
    stage = core.stage(prog, prog.updated)
    y = rng.normal(size=(5, n))
    xi, _ = evaluate_stage(prog, stage, y)
    np.testing.assert_allclose(xi, y @ w[prog.updated].T + b[prog.updated], rtol=1e-12)
    # with other weights (as in training): the same values from the same layout
    xi2, _ = evaluate_stage(prog, stage, y, weights=2 * prog.weights, bias=prog.bias)
    np.testing.assert_allclose(xi2, 2 * y @ w[prog.updated].T + b[prog.updated], rtol=1e-12)
    kinds = {cols is not None for cols, _matrix in stage.matrices.values()}
    assert kinds == {density > 0.5}  # dense product above the fill threshold


@pytest.mark.parametrize("activation", ["sigmoid", "step", "sign", "relu"])
def test_value_changes_after_prepared_runs_match_a_fresh_network(activation):
    """A prepared (cached) run followed by set_weight / set_neuron(bias=) / set_weights gives
    what the same network built afresh gives, threshold layers (rebuilt) and smooth
    ones (patched in place, their memo kept) alike, on integer and real inputs."""
    rng = np.random.default_rng(1)
    net = ns.mlp([3, 4, 2], activation=activation, seed=2)
    X = np.vstack([rng.integers(-1, 2, (6, 3)), rng.normal(size=(6, 3))]).astype(float)
    for step in range(12):
        net.predict(X)  # prepared and cached before every change
        u, v, _w = net.connections[step % net.n_connections]
        if step % 3 == 0:
            net.set_weight(u, v, float(np.round(rng.normal(), 1)))
        elif step % 3 == 1:
            net.set_neuron(v, bias=float(np.round(rng.normal(), 1)))
        else:
            net.set_weights(np.round(rng.normal(size=len(net.get_weights())), 1))
        fresh = ns.io.loads(ns.io.dumps(net))
        np.testing.assert_array_equal(net.predict(X), fresh.predict(X))
        np.testing.assert_array_equal(net.predict(X[0]), fresh.predict(X[0]))


def test_programs_are_freed_with_their_networks():
    """What the core derives from a program (plans, prepared rules and runs) refers
    back to it; the program carries that table itself, so a discarded network's
    programs are freed (a table keyed by the program beside it kept them all)."""
    import gc

    from netsim.compile import Program

    def alive() -> int:
        gc.collect()
        return sum(type(o) is Program for o in gc.get_objects())  # no __class__ lookups

    before = alive()
    x = np.zeros((1, 2))
    for seed in range(30):
        net = ns.mlp([2, 3, 1], seed=seed)
        net.predict(x)
        net.run(x, rule="parallel", steps=2)
        net.set_weight("x1", "h1_1", 0.5)  # patches what was derived
        net.predict(x)
    del net
    assert alive() - before == 0
