"""Independent audit of ``net.run`` against a naive reference straight from DESIGN §1.

The reference below knows nothing of the compiled program, plans or CSR layouts: it
reads a plain description of the network (neurons with activation, parameters,
potential, bias, initial, layer, group; connections; inputs; outputs), computes each
selected neuron's ξ_j = b_j + Σ w_ji·y_i (or ‖(y_i) − (w_ji)‖_p) one neuron at a time
and applies σ_j from the registry's ``forward`` with that neuron's parameters (softmax
over the members of its group). The rules, the stopping rules, step counting, periods
and transients follow docs/simulation.md. Weights, biases, inputs and initial values lie
on a grid of quarters, so weighted sums of grid values are exact in float64 and float32
and decisions at ξ = 0 (the step and sign zero rules, including ``zero="keep"``: the
neuron keeps its value) are exercised exactly. Weights off the grid (multiples of 1/10,
which binary floats round) exercise the rule that rounding never decides a threshold:
the reference sums threshold neurons' potentials exactly (fractions), the engine must
agree.

Hand-checked cases (the reference must agree with them, and so must the engine):

1. x → y, step, w = 2, b = −1. Input 1: ξ = −1 + 2·1 = 1 ≥ 0 → y = 1. Input 0:
   ξ = −1 < 0 → y = 0. Layered: one layer after layer 0, steps = 1.
2. Two sign neurons a, b starting at +1 with w_ab = w_ba = −1. Parallel:
   (1, 1) → (−1, −1) → (1, 1): the initial state recurs after step 2, so period 2,
   transient 0, steps 2, not converged. Sequential cyclic: a sees b = 1, ξ = −1 → −1;
   b sees a = −1, ξ = 1 → +1: state (−1, 1); the second sweep changes nothing, so
   steps = 4 (two sweeps of n = 2), converged, period 1, transient 1 (a changed at step 1).
3. Distance potential, p = 1: x1 = 1, x2 = 3, centre (w) = (2, 1) → ξ = |1−2| + |3−1| = 3;
   gaussian width 3 → y = e^(−1). The bias (here 5) does not enter a distance.
4. An input neuron with an incoming self-loop, identity, w = 0.5, b = 1, input 4:
   parallel 4 → 3 → 2.5 → 2.25 …; after steps=3 the state is 2.25 and trace rows are
   4, 3, 2.5, 2.25. A neuron z without inputs and initial 0.75 keeps 0.75 throughout.
"""

from __future__ import annotations

import copy
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.errors import NetworkError
from netsim.functions import ACTIVATIONS

# --- the network description and its construction ------------------------------------

GRID = st.integers(-8, 8).map(lambda k: k / 4)
TENTHS = st.integers(-8, 8).map(lambda k: k / 10)  # rounded in binary: near-ties
DISCRETE = ("step", "sign")
CONTINUOUS = ("identity", "sigmoid", "tanh", "scaled_tanh", "relu", "saturated",
              "gaussian", "softmax")


def _activation(draw, name):
    params = {}
    if name == "sigmoid":
        params["steepness"] = draw(st.sampled_from([0.5, 1.0, 2.0, 4.0]))
    elif name == "scaled_tanh":
        params["a"] = draw(st.sampled_from([1.7159, 1.0, -2.0]))
        params["b"] = draw(st.sampled_from([2 / 3, 1.0, 0.25]))
    elif name == "gaussian":
        params["width"] = draw(st.sampled_from([0.5, 1.0, 3.0]))
    elif name == "sign":
        params["zero"] = draw(st.sampled_from([-1.0, 0.0, 1.0, "keep"]))
    elif name == "step" and draw(st.booleans()):
        params["zero"] = draw(st.sampled_from([0.0, 1.0, "keep"]))
    return params


@st.composite
def networks(draw, acyclic: bool, discrete: bool = False, max_n: int = 6, weights=GRID):
    n = draw(st.integers(1, max_n))
    acts = DISCRETE if discrete else DISCRETE + CONTINUOUS
    neurons = []
    for j in range(n):
        act = draw(st.sampled_from(acts))
        pot = draw(st.sampled_from(["weighted_sum", "weighted_sum", "distance"]))
        neurons.append(dict(
            id=f"n{j}", act=act, params=_activation(draw, act), pot=pot,
            p=float(draw(st.sampled_from([1, 2, 3]))) if pot == "distance" else None,
            bias=draw(GRID), initial=draw(GRID), layer=None,
            group=draw(st.sampled_from([None, "g"])) if act == "softmax" else None,
        ))
    rank = draw(st.permutations(range(n)))  # acyclic: edges go up this rank
    edges = {}
    for i in range(n):
        for j in range(n):
            if acyclic and rank[i] >= rank[j]:
                continue
            if draw(st.integers(0, 2)) == 0:
                edges[(i, j)] = draw(weights)
    # A softmax member without inputs would keep its value; keep groups evaluable.
    for j, nd in enumerate(neurons):
        if nd["act"] == "softmax" and not any(t == j for _s, t in edges):
            nd["act"], nd["params"], nd["group"] = "identity", {}, None
    if acyclic and draw(st.booleans()):  # user layer numbers, consistent by construction
        depth = {}
        for j in sorted(range(n), key=rank.__getitem__):
            deepest = max((depth[i] for i, t in edges if t == j), default=-1)
            if draw(st.integers(0, 2)) == 0:
                neurons[j]["layer"] = deepest + 1 + draw(st.integers(0, 1))
                depth[j] = neurons[j]["layer"]
            else:
                depth[j] = deepest + 1
    inputs = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    outputs = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    return dict(neurons=neurons, edges=edges, inputs=inputs, outputs=outputs)


def build(desc) -> ns.Network:
    net = ns.Network()
    for nd in desc["neurons"]:
        pot = nd["pot"] if nd["p"] is None else {"name": "distance", "p": nd["p"]}
        net.add_neuron(nd["id"], activation=nd["act"], potential=pot, bias=nd["bias"],
                       initial=nd["initial"], layer=nd["layer"], group=nd["group"],
                       **nd["params"])
    for (i, j), w in desc["edges"].items():
        net.connect(f"n{i}", f"n{j}", w)
    net.set_inputs([f"n{i}" for i in desc["inputs"]])
    net.set_outputs([f"n{i}" for i in desc["outputs"]])
    return net


# --- the naive reference ---------------------------------------------------------------

class Ref:
    """DESIGN §1, one neuron at a time, in float64."""

    def __init__(self, desc):
        self.nd = desc["neurons"]
        self.n = len(self.nd)
        self.preds = [[(i, w) for (i, t), w in desc["edges"].items() if t == j]
                      for j in range(self.n)]
        self.updatable = [j for j in range(self.n) if self.preds[j]]
        self.inputs, self.outputs = desc["inputs"], desc["outputs"]
        self.discrete = all(self.nd[j]["act"] in DISCRETE for j in self.updatable)

    def group(self, j):
        """The neurons evaluated together with j (its softmax group, members with inputs)."""
        nd = self.nd[j]
        if nd["act"] != "softmax":
            return [j]
        return [k for k in self.updatable
                if self.nd[k]["act"] == "softmax" and self.nd[k]["group"] == nd["group"]]

    def xi(self, j, s):
        nd = self.nd[j]
        if nd["pot"] == "distance":  # ‖y − w‖_p over the incoming connections; no bias
            p = nd["p"]
            return sum(abs(s[i] - w) ** p for i, w in self.preds[j]) ** (1 / p)
        if nd["act"] in DISCRETE:  # the exact sum: rounding never decides a threshold
            exact = Fraction(nd["bias"]) + sum(Fraction(w) * Fraction(float(s[i]))
                                               for i, w in self.preds[j])
            return float(exact) if exact == 0 or float(exact) != 0 else math.copysign(
                5e-324, exact)  # a tiny exact sum keeps its sign
        return nd["bias"] + sum(w * s[i] for i, w in self.preds[j])

    def evaluate(self, members, s):
        """New values of ``members`` (one neuron or one softmax group) from state s."""
        xis = np.array([self.xi(j, s) for j in members])
        act = ACTIVATIONS.get(self.nd[members[0]]["act"])
        if act.group:
            return np.asarray(act.forward(xis[None, :]), dtype=float)[0]
        out = np.array([float(act(np.array([x]), **self.nd[j]["params"])[0])
                        for j, x in zip(members, xis, strict=True)])
        keep = np.isnan(out)  # zero="keep" at ξ = 0: the neuron keeps its value
        out[keep] = s[np.asarray(members)[keep]]
        return out

    def initial(self, x):
        s = np.array([nd["initial"] for nd in self.nd], dtype=float)
        s[self.inputs] = x
        return s

    def held(self, held):
        """The same network with the neurons ``held`` never updated (clamp, pin)."""
        other = copy.copy(self)
        other.updatable = [j for j in self.updatable if j not in set(held)]
        other.discrete = all(self.nd[j]["act"] in DISCRETE for j in other.updatable)
        return other

    def two_values(self, j):
        return (-1.0, 1.0) if self.nd[j]["act"] == "sign" else (0.0, 1.0)

    # layers: longest-path depth from the neurons without inputs, or the user's numbers
    def layers(self):
        depth = {}
        pending = list(range(self.n))
        while pending:
            for j in list(pending):
                if all(i in depth for i, _w in self.preds[j]):
                    deepest = max((depth[i] for i, _w in self.preds[j]), default=-1)
                    given = self.nd[j]["layer"]
                    depth[j] = deepest + 1 if given is None else given
                    pending.remove(j)
        return [depth[j] for j in range(self.n)]

    def run(self, x, rule, steps=None, max_steps=None, tol=0.0, order="cyclic", seed=None,
            state=None, temperature=None, rng=None):
        """``state``: a full starting state (else the initial state for ``x``);
        ``temperature``: Glauber updates of the sequential rule — after the sweep's
        order is drawn, each step draws u = rng.random() and the neuron takes its high
        value iff u < σ((hi − lo)·ξ/T); ``rng``: the draws (default: the generator of
        ``seed``)."""
        s = self.initial(x) if state is None else np.array(state, dtype=float)
        self.ties = 0  # threshold evaluations at exactly ξ = 0 (sequential)
        traj = [s.copy()]
        upd = self.updatable
        nu = len(upd)
        fixed = steps is not None
        if rule == "layered":
            lay = self.layers()
            L = max(lay, default=0)
            k = steps if fixed else L
            for t in range(1, k + 1):
                done = set()
                for j in upd:
                    if lay[j] == t and j not in done:
                        g = self.group(j)
                        s[g] = self.evaluate(g, s)  # layers read only earlier ones
                        done.update(g)
                traj.append(s.copy())
            ok = k >= L
            return dict(state=s, steps=k, converged=ok, period=1 if ok else None,
                        transient=L if ok else None, trace=np.array(traj))
        if nu == 0:  # nothing can change: a fixed point from the start
            k = steps if fixed else 0
            return dict(state=s, steps=k, converged=True, period=1, transient=0,
                        trace=np.array([s] * (k + 1)))
        unit = 1 if rule == "parallel" else nu
        if max_steps is None:
            max_steps = 1000 * unit
        limit = steps if fixed else max_steps
        cycles = self.discrete and (rule == "parallel" or order == "cyclic") and not temperature
        seen = {s.tobytes(): 0}
        rng = np.random.default_rng(seed) if rng is None else rng
        converged, period, transient, last = False, None, None, 0
        t = 0
        sweep_changed = False
        sel = []
        while t < limit:
            t += 1
            if rule == "parallel":
                new = s.copy()
                done = set()
                for j in upd:
                    if j not in done:
                        g = self.group(j)
                        new[g] = self.evaluate(g, s)  # from the previous state
                        done.update(g)
                changed = bool(np.any(np.abs(new - s) > tol))
                s = new
                boundary = True
            else:
                if not sel:
                    if order == "cyclic":
                        sel = list(upd)
                    elif order == "random":
                        sel = [upd[i] for i in rng.permutation(nu)]
                    else:
                        sel = [upd[i] for i in rng.integers(0, nu, size=nu)]
                g = self.group(sel.pop(0))
                if temperature:
                    (j,) = g
                    lo, hi = self.two_values(j)
                    xi = self.xi(j, s)
                    p_high = 1.0 / (1.0 + math.exp(min(700.0, -(hi - lo) * xi / temperature)))
                    new = np.array([hi if rng.random() < p_high else lo])
                else:
                    if self.nd[g[0]]["act"] in DISCRETE and self.xi(g[0], s) == 0:
                        self.ties += 1
                    new = self.evaluate(g, s)
                changed = bool(np.any(np.abs(new - s[g]) > tol))
                s = s.copy()
                s[g] = new
                boundary = not sel
            traj.append(s.copy())
            if changed:
                last = t
            sweep_changed |= changed
            if boundary:
                stable = not sweep_changed
                if stable and rule == "sequential" and order == "random-replacement" and (
                        not temperature):
                    stable = all(np.all(np.abs(self.evaluate(self.group(j), s)
                                               - s[self.group(j)]) <= tol) for j in upd)
                sweep_changed = False
                if stable and not converged and period is None:
                    converged, period, transient = True, 1, last
                if cycles and period is None:
                    first = seen.setdefault(s.tobytes(), t)
                    if first != t:
                        period, transient = t - first, first
                        converged = period == 1
                if not fixed and period is not None:
                    break
        return dict(state=s, steps=t, converged=converged, period=period,
                    transient=transient, trace=np.array(traj))


# --- comparison ------------------------------------------------------------------------

def check(run, refs, single, atol=1e-9, rtol=1e-9, exact_flow=True):
    if single:
        (r,) = refs
        np.testing.assert_allclose(run.state, r["state"], rtol=rtol, atol=atol)
        if run.trace is not None:
            np.testing.assert_allclose(run.trace, r["trace"], rtol=rtol, atol=atol)
        if exact_flow:
            assert (run.steps, run.converged, run.period, run.transient) == (
                r["steps"], r["converged"], r["period"], r["transient"])
        return
    states = np.array([r["state"] for r in refs])
    np.testing.assert_allclose(run.state, states, rtol=rtol, atol=atol)
    if exact_flow:
        assert run.steps.tolist() == [r["steps"] for r in refs]
        assert run.converged.tolist() == [r["converged"] for r in refs]
        assert run.period.tolist() == [r["period"] or 0 for r in refs]
        assert run.transient.tolist() == [-1 if r["transient"] is None else r["transient"]
                                          for r in refs]
    if run.trace is not None:
        T = max(len(r["trace"]) for r in refs)
        tr = np.empty((T, *states.shape))
        for b, r in enumerate(refs):  # a sample that stopped keeps its final state
            tr[: len(r["trace"]), b] = r["trace"]
            tr[len(r["trace"]):, b] = r["trace"][-1]
        np.testing.assert_allclose(run.trace, tr, rtol=rtol, atol=atol)


def inputs_for(draw, desc, batch):
    k = len(desc["inputs"])
    shape = (batch, k) if batch else (k,)
    return np.array(draw(st.lists(GRID, min_size=int(np.prod(shape)),
                                  max_size=int(np.prod(shape)))), dtype=float).reshape(shape)


def ref_runs(ref, x, **kw):
    xs = x if x.ndim == 2 else x[None, :]
    return [ref.run(xi, **kw) for xi in xs]


def output_of(ref, refs, single):
    out = np.array([r["state"][ref.outputs] for r in refs])
    return out[0] if single else out


# --- property tests ----------------------------------------------------------------------

@settings(max_examples=60)
@given(st.data())
def test_layered_acyclic_matches_reference(data):
    desc = data.draw(networks(acyclic=True))
    ref = Ref(desc)
    batch = data.draw(st.sampled_from([0, 1, 3]))
    x = inputs_for(data.draw, desc, batch)
    steps = data.draw(st.sampled_from([None, None, 0, 1, 2, 5]))
    lay = ref.layers()
    spans = any(len({lay[k] for k in range(ref.n) if ref.nd[k]["act"] == "softmax"
                     and ref.nd[k]["group"] == gname}) > 1 for gname in (None, "g"))
    net = build(desc)
    if spans:  # a softmax group must be evaluated in one layer
        with pytest.raises(NetworkError, match="spans layers"):
            net.run(x, rule="layered", steps=steps)
        return
    run = net.run(x, rule="layered", steps=steps, record=True)
    refs = ref_runs(ref, x, rule="layered", steps=steps)
    check(run, refs, batch == 0)
    np.testing.assert_allclose(run.output, output_of(ref, refs, batch == 0), atol=1e-9)
    if steps is None:  # default rule on an acyclic network is layered
        np.testing.assert_allclose(net.run(x).state, run.state, atol=0)
        assert dict(net.layer_numbers()) == {f"n{j}": d for j, d in enumerate(lay)}


@settings(max_examples=60)
@given(st.data())
def test_parallel_discrete_until_stable_periods(data):
    desc = data.draw(networks(acyclic=data.draw(st.booleans()), discrete=True))
    ref = Ref(desc)
    batch = data.draw(st.sampled_from([0, 2]))
    x = inputs_for(data.draw, desc, batch)
    steps = data.draw(st.sampled_from([None, None, 3, 7]))
    run = build(desc).run(x, rule="parallel", steps=steps, record=True)
    refs = ref_runs(ref, x, rule="parallel", steps=steps)
    check(run, refs, batch == 0)
    for r in refs:  # the period is a true cycle of the reference trajectory
        if r["period"] is not None and steps is None:
            tr, t0 = r["trace"], r["transient"]
            later = tr[t0 + r["period"]] if r["period"] > 1 else tr[-1]
            np.testing.assert_array_equal(tr[t0], later)


@settings(max_examples=60)
@given(st.data())
def test_parallel_continuous(data):
    """Recurrent: fixed steps (stability of continuous maps is a rounding question);
    acyclic: until stable (exact: the same inputs give bitwise the same values)."""
    acyclic = data.draw(st.booleans())
    desc = data.draw(networks(acyclic=acyclic))
    ref = Ref(desc)
    batch = data.draw(st.sampled_from([0, 3]))
    x = inputs_for(data.draw, desc, batch)
    steps = None if acyclic else data.draw(st.integers(0, 6))
    run = build(desc).run(x, rule="parallel", steps=steps, record=True)
    refs = ref_runs(ref, x, rule="parallel", steps=steps)
    check(run, refs, batch == 0, exact_flow=acyclic or ref.discrete)


@settings(max_examples=40)
@given(st.data())
def test_until_stable_with_tol(data):
    """Continuous recurrent runs until no value moves by more than tol (or max_steps)."""
    desc = data.draw(networks(acyclic=False, max_n=4))
    ref = Ref(desc)
    x = inputs_for(data.draw, desc, 2)
    rule = data.draw(st.sampled_from(["parallel", "sequential"]))
    tol = data.draw(st.sampled_from([0.01, 0.1]))
    run = build(desc).run(x, rule=rule, tol=tol, max_steps=40, record=True)
    refs = ref_runs(ref, x, rule=rule, tol=tol, max_steps=40)
    check(run, refs, False, atol=1e-7, rtol=1e-7)


@settings(max_examples=60)
@given(st.data())
def test_sequential_cyclic(data):
    discrete = data.draw(st.booleans())
    desc = data.draw(networks(acyclic=data.draw(st.booleans()), discrete=discrete, max_n=5))
    ref = Ref(desc)
    batch = data.draw(st.sampled_from([0, 2]))
    x = inputs_for(data.draw, desc, batch)
    steps = data.draw(st.sampled_from([None, 1, 4, 9])) if discrete else \
        data.draw(st.integers(0, 9))
    run = build(desc).run(x, rule="sequential", order="cyclic", steps=steps, record=True)
    refs = ref_runs(ref, x, rule="sequential", order="cyclic", steps=steps)
    check(run, refs, batch == 0, exact_flow=discrete)


@settings(max_examples=40)
@given(st.data())
def test_sequential_random_orders(data):
    """docs/simulation.md specifies the RNG use exactly: reproduce it."""
    order = data.draw(st.sampled_from(["random", "random-replacement"]))
    desc = data.draw(networks(acyclic=data.draw(st.booleans()), discrete=True, max_n=5))
    ref = Ref(desc)
    batch = data.draw(st.sampled_from([0, 2]))
    x = inputs_for(data.draw, desc, batch)
    seed = data.draw(st.integers(0, 2**32 - 1))
    steps = data.draw(st.sampled_from([None, None, 5]))
    run = build(desc).run(x, rule="sequential", order=order, seed=seed, steps=steps,
                          max_steps=60, record=True)
    refs = ref_runs(ref, x, rule="sequential", order=order, seed=seed, steps=steps,
                    max_steps=60)
    check(run, refs, batch == 0)


@settings(max_examples=30)
@given(st.data())
def test_float32_close_to_reference(data):
    desc = data.draw(networks(acyclic=data.draw(st.booleans())))
    ref = Ref(desc)
    if ref.discrete:
        return  # float32 rounding may move a decision at a jump; compared elsewhere in float64
    x = inputs_for(data.draw, desc, 2)
    rule = data.draw(st.sampled_from(["parallel", "sequential"]))
    steps = data.draw(st.integers(0, 5))
    run = build(desc).run(x, rule=rule, steps=steps, record=True, dtype=np.float32)
    assert run.state.dtype == np.float32
    refs = ref_runs(ref, x, rule=rule, steps=steps)
    # continuous activations only in updatable step/sign-free nets: no decisions at jumps
    if any(ref.nd[j]["act"] in DISCRETE for j in ref.updatable):
        return
    check(run, refs, False, atol=1e-3, rtol=1e-3, exact_flow=False)


@settings(max_examples=60)
@given(st.data())
def test_threshold_decisions_are_exact_off_the_grid(data):
    """Weights in tenths: the float sums of near-ties round either way; every rule must
    decide on the exact sum of the stored weights times the state."""
    rule, order = data.draw(st.sampled_from([("parallel", "cyclic"), ("sequential", "cyclic"),
                                             ("sequential", "random"),
                                             ("sequential", "random-replacement")]))
    desc = data.draw(networks(acyclic=data.draw(st.booleans()), discrete=True, max_n=6,
                              weights=TENTHS))
    ref = Ref(desc)
    batch = data.draw(st.sampled_from([0, 2]))
    x = inputs_for(data.draw, desc, batch)
    seed = data.draw(st.integers(0, 2**16))
    steps = data.draw(st.sampled_from([None, 6]))
    run = build(desc).run(x, rule=rule, order=order, seed=seed, steps=steps, max_steps=40,
                          record=True)
    refs = ref_runs(ref, x, rule=rule, order=order, seed=seed, steps=steps, max_steps=40)
    check(run, refs, batch == 0, atol=0, rtol=0)


def test_keep_hand_case():
    """a, b sign with zero="keep", a → b weight 1, b → a weight −1, a starts at +1, b at 0
    (off the two values). Parallel: ξ_a = −b = 0 → a keeps +1; ξ_b = a = 1 → +1:
    (1, 1). Then ξ_a = −1 → −1, ξ_b = 1 → 1: (−1, 1); then (−1, −1); then (1, −1) ..."""
    net = ns.Network()
    net.add_neuron("a", activation="sign", zero="keep", initial=1.0)
    net.add_neuron("b", activation="sign", zero="keep", initial=0.0)
    net.connect("a", "b", 1.0)
    net.connect("b", "a", -1.0)
    run = net.run([], rule="parallel", steps=4, record=True)
    np.testing.assert_array_equal(run.trace, [[1, 0], [1, 1], [-1, 1], [-1, -1], [1, -1]])
    # sequential cyclic: a sees b = 0 → keeps 1; b sees a = 1 → 1
    run = net.run([], rule="sequential", steps=2, record=True)
    np.testing.assert_array_equal(run.trace, [[1, 0], [1, 0], [1, 1]])
    desc = dict(neurons=[dict(id="a", act="sign", params={"zero": "keep"}, pot="weighted_sum",
                              p=None, bias=0.0, initial=1.0, layer=None, group=None),
                         dict(id="b", act="sign", params={"zero": "keep"}, pot="weighted_sum",
                              p=None, bias=0.0, initial=0.0, layer=None, group=None)],
                edges={(0, 1): 1.0, (1, 0): -1.0}, inputs=[], outputs=[])
    ref = Ref(desc).run(np.zeros(0), rule="parallel", steps=4)
    np.testing.assert_array_equal(ref["trace"], [[1, 0], [1, 1], [-1, 1], [-1, -1], [1, -1]])


def test_layered_keep_keeps_the_initial_value():
    """x → y (step, zero="keep", initial 0.5 off the two values): input 0 gives ξ = 0, so
    y keeps 0.5; input 1 gives 1."""
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", activation="step", zero="keep", initial=0.5)
    net.connect("x", "y", 1.0)
    np.testing.assert_array_equal(net.run([[0.0], [1.0], [-1.0]]).output, [[0.5], [1.0], [0.0]])


# --- hand-checked cases --------------------------------------------------------------------

def test_hand_cases():
    # 1. step gate
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", activation="step", bias=-1.0)
    net.connect("x", "y", 2.0)
    assert net.run([1]).output.tolist() == [1.0] and net.run([0]).output.tolist() == [0.0]
    assert net.run([1]).steps == 1
    # 2. mutual inhibition
    net = ns.Network()
    net.add_neuron("a", activation="sign", initial=1.0)
    net.add_neuron("b", activation="sign", initial=1.0)
    net.connect("a", "b", -1.0)
    net.connect("b", "a", -1.0)
    r = net.run([], rule="parallel")
    assert (r.period, r.transient, r.steps, r.converged) == (2, 0, 2, False)
    r = net.run([], rule="sequential")
    assert r.state.tolist() == [-1.0, 1.0]
    assert (r.steps, r.converged, r.period, r.transient) == (4, True, 1, 1)
    # 3. distance, p = 1, gaussian width 3; the bias does not enter
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("y", activation="gaussian", width=3.0, bias=5.0,
                   potential={"name": "distance", "p": 1})
    net.connect("x1", "y", 2.0)
    net.connect("x2", "y", 1.0)
    assert math.isclose(net.run([1, 3]).output[0], math.exp(-1.0))
    # 4. input with a self-loop is updated; a neuron without inputs keeps its initial
    net = ns.Network()
    net.add_input("x", bias=1.0)
    net.add_neuron("z", initial=0.75)
    net.connect("x", "x", 0.5)
    r = net.run([4], rule="parallel", steps=3, record=True)
    assert r.trace.tolist() == [[4, 0.75], [3, 0.75], [2.5, 0.75], [2.25, 0.75]]


def test_reference_agrees_with_hand_case_2():
    desc = dict(neurons=[dict(id=f"n{j}", act="sign", params={"zero": 1.0}, pot="weighted_sum",
                              p=None, bias=0.0, initial=1.0, layer=None, group=None)
                         for j in range(2)],
                edges={(0, 1): -1.0, (1, 0): -1.0}, inputs=[], outputs=[0, 1])
    r = Ref(desc).run(np.zeros(0), rule="parallel")
    assert (r["period"], r["transient"], r["steps"], r["converged"]) == (2, 0, 2, False)
    r = Ref(desc).run(np.zeros(0), rule="sequential")
    assert (r["steps"], r["converged"], r["period"], r["transient"]) == (4, True, 1, 1)


# --- regressions found by this audit ------------------------------------------------------

def test_sequential_partial_sweep_is_not_a_repeat():
    """steps=1 of a 4-neuron sweep: the state did not change yet, but n1..n3 would.

    Repeats are looked for at sweep boundaries only (docs/simulation.md); the engine
    used to compare the state after a partial last sweep and report a fixed point.
    """
    net = ns.Network()
    for j, b in enumerate([-0.25, 0.0, 0.0, 0.0]):
        net.add_neuron(f"n{j}", activation="step", bias=b)  # ξ = b: n0 stays 0, others → 1
        net.connect(f"n{j}", f"n{j}", 0.0)
    r = net.run([], rule="sequential", steps=1)
    assert (r.steps, r.converged, r.period, r.transient) == (1, False, None, None)
    r = net.run([], rule="sequential", steps=5)  # sweep 1 changed; sweep 2 unfinished
    assert (r.converged, r.period) == (False, None)
    assert r.state.tolist() == [0, 1, 1, 1]
    r = net.run([], rule="sequential", steps=9)  # sweep 2 (steps 5..8) was change-free
    assert (r.converged, r.period, r.transient) == (True, 1, 4)


def test_documented_corner_cases():
    """Facts docs/simulation.md now states explicitly (found unclear by this audit)."""
    net = ns.Network()  # layered: transient = L even when the last layer changed nothing
    net.add_input("x")
    net.add_output("y")
    net.connect("x", "y", 1.0)
    r = net.run([0])  # y = 0 + 1·0 = 0 = its initial value
    assert (r.steps, r.converged, r.period, r.transient) == (1, True, 1, 1)
    net = ns.Network()  # nothing to update: a fixed point from the start, 0 steps
    net.add_neuron("a", initial=2.0)
    for rule in ("parallel", "sequential"):
        r = net.run([], rule=rule)
        assert (r.steps, r.converged, r.period, r.transient) == (0, True, 1, 0)
    assert net.run([], rule="parallel", steps=3).steps == 3
    net = ns.Network()  # softmax member p without inputs keeps 0.3, outside the normalisation
    for n in ("p", "q", "r"):
        net.add_neuron(n, activation="softmax", initial=0.3 if n == "p" else 0.0)
    net.connect("q", "q", 1.0)
    net.connect("p", "r", 1.0)
    net.connect("q", "r", 0.5)
    r = net.run([], rule="parallel", steps=1)  # ξ_q = 0, ξ_r = 0.3
    e = np.exp([0.0, 0.3])
    np.testing.assert_allclose(r.state, [0.3, *(e / e.sum())])


@pytest.mark.parametrize("order", ["cyclic", "random", "random-replacement"])
@pytest.mark.parametrize("act", ["sign", "step"])
def test_dense_threshold_network_every_step(order, act):
    """A dense all-to-all network (the engine's dense threshold sweep and its float32
    screening) against the one-neuron-per-step reference, every row of the trace."""
    rng = np.random.default_rng(7)
    n = 24
    w = rng.normal(size=(n, n))
    w = (w + w.T) / 2
    np.fill_diagonal(w, 0.0)
    low = -1.0 if act == "sign" else 0.0
    neurons = [dict(id=f"n{j}", act=act, params={"zero": 1.0} if act == "sign" else {},
                    pot="weighted_sum", p=None, bias=float(rng.normal(scale=0.1)),
                    initial=0.0, layer=None, group=None) for j in range(n)]
    edges = {(i, j): float(w[j, i]) for i in range(n) for j in range(n) if i != j}
    desc = dict(neurons=neurons, edges=edges, inputs=list(range(n)), outputs=[0, 1])
    x = np.where(rng.random((3, n)) < 0.5, low, 1.0)
    run = build(desc).run(x, rule="sequential", order=order, seed=3, record=True)
    refs = ref_runs(Ref(desc), x, rule="sequential", order=order, seed=3)
    check(run, refs, False, atol=0, rtol=0)


def test_softmax_group_across_layers_runs_under_parallel_and_sequential():
    """DESIGN §1 defines the parallel and sequential rules on any digraph; only the
    layered rule (and backprop) needs a group inside one layer. compile used to refuse
    every acyclic network with such a group, whatever the rule."""
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("p", activation="softmax", group="g")
    net.add_neuron("q", activation="softmax", group="g")
    net.connect("x", "p", 1.0)
    net.connect("p", "q", 1.0)  # q is one layer after p
    r = net.run([1.0], rule="parallel", steps=1)  # ξ = (1, 0): softmax of both together
    np.testing.assert_allclose(r.state, [1.0, *(np.exp([1, 0]) / np.exp([1, 0]).sum())])
    r = net.run([1.0], rule="parallel", tol=1e-13)  # fixed point p = e / (e + e^p)
    p = r.state[1]
    assert r.converged and math.isclose(p, math.e / (math.e + math.exp(p)), rel_tol=1e-9)
    with pytest.raises(NetworkError, match="spans layers 1, 2"):
        net.run([1.0])  # the default rule for an acyclic network is layered


# --- starting and holding, records per sweep, temperature ---------------------------------

def sweep_rows(trace, unit):
    """The rows of a per-step trace at sweep ends (and the final state after a partial
    last sweep): what record="sweep" keeps."""
    rows = list(trace[::unit])
    if (len(trace) - 1) % unit:
        rows.append(trace[-1])
    return np.array(rows)


def draw_start(draw, n, batch):
    """A full starting state on the grid: ``(n,)``, or ``(batch, n)`` when batch > 0."""
    shape = (batch, n) if batch else (n,)
    return np.array(draw(st.lists(GRID, min_size=int(np.prod(shape)),
                                  max_size=int(np.prod(shape))))).reshape(shape)


def draw_hold(draw, n):
    """Up to two clamped neurons (at grid values) and two pinned ones; the held set."""
    clamp = {f"n{j}": v for j, v in draw(st.dictionaries(st.integers(0, n - 1), GRID,
                                                         max_size=2)).items()}
    pin = [f"n{j}" for j in draw(st.lists(st.integers(0, n - 1), unique=True, max_size=2))]
    return clamp, pin, {int(k[1:]) for k in clamp} | {int(k[1:]) for k in pin}


@settings(max_examples=80)
@given(st.data())
def test_initial_state_clamp_pin_match_reference(data):
    """A full initial state, clamped and pinned neurons, under every rule, against the
    reference that simply never updates a held neuron (DESIGN §1 "Starting and holding")."""
    acyclic = data.draw(st.booleans())
    discrete = data.draw(st.booleans())
    desc = data.draw(networks(acyclic=acyclic, discrete=discrete, max_n=5))
    ref = Ref(desc)
    n = ref.n
    rules = [("parallel", "cyclic"), ("sequential", "cyclic"), ("sequential", "random"),
             ("sequential", "random-replacement")] + ([("layered", "cyclic")] if acyclic else [])
    rule, order = data.draw(st.sampled_from(rules))
    if rule == "sequential" and order != "cyclic" and not discrete:
        order = "cyclic"
    batch = data.draw(st.sampled_from([0, 2]))
    start = draw_start(data.draw, n, batch)
    with_x = data.draw(st.booleans())
    x = inputs_for(data.draw, desc, batch) if with_x else None
    clamp, pin, held = draw_hold(data.draw, n)
    record = data.draw(st.sampled_from(["step", "sweep"]))
    exact = discrete or acyclic
    steps = data.draw(st.sampled_from([None, 3, 7])) if exact else data.draw(st.integers(0, 6))
    seed = data.draw(st.integers(0, 2**16))
    # the reference's starting state: the state, the inputs, the clamps
    states = np.atleast_2d(start).copy()
    if x is not None:
        states[:, desc["inputs"]] = np.atleast_2d(x)
    for k, v in clamp.items():
        states[:, int(k[1:])] = v
    sub = ref.held(held)
    net = build(desc)
    kw = dict(rule=rule, order=order, seed=seed, steps=steps, max_steps=40)
    if rule == "layered" and any(
            len({sub.layers()[k] for k in range(n) if ref.nd[k]["act"] == "softmax"
                 and ref.nd[k]["group"] == g}) > 1 for g in (None, "g")):
        return  # a softmax group over layers: refused (tested above)
    run = net.run(x, initial_state=start, clamp=clamp, pin=pin, record=record, **kw)
    refs = [sub.run(None, state=s, **kw) for s in states]
    unit = len(sub.updatable) if rule == "sequential" and record == "sweep" else 1
    if unit > 1:
        for r in refs:
            r["trace"] = sweep_rows(r["trace"], unit)
    check(run, refs, batch == 0, exact_flow=exact)
    # a held neuron never moves, whatever the rule
    trace = run.trace if batch else run.trace[:, None]
    for j in held:
        assert np.all(trace[:, :, j] == states[:, j])


def test_record_by_sweep_hand_case():
    """Three sign neurons in a ring a → b → c → a (weights 1), start (1, −1, −1),
    cyclic order: step 1 a sees c = −1 → −1; step 2 b sees a = −1 → −1 (no change);
    step 3 c sees b = −1 → −1 (no change): sweep 1 ends at (−1, −1, −1). Sweep 2
    changes nothing: converged after 6 steps, 2 sweeps, trace rows 0, 1, 2."""
    net = ns.Network()
    for j in "abc":
        net.add_neuron(j, activation="sign")
    net.connect_many([("a", "b", 1.0), ("b", "c", 1.0), ("c", "a", 1.0)])
    run = net.run(initial_state=[1, -1, -1], rule="sequential", record="sweep")
    assert (run.steps, run.converged) == (6, True)
    assert run.trace.tolist() == [[1, -1, -1], [-1, -1, -1], [-1, -1, -1]]
    assert np.array_equal(net.run(initial_state=[1, -1, -1], rule="sequential",
                                  record=True).trace[::3], run.trace)
    # steps=4: one sweep and one step; the last row is the final state
    run = net.run(initial_state=[1, -1, 1], rule="sequential", steps=4, record="sweep")
    assert run.trace.tolist() == [[1, -1, 1], [1, 1, 1], [1, 1, 1]]
    # pinning b: a sweep is a and c only (2 steps)
    run = net.run(initial_state=[1, -1, 1], pin=["b"], rule="sequential", record="sweep")
    assert run.trace.tolist() == [[1, -1, 1], [1, -1, -1], [-1, -1, -1], [-1, -1, -1]]
    assert run.steps == 6


def three_valued(ref):
    return any(ref.nd[j]["params"].get("zero") == 0.0 and ref.nd[j]["act"] == "sign"
               for j in ref.updatable)


@settings(max_examples=60)
@given(st.data())
def test_temperature_matches_reference(data):
    """Glauber updates with the reference's exact use of the generator (one sample)."""
    desc = data.draw(networks(acyclic=data.draw(st.booleans()), discrete=True, max_n=5))
    ref = Ref(desc)
    order = data.draw(st.sampled_from(["cyclic", "random", "random-replacement"]))
    x = inputs_for(data.draw, desc, 0)
    seed = data.draw(st.integers(0, 2**16))
    temperature = data.draw(st.sampled_from([0.1, 0.5, 1.0, 4.0]))
    steps = data.draw(st.sampled_from([None, 4, 11]))
    net = build(desc)
    if three_valued(ref):  # sign with zero=0 has three values: no Glauber rule
        with pytest.raises(ns.ParameterError, match="two-valued"):
            net.run(x, rule="sequential", temperature=temperature)
        return
    run = net.run(x, rule="sequential", order=order, seed=seed, steps=steps, max_steps=30,
                  temperature=temperature, record=True)
    r = ref.run(x, rule="sequential", order=order, seed=seed, steps=steps, max_steps=30,
                temperature=temperature)
    check(run, [r], True, atol=0, rtol=0)
    again = net.run(x, rule="sequential", order=order, seed=seed, steps=steps,
                    max_steps=30, temperature=temperature, record=True)
    np.testing.assert_array_equal(again.trace, run.trace)  # same seed, same run


@settings(max_examples=40)
@given(st.data())
def test_temperature_to_zero_is_deterministic(data):
    """T → 0: P(high) → 1 for ξ > 0 and 0 for ξ < 0, so where no potential is exactly 0
    the run is the deterministic one (at ξ = 0 the Glauber rule gives 1/2). Cyclic
    order: with a random order the temperature's draws share the generator, so the
    selections differ from a deterministic run's (compared in the test above)."""
    desc = data.draw(networks(acyclic=False, discrete=True, max_n=5))
    ref = Ref(desc)
    x = inputs_for(data.draw, desc, 0)
    order = "cyclic"
    r = ref.run(x, rule="sequential", order=order, seed=1, steps=12)
    if ref.ties or three_valued(ref):
        return
    net = build(desc)
    cold = net.run(x, rule="sequential", order=order, seed=1, steps=12, temperature=1e-300,
                   record=True)
    np.testing.assert_array_equal(cold.trace, r["trace"])
    zero = net.run(x, rule="sequential", order=order, seed=1, steps=12, temperature=0,
                   record=True)
    np.testing.assert_array_equal(zero.trace, r["trace"])


@pytest.mark.parametrize(("activation", "low"), [("sign", -1.0), ("step", 0.0)])
def test_temperature_probability_of_one_neuron(activation, low):
    """One neuron with ξ = b (a zero self-loop): P(high) = σ((hi − lo)·b/T). 40,000
    independent samples of one step; the mean lies within 4.5 binomial standard errors."""
    b, t = 0.3, 0.8
    net = ns.Network()
    net.add_neuron("a", activation=activation, bias=b)
    net.connect("a", "a", 0.0)
    run = net.run(initial_state=np.full((40_000, 1), low), rule="sequential", steps=1,
                  temperature=t, seed=5)
    p = 1 / (1 + math.exp(-(1.0 - low) * b / t))
    share = float(np.mean(run.state[:, 0] == 1.0))
    assert abs(share - p) < 4.5 * math.sqrt(p * (1 - p) / 40_000)
    assert set(np.unique(run.state).tolist()) <= {low, 1.0}


@pytest.mark.parametrize("n", [16, 70])
@pytest.mark.parametrize("order", ["cyclic", "random"])
def test_lockstep_batch_equals_per_sample_runs(order, n):
    """A batch of at least 8 on a dense threshold network runs the whole batch in
    lockstep (windows of steps whose potentials are one product, across the windows'
    boundaries); it gives exactly the per-sample runs (and the reference's)."""
    rng = np.random.default_rng(3)
    w = rng.integers(-3, 4, size=(n, n)) / 4
    w = w + w.T
    np.fill_diagonal(w, 0.0)
    neurons = [dict(id=f"n{j}", act="sign", params={"zero": "keep"} if j % 3 == 0 else {},
                    pot="weighted_sum", p=None, bias=float(rng.integers(-2, 3) / 4),
                    initial=0.0, layer=None, group=None) for j in range(n)]
    edges = {(i, j): float(w[j, i]) for i in range(n) for j in range(n) if i != j}
    desc = dict(neurons=neurons, edges=edges, inputs=list(range(n)), outputs=[0])
    net = build(desc)
    x = rng.choice([-1.0, 1.0], size=(12, n))
    batch = net.run(x, rule="sequential", order=order, seed=4)
    refs = ref_runs(Ref(desc), x, rule="sequential", order=order, seed=4)
    check(batch, refs, False, atol=0, rtol=0)
    for b in range(len(x)):
        one = net.run(x[b], rule="sequential", order=order, seed=4)
        assert np.array_equal(one.state, batch.state[b]) and one.steps == batch.steps[b]


class BatchDraws:
    """The generator's draws in a batch Glauber run of ``steps`` steps, as seen by one
    sample: the sweep orders first, then one uniform draw per sample each step
    (``rng.random(B)``); ``sample(b)`` replays them for the reference's sample b."""

    def __init__(self, seed, order, nu, batch, steps):
        rng = np.random.default_rng(seed)
        self.orders, self.u = [], []
        for t in range(steps):
            if t % nu == 0 and order == "random":
                self.orders.append(rng.permutation(nu))
            elif t % nu == 0 and order == "random-replacement":
                self.orders.append(rng.integers(0, nu, size=nu))
            self.u.append(rng.random(batch))

    def sample(self, b):
        orders, u = list(self.orders), [row[b] for row in self.u]

        class Replay:
            def permutation(self, _n):
                return orders.pop(0)

            def integers(self, _lo, _hi, size):
                return orders.pop(0)

            def random(self):
                return u.pop(0)

        return Replay()


@settings(max_examples=60)
@given(st.data())
def test_temperature_with_start_hold_records_and_batches(data):
    """Glauber updates from a full initial state with clamped and pinned neurons, in a
    batch (one draw per sample and step), recorded per step or per sweep, against the
    reference; the parallel and layered rules refuse a temperature."""
    acyclic = data.draw(st.booleans())
    desc = data.draw(networks(acyclic=acyclic, discrete=True, max_n=5))
    ref = Ref(desc)
    n = ref.n
    net = build(desc)
    temperature = data.draw(st.sampled_from([0.25, 1.0, 3.0]))
    rule = data.draw(st.sampled_from(["sequential", "sequential", "parallel"]
                                     + (["layered"] if acyclic else [])))
    if rule != "sequential":
        with pytest.raises(ns.ParameterError, match="temperature"):
            net.run(None, initial_state=np.zeros(n), rule=rule, temperature=temperature)
        return
    if three_valued(ref):
        return  # refused (tested above)
    order = data.draw(st.sampled_from(["cyclic", "random", "random-replacement"]))
    batch = data.draw(st.sampled_from([0, 1, 3, 9]))  # 9: beyond the lockstep threshold
    start = draw_start(data.draw, n, batch)
    clamp, pin, held = draw_hold(data.draw, n)
    record = data.draw(st.sampled_from(["step", "sweep"]))
    steps = data.draw(st.integers(0, 13))
    seed = data.draw(st.integers(0, 2**16))
    states = np.atleast_2d(start).copy()
    for k, v in clamp.items():
        states[:, int(k[1:])] = v
    sub = ref.held(held)
    nu = len(sub.updatable)
    run = net.run(None, initial_state=start, clamp=clamp, pin=pin, rule="sequential",
                  order=order, seed=seed, steps=steps, temperature=temperature, record=record)
    draws = BatchDraws(seed, order, max(nu, 1), len(states), steps)
    refs = [sub.run(None, "sequential", order=order, steps=steps, state=s,
                    temperature=temperature, rng=draws.sample(b))
            for b, s in enumerate(states)]
    unit = nu if record == "sweep" and nu > 1 else 1
    if unit > 1:
        for r in refs:
            r["trace"] = sweep_rows(r["trace"], unit)
    trace = run.trace if batch else run.trace[:, None]
    for b, r in enumerate(refs):
        np.testing.assert_array_equal(trace[:, b], r["trace"])
    for j in held:  # a held neuron never moves
        assert np.all(trace[:, :, j] == states[:, j])


@settings(max_examples=80)
@given(st.data())
def test_core_neuron_update_matches_reference(data):
    """The core's single-neuron update (netsim.core.sequential.NeuronUpdate): one state
    in place, and neuron j of a whole batch at once, give the reference's new values
    (exact at ties, zero="keep" keeping the value, softmax groups together)."""
    from netsim.core.sequential import NeuronUpdate

    discrete = data.draw(st.booleans())
    weights = TENTHS if discrete and data.draw(st.booleans()) else GRID
    desc = data.draw(networks(acyclic=data.draw(st.booleans()), discrete=discrete, max_n=5,
                              weights=weights))
    ref = Ref(desc)
    if not ref.updatable:
        return
    up = NeuronUpdate(build(desc).compile())
    states = np.array(data.draw(st.lists(st.lists(GRID, min_size=ref.n, max_size=ref.n),
                                         min_size=1, max_size=4)))
    j = data.draw(st.sampled_from(ref.updatable))
    g = ref.group(j)
    expected = states.copy()
    for s in expected:
        s[g] = ref.evaluate(g, s.copy())
    one = states.copy()
    for b in range(len(one)):
        changed = up.update(one[b], j)
        assert changed == bool(np.any(one[b] != states[b]))
    np.testing.assert_allclose(one, expected, rtol=1e-12, atol=1e-12)
    batch = states.copy()
    moved = up.update_batch(batch, j)
    np.testing.assert_array_equal(batch, one)  # a batch gives the per-state values
    np.testing.assert_array_equal(moved, np.any(batch != states, axis=1))
