"""Threshold neurons in the core: exact decisions near the jump, ties kept by the neuron.

Rounding never decides a threshold: step and sign neurons take the side of the exact
sum of the stored weights times the state. ``zero="keep"``: a potential of exactly 0
leaves the neuron's value unchanged, in every rule and every analysis.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import netsim as ns
from netsim.core.threshold import exact_sign

# --- exact_sign ------------------------------------------------------------------------


def test_exact_sign_hand_cases():
    tenths = np.array([0.1, 0.2, -0.3])
    assert float(tenths @ np.ones(3)) > 0  # the rounded sum
    # the stored 0.1 + 0.2 is above the stored 0.3 (exactly: the fraction says so)
    expected = Fraction(0.1) + Fraction(0.2) - Fraction(0.3)
    assert exact_sign(0.0, tenths, np.ones(3)) == (expected > 0) - (expected < 0) == 1
    assert exact_sign(0.0, np.array([0.5, -0.25, -0.25]), np.ones(3)) == 0
    assert exact_sign(-1.0, np.array([1.0, 1e-300]), np.array([1.0, 1e-300])) == 1
    # products beyond the two-product's safe range: summed as fractions
    assert exact_sign(0.0, np.array([1e300, -1e300]), np.array([1e10, 1e10])) == 0
    assert exact_sign(1e-320, np.array([1e-200]), np.array([-1e-200])) == 1
    assert exact_sign(0.0, np.zeros(0), np.zeros(0)) == 0


def test_exact_sign_matches_fractions_on_random_rows():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 30))
        w = rng.integers(-9, 10, size=n) / 10.0
        y = rng.choice([-1.0, 1.0, 0.5, 3.0], size=n)
        b = float(rng.integers(-5, 6)) / 10.0
        exact = Fraction(b) + sum(Fraction(float(a)) * Fraction(float(v))
                                  for a, v in zip(w, y, strict=True))
        assert exact_sign(b, w, y) == (exact > 0) - (exact < 0)


# --- rounding never decides a threshold ------------------------------------------------


def _tie_net(weights, bias=0.0, activation="sign", **params):
    """Inputs x0..xk feeding one threshold neuron y with the given weights."""
    net = ns.Network()
    for k in range(len(weights)):
        net.add_input(f"x{k}")
    net.add_output("y", activation=activation, bias=bias, **params)
    for k, w in enumerate(weights):
        net.connect(f"x{k}", "y", w)
    return net


@pytest.mark.parametrize("rule", ["layered", "parallel", "sequential"])
def test_a_rounded_sum_does_not_decide_the_side(rule):
    # 0.1 + 0.2 − 0.3 rounds to +5.6e-17 left to right, −2.8e-17 in another order; the
    # stored values sum exactly to +2^-55 (> 0): sign +1. With weights 0.3, −0.1, −0.2
    # the exact sum is 0 − 2^-55 < 0: sign −1 (the rounded sum says 0 or +).
    pos = _tie_net([0.1, 0.2, -0.3])
    assert pos.run([1, 1, 1], rule=rule).output.tolist() == [1.0]
    neg = _tie_net([0.3, -0.1, -0.2])
    exact = Fraction(0.3) - Fraction(0.1) - Fraction(0.2)
    assert exact < 0
    assert neg.run([1, 1, 1], rule=rule).output.tolist() == [-1.0]
    # exactly zero: the tie rule (sign's default +1; step gives 1)
    zero = _tie_net([0.5, -0.25, -0.25])
    assert zero.run([1, 1, 1], rule=rule).output.tolist() == [1.0]
    assert _tie_net([0.5, -0.25, -0.25], activation="sign", zero=-1).run(
        [1, 1, 1], rule=rule).output.tolist() == [-1.0]


def _hebb_pair(n, p, seed):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], size=(p, n))
    return ns.hopfield(x), ns.hopfield(x, normalize=False), rng


@pytest.mark.parametrize(("n", "p"), [(60, 4), (100, 4), (300, 4), (60, 9), (100, 8),
                                      (100, 10), (300, 25)])
def test_hebb_with_and_without_1_over_n_identical_trajectories(n, p):
    """Every weight k/N is stored as exactly k times the stored factor c ≈ 1/N
    (:func:`netsim.learn.hebb.unit_fraction`), so the exact sums of both networks differ
    by that factor and have the same signs, ties included. The rounded sums did not (at
    N = 100, 1/N summed to −4.9e−17 where the exact sum is 0; with P = 8, fl(6/N) is
    not 6·fl(1/N))."""
    norm, plain, rng = _hebb_pair(n, p, seed=n + p)
    probes = rng.choice([-1.0, 1.0], size=(300, n))
    for rule, order in [("parallel", "cyclic"), ("sequential", "cyclic"),
                        ("sequential", "random")]:
        a = norm.run(probes, rule=rule, order=order, seed=1, max_steps=30, record=True)
        b = plain.run(probes, rule=rule, order=order, seed=1, max_steps=30, record=True)
        np.testing.assert_array_equal(a.trace, b.trace)
        np.testing.assert_array_equal(a.steps, b.steps)
        np.testing.assert_array_equal(a.period, b.period)


@pytest.mark.parametrize("n", [60, 100])
def test_hebb_recall_with_and_without_1_over_n(n):
    norm, plain, rng = _hebb_pair(n, 4, seed=7 * n)
    probes = rng.choice([-1.0, 1.0], size=(200, n))
    for rule in ("sequential", "parallel"):
        a = ns.recall(norm, probes, rule=rule, max_steps=30)
        b = ns.recall(plain, probes, rule=rule, max_steps=30)
        np.testing.assert_array_equal(a.trace, b.trace)


def test_hebb_one_step_equals_the_exact_sum_of_the_stored_weights():
    """Weights that are not multiples of one factor (fl(k/N), as a user's own Hebb matrix
    has them): the network follows the exact sums of its own stored weights, computed
    here with Python integers."""
    rng = np.random.default_rng(3)
    x = rng.choice([-1.0, 1.0], size=(8, 100))
    w = x.T @ x / 100
    np.fill_diagonal(w, 0.0)
    norm = ns.from_matrix(w, activation="sign")
    scale = 2 ** 1100
    w_int = np.array([[int(Fraction(float(v)) * scale) for v in row] for row in w],
                     dtype=object)
    probes = rng.choice([-1.0, 1.0], size=(200, 100))
    xi = probes.astype(np.int64).astype(object) @ w_int.T
    sign = np.where(xi > 0, 1.0, np.where(xi < 0, -1.0, 1.0))  # zero: +1
    got = norm.run(initial_state=probes, rule="parallel", steps=1).state
    np.testing.assert_array_equal(got, sign.astype(float))
    # and the sequential rule's first step of every sweep (neuron y1, from the probe)
    seq = norm.run(initial_state=probes, rule="sequential", steps=1).state
    np.testing.assert_array_equal(seq[:, 0], sign[:, 0].astype(float))


@pytest.mark.parametrize("fractional", [False, True])
@pytest.mark.parametrize("layout", ["parallel", "layered"])
@pytest.mark.parametrize("seed", range(4))
def test_bulk_integer_settling_equals_the_exact_sums(layout, seed, fractional):
    """Rows whose weights are integers times a power of two (some rows of ±1, some of
    k·2^−q, one row of fl(k/7) that is neither) from integer and fractional states: every
    decision, ties by each tie rule included, is the sign of the exact sum."""
    rng = np.random.default_rng(seed)
    n, m = 12, 6
    w = rng.integers(-3, 4, size=(m, n)).astype(float)
    w[1] *= 2.0 ** -int(rng.integers(1, 40))  # a dyadic row: exact in int64 after scaling
    w[2] = rng.integers(-3, 4, size=n) / 7  # not dyadic: decided one by one
    w[3] *= 2.0 ** 30  # large integers: the float sum may round, the int64 sum does not
    bias = rng.integers(-2, 3, size=m).astype(float)
    bias[1] *= w[1][w[1] != 0][0] if (w[1] != 0).any() else 1.0
    net = ns.Network()
    for i in range(n):
        net.add_neuron(f"x{i}")
    zeros = ["keep", 1.0, -1.0, "keep", 0.0, "keep"]
    for j in range(m):
        net.add_neuron(f"y{j}", activation="sign", bias=float(bias[j]), zero=zeros[j])
        for i in range(n):
            if w[j, i]:
                net.connect(f"x{i}", f"y{j}", float(w[j, i]))
    net.set_inputs([f"x{i}" for i in range(n)])
    states = rng.integers(-2, 3, size=(300, n)).astype(float)
    if fractional:  # some samples with a fractional value: integrality checked per row
        states[::7, 0] = 0.5
    old = rng.choice([-1.0, 1.0], size=(300, m))
    start = np.concatenate([states, old], axis=1)
    if layout == "parallel":
        got = net.run(initial_state=start, rule="parallel", steps=1).state[:, n:]
    else:  # the layered evaluation: a kept tie keeps the neuron's initial value, 0
        old[:] = 0.0
        got = net.run(states, rule="layered").state[:, n:]
    for b in range(len(states)):
        for j in range(m):
            total = Fraction(float(bias[j])) + sum(
                Fraction(float(w[j, i])) * Fraction(float(states[b, i])) for i in range(n))
            if total > 0:
                want = 1.0
            elif total < 0:
                want = -1.0
            else:
                want = old[b, j] if zeros[j] == "keep" else zeros[j]
            assert got[b, j] == want, (b, j, total)


@pytest.mark.parametrize("rule", ["layered", "parallel"])
@pytest.mark.parametrize("tiny", [1e-20, -1e-20, 0.0])
def test_rows_too_wide_for_int64_are_decided_one_by_one(rule, tiny):
    """Weights 1e-20 and ±1 in one row span more than 64 bits: no integer form, so a
    near tie takes the exact sum of that row. The rounded sum is 0 in every case."""
    net = ns.Network()
    for k in ("a", "b", "c"):
        net.add_input(k)
    net.add_output("y", activation="sign", zero=0.0)
    net.connect_many([("a", "y", tiny), ("b", "y", 1.0), ("c", "y", -1.0)])
    x = np.ones((2, 3))
    if rule == "layered":
        got = net.run(x, rule="layered").state[:, -1]
    else:
        got = net.run(initial_state=np.c_[x, [0.5, -0.5]], rule="parallel", steps=1).state[:, -1]
    np.testing.assert_array_equal(got, np.sign(tiny))


# --- ties kept by the neuron -------------------------------------------------------------


def _keep_ring():
    """Three sign neurons with zero="keep": a → b (1), b → c (1), c → a (−1), plus
    a → c (1). From (1, −1, 1): ξ_a = −c = −1, ξ_b = a = 1, ξ_c = b + a = 0 (keeps 1)."""
    net = ns.Network()
    for k in "abc":
        net.add_neuron(k, activation="sign", zero="keep")
    net.connect("a", "b", 1.0)
    net.connect("b", "c", 1.0)
    net.connect("c", "a", -1.0)
    net.connect("a", "c", 1.0)
    return net


def test_keep_hand_computed_parallel_and_sequential():
    net2 = _keep_ring()
    for k, v in zip("abc", (1.0, -1.0, 1.0), strict=True):
        net2.set_neuron(k, initial=v)
    run = net2.run([], rule="parallel", steps=1)
    np.testing.assert_array_equal(run.state, [-1.0, 1.0, 1.0])
    # sequential: a: ξ = −c = −1 → −1; b: ξ = a = −1 → −1; c: ξ = b + a = −2 → −1
    run = net2.run([], rule="sequential", steps=3, record=True)
    np.testing.assert_array_equal(run.trace[1:], [[-1, -1, 1], [-1, -1, 1], [-1, -1, -1]])
    # a neuron whose inputs sum to exactly 0 from the start keeps its value forever
    held = ns.Network()
    held.add_input("x")
    held.add_neuron("h", activation="step", zero="keep", initial=1.0)
    held.connect("x", "h", 1.0)
    assert held.run([0.0], rule="parallel").state.tolist() == [0.0, 1.0]
    assert held.run([0.0], rule="sequential").state.tolist() == [0.0, 1.0]


def test_keep_differs_from_the_value_rules_where_it_should():
    net = ns.Network()
    net.add_neuron("a", activation="sign", initial=-1.0)
    net.add_neuron("b", activation="sign", initial=1.0)
    net.connect("a", "b", 0.0)  # ξ_b = 0 always
    net.connect("b", "a", 1.0)
    for zero, b_after in [(1, 1.0), (-1, -1.0), ("keep", 1.0)]:
        net.set_neuron("b", activation={"name": "sign", "zero": zero})
        assert net.run([], rule="parallel", steps=1).state[1] == b_after
    net.set_neuron("b", activation={"name": "sign", "zero": "keep"}, initial=-1.0)
    assert net.run([], rule="parallel", steps=1).state[1] == -1.0


def test_keep_in_the_exhaustive_analysis_and_fixed_points():
    """Two sign neurons with zero="keep" and zero weights between them: every state is a
    fixed point (every potential is exactly 0 and every neuron keeps its value)."""
    net = ns.Network()
    net.add_neuron("a", activation="sign", zero="keep")
    net.add_neuron("b", activation="sign", zero="keep")
    net.connect("a", "b", 0.0)
    net.connect("b", "a", 0.0)
    for rule in ("parallel", "sequential"):
        analysis = ns.attractors(net, rule=rule)
        assert analysis.periods == [1, 1, 1, 1]
    assert len(ns.fixed_points(net, method="sweep")) == 4
    assert len(ns.fixed_points(net, method="search")) == 4
    assert ns.is_fixed_point(net, [1.0, -1.0])
    # with zero=+1 instead only (1, 1) is fixed
    net.set_neuron("a", activation="sign")
    net.set_neuron("b", activation="sign")
    assert ns.fixed_points(net, method="sweep").tolist() == [[1.0, 1.0]]
    assert ns.fixed_points(net, method="search").tolist() == [[1.0, 1.0]]


def test_keep_fixed_point_search_agrees_with_the_sweep_on_random_networks():
    rng = np.random.default_rng(5)
    for _ in range(20):
        n = 6
        w = rng.integers(-2, 3, size=(n, n)).astype(float)
        np.fill_diagonal(w, 0.0)
        bias = rng.integers(-1, 2, size=n).astype(float)
        net = ns.Network()
        for j in range(n):
            net.add_neuron(f"n{j}", activation="sign", zero="keep", bias=bias[j])
        net.connect_many((f"n{i}", f"n{j}", w[j, i]) for i in range(n) for j in range(n)
                         if i != j and w[j, i] != 0)
        sweep = ns.fixed_points(net, method="sweep")
        search = ns.fixed_points(net, method="search")
        np.testing.assert_array_equal(sweep, search)
        assert ns.is_fixed_point(net, sweep).all() if len(sweep) else True


def test_keep_energy_check_and_recall():
    x = np.array([[1, -1, 1, -1, 1, -1], [1, 1, -1, -1, 1, 1]], dtype=float)
    net = ns.hopfield(x)
    for j in net.neurons:
        net.set_neuron(j, activation={"name": "sign", "zero": "keep"})
    check = ns.check_energy(net)
    assert check.threshold_units and check.sequential_fixed_point
    probes = np.vstack([x, -x, np.ones(6)])
    seq = ns.recall(net, probes, rule="sequential", max_steps=20)
    run = net.run(probes, rule="sequential")
    np.testing.assert_array_equal(seq.state, run.state)
    par = ns.recall(net, probes, rule="parallel", max_steps=20)
    run = net.run(probes, rule="parallel", max_steps=20)
    np.testing.assert_array_equal(par.state, run.state)


def test_keep_in_json_and_dot(tmp_path):
    net = _keep_ring()
    net.set_neuron("a", activation={"name": "step", "zero": "keep"})
    path = tmp_path / "keep.json"
    ns.save(net, path)
    text = path.read_text()
    assert '"zero": "keep"' in text
    again = ns.load(path)
    assert again.neuron("a").activation_params == {"zero": "keep"}
    ns.save(again, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text() == text  # byte-identical round trip
    assert "zero=keep" in net.to_dot().source


def test_keep_bad_values_are_refused_naming_the_choices(tmp_path):
    net = ns.Network()
    with pytest.raises(ns.ParameterError, match=r"'zero' must be one of -1, 0, 1, 'keep'"):
        net.add_neuron("a", activation="sign", zero="kept")
    with pytest.raises(ns.ParameterError, match=r"one of 0, 1, 'keep', got 0.5"):
        net.add_neuron("a", activation="step", zero=0.5)
    path = tmp_path / "bad.json"
    path.write_text('{"format": "netsim-network", "version": 1, "neurons": '
                    '[{"id": "a", "activation": {"name": "sign", "zero": "hold"}}]}')
    with pytest.raises(ns.FormatError, match="zero"):
        ns.load(path)


def test_forward_marks_a_kept_tie_as_nan():
    sign = ns.get_activation("sign")
    out = sign(np.array([-2.0, 0.0, 3.0]), zero="keep")
    assert out[0] == -1 and np.isnan(out[1]) and out[2] == 1
    step = ns.get_activation("step")
    assert step(np.array([0.0]), zero=0).tolist() == [0.0]
    assert step(np.array([0.0])).tolist() == [1.0]


def test_keep_off_the_two_values_is_seen_changing_under_the_parallel_rule():
    """a keeps 0 (off ±1) at step 1 (ξ = c + d = 1 − 1), then ξ = −2 gives −1 at step 2:
    a change the run must see (one bit per neuron cannot tell 0 from −1)."""
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("c", activation="sign", zero=-1, initial=1.0)
    net.add_neuron("d", initial=-1.0)  # no inputs: keeps −1
    net.add_neuron("a", activation="sign", zero="keep", initial=0.0)
    net.connect("x", "c", 1.0)
    net.connect("c", "a", 1.0)
    net.connect("d", "a", 1.0)
    run = net.run([0.0], rule="parallel", record=True)
    np.testing.assert_array_equal(run.trace[:3], [[0, 1, -1, 0], [0, -1, -1, 0],
                                                  [0, -1, -1, -1]])
    assert (run.converged, run.period, run.transient) == (True, 1, 2)


# --- one row, a batch of samples (the sequential rule's single-neuron updates) ---------


def _fraction_sign(bias, w, y):
    total = Fraction(float(bias)) + sum(Fraction(float(a)) * Fraction(float(v))
                                        for a, v in zip(w, y, strict=True))
    return (total > 0) - (total < 0)


@pytest.mark.parametrize("at_zero", [1.0, -1.0, 0.0, float("nan")])
@pytest.mark.parametrize("kind", ["bipolar", "dyadic", "hebb", "tenths", "wide"])
@pytest.mark.parametrize("fractional", [False, True])
def test_exact_row_settles_like_the_exact_sums(kind, at_zero, fractional):
    """ExactRow.settle from rounded decisions and the true rounding bound: every sample
    takes the side of the exact sum of its row (Fraction arithmetic), the tie rule at
    exactly 0 (a value, or keep: NaN). Rows of ±1, of k·2^−q, Hebb's k·c (c ≈ 1/N with
    a short mantissa), fl(k/10) (no short integer form) and one too wide for int64;
    integer states (the int64 and bulk paths) and states with fractions (one by one)."""
    from netsim.core.threshold import ExactRow, gamma, integer_form
    from netsim.learn.hebb import unit_fraction

    rng = np.random.default_rng(["bipolar", "dyadic", "hebb", "tenths", "wide"].index(kind))
    h, b = 12, 400
    k = rng.integers(-4, 5, size=h).astype(float)
    half = {"bipolar": np.sign(k) + (k == 0),
            "dyadic": k * 2.0 ** -int(rng.integers(1, 60)),
            "hebb": k * unit_fraction(100, 4),
            "tenths": k / 10,
            "wide": np.where(np.arange(h) == 0, 1e-20, k)}[kind]
    w = np.concatenate([half, -half])  # the second half cancels the first
    n = 2 * h
    bias = float(-w[5])
    states = rng.choice([-1.0, 1.0, 0.0, 2.0], size=(b, n))
    if fractional:
        states[::3, 2] = 0.5
    # exact ties in every other sample: equal halves, and w5·(y5 − y17) = w5 = −bias
    states[::2, h:] = states[::2, :h]
    states[::2, h + 5] = states[::2, 5] - 1
    row = ExactRow.of(w, bias, np.arange(n), (-1.0, 1.0, at_zero))
    if kind == "wide":
        assert row.room == float("inf")  # no int64 form: one by one
    elif kind == "tenths":
        assert integer_form(w, np.array([bias]), np.array([0, n]))[2][0] > 2.0**53
    xi = states @ w + bias
    out = np.where(xi >= 0, 1.0, -1.0)
    old = rng.choice([-1.0, 1.0], size=b)
    ymax = float(np.abs(states).max())
    tol = float(gamma(n + 1, np.dtype(np.float64)) * (abs(bias) + np.abs(w).sum() * ymax))
    row.settle(xi, out, old, states, tol, ymax, whole=not fractional)
    ties = 0
    for s in range(b):
        sign = _fraction_sign(bias, w, states[s])
        want = 1.0 if sign > 0 else -1.0 if sign < 0 else (
            old[s] if np.isnan(at_zero) else at_zero)
        ties += sign == 0
        assert out[s] == want, (s, sign, xi[s])
    assert ties > 10  # the tie rule was exercised


@pytest.mark.parametrize("batch", [1, 12])
def test_sequential_step_from_fractional_values_takes_the_exact_side(batch):
    """Neuron y0 reads 1, −1 and a tiny t = ±2**−60 (weights 1) from a fractional state:
    a rounded sum that adds t to ±1 first gives exactly 0, the exact sum is t. With
    ``zero="keep"`` and y0 starting on the other side, rounding would keep the wrong
    value. In every placement of t, one state (batch 1: the per-state path) or a batch
    of 12 (the batch in lockstep on a dense network) takes the side of t."""
    from itertools import permutations

    n = 12
    net = ns.Network()
    for j in range(n):
        net.add_neuron(j, activation="sign", zero="keep")
    net.connect_many((i, j, 1.0 if j == 0 and i in (1, 2, 3) else 0.0)
                     for j in range(n) for i in range(n) if i != j)
    rows = []
    for t in (2.0**-60, -(2.0**-60)):
        for trio in permutations([1.0, -1.0, t]):
            y = np.ones(n)
            y[0] = -np.sign(t)
            y[1:4] = trio
            rows.append(y)
    rows = np.array(rows)
    for a in range(0, len(rows), batch):
        start = rows[a : a + batch]
        got = net.run(initial_state=start, rule="sequential", steps=1).state
        tiny = np.where(np.abs(start[:, 1:4]) < 1, start[:, 1:4], 0.0).sum(axis=1)
        np.testing.assert_array_equal(got[:, 0], np.sign(tiny))  # the exact sum is t


@pytest.mark.parametrize("zero", ["keep", 1.0, 0.0])
@pytest.mark.parametrize("order", ["cyclic", "random"])
def test_step_network_in_lockstep_equals_per_state_runs(zero, order):
    """Step neurons (0/1) on a dense network with integer weights and biases (ties at
    every turn), each tie rule: the batch run in lockstep gives each state's own run,
    and a fractional start (values off 0/1) too."""
    rng = np.random.default_rng(11)
    n = 20
    w = rng.integers(-2, 3, size=(n, n)).astype(float)
    np.fill_diagonal(w, 0.0)
    net = ns.from_matrix(w, activation="step", zero=zero,
                         bias=rng.integers(-1, 2, size=n).astype(float))
    for start in (rng.integers(0, 2, size=(12, n)).astype(float),
                  rng.choice([0.0, 1.0, 0.5], size=(12, n))):
        batch = net.run(initial_state=start, rule="sequential", order=order, seed=2,
                        max_steps=40)
        for b in range(len(start)):
            one = net.run(initial_state=start[b], rule="sequential", order=order, seed=2,
                          max_steps=40)
            np.testing.assert_array_equal(one.state, batch.state[b])
            assert one.steps == batch.steps[b]
