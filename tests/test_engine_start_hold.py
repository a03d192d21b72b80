"""Starting and holding (DESIGN §1): initial_state, clamp, pin; records per sweep,
monitors and temperature on net.run — hand-computed cases and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns


def ring() -> ns.Network:
    """Three sign neurons a → b → c → a, weights 1, no bias, no inputs."""
    net = ns.Network("ring")
    for j in "abc":
        net.add_neuron(j, activation="sign")
    net.connect_many([("a", "b", 1.0), ("b", "c", 1.0), ("c", "a", 1.0)])
    return net


def chain() -> ns.Network:
    """x (input) → h (identity, w 2, b 1) → y (identity, w 3): y = 3·(2x + 1)."""
    net = ns.Network("chain")
    net.add_input("x")
    net.add_neuron("h", bias=1.0, initial=0.5)
    net.add_output("y")
    net.connect("x", "h", 2.0)
    net.connect("h", "y", 3.0)
    return net


def test_a_network_without_inputs_runs_without_an_input_argument():
    net = ring()  # parallel from (0, 0, 0): every ξ = 0 → sign(0) = +1; then stays
    run = net.run(rule="parallel")
    assert run.state.tolist() == [1, 1, 1] and run.steps == 2 and run.converged
    assert ns.run(net).state.tolist() == [1, 1, 1]
    with pytest.raises(ns.ParameterError, match="1 input neuron: give the inputs"):
        chain().run()


def test_initial_state_full_batch_and_mapping():
    net = ring()
    # parallel from (1, −1, −1): a ← c = −1, b ← a = 1, c ← b = −1 → (−1, 1, −1)
    run = net.run(initial_state=[1, -1, -1], rule="parallel", steps=1)
    assert run.state.tolist() == [-1, 1, -1]
    batch = net.run(initial_state=[[1, -1, -1], [1, 1, 1]], rule="parallel", steps=1)
    assert batch.state.tolist() == [[-1, 1, -1], [1, 1, 1]]
    assert batch.steps.tolist() == [1, 1]
    # a mapping changes the default initial state (0) where it names a neuron
    run = net.run(initial_state={"c": -1}, rule="parallel", steps=1)
    assert run.state.tolist() == [-1, 1, 1]  # ξ_a = −1, ξ_b = 0 → +1, ξ_c = 0 → +1


def test_inputs_overwrite_the_input_neurons_of_a_full_state():
    net = chain()
    # layered: h = 2·4 + 1 = 9, y = 27; the state's x = 7 is replaced by the input 4
    run = net.run([4.0], initial_state=[7.0, 0.0, 0.0], record=True)
    assert run.trace.tolist() == [[4, 0, 0], [4, 9, 0], [4, 9, 27]]
    # without inputs, the state's own input value is used
    assert net.run(initial_state=[7.0, 0.0, 0.0]).output.tolist() == [45.0]
    # one state with a batch of inputs: the state is shared
    run = net.run([[1.0], [2.0]], initial_state=[0.0, 0.0, 0.0])
    assert run.output.tolist() == [[9.0], [15.0]]


@pytest.mark.parametrize(("rule", "order"), [("layered", "cyclic"), ("parallel", "cyclic"),
                                             ("sequential", "cyclic"),
                                             ("sequential", "random"),
                                             ("sequential", "random-replacement")])
def test_clamp_and_pin_in_every_rule(rule, order):
    net = chain()
    # h clamped at 5: y = 15 whatever x; clamping the input x overrides it: h = 2·(−1) + 1
    run = net.run([4.0], rule=rule, order=order, seed=0, clamp={"h": 5.0})
    assert run.state.tolist() == [4, 5, 15]
    run = net.run([4.0], rule=rule, order=order, seed=0, clamp={"x": -1.0})
    assert run.state.tolist() == [-1, -1, -3]
    # h pinned at its starting value (its initial 0.5): y = 1.5
    run = net.run([4.0], rule=rule, order=order, seed=0, pin=["h"])
    assert run.state.tolist() == [4, 0.5, 1.5]
    run = net.run([4.0], rule=rule, order=order, seed=0, pin=["h"],
                  initial_state={"h": -2.0})
    assert run.state.tolist() == [4, -2, -6]


def test_a_held_neuron_is_not_counted_and_a_sweep_skips_it():
    net = ring()
    # sequential cyclic from (1, −1, 1) with b pinned: a ← c = 1 stays, c ← b = −1 → −1;
    # sweep 2: a ← c = −1 → −1, c unchanged; sweep 3 changes nothing: 3 sweeps of 2 steps
    run = net.run(initial_state=[1, -1, 1], pin=["b"], rule="sequential", record=True)
    assert run.state.tolist() == [-1, -1, -1]
    assert (run.steps, run.converged, run.period, run.transient) == (6, True, 1, 3)
    assert run.trace[:, 1].tolist() == [-1] * 7
    # everything held: a fixed point from the start
    run = net.run(initial_state=[1, -1, 1], pin=["a", "b", "c"], rule="parallel")
    assert (run.steps, run.converged, run.period) == (0, True, 1)


def test_held_programs_are_kept_beside_the_program():
    from netsim.simulate.start import HELD_CACHE, held_program

    prog = ring().compile()
    a = held_program(prog, [0])
    assert held_program(prog, [0]) is a and held_program(prog, []) is prog
    assert a.updated.tolist() == [1, 2] and prog.updated.tolist() == [0, 1, 2]
    for k in range(HELD_CACHE + 2):  # older sets are dropped, the cache stays bounded
        held_program(prog, [k % 3, (k + 1) % 3])
    from netsim.core import derived

    assert len(derived(prog, "held", dict)) <= HELD_CACHE


def test_record_step_and_sweep_shapes():
    net = ns.hopfield([[1, -1, 1, -1, 1, -1]])
    probes = [[-1, -1, 1, -1, 1, -1], [1, 1, 1, 1, 1, 1]]
    steps = net.run(initial_state=probes, rule="sequential", record="step")
    same = net.run(initial_state=probes, rule="sequential", record=True)
    assert np.array_equal(steps.trace, same.trace)
    sweeps = net.run(initial_state=probes, rule="sequential", record="sweep")
    assert np.array_equal(sweeps.trace, steps.trace[::6])
    # parallel: a sweep is a step
    par = net.run(initial_state=probes, rule="parallel", record="sweep")
    assert np.array_equal(par.trace, net.run(initial_state=probes, rule="parallel",
                                             record=True).trace)


def test_monitors_are_shaped_like_the_records():
    x = [[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]]
    net = ns.hopfield(x)
    probes = [[-1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, 1]]
    run = net.run(initial_state=probes, rule="sequential", record="sweep",
                  monitors={"m": ns.overlap_monitor(x), "e": ns.energy_monitor(net),
                            "ones": lambda s: (s == 1).sum(axis=1)})
    t = run.trace.shape[0]
    assert run.monitors["m"].shape == (t, 2, 2) and run.monitors["e"].shape == (t, 2)
    np.testing.assert_allclose(run.monitors["m"], run.trace @ np.array(x).T / 6)
    np.testing.assert_allclose(run.monitors["e"], ns.energy(net, run.trace))
    assert run.monitors["ones"][0].tolist() == [2, 4]
    # the energy never rises under the sequential rule (symmetric W, zero diagonal)
    assert np.all(np.diff(run.monitors["e"], axis=0) <= 1e-12)
    # monitors alone imply a record per step
    one = net.run(initial_state=probes[0], rule="sequential",
                  monitors={"e": ns.energy_monitor(net)})
    assert one.trace is not None and one.monitors["e"].shape == (one.trace.shape[0],)


def test_temperature_is_seeded_and_zero_is_deterministic():
    x = np.where(np.random.default_rng(0).random((2, 20)) < 0.5, -1.0, 1.0)
    net = ns.hopfield(x)
    probes = np.tile(x[0], (10, 1))
    a = net.run(initial_state=probes, rule="sequential", order="random", steps=60,
                temperature=1.5, seed=3)
    b = net.run(initial_state=probes, rule="sequential", order="random", steps=60,
                temperature=1.5, seed=3)
    c = net.run(initial_state=probes, rule="sequential", order="random", steps=60,
                temperature=1.5, seed=4)
    assert np.array_equal(a.state, b.state) and not np.array_equal(a.state, c.state)
    cold = net.run(initial_state=probes, rule="sequential", temperature=0)
    assert np.array_equal(cold.state, net.run(initial_state=probes, rule="sequential").state)
    # the glauber wrapper is this run, recorded per sweep
    g = ns.glauber(net, probes, 1.5, sweeps=3, seed=3)
    r = net.run(initial_state=probes, rule="sequential", order="random", steps=60,
                temperature=1.5, seed=3, record="sweep")
    assert np.array_equal(g.trace, r.trace)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (dict(clamp={"d": 1}), ns.NeuronNotFoundError, "clamp names neuron 'd'"),
        (dict(pin=["bb"]), ns.NeuronNotFoundError, r"pin names neuron 'bb'.*did you mean 'b'"),
        (dict(initial_state={"aa": 1}), ns.NeuronNotFoundError, "did you mean 'a'"),
        (dict(clamp=["a"]), ns.ParameterError, "clamp must be a mapping"),
        (dict(pin="a"), ns.ParameterError, "pin must be a list of neuron ids"),
        (dict(clamp={"a": "high"}), ns.ParameterError,
         "clamp value of neuron 'a' must be a number"),
        (dict(clamp={"a": float("inf")}), ns.ParameterError, "must be finite"),
        (dict(initial_state=[1, 2]), ns.ParameterError, r"shape \(3,\) or \(batch, 3\)"),
        (dict(initial_state=[[1, 2, 3]] * 2, steps=1), None, None),
        (dict(initial_state=[1, float("nan"), 3]), ns.ParameterError, "neuron 'b' is not finite"),
        (dict(initial_state="abc"), ns.ParameterError, "initial_state must be numbers"),
        (dict(record="sweeps"), ns.ParameterError, "did you mean 'sweep'"),
        (dict(monitors={"e": 3}), ns.ParameterError, "monitor 'e' must be callable"),
        (dict(monitors={"e": lambda s: 1.0}), ns.ParameterError, "one value"),
        (dict(monitors=[len]), ns.ParameterError, "monitors must be a mapping"),
        (dict(temperature=-1), ns.ParameterError, "temperature must be a finite number"),
        (dict(temperature=1.0, rule="parallel"), ns.ParameterError,
         "temperature applies to the 'sequential' rule"),
    ],
)
def test_bad_start_and_hold_options(options, error, message):
    net = ring()
    if error is None:
        net.run(**options)
        return
    with pytest.raises(error, match=message):
        net.run(**options)


def test_temperature_needs_two_valued_neurons():
    with pytest.raises(ns.ParameterError, match=r"two-valued .* neuron 'h' has the "
                                                r"activation 'identity'"):
        chain().run([1.0], rule="sequential", temperature=1.0)
    net = ring()
    net.set_neuron("a", activation={"name": "sign", "zero": 0.0})  # three values
    with pytest.raises(ns.ParameterError, match="neuron 'a'"):
        net.run(rule="sequential", temperature=1.0)
    # held neurons do not count: clamping the identity neuron allows a temperature
    other = chain()
    other.set_neuron("y", activation="step")
    run = other.run([1.0], rule="sequential", clamp={"h": 1.0}, temperature=1.0, seed=0,
                    steps=1)
    assert run.state[2] in (0.0, 1.0)


def test_batch_with_initial_states_mismatch():
    with pytest.raises(ns.ParameterError, match="initial_state has 2 states but the inputs "
                                                "have 3 samples"):
        chain().run([[1.0], [2.0], [3.0]], initial_state=[[0, 0, 0], [0, 0, 0]])
