"""Backpropagation: gradients against central finite differences on random DAGs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.core import evaluate_stage, layer_stages
from netsim.learn.backprop import get_plan

SMOOTH = [
    {"name": "identity"},
    {"name": "sigmoid", "steepness": 1.0},
    {"name": "sigmoid", "steepness": 2.5},
    {"name": "tanh"},
    {"name": "scaled_tanh"},
    {"name": "gaussian", "width": 1.5},
]
POTENTIALS = [
    "weighted_sum",
    "weighted_sum",
    {"name": "distance"},
    {"name": "distance", "p": 3.0},
    {"name": "distance", "p": 1.5},
]


def reference_outputs(prog, x, weights, bias):
    """Outputs by the reference evaluation (evaluate_stage over the layer stages)."""
    state = prog.initial_state(np.asarray(x, dtype=float))
    for stage in layer_stages(prog):
        _xi, y = evaluate_stage(prog, stage, state, weights=weights, bias=bias)
        state[:, stage.targets] = y
    return state[:, prog.outputs]


def reference_loss(prog, x, d, vector, loss):
    w, b = prog.split_configuration(vector)
    y = reference_outputs(prog, x, w, b)
    if loss == "mse":
        return 0.5 * np.sum((y - d) ** 2) / len(x)
    if loss == "cross_entropy":
        return -np.sum(d * np.log(y)) / len(x)
    return -np.sum(d * np.log(y) + (1 - d) * np.log(1 - y)) / len(x)


def finite_difference(prog, x, d, loss, h=1e-5):
    v0 = prog.configuration_vector()
    out = np.empty_like(v0)
    for k in range(len(v0)):
        vp, vm = v0.copy(), v0.copy()
        vp[k] += h
        vm[k] -= h
        out[k] = (reference_loss(prog, x, d, vp, loss) - reference_loss(prog, x, d, vm, loss)) / (
            2 * h
        )
    return out


def relative_error(a, b):
    scale = max(np.linalg.norm(a), np.linalg.norm(b), 1e-8)
    return np.linalg.norm(a - b) / scale


@st.composite
def random_dags(draw):
    """Random acyclic networks: shortcuts, fan-out, mixed activations and potentials,
    optional softmax groups (hidden or output), inputs with inputs, several outputs."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n_in = draw(st.integers(1, 3))
    n_hidden = draw(st.integers(1, 5))
    net = ns.Network(name="random")
    names = []
    for k in range(n_in):
        net.add_input(f"x{k}")
        names.append(f"x{k}")
    if n_in > 1 and draw(st.booleans()):
        # an input neuron that also has an input (it is recomputed by the layered rule)
        net.add_neuron("c", initial=0.7)  # a constant neuron: no inputs, keeps its value
        net.connect("c", "x1", float(rng.normal()))
        names.insert(0, "c")
    for k in range(n_hidden):
        name = f"h{k}"
        net.add_neuron(
            name,
            activation=SMOOTH[draw(st.integers(0, len(SMOOTH) - 1))],
            potential=POTENTIALS[draw(st.integers(0, len(POTENTIALS) - 1))],
            bias=float(rng.normal()),
        )
        preds = rng.choice(len(names), size=draw(st.integers(1, min(3, len(names)))),
                           replace=False)
        for p in preds:
            net.connect(names[p], name, float(rng.normal()))
        names.append(name)
    mode = draw(st.sampled_from(["plain", "softmax_out", "softmax_hidden"]))
    outputs = []
    if mode in ("softmax_out", "softmax_hidden"):
        layer = max(net.layer_numbers().values()) + 1
        size = draw(st.integers(2, 3))
        group = []
        for k in range(size):
            name = f"s{k}"
            net.add_neuron(name, activation="softmax", bias=float(rng.normal()), layer=layer,
                           group="g")
            for p in rng.choice(len(names), size=min(2, len(names)), replace=False):
                net.connect(names[p], name, float(rng.normal()))
            group.append(name)
        if mode == "softmax_out":
            outputs = group
        else:
            net.add_neuron("after", activation="sigmoid")
            for s in group:
                net.connect(s, "after", float(rng.normal()))
            names.extend(group)
            names.append("after")
    if not outputs:
        k_out = draw(st.integers(1, 3))
        # the last neuron plus random others (fan-out: outputs may feed others)
        outputs = list(dict.fromkeys([names[-1], *rng.choice(names, size=k_out - 1)]))
    net.set_outputs(outputs)
    batch = draw(st.integers(1, 4))
    x = rng.normal(size=(batch, n_in))
    if mode == "softmax_out":
        d = rng.dirichlet(np.ones(len(outputs)), size=batch)
    else:
        d = rng.uniform(0.1, 0.9, size=(batch, len(outputs)))
    return net, x, d, mode


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(random_dags())
def test_gradient_matches_finite_differences(case):
    net, x, d, mode = case
    prog = net.compile()
    losses = ["mse"]
    if mode == "softmax_out":
        losses.append("cross_entropy")
    for loss in losses:
        g = ns.gradient(net, x, d, loss=loss)
        fd = finite_difference(prog, x, d, loss)
        assert relative_error(g.vector, fd) < 1e-6, (loss, g.vector, fd)
        assert g.loss == pytest.approx(reference_loss(prog, x, d, prog.configuration_vector(),
                                                      loss), rel=1e-12)


@settings(max_examples=25)
@given(random_dags())
def test_forward_equals_reference_evaluation(case):
    net, x, _d, _mode = case
    plan = get_plan(net)
    prog = plan.prog
    state, _xi = plan.forward(x, prog.weights, prog.bias)
    np.testing.assert_allclose(state[prog.outputs].T,
                               reference_outputs(prog, x, prog.weights, prog.bias),
                               rtol=1e-12, atol=1e-12)


@settings(max_examples=20)
@given(random_dags())
def test_batch_gradient_is_mean_of_per_sample(case):
    net, x, d, _mode = case
    whole = ns.gradient(net, x, d).vector
    single = np.mean([ns.gradient(net, x[k], d[k]).vector for k in range(len(x))], axis=0)
    np.testing.assert_allclose(whole, single, rtol=1e-10, atol=1e-12)


def test_sigmoid_outputs_binary_cross_entropy_matches_fd():
    net = ns.mlp("3-4-2", activation="tanh", output_activation={"name": "sigmoid",
                 "steepness": 2.0}, seed=1)
    rng = np.random.default_rng(0)
    x, d = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    g = ns.gradient(net, x, d, loss="binary_cross_entropy")
    fd = finite_difference(net.compile(), x, d, "bce")
    assert relative_error(g.vector, fd) < 1e-6


def test_hand_computed_two_layer_gradient():
    # x -> h (sigmoid) -> y (identity), plus the shortcut x -> y.
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("h", activation="sigmoid", bias=0.5)
    net.add_output("y", bias=-1.0)
    net.connect("x", "h", 2.0)
    net.connect("h", "y", 3.0)
    net.connect("x", "y", -1.0)
    x, d = 1.0, 0.25
    h = 1 / (1 + np.exp(-(0.5 + 2.0 * x)))
    y = -1.0 + 3.0 * h - 1.0 * x
    dy = y - d
    dh = dy * 3.0 * h * (1 - h)
    g = ns.gradient(net, [x], [d])
    assert g.loss == pytest.approx(0.5 * dy**2)
    assert g["y"] == pytest.approx(dy)
    assert g[("h", "y")] == pytest.approx(dy * h)
    assert g[("x", "y")] == pytest.approx(dy * x)
    assert g["h"] == pytest.approx(dh)
    assert g[("x", "h")] == pytest.approx(dh * x)
    # configuration order: h's bias, w(x,h), y's bias, w(x,y), w(h,y)
    assert net.configuration() == ["h", ("x", "h"), "y", ("x", "y"), ("h", "y")]
    np.testing.assert_allclose(g.vector, [dh, dh * x, dy, dy * x, dy * h])


def test_distance_potential_at_zero_has_zero_gradient():
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("r", potential="distance", activation="identity")
    net.connect("x1", "r", 1.0)
    net.connect("x2", "r", 2.0)
    g = ns.gradient(net, [1.0, 2.0], [0.0])  # the input sits at the centre: ξ = 0
    assert np.all(np.isfinite(g.vector))
    np.testing.assert_array_equal(g.vector, [0.0, 0.0])
    g = ns.gradient(net, [4.0, 6.0], [0.0])  # ξ = 5, E = 12.5, ∂E/∂w = −ξ·(y − w)/ξ
    assert g.loss == pytest.approx(12.5)
    np.testing.assert_allclose(g.vector, [-3.0, -4.0])


def test_step_neuron_on_path_raises_naming_it():
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("gate", activation="step")
    net.add_output("y", activation="sigmoid")
    net.connect("x", "gate", 1.0)
    net.connect("gate", "y", 1.0)
    with pytest.raises(ns.NotDifferentiableError, match=r"'gate'.*'step'"):
        ns.gradient(net, [1.0], [0.0])


def test_step_neuron_off_path_is_ignored():
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("side", activation="sign")  # feeds nothing that reaches an output
    net.add_output("y", activation="sigmoid")
    net.connect("x", "side", 1.0)
    net.connect("x", "y", 1.0)
    g = ns.gradient(net, [1.0], [0.0])
    assert g[("x", "side")] == 0.0
    assert g[("x", "y")] != 0.0


def test_recurrent_network_raises_cycle_error_naming_the_cycle():
    net = ns.Network(name="loop")
    net.add_input("x")
    net.add_neuron("a", activation="tanh")
    net.add_output("b", activation="tanh")
    net.connect("x", "a", 1.0)
    net.connect("a", "b", 1.0)
    net.connect("b", "a", 1.0)
    with pytest.raises(ns.CycleError, match=r"'a' -> 'b' -> 'a'|'b' -> 'a' -> 'b'") as info:
        ns.gradient(net, [1.0], [0.0])
    assert set(info.value.cycle) == {"a", "b"}


def test_gradient_lookup_errors():
    net = ns.mlp("2-1", seed=0)
    g = ns.gradient(net, [1.0, 0.0], [1.0])
    with pytest.raises(ns.NetworkError, match="no connection"):
        g[("y1", "x1")]
    with pytest.raises(ns.NeuronNotFoundError):
        g["nope"]
    with pytest.raises(ns.NetworkError, match="no bias"):
        g["x1"]
    assert g.keys() == net.configuration()
    assert len(g) == 3


def test_cross_entropy_needs_a_softmax_output_group():
    net = ns.mlp("2-2", activation="sigmoid", seed=0)
    with pytest.raises(ns.ParameterError, match="softmax"):
        ns.gradient(net, [1.0, 0.0], [1.0, 0.0], loss="cross_entropy")


def test_shape_errors_are_clear():
    net = ns.mlp("2-3-1", seed=0)
    with pytest.raises(ns.ParameterError, match=r"inputs must have shape \(B, 2\)"):
        ns.gradient(net, [[1.0, 2.0, 3.0]], [[1.0]])
    with pytest.raises(ns.ParameterError, match=r"targets must have shape \(B, 1\)"):
        ns.gradient(net, [[1.0, 2.0]], [[1.0, 0.0]])
    with pytest.raises(ns.ParameterError, match="same number of samples"):
        ns.gradient(net, [[1.0, 2.0], [0.0, 0.0]], [[1.0], [0.0], [1.0]])
    with pytest.raises(ns.ParameterError, match="loss must be one of"):
        ns.gradient(net, [[1.0, 2.0]], [[1.0]], loss="msee")


@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "cross_entropy"])
def test_losses_are_finite_at_saturated_outputs(loss):
    out = "softmax" if loss == "cross_entropy" else "sigmoid"
    net = ns.mlp("2-2", activation="identity", output_activation=out, seed=0)
    net.set_weights(np.array([0.0, 800.0, -800.0, 0.0, -800.0, 800.0]))
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    d = np.array([[0.0, 1.0], [1.0, 0.0]])  # exactly wrong, fully saturated
    g = ns.gradient(net, x, d, loss=loss)
    assert np.isfinite(g.loss)
    assert np.all(np.isfinite(g.vector))
    if loss != "mse":
        assert g.loss == pytest.approx(1600.0, rel=1e-9)  # −log σ(−1600/2)·... = 1600 per sample
    right = ns.gradient(net, x, 1 - d, loss=loss)
    assert np.isfinite(right.loss) and right.loss < 1e-300 + 1e-12
