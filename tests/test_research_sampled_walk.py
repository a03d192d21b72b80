"""The sampled search's cycle walk (prepared stepper, cycle book, merged walkers) gives
exactly the attractors, counts and transients of the engine's own runs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
import netsim.analyse.sampled as sampled
from netsim.analyse.sampled import CycleBook
from netsim.simulate.stepper import ParallelStepper


def _net(n, k, act, zero, weights, seed):
    params = {} if zero is None else {"zero": zero}
    return ns.random_threshold_network(n, k, activation=act, weights=weights, seed=seed,
                                       in_degree="poisson", **params)


def _starts(net, count, seed, clamp=None):
    """Full random start states over the updated neurons (the others at their initial
    value, a clamped neuron at its clamp value)."""
    prog = net.compile()
    rng = np.random.default_rng(seed)
    low, high = (0.0, 1.0) if prog.activation_names[int(prog.activation_ids[0])] == "step" \
        else (-1.0, 1.0)
    states = np.broadcast_to(prog.initial, (count, prog.n_neurons)).copy()
    free = prog.updated
    states[:, free] = np.where(rng.random((count, len(free))) < 0.5, high, low)
    for key, value in (clamp or {}).items():
        states[:, prog.index[key]] = value
    return states


def _oracle(net, states, clamp, max_steps):
    """Per sample: its cycle's labels (from its smallest state) and transient, from one
    recorded engine run (a batch gives exactly the per-sample runs)."""
    run = net.run(initial_state=states, rule="parallel", clamp=clamp, max_steps=max_steps,
                  record=True)
    prog = net.compile()
    held = set() if clamp is None else {prog.index[k] for k in clamp}
    free = [j for j in prog.updated.tolist() if j not in held]
    high = states[:, free].max(initial=1.0)
    out = []
    for b in range(len(states)):
        p, t0 = int(run.period[b]), int(run.transient[b])
        if p == 0:
            out.append((None, -1))
            continue
        cycle = ["".join("1" if v == high else "0" for v in row)
                 for row in run.trace[t0 : t0 + p, b][:, free]]
        first = cycle.index(min(cycle))
        out.append((tuple(cycle[first:] + cycle[:first]), t0))
    return out


def _bits_labels(found):
    return [tuple("".join("1" if v else "0" for v in row) for row in a.bits)
            for a in found.attractors]


def _check_against_oracle(net, states, clamp=None, max_steps=1000):
    found = ns.attractors(net, method="sample", states=states, clamp=clamp,
                          max_steps=max_steps)
    want = _oracle(net, states, clamp, max_steps)
    labels = _bits_labels(found)
    got = [(None if a < 0 else labels[a], int(t))
           for a, t in zip(found.attractor_of, found.transient, strict=True)]
    assert got == want
    counts = {}
    for cycle, _t in want:
        if cycle is not None:
            counts[cycle] = counts.get(cycle, 0) + 1
    assert {labels[a.index]: a.count for a in found.attractors} == counts
    # by decreasing count, then by smallest state
    assert [a.count for a in found.attractors] == sorted(counts.values(), reverse=True)
    return found


@pytest.mark.parametrize("zero", [None, "keep", -1.0])
@pytest.mark.parametrize("seed", range(40))
def test_sampled_equals_the_engine_runs_on_random_networks(seed, zero):
    rng = np.random.default_rng(seed)
    n = int(rng.choice([12, 40, 150, 300]))  # > 128 free neurons: digests in the engine
    k = float(rng.choice([1.5, 2.0, 3.0]))
    act = "step" if seed % 3 == 0 else "sign"
    if act == "step" and zero == -1.0:
        zero = 0.0
    net = _net(n, k, act, zero, "pm1" if seed % 2 else "gaussian", seed)
    clamp = {"y1": 1.0} if seed % 4 == 1 else None
    states = _starts(net, 60, seed, clamp)
    states = np.concatenate([states, states[:7]])  # repeated start states
    _check_against_oracle(net, states, clamp, max_steps=1000 if seed % 5 else 25)


def test_many_batches_and_small_walk_groups(monkeypatch):
    # tiny batches: cycles found in one batch are looked up in later ones, walkers go
    # in groups of a few
    net = _net(60, 2.0, "sign", None, "pm1", 7)
    states = _starts(net, 300, 7)
    whole = _check_against_oracle(net, states)
    monkeypatch.setattr(sampled, "BATCH_ELEMENTS", 200)
    parts = _check_against_oracle(net, states)
    assert _bits_labels(parts) == _bits_labels(whole)
    assert parts.transient.tolist() == whole.transient.tolist()


def _ring(n, act="sign"):
    """Neuron i copies neuron i − 1: every state lies on a cycle (its rotations)."""
    net = ns.Network()
    for i in range(n):  # step: 1 iff y ≥ 1/2
        net.add_neuron(i, activation=act, bias=-0.5 if act == "step" else 0.0)
    for i in range(n):
        net.connect((i - 1) % n, i, 1.0)
    return net


@pytest.mark.parametrize("act", ["sign", "step"])
def test_every_state_of_a_ring_against_the_exhaustive_analysis(act):
    # every start state is on a cycle and most cycles are reached from several of
    # their states: the walkers meet each other's starts and stop
    net = _ring(10, act)
    exhaustive = ns.attractors(net)
    every = exhaustive.space.states(np.arange(exhaustive.n_states))
    found = ns.attractors(net, method="sample", states=every)
    assert {tuple(a.labels): a.count for a in found.attractors} == {
        tuple(a.labels): a.basin for a in exhaustive.attractors}
    labels = [tuple(found.attractors[a].labels) for a in found.attractor_of]
    assert labels == [tuple(exhaustive.attractors[exhaustive.attractor_of[c]].labels)
                      for c in range(exhaustive.n_states)]
    assert (found.transient == 0).all()


@pytest.mark.parametrize("zero", ["keep", None])
@pytest.mark.parametrize("seed", range(6))
def test_every_state_against_the_exhaustive_analysis(seed, zero):
    params = {} if zero is None else {"zero": zero}
    net = ns.random_threshold_network(12, 2, seed=seed, **params)
    clamp = {"y2": -1.0} if seed % 2 else None
    exhaustive = ns.attractors(net, clamp=clamp)
    every = exhaustive.space.states(np.arange(exhaustive.n_states))
    found = ns.attractors(net, method="sample", states=every, clamp=clamp)
    labels = [tuple(found.attractors[a].labels) for a in found.attractor_of]
    assert labels == [tuple(exhaustive.attractors[exhaustive.attractor_of[c]].labels)
                      for c in range(exhaustive.n_states)]
    assert found.transient.tolist() == exhaustive.transient.tolist()


@pytest.mark.parametrize("seed", range(8))
def test_sequential_fixed_points_are_the_engine_runs(seed):
    net = _net(30, 2.0, "sign", "keep" if seed % 2 else None, "pm1", seed)
    states = _starts(net, 50, seed)
    found = ns.attractors(net, method="sample", rule="sequential", states=states, seed=seed,
                          max_steps=8)
    run = net.run(initial_state=states, rule="sequential", order="random", seed=seed,
                  max_steps=8 * len(net.compile().updated))
    free = net.compile().updated
    for b in range(len(states)):
        a = found.attractor_of[b]
        if not run.converged[b]:
            assert a == -1
            continue
        np.testing.assert_array_equal(found.attractors[a].states[0][free], run.state[b][free])
        assert found.transient[b] == run.steps[b]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 200), st.sampled_from([1.0, 2.0, 3.0]),
       st.sampled_from(["sign", "step"]), st.sampled_from([None, "keep"]),
       st.integers(0, 10**6), st.booleans(), st.integers(1, 4))
def test_stepper_steps_are_run_steps(n, k, act, zero, seed, clamped, steps):
    net = _net(n, min(k, n), act, zero, "pm1", seed)
    clamp = {"y1": 1.0} if clamped else None
    states = _starts(net, 5, seed, clamp)
    stepper = ParallelStepper(net, clamp)
    batch = stepper.start(states)
    stepper.step(batch, steps)
    want = net.run(initial_state=states, rule="parallel", clamp=clamp, steps=steps).state
    np.testing.assert_array_equal(stepper.states(batch), want)
    free = stepper.neurons
    high = 1.0
    np.testing.assert_array_equal(stepper.bits(batch),
                                  np.packbits(want[:, free] == high, axis=1))
    stepper.keep(batch, [4, 0])
    stepper.step(batch)
    again = net.run(initial_state=want[[4, 0]], rule="parallel", clamp=clamp, steps=1).state
    np.testing.assert_array_equal(stepper.states(batch), again)


def test_stepper_bits_follow_neuron_order():
    # a neuron without inputs in the middle: the updated neurons are not contiguous
    net = ns.Network()
    for name in "abcd":
        net.add_neuron(name, activation="sign")
    net.connect("a", "b", 1.0)
    net.connect("b", "d", -1.0)
    net.connect("d", "a", 1.0)
    stepper = ParallelStepper(net)
    assert stepper.neurons.tolist() == [0, 1, 3]
    batch = stepper.start([[1, -1, 1, -1]])
    assert stepper.bits(batch).tolist() == [[0b10000000]]
    stepper.step(batch)  # a <- d = -1, b <- a = +1, d <- -b = +1
    assert stepper.states(batch).tolist() == [[-1, 1, 1, 1]]
    assert stepper.bits(batch).tolist() == [[0b01100000]]


def test_cycle_book_by_hand():
    book = CycleBook()
    assert book.add(np.array([[5, 1], [5, 0], [9, 9]], dtype=np.uint8)) == 0
    assert book.cycles[0].tolist() == [[5, 0], [9, 9], [5, 1]]  # from the smallest
    assert book.add(np.array([[4, 4]], dtype=np.uint8)) == 1
    assert book.find(np.array([[9, 9], [4, 4], [0, 0]], dtype=np.uint8)).tolist() == [
        0, 1, -1]
