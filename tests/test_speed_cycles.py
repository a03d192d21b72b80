"""Cycle detection with whole-array state codes: the same periods and transients as
following each sample's states one by one (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.simulate.rules import row_codes


def _naive(w: np.ndarray, b: np.ndarray, s: np.ndarray, low: float, max_steps: int,
           steps: int | None = None):
    """Parallel rule by hand, one sample: a dict of the states seen."""
    s = s.copy()
    upd = (w != 0).any(axis=1)  # a neuron without incoming connections keeps its value
    if not upd.any():  # a fixed point from the start
        return s, steps or 0, 1, 0
    seen = {s.tobytes(): 0}
    period = transient = None
    t = 0
    limit = steps if steps is not None else max_steps
    while t < limit:
        new = np.where(upd, np.where(w @ s + b >= 0, 1.0, low), s)
        t += 1
        changed = bool((new != s).any())
        s = new
        if period is None:
            if not changed:
                period, transient = 1, None  # the step of the last change: below
                first = seen.get(s.tobytes(), t - 1)
                transient = first
            else:
                first = seen.setdefault(s.tobytes(), t)
                if first != t:
                    period, transient = t - first, first
        if steps is None and period is not None:
            break
    return s, t, period, transient


def _network(w: np.ndarray, b: np.ndarray, activation: str) -> ns.Network:
    n = len(b)
    net = ns.Network()
    for j in range(n):
        net.add_neuron(j, activation=activation, bias=float(b[j]))
    net.connect_many((i, j, float(w[j, i])) for i in range(n) for j in range(n)
                     if w[j, i] != 0)
    return net


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7), st.integers(0, 10_000), st.sampled_from(["step", "sign"]),
       st.booleans())
def test_batch_periods_match_one_by_one(n, seed, activation, off_alphabet):
    rng = np.random.default_rng(seed)
    w = rng.integers(-2, 3, size=(n, n)).astype(float)
    b = rng.integers(-2, 3, size=n).astype(float) + 0.5  # no ties
    low = 0.0 if activation == "step" else -1.0
    net = _network(w, b, activation)
    states = np.where(rng.random((12, n)) < 0.5, 1.0, low)
    if off_alphabet:  # initial states off the two values never recur
        states[::3, 0] = 0.25
    run = net.run(initial_state=states, rule="parallel")
    for k, s in enumerate(states):
        one = net.run(initial_state=s, rule="parallel")
        final, t, period, transient = _naive(w, b, s, low, 1000)
        assert (one.steps, one.period, one.transient) == (t, period, transient)
        np.testing.assert_array_equal(one.state, final)
        assert run.steps[k] == t and run.period[k] == (period or 0)
        assert run.transient[k] == (-1 if transient is None else transient)
        np.testing.assert_array_equal(run.state[k], final)


@pytest.mark.parametrize("steps", [5, 37, 1000])
def test_fixed_steps_report_the_same_periods(steps):
    rng = np.random.default_rng(3)
    n = 6
    w = rng.normal(size=(n, n))
    b = rng.normal(size=n)
    net = _network(w, b, "step")
    states = (rng.random((20, n)) < 0.5).astype(float)
    run = net.run(initial_state=states, rule="parallel", steps=steps)
    for k, s in enumerate(states):
        final, _t, period, _tr = _naive(w, b, s, 0.0, 1000, steps=steps)
        np.testing.assert_array_equal(run.state[k], final)
        assert run.period[k] == (period or 0)


def test_a_long_ring_is_coded_by_digests():
    """200 copying neurons in a ring: states wider than two words, period 200."""
    n = 200
    net = ns.Network()
    for j in range(n):
        net.add_neuron(j, activation="sign")
    net.connect_many(((j - 1) % n, j, 1.0) for j in range(n))
    s = -np.ones(n)
    s[0] = 1.0
    run = net.run(initial_state=np.stack([s, np.roll(s, 5), -np.ones(n)]), rule="parallel")
    assert run.period.tolist() == [200, 200, 1]
    assert run.transient.tolist() == [0, 0, 0]
    assert run.steps.tolist() == [200, 200, 1]


def test_row_codes_are_exact_for_short_rows():
    rows = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], dtype=np.float64)
    codes = row_codes(rows)
    assert codes.shape == (4, 2) and codes.dtype == np.uint64
    same = (codes[:, None, :] == codes[None, :, :]).all(axis=2)
    assert same.tolist() == (rows[:, None] == rows[None]).all(axis=2).tolist()
    # -0.0 and 0.0 differ in their bytes, as the states' keys always did
    assert not (row_codes(np.array([[0.0]])) == row_codes(np.array([[-0.0]]))).all()
