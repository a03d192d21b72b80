"""The compiled program: the behaviour later layers rely on (not its internals)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import netsim as ns
from netsim import core
from netsim.core import evaluate_stage, layer_stages, parallel_stage
from netsim.zoo import xor


def run_layers(prog, x):
    """Apply the program's layer stages in order to a batch of inputs."""
    state = prog.initial_state(np.atleast_2d(np.asarray(x, dtype=prog.dtype)))
    for stage in layer_stages(prog):
        _xi, y = evaluate_stage(prog, stage, state)
        state[:, stage.targets] = y
    return state


def naive_forward(net: ns.Network, x):
    """The definition, neuron by neuron in topological order (a reference)."""
    import networkx as nx

    values = dict(zip(net.inputs, x, strict=True))
    for j in nx.topological_sort(net.graph):
        if j in values:
            continue
        n = net.neuron(j)
        preds = sorted(net.graph.predecessors(j), key=net.neurons.index)
        if not preds:
            values[j] = n.initial
            continue
        ys = np.array([values[i] for i in preds])
        ws = np.array([net.weight(i, j) for i in preds])
        xi = ns.get_potential(n.potential)(ys, ws, bias=n.bias, **n.potential_params)
        values[j] = float(ns.get_activation(n.activation)(xi, **n.activation_params))
    return np.array([values[j] for j in net.neurons])


# --- the XOR network, by hand --------------------------------------------------------


def test_xor_truth_table_by_stages():
    prog = xor().compile()
    X = np.array(list(itertools.product([0, 1], repeat=2)), dtype=float)
    state = run_layers(prog, X)
    # h1 = [2x1 + 2x2 − 1 ≥ 0] (OR), h2 = [−2x1 − 2x2 + 3 ≥ 0] (NAND), y = [h1 + h2 − 2 ≥ 0]
    np.testing.assert_array_equal(state[:, prog.index["h1"]], [0, 1, 1, 1])
    np.testing.assert_array_equal(state[:, prog.index["h2"]], [1, 1, 1, 0])
    np.testing.assert_array_equal(state[:, prog.outputs], [[0], [1], [1], [0]])


def test_xor_potentials_by_hand():
    prog = xor().compile()
    state = prog.initial_state(np.array([[1.0, 0.0]]))
    stage = layer_stages(prog)[0]
    xi, y = evaluate_stage(prog, stage, state)
    names = [prog.neurons[t] for t in stage.targets]
    assert names == ["h1", "h2"]
    np.testing.assert_array_equal(xi, [[1.0, 1.0]])  # 2·1 − 1 and −2·1 + 3
    np.testing.assert_array_equal(y, [[1.0, 1.0]])


def test_program_fields():
    net = xor()
    net.set_neuron("h2", initial=0.5)
    net.set_outputs(["y", "x1"])
    prog = net.compile()
    assert prog.neurons == ("x1", "x2", "h1", "h2", "y")
    assert prog.index["h2"] == 3 and prog.n_neurons == 5 and prog.n_connections == 6
    np.testing.assert_array_equal(prog.inputs, [0, 1])
    np.testing.assert_array_equal(prog.outputs, [4, 0])
    np.testing.assert_array_equal(prog.bias, [0, 0, -1, 3, -2])
    np.testing.assert_array_equal(prog.initial, [0, 0, 0, 0.5, 0])
    np.testing.assert_array_equal(prog.has_input, [False, False, True, True, True])
    np.testing.assert_array_equal(prog.layer, [0, 0, 1, 1, 2])
    assert prog.cycle is None and not prog.is_recurrent
    assert prog.discrete  # every updated neuron is a step neuron
    assert [prog.activation_names[a] for a in prog.activation_ids] == [
        "identity", "identity", "step", "step", "step"]
    state = prog.initial_state(np.array([[1.0, 1.0], [0.0, 1.0]]))
    np.testing.assert_array_equal(state, [[1, 1, 0, 0.5, 0], [0, 1, 0, 0.5, 0]])
    np.testing.assert_array_equal(parallel_stage(prog).targets, [2, 3, 4])


def test_recurrent_program_has_cycle_and_no_layers():
    net = xor()
    net.connect("y", "h1", 1.0)
    prog = net.compile()
    assert prog.is_recurrent and prog.layer is None
    assert set(prog.cycle) == {"h1", "y"}
    with pytest.raises(ns.CycleError) as exc:
        layer_stages(prog)
    assert exc.value.cycle == prog.cycle and "'h1'" in str(exc.value)
    # the parallel stage still works on a recurrent network
    xi, _y = evaluate_stage(prog, parallel_stage(prog), prog.initial_state(np.ones((1, 2))))
    assert xi.shape == (1, 3)


# --- CSR layout ------------------------------------------------------------------------


def test_csr_rows_sorted_by_source_whatever_the_insertion_order():
    net = ns.Network()
    for n in ("a", "b", "c", "d", "t"):
        net.add_neuron(n)
    # connect in reverse neuron order, with distinct weights
    for k, s in enumerate(("d", "b", "c", "a")):
        net.connect(s, "t", float(k + 1))
    net.connect("c", "d", 7.0)
    net.connect("a", "d", 8.0)
    prog = net.compile()
    t, d = prog.index["t"], prog.index["d"]
    rows = {j: (prog.sources[prog.indptr[j]:prog.indptr[j + 1]],
                prog.weights[prog.indptr[j]:prog.indptr[j + 1]]) for j in (t, d)}
    np.testing.assert_array_equal(rows[t][0], [0, 1, 2, 3])
    np.testing.assert_array_equal(rows[t][1], [4.0, 2.0, 3.0, 1.0])  # a, b, c, d
    np.testing.assert_array_equal(rows[d][0], [0, 2])
    np.testing.assert_array_equal(rows[d][1], [8.0, 7.0])
    np.testing.assert_array_equal(np.diff(prog.indptr), [0, 0, 0, 2, 4])
    for j in range(prog.n_neurons):
        row = prog.sources[prog.indptr[j]:prog.indptr[j + 1]]
        assert np.all(np.diff(row) > 0)


# --- dense and sparse blocks --------------------------------------------------------------


def test_mlp_layers_are_dense_blocks_over_views():
    net = ns.mlp("3-4-2", seed=0)
    prog = net.compile()
    for stage in layer_stages(prog):
        assert len(stage.linear) == 1
        block = stage.linear[0]
        assert block.dense
        w = prog.weights[block.weight_pos]
        assert np.shares_memory(w, prog.weights)  # a view, not a copy
    x = np.array([[0.1, -0.4, 0.9], [1.0, 0.0, -1.0]])
    got = run_layers(prog, x)
    for b in range(2):
        np.testing.assert_allclose(got[b], naive_forward(net, x[b]), rtol=1e-12)


def test_sparse_layers_use_sparse_blocks_and_agree_with_the_definition():
    rng = np.random.default_rng(0)
    net = ns.Network()
    for k in range(6):
        net.add_input(f"x{k}")
    for k in range(5):
        net.add_neuron(f"h{k}", activation="tanh", bias=float(rng.normal()))
    net.add_output("y", activation="sigmoid")
    # each hidden neuron reads its own pair of inputs: not a full block
    for k in range(5):
        net.connect(f"x{k}", f"h{k}", float(rng.normal()))
        net.connect(f"x{k + 1}", f"h{k}", float(rng.normal()))
        net.connect(f"h{k}", "y", float(rng.normal()))
    net.connect("x0", "y", 0.5)  # a shortcut
    prog = net.compile()
    first = layer_stages(prog)[0]
    assert not any(block.dense for block in first.linear)
    x = rng.normal(size=(3, 6))
    got = run_layers(prog, x)
    for b in range(3):
        np.testing.assert_allclose(got[b], naive_forward(net, x[b]), rtol=1e-12)


def test_mixed_potentials_and_activations_in_one_stage():
    net = ns.Network()
    net.add_input("a")
    net.add_input("b")
    net.add_neuron("rbf", potential={"name": "distance", "p": 1}, activation="gaussian",
                   width=2.0, bias=100.0)
    net.add_neuron("lin", activation="relu", bias=0.5)
    net.add_neuron("sg", activation="sign", zero=-1)
    net.connect_many([("a", "rbf", 1.0), ("b", "rbf", -1.0), ("a", "lin", 2.0),
                      ("b", "sg", 1.0)])
    prog = net.compile()
    assert prog.bias[prog.index["rbf"]] == 0.0  # the distance potential has no bias
    xi, y = evaluate_stage(prog, parallel_stage(prog), prog.initial_state(np.array([[3.0, 0.0]])))
    # rbf: |3 − 1| + |0 + 1| = 3, exp(−(3/2)²); lin: 2·3 + 0.5; sg: 0 → −1 (tie rule)
    np.testing.assert_allclose(xi, [[3.0, 6.5, 0.0]])
    np.testing.assert_allclose(y, [[np.exp(-2.25), 6.5, -1.0]])


# --- configuration -----------------------------------------------------------------------


def test_configuration_vector_equals_get_weights_and_split_is_inverse():
    net = xor()
    net.add_neuron("r", potential="distance")
    net.connect("h2", "r", 0.3)
    net.connect("x1", "r", -0.7)
    prog = net.compile()
    v = prog.configuration_vector()
    np.testing.assert_array_equal(v, net.get_weights())
    assert prog.n_config == len(net.configuration())
    weights, bias = prog.split_configuration(v)
    np.testing.assert_array_equal(weights, prog.weights)
    np.testing.assert_array_equal(bias, prog.bias)
    other = np.arange(prog.n_config, dtype=float)
    np.testing.assert_array_equal(prog.configuration_vector(*prog.split_configuration(other)),
                                  other)
    with pytest.raises(ns.ParameterError, match=r"shape \(11,\), got \(3,\)"):
        prog.split_configuration(np.zeros(3))


def test_trained_configuration_evaluates_like_set_weights():
    net = ns.mlp("2-3-1", seed=0)
    prog = net.compile()
    v = np.random.default_rng(1).normal(size=prog.n_config)
    w, b = prog.split_configuration(v)
    state = prog.initial_state(np.array([[0.2, 0.8]]))
    for stage in layer_stages(prog):
        state[:, stage.targets] = evaluate_stage(prog, stage, state, w, b)[1]
    net.set_weights(v)
    np.testing.assert_allclose(state, run_layers(net.compile(), [[0.2, 0.8]]), rtol=1e-12)


# --- caching and dtype -------------------------------------------------------------------


def test_compile_is_cached_until_a_change():
    net = xor()
    prog = net.compile()
    assert net.compile() is prog and ns.compile_network(net) is prog
    net.set_weight("h1", "y", 2.0)  # a value: the program is patched in place
    assert net.compile() is prog and prog.weights[prog.indptr[4]] == 2.0
    assert core.stage(prog, [2, 3]) is core.stage(prog, [3, 2])
    net.set_neuron("y", activation="sigmoid")  # a function: compiled again
    new = net.compile()
    assert new is not prog and new.activation_names != prog.activation_names
    assert prog.weights[prog.indptr[4]] == 2.0  # an old program keeps its values


def test_float32_program():
    net = ns.mlp("2-3-1", seed=0)
    p32 = net.compile(np.float32)
    p64 = net.compile()
    assert p32 is not p64 and net.compile(np.float32) is p32
    assert p32.dtype == np.float32
    assert p32.weights.dtype == p32.bias.dtype == p32.initial.dtype == np.float32
    out32 = run_layers(p32, [[0.5, -0.5]])
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, run_layers(p64, [[0.5, -0.5]]), rtol=1e-6)
    with pytest.raises(ns.ParameterError, match="float64 or float32"):
        net.compile(np.int32)


# --- groups ------------------------------------------------------------------------------


def test_softmax_group_spanning_layers_is_an_error():
    net = ns.Network(name="bad")
    net.add_input("x")
    net.add_neuron("p", activation="softmax", group="g")
    net.add_neuron("q", activation="softmax", group="g")
    net.connect("x", "p")
    net.connect("p", "q")  # q is one layer later than p
    prog = net.compile()  # the parallel and sequential rules can run it
    with pytest.raises(ns.NetworkError) as exc:
        _ = layer_stages(prog)  # the layered rule (and backprop) cannot
    msg = str(exc.value)
    assert "softmax group 'g'" in msg and "'p'" in msg and "'q'" in msg and "layers 1, 2" in msg


def test_softmax_groups_are_normalised_separately_and_stage_completes_groups():
    net = ns.Network()
    net.add_input("x")
    for n in ("a1", "a2", "b1", "b2", "b3"):
        net.add_output(n, activation="softmax", group=n[0])
    for k, n in enumerate(("a1", "a2", "b1", "b2", "b3")):
        net.connect("x", n, float(k))
    prog = net.compile()
    stage = core.stage(prog, [prog.index["a1"], prog.index["b1"]])  # partial groups requested
    assert len(stage) == 5
    _xi, y = evaluate_stage(prog, stage, prog.initial_state(np.array([[1.0]])))
    np.testing.assert_allclose(y[0, :2], np.exp([0, 1]) / np.exp([0, 1]).sum())
    np.testing.assert_allclose(y[0, 2:], np.exp([2, 3, 4]) / np.exp([2, 3, 4]).sum())


def test_stage_of_a_neuron_without_inputs_is_an_error():
    prog = xor().compile()
    with pytest.raises(ns.ParameterError, match=r"'x1'.*no incoming connection"):
        core.stage(prog, [prog.index["x1"]])


def test_layer_stages_follow_user_layer_numbers_with_empty_layers():
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("h", layer=3, activation="relu")
    net.add_output("y", bias=1.0)
    net.connect("x", "h", 2.0)
    net.connect("h", "y", 1.0)
    net.connect("x", "y", 1.0)
    prog = net.compile()
    np.testing.assert_array_equal(prog.layer, [0, 3, 4])
    assert [len(stage) for stage in layer_stages(prog)] == [0, 0, 1, 1]
    state = run_layers(prog, [[1.5]])
    np.testing.assert_allclose(state, [[1.5, 3.0, 1.0 + 3.0 + 1.5]])
