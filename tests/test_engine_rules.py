"""Rules, steps, stopping, periods and traces, hand-computed from the definitions."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim.core import layer_stages


def chain() -> ns.Network:
    """x → a → b (identity), a → c, plus a recurrent-free layer structure."""
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("a", bias=1.0)
    net.add_neuron("b", bias=-1.0)
    net.add_output("c", bias=0.5)
    net.connect("x", "a", 2.0)
    net.connect("a", "b", 3.0)
    net.connect("b", "c", -1.0)
    net.connect("x", "c", 1.0)
    return net


def triangle() -> ns.Network:
    """Three identity neurons in a cycle with biases (recurrent)."""
    net = ns.Network()
    for n, b, init in (("p", 1.0, 1.0), ("q", 0.0, 2.0), ("r", -1.0, 3.0)):
        net.add_neuron(n, bias=b, initial=init)
    net.connect("p", "q", 2.0)
    net.connect("q", "r", -1.0)
    net.connect("r", "p", 0.5)
    net.set_outputs(["r"])
    return net


def test_layered_steps_are_layers():
    net = chain()
    run = net.run([1.0], record=True)
    # layer 1: a = 1 + 2·1 = 3; layer 2: b = −1 + 3·3 = 8; layer 3: c = 0.5 − 8 + 1
    assert run.trace.tolist() == [[1, 0, 0, 0], [1, 3, 0, 0], [1, 3, 8, 0], [1, 3, 8, -6.5]]
    assert (run.steps, run.converged, run.period, run.transient) == (3, True, 1, 3)
    one = net.run([1.0], steps=1)
    assert one.state.tolist() == [1, 3, 0, 0] and not one.converged
    more = net.run([1.0], steps=5, record=True)
    assert more.steps == 5 and more.converged and len(more.trace) == 6
    assert (more.trace[3:] == more.trace[3]).all()  # steps after the last layer: no-ops


def test_parallel_single_step_by_hand():
    run = triangle().run([], rule="parallel", steps=1)
    # p = 1 + 0.5·3, q = 0 + 2·1, r = −1 − 1·2 (all from the previous state)
    assert run.state.tolist() == [2.5, 2.0, -3.0]
    two = triangle().run([], rule="parallel", steps=2)
    assert two.state.tolist() == [1 + 0.5 * -3.0, 2 * 2.5, -1 - 2.0]


def test_sequential_cyclic_single_steps_by_hand():
    net = triangle()
    s1 = net.run([], rule="sequential", steps=1).state
    assert s1.tolist() == [2.5, 2.0, 3.0]  # only p
    s2 = net.run([], rule="sequential", steps=2).state
    assert s2.tolist() == [2.5, 5.0, 3.0]  # q sees the new p
    s3 = net.run([], rule="sequential", steps=3).state
    assert s3.tolist() == [2.5, 5.0, -6.0]


@pytest.mark.parametrize("order", ["random", "random-replacement"])
def test_sequential_random_selection_follows_the_seed(order):
    net = triangle()
    rng = np.random.default_rng(7)
    sel = rng.permutation(3) if order == "random" else rng.integers(0, 3, size=3)
    state = np.array([1.0, 2.0, 3.0])
    weights = {0: (2, 0.5, 1.0), 1: (0, 2.0, 0.0), 2: (1, -1.0, -1.0)}  # src, w, bias
    for t, j in enumerate(sel.tolist(), start=1):
        src, w, b = weights[j]
        state[j] = b + w * state[src]
        got = net.run([], rule="sequential", order=order, seed=7, steps=t).state
        assert got.tolist() == state.tolist()


def test_same_seed_same_run_and_seeds_differ():
    net = ns.Network()
    for j in range(12):
        net.add_neuron(j, activation="sign", initial=(-1.0) ** j)
    rng = np.random.default_rng(0)
    for i in range(12):
        for j in range(12):
            if i != j:
                net.connect(i, j, float(rng.normal()))
    for order in ("random", "random-replacement"):
        a = net.run([], rule="sequential", order=order, seed=3, record=True)
        b = net.run([], rule="sequential", order=order, seed=3, record=True)
        assert np.array_equal(a.trace, b.trace) and a.steps == b.steps
        traces = {net.run([], rule="sequential", order=order, seed=s, steps=12).state.tobytes()
                  for s in range(6)}
        assert len(traces) > 1


@pytest.mark.parametrize("k", [2, 3, 5, 8])
def test_ring_shifting_a_one_has_period_k(k):
    net = ns.Network()
    for i in range(k):
        net.add_neuron(i, activation="step", bias=-0.5, initial=1.0 if i == 0 else 0.0)
    for i in range(k):
        net.connect(i, (i + 1) % k, 1.0)
    run = net.run([], rule="parallel")
    assert (run.period, run.transient, run.steps, run.converged) == (k, 0, k, False)
    fixed = net.run([], rule="parallel", steps=3 * k, record=True)
    assert fixed.period == k and fixed.steps == 3 * k
    assert np.array_equal(fixed.trace[k], fixed.trace[0])


def test_transient_before_a_cycle():
    # t (no inputs... kept) drives a ring through a one-step delay: state repeats later
    net = ns.Network()
    net.add_neuron("d", activation="step", bias=-0.5, initial=1.0)  # d(t+1) = 0 (no feed)
    net.add_neuron("s", activation="step", bias=-0.5)
    net.connect("d", "s", 1.0)
    net.connect("s", "d", 0.0)
    for i in range(3):
        net.add_neuron(f"r{i}", activation="step", bias=-0.5)
    net.connect("s", "r0", 1.0)
    net.connect("r0", "r1", 1.0)
    net.connect("r1", "r2", 1.0)
    net.connect("r2", "r0", 1.0)
    run = net.run([], rule="parallel", record=True)
    # the single 1 enters the ring at step 2 and circulates with period 3
    assert run.period == 3 and run.transient == 2 and run.steps == 5
    assert np.array_equal(run.trace[5], run.trace[2])


def test_sequential_cyclic_period_in_whole_sweeps():
    net = ns.Network()
    net.add_neuron("a", activation="sign", initial=1.0)
    net.add_neuron("b", activation="sign", initial=1.0)
    net.connect("b", "a", 1.0)  # a copies b
    net.connect("a", "b", -1.0)  # b negates a
    seq = net.run([], rule="sequential", record=True)
    # sweep states: (1,1) → (1,−1) → (−1,1) → (1,−1): period 2 sweeps = 4 steps
    assert (seq.period, seq.transient, seq.steps, seq.converged) == (4, 2, 6, False)
    par = net.run([], rule="parallel")
    assert (par.period, par.transient) == (4, 0)


def test_step_bound_never_raises():
    counter = ns.Network()
    counter.add_neuron("c", bias=1.0)
    counter.connect("c", "c", 1.0)  # c ← c + 1: never stable, not discrete
    for rule in ("parallel", "sequential"):
        run = counter.run([], rule=rule, max_steps=7)
        assert (run.steps, run.converged, run.period, run.transient) == (7, False, None, None)
        assert run.state.tolist() == [7.0]
    flip = ns.Network()
    flip.add_neuron("f", activation="sign", initial=1.0)
    flip.connect("f", "f", -1.0)  # flips every step; random orders report no period
    run = flip.run([], rule="sequential", order="random", seed=0, max_steps=9)
    assert (run.steps, run.converged, run.period) == (9, False, None)
    assert flip.run([], rule="parallel", max_steps=0).steps == 0


def test_until_stable_counts_the_verifying_step_or_sweep():
    net = chain()
    par = net.run([1.0], rule="parallel", record=True)
    # values settle after 3 steps; step 4 changes nothing
    assert (par.steps, par.transient, par.period, par.converged) == (4, 3, 1, True)
    seq = net.run([1.0], rule="sequential")
    # one sweep (3 updatable neurons, in order a, b, c) settles everything; sweep 2 verifies
    assert (seq.steps, seq.transient, seq.converged) == (6, 3, True)


def test_tolerance_stops_a_converging_continuous_run():
    net = ns.Network()
    net.add_neuron("h", bias=1.0)
    net.connect("h", "h", 0.5)  # h ← 1 + h/2 → 2
    exact = net.run([], rule="parallel", max_steps=10_000)
    loose = net.run([], rule="parallel", tol=1e-3)
    assert exact.converged and loose.converged and loose.steps < exact.steps
    assert abs(loose.state[0] - 2) < 2e-3
    assert loose.period == 1 and loose.transient == loose.steps - 1


def test_neurons_without_inputs_keep_their_value_inputs_with_inputs_update():
    net = ns.Network()
    net.add_input("x")  # no incoming: keeps the input value
    net.add_input("z", activation="sign")  # Hopfield-like input with an incoming connection
    net.add_neuron("k", initial=4.0)  # no incoming: keeps its initial value
    net.connect("x", "z", -1.0)
    net.connect("k", "z", 0.0)
    for rule in ("parallel", "sequential"):
        run = net.run([2.0, 1.0], rule=rule)
        assert run.state.tolist() == [2.0, -1.0, 4.0]


def test_softmax_group_evaluated_together_in_sequential():
    net = ns.mlp("2-3", output_activation="softmax", seed=1)
    x = [0.3, -0.2]
    layered = net.run(x)
    seq = net.run(x, rule="sequential", steps=1)  # selecting y1 evaluates y1..y3
    assert np.allclose(seq.output, layered.output)
    assert np.isclose(seq.output.sum(), 1.0)


def test_default_rule_and_run_fields():
    assert chain().run([0.0]).rule == "layered"
    run = triangle().run([], max_steps=3)
    assert run.rule == "parallel" and run.order is None
    assert run.value("r") == run.state[2]
    with pytest.raises(ns.NeuronNotFoundError, match="did you mean 'r'"):
        run.value("rr")
    assert "step" in chain().run([1.0], record=True).table().splitlines()[0]
    assert chain().run([1.0]).summary()["steps"] == 3


def test_float32():
    run = ns.mlp("3-4-2", seed=0).run(np.ones((5, 3)), dtype=np.float32)
    assert run.state.dtype == np.float32 and run.output.shape == (5, 2)
    ref = ns.mlp("3-4-2", seed=0).run(np.ones((5, 3)))
    assert np.allclose(run.output, ref.output, atol=1e-6)


def test_program_cached_and_invalidated():
    net = chain()
    first = net.run([1.0]).output
    net.set_weight("x", "c", 2.0)
    assert net.run([1.0]).output[0] == first[0] + 1.0


def test_distance_potential_runs_through_the_generic_path():
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("g", activation="gaussian", potential="distance")
    net.connect("x1", "g", 1.0)
    net.connect("x2", "g", 2.0)
    expected = np.exp(-((np.hypot(0.0 - 1.0, 1.0 - 2.0)) ** 2))
    for rule in ("layered", "parallel", "sequential"):
        assert np.isclose(net.run([0.0, 1.0], rule=rule).output[0], expected)


def test_initial_state_outside_the_values_is_not_confused_with_one():
    net = ns.Network()
    net.add_neuron("a", activation="sign")  # initial 0: not a value of sign
    net.add_neuron("b", activation="sign")
    net.connect("a", "b", -1.0)
    net.connect("b", "a", -1.0)
    run = net.run([], rule="parallel", record=True)
    # (0, 0) → (1, 1) → (−1, −1) → (1, 1): period 2 entered after step 1
    assert run.trace.tolist() == [[0, 0], [1, 1], [-1, -1], [1, 1]]
    assert (run.period, run.transient, run.steps) == (2, 1, 3)
    batch = net.run([[], []], rule="parallel")
    assert batch.period.tolist() == [2, 2] and batch.transient.tolist() == [1, 1]


def _reference_layered(net, x):
    """The layered rule straight from compile.evaluate_stage (the reference evaluation)."""
    from netsim.core import evaluate_stage

    prog = net.compile()
    state = prog.initial_state(np.atleast_2d(np.asarray(x, dtype=float)))
    for stage in layer_stages(prog):
        _xi, y = evaluate_stage(prog, stage, state)
        state[:, stage.targets] = y
    return state


def test_dense_layers_state_and_trace_match_the_reference():
    net = ns.mlp("4-5-3-2", activation="tanh", output_activation="softmax", seed=2)
    x = np.random.default_rng(0).normal(size=(6, 4))
    run = net.run(x, record=True)
    ref = _reference_layered(net, x)
    assert np.allclose(run.state, ref) and np.allclose(run.output, ref[:, -2:])
    assert np.allclose(run.trace[-1], ref) and run.trace.shape == (4, 6, len(net.neurons))
    assert np.allclose(run.trace[0][:, :4], x) and (run.trace[0][:, 4:] == 0).all()
    assert np.allclose(net.run(x[0]).state, ref[0])


def test_shortcut_connections_read_a_mixed_block():
    net = ns.mlp("3-4-2", activation="sigmoid", seed=1)
    net.connect("x1", "y1", 0.7)  # y1 reads an input and the hidden layer
    net.connect("x3", "y2", -0.4)
    x = np.random.default_rng(1).normal(size=(5, 3))
    ref = _reference_layered(net, x)
    run = net.run(x)
    assert np.allclose(run.output, ref[:, -2:]) and np.allclose(run.state, ref)


def test_softmax_groups_split_across_potentials_and_two_groups():
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_neuron("a", activation="softmax", group="g")
    net.add_neuron("b", activation="softmax", group="g", potential="distance")
    net.add_neuron("c", activation="softmax", group="h")
    net.add_neuron("d", activation="softmax", group="h")
    for t, w in (("a", 1.0), ("b", 0.5), ("c", -1.0), ("d", 2.0)):
        net.connect("x1", t, w)
        net.connect("x2", t, -w)
    net.set_outputs(["a", "b", "c", "d"])
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    ref = _reference_layered(net, x)
    for rule in ("layered", "parallel"):
        run = net.run(x, rule=rule)
        assert np.allclose(run.output, ref[:, 2:])
    assert np.allclose(ref[:, 2] + ref[:, 3], 1) and np.allclose(ref[:, 4] + ref[:, 5], 1)
    seq = net.run(x, rule="sequential", steps=1)  # selecting a evaluates a and b
    assert np.allclose(seq.output[:, :2], ref[:, 2:4]) and (seq.output[:, 2:] == 0).all()
