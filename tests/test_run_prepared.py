"""The prepared run (every option at its default) gives exactly what the general run does.

``net.run(x)``, ``net.predict(x)`` and ``ns.run(net, x)`` with no option take a path
prepared once per program (netsim.simulate.engine.PreparedRun): the layered rule's pass
straight from the inputs, threshold layers with integer weights decided by one
comparison when the state holds integers (netsim.core.layout.IntegerRule), the Run
made from its fields. ``max_steps=1000`` (the default bound, given explicitly) takes
the general path, so every case below compares the two, field by field.
"""

from __future__ import annotations

import dataclasses
import threading
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.checks import Interval, keywords
from netsim.simulate.engine import PreparedRun, prepared_run


def general(net, x):
    """The same run through the general path (the default bound given explicitly)."""
    return ns.run(net, x, max_steps=1000)


def same_run(a, b):
    for f in dataclasses.fields(a):
        if f.name == "_state":
            continue
        va, vb = getattr(a, f.name), getattr(b, f.name)
        assert type(va) is type(vb), f.name
        if isinstance(va, np.ndarray):
            assert va.dtype == vb.dtype and va.shape == vb.shape, f.name
            np.testing.assert_array_equal(va, vb, err_msg=f.name)
        else:
            assert va == vb, f.name
    assert type(a.state) is type(b.state) and a.state.shape == b.state.shape
    np.testing.assert_array_equal(a.state, b.state)
    assert repr(a) == repr(b) and a.summary() == b.summary() and a.table() == b.table()
    assert a.batched == b.batched


def xor_net():
    return ns.zoo.xor()


def skip_mlp():  # dense layers with a shortcut: a stage reads no single block
    net = ns.Network()
    net.add_input("a")
    net.add_input("b")
    net.add_neuron("h", activation="tanh", bias=0.1)
    net.add_output("y", activation="sigmoid", bias=-0.2)
    net.connect_many([("a", "h", 0.5), ("b", "h", -1.5), ("h", "y", 2.0), ("a", "y", 0.25)])
    return net


def updated_input():  # an input neuron with an incoming connection
    net = ns.Network()
    net.add_input("a")
    net.add_input("b", activation="step")
    net.add_output("y", activation="step", bias=-1)
    net.connect_many([("a", "b", 1.0), ("b", "y", 1.0), ("a", "y", 1.0)])
    return net


def both_roles():  # an output that is also an input
    net = ns.Network()
    net.add_input("a")
    net.add_input("b")
    net.add_neuron("y", activation="sign", bias=0.0)
    net.connect_many([("a", "y", 1.0), ("b", "y", -1.0)])
    net.set_outputs(["y", "a"])
    return net


def keep_ties():  # step(keep): the general exact path keeps the value
    net = ns.Network()
    net.add_input("a")
    net.add_input("b")
    net.add_output("y", activation="step", zero="keep", initial=1.0)
    net.connect_many([("a", "y", 1.0), ("b", "y", -1.0)])
    return net


def strict_step():  # step with zero=0: ξ = 0 gives the low value
    net = ns.Network()
    net.add_input("a")
    net.add_input("b")
    net.add_neuron("h", activation="step", zero=0.0, bias=-1)
    net.add_output("y", activation="sign", bias=-0.5)
    net.connect_many([("a", "h", 1.0), ("b", "h", 1.0), ("h", "y", 1.0)])
    return net


def mlp_outputs(outputs):  # outputs across layers, or out of order in one layer
    def make():
        net = ns.mlp("2-3-1", activation="tanh", seed=3)
        net.set_outputs(outputs)
        return net
    return make


NETWORKS = {
    "outputs across layers": mlp_outputs(["y1", "h1_2"]),
    "outputs out of order": mlp_outputs(["h1_3", "h1_1"]),
    "no outputs": mlp_outputs([]),
    "xor": xor_net,
    "mlp": lambda: ns.mlp("3-4-2", activation="sigmoid", output_activation="softmax",
                          seed=1),
    "skip": skip_mlp,
    "updated input": updated_input,
    "both roles": both_roles,
    "keep": keep_ties,
    "strict": strict_step,
    "recurrent": lambda: ns.hopfield([[1, -1, 1, -1], [1, 1, -1, -1]]),
    "gate": lambda: ns.zoo.gate("and", n_inputs=3),
}


def inputs_for(net, rng):
    k = len(net.inputs)
    whole = rng.integers(-1, 2, size=(5, k)).astype(float)
    return [whole[0], whole, whole[0].tolist(), tuple(whole[1].tolist()),
            whole.tolist(), rng.normal(size=k), rng.normal(size=(3, k)) * 0.5,
            np.zeros(k), whole[:1]]


@pytest.mark.filterwarnings("ignore:network 'hopfield' did not stop")
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_every_field_is_the_general_runs(name):
    net = NETWORKS[name]()
    rng = np.random.default_rng(0)
    for x in inputs_for(net, rng):
        ours = net.run(x)
        same_run(ours, general(net, x))
        same_run(ns.run(net, x), ours)
        np.testing.assert_array_equal(net.predict(x), ours.output)
        assert type(net.predict(x)) is np.ndarray
        # the state on first access, then the same object
        assert ours.state is ours.state


def test_hand_computed_xor_ties():
    net = ns.zoo.xor()
    # y sits exactly on its threshold for [1, 0] and [0, 1]: step(0) = 1
    run = net.run([1, 0])
    assert run.output.tolist() == [1.0] and run.steps == 2 and run.converged is True
    assert run.period == 1 and run.transient == 2 and run.rule == "layered"
    assert run.state.tolist() == [1.0, 0.0, 1.0, 1.0, 1.0]
    assert net.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel().tolist() == [0, 1, 1, 0]


def test_a_strict_tie_takes_the_low_value():
    net = strict_step()
    # h: ξ = a + b − 1 = 0 at [1, 0] → 0 (zero=0); y: ξ = h − 0.5 → −1
    assert net.run([1, 0]).state.tolist() == [1.0, 0.0, 0.0, -1.0]
    assert net.run([1, 1]).state.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_large_inputs_are_decided_exactly_not_by_rounding():
    # 1 + 2**60 − 2**60: left to right the 1 is lost (ξ = 0 rounds to a tie); the exact
    # sum is 1 > 0. Inputs this large are beyond the integer path's bound.
    net = ns.Network()
    for i in "abc":
        net.add_input(i)
    net.add_output("y", activation="step", zero=0.0)
    net.connect_many([("a", "y", 1.0), ("b", "y", 1.0), ("c", "y", 1.0)])
    x = [1.0, 2.0**60, -(2.0**60)]
    assert net.run(x).output.tolist() == [1.0]
    assert net.run([1.0, 2.0**60, -(2.0**60) - 2.0**8]).output.tolist() == [0.0]
    same_run(net.run(x), general(net, x))


def _exact_step(w, b, y, zero):
    total = Fraction(b) + sum(Fraction(wi) * Fraction(yi) for wi, yi in zip(w, y, strict=True))
    return 1.0 if total > 0 else 0.0 if total < 0 else zero


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 1.0]),
       st.sampled_from([1.0, 0.5, 0.1, 3.0]))
def test_integer_layers_decide_like_exact_arithmetic(seed, zero, scale):
    """Random two-layer step networks with weights K·2**q (and, for scale 0.1, weights
    that are not): the prepared run, the general run and exact arithmetic agree."""
    rng = np.random.default_rng(seed)
    k, h = 3, 4
    w1 = rng.integers(-3, 4, size=(h, k)) * scale
    b1 = rng.integers(-3, 4, size=h) * scale
    w2 = rng.integers(-2, 3, size=h) * scale
    b2 = float(rng.integers(-2, 3)) * scale
    net = ns.Network()
    for i in range(k):
        net.add_input(f"x{i}")
    for j in range(h):
        net.add_neuron(f"h{j}", activation="step", zero=zero, bias=float(b1[j]))
        net.connect_many([(f"x{i}", f"h{j}", float(w1[j, i])) for i in range(k)])
    net.add_output("y", activation="step", zero=zero, bias=b2)
    net.connect_many([(f"h{j}", "y", float(w2[j])) for j in range(h)])
    x = rng.integers(-2, 3, size=(6, k)).astype(float)
    want = []
    for row in x:
        hidden = [_exact_step(w1[j], b1[j], row, zero) for j in range(h)]
        want.append(_exact_step(w2, b2, hidden, zero))
    ours = net.run(x)
    assert ours.output.ravel().tolist() == want
    same_run(ours, general(net, x))
    for row, value in zip(x, want, strict=True):
        assert net.run(row).output.tolist() == [value]


def test_a_value_change_is_followed():
    net = ns.zoo.xor()
    assert net.run([1, 1]).output.tolist() == [0.0]
    first = prepared_run(net)
    net.set_weight("h1", "y", 3.0)  # y: ξ = 3 h1 + h2 − 2 = 3 + 0 − 2
    assert net.run([1, 1]).output.tolist() == [1.0]
    assert prepared_run(net) is not first  # threshold layers: prepared again
    net.set_neuron("y", bias=-10)
    assert net.predict([1, 1]).tolist() == [0.0]
    net.set_weights(-net.get_weights())  # every value at once
    same_run(net.run([1, 1]), general(net, [1, 1]))
    assert net.run([1, 1]).output.tolist() == [1.0]
    mlp = ns.mlp("2-3-1", seed=0)
    x = np.array([0.3, -0.7])
    before = mlp.predict(x)
    kept = prepared_run(mlp)
    mlp.set_weight("h1_1", "y1", 4.0)  # a dense plan is patched in place: still prepared
    assert prepared_run(mlp) is kept
    np.testing.assert_array_equal(mlp.predict(x), general(mlp, x).output)
    assert not np.array_equal(mlp.predict(x), before)
    mlp.add_neuron("extra")  # a structural change: prepared anew
    assert prepared_run(mlp) is not kept


def test_a_program_runs_prepared_too():
    net = ns.zoo.xor()
    prog = net.compile()
    assert isinstance(prepared_run(prog), PreparedRun)
    same_run(ns.run(prog, [0, 1]), general(net, [0, 1]))


@pytest.mark.parametrize(("bad", "message"), [
    ("abc", "inputs must be numbers"),
    ([1], "the network has 2 input neurons"),
    ([[1, 0], [1]], "inputs must be numbers"),
    ([np.nan, 0], "is not finite"),
    ([[0, 0], [1, np.inf]], "sample 1, neuron 'x2' is not finite"),
    (np.zeros((0, 2)), "the batch of inputs is empty"),
    (np.zeros((2, 2, 2)), "the inputs have shape"),
    (None, "give the inputs"),
    ([10**400, 1], r"run\(\): inputs holds a number too large for a float"),
])
def test_bad_inputs_get_the_general_errors(bad, message):
    net = ns.zoo.xor()
    for call in (net.run, net.predict, lambda x: ns.run(net, x)):
        with pytest.raises(ns.ParameterError, match=message):
            call(bad)


def test_options_other_than_the_defaults_take_the_general_path():
    net = ns.zoo.xor()
    assert net.run([1, 0], record=True).trace.shape == (3, 5)
    assert net.run([1, 0], tol=0.0).output.tolist() == [1.0]  # an equal default
    assert net.run([1, 0], order="cyclic", dtype=np.float64).steps == 2
    assert net.run([1, 0], dtype=np.float32).state.dtype == np.float32
    with pytest.raises(ns.ParameterError, match="tol must be"):
        net.run([1, 0], tol=False)  # equal to 0.0, but not a number
    with pytest.raises(ns.ParameterError, match="unknown order"):
        net.run([1, 0], order="cyclc")


def test_runs_from_threads_do_not_mix():
    net = ns.mlp("4-8-3", activation="tanh", seed=2)
    xs = [np.random.default_rng(s).normal(size=(7, 4)) for s in range(8)]
    want = [general(net, x).output for x in xs]
    got: dict[int, list] = {}

    def work(i):
        got[i] = [net.run(xs[i]).output for _ in range(30)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(8):
        for out in got[i]:
            np.testing.assert_array_equal(out, want[i])


def test_an_argument_that_is_its_default_is_not_checked_again():
    seen = []

    class Spy(Interval):
        def accepts(self, value):
            seen.append(value)
            return super().accepts(value)

    default = 5

    @keywords(constraints={"n": Spy(int, 0, 9)})
    def f(*, n: int = default) -> int:
        return n

    assert seen == [5]  # the default, checked once when declared
    assert f() == 5 and f(n=default) == 5 and seen == [5]
    assert f(n=7) == 7 and seen == [5, 7]
    with pytest.raises(ns.ParameterError, match="n must be an integer between 0 and 9"):
        f(n=10)


def test_a_default_breaking_its_declaration_is_refused_when_declared():
    with pytest.raises(TypeError, match="the default of n breaks its declaration"):
        @keywords(constraints={"n": Interval(int, 0, 9)})
        def f(*, n: int = 10) -> int:
            return n


def test_a_subclass_changing_the_steps_runs_through_the_loop():
    from netsim.simulate.rules import RULE_REGISTRY, Layered, RuleInfo, register_rule

    class Doubled(Layered):
        """The layered pass, every output doubled at the end (a changed advance)."""

        def advance(self, work, steps):
            adv = super().advance(work, steps)
            if work.cur is not None:
                work.cur *= 2.0
            return adv

    assert Layered.single_pass and not Doubled.single_pass
    info = RULE_REGISTRY.get("layered")
    register_rule(RuleInfo("layered", lambda _order: Doubled(), needs_acyclic=True,
                           unit="pass", compares_states=False), replace=True)
    try:
        net = ns.zoo.xor()
        assert net.run([1, 0]).output.tolist() == [2.0]
    finally:
        register_rule(info, replace=True)
    assert ns.zoo.xor().run([1, 0]).output.tolist() == [1.0]


@pytest.mark.parametrize(("zeros", "integer_path"), [
    ((("step", 1.0), ("sign", 1.0)), True),    # ξ = 0 → high in every row: ξ ≥ 0
    ((("step", 0.0), ("sign", -1.0)), True),   # ξ = 0 → low in every row: ξ > 0
    ((("step", 1.0), ("sign", -1.0)), False),  # mixed: the general exact path
    ((("sign", 0.0), ("step", 1.0)), False),   # sign(0) = 0: neither value
])
def test_mixed_threshold_layers(zeros, integer_path):
    net = ns.Network()
    net.add_input("a")
    net.add_input("b")
    for j, (act, zero) in enumerate(zeros):
        net.add_neuron(f"h{j}", activation=act, zero=zero, bias=-1.0 + j)
        net.connect_many([("a", f"h{j}", 1.0), ("b", f"h{j}", 2.0 - 3 * j)])
    net.add_output("y", activation="sign", bias=0.0)
    net.connect_many([("h0", "y", 1.0), ("h1", "y", -1.0)])
    rule = prepared_run(net).rule
    grid = np.array([[a, b] for a in (-1, 0, 1, 2) for b in (-1, 0, 1)], dtype=float)
    same_run(net.run(grid), general(net, grid))
    for x in grid:
        same_run(net.run(x), general(net, x))
    assert (rule.plan.stages[0].integer_rule is not None) is integer_path
    if integer_path:  # h0 at (1, 0): ξ = 1 + 0 − 1 = 0
        want = 1.0 if zeros[0][1] == 1.0 else 0.0
        assert net.run([1, 0]).value("h0") == want
