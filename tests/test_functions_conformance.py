"""One conformance check over every registered activation and potential.

The parametrisation iterates the registries, so every entry registered when the tests
are collected is checked, built-in or not. The module also registers its own user
entries (an elementwise activation with a parameter, a group function with a
parameter, a discrete function and a potential with a parameter) to show that user
functions go through exactly the same checks; they are in the registries only while
this module's tests run. Each check is generated only for the entries it applies to
(derivatives for differentiable ones, value sets for discrete ones, ...): nothing is
skipped.

What is checked, generically (nothing here knows a particular function):

* vectorised shapes: scalar (elementwise only), 1-D and 2-D batches; rows of a batch
  are evaluated independently; float32 in gives float32 out;
* per-neuron parameter arrays broadcast along the last axis and agree with evaluating
  each neuron with its own scalar parameters;
* derivatives (``derivative``, ``vjp``, potential ``gradient``) against central finite
  differences at many seeded points; a point where the forward and backward one-sided
  differences disagree is a kink and is skipped (most points must be checked);
* functions without a derivative refuse backpropagation with NotDifferentiableError;
* discrete functions report their value set and never leave it;
* parameter validation: bad values and unknown names are rejected with a one-line
  message naming the function, the parameter, the allowed values and what was given;
* no overflow warnings and finite outputs at ±1000.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import netsim as ns
from netsim.core import evaluate_stage, parallel_stage
from netsim.functions import ACTIVATIONS, POTENTIALS, Parameter

# --- user entries registered for the duration of this module ------------------------


def _softplus(xi, beta=1.0):
    return np.logaddexp(0.0, beta * xi) / beta


def _softplus_d(xi, y, beta=1.0):
    return ns.get_activation("sigmoid").forward(xi, steepness=beta)


def _softplus_k(xi, out, beta=1.0):
    np.multiply(xi, beta, out=out)
    np.logaddexp(0.0, out, out=out)
    out /= beta


def _softplus_kb(xi, y, grad_y, out, beta=1.0):
    out[...] = grad_y * _softplus_d(xi, y, beta)


def _tempered_softmax(xi, temperature=1.0):
    z = xi / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _tempered_softmax_vjp(xi, y, grad_y, temperature=1.0):
    return y * (grad_y - np.sum(grad_y * y, axis=-1, keepdims=True)) / temperature


def _ternary(xi, dead=0.5):
    return np.where(xi > dead, 1.0, np.where(xi < -dead, -1.0, 0.0)).astype(xi.dtype)


def _sq_sum(values, weights, indptr, bias, scale=1.0):
    return bias + scale * ns.functions.segment_sum(weights * values * values, indptr)


def _sq_sum_grad(values, weights, indptr, xi, scale=1.0):
    s = ns.functions.per_connection(scale, indptr)
    return 2.0 * s * weights * values, s * values * values


USER_ACTIVATIONS = {
    "conformance_softplus": dict(
        forward=_softplus,
        derivative=_softplus_d,
        inplace=_softplus_k,
        inplace_backward=_softplus_kb,
        params=(Parameter("beta", 1.0, low=0.0, low_inclusive=False),),
        doc="log(1 + e^(βξ)) / β",
    ),
    "conformance_tempered_softmax": dict(
        forward=_tempered_softmax,
        group=True,
        vjp=_tempered_softmax_vjp,
        params=(Parameter("temperature", 1.0, low=0.0, low_inclusive=False, high=100.0),),
    ),
    "conformance_ternary": dict(
        forward=_ternary,
        params={"dead": 0.5},
        values=(-1.0, 0.0, 1.0),
    ),
}
USER_POTENTIALS = {
    "conformance_sq_sum": dict(
        forward=_sq_sum,
        gradient=_sq_sum_grad,
        params=(Parameter("scale", 1.0, low=0.0, high=10.0, high_inclusive=False),),
    ),
}



def _user_entries(registry, register, specs) -> dict:
    """Build the user entries through the public ``register_*`` call, then take them out
    of the registry again: other test modules must not see them (they are put back for
    this module's tests by the ``user_entries`` fixture)."""
    entries = {}
    for name, spec in specs.items():
        entries[name] = register(name, **spec)
        registry.remove(name)
    return entries


# Every entry, built-in or registered by anyone before collection, plus this module's
# user entries: the parametrisation below filters these by what applies to each entry.
USER_ACTIVATION_ENTRIES = _user_entries(ACTIVATIONS, ns.register_activation, USER_ACTIVATIONS)
USER_POTENTIAL_ENTRIES = _user_entries(POTENTIALS, ns.register_potential, USER_POTENTIALS)
ALL_ACTIVATIONS = {**{n: ACTIVATIONS.get(n) for n in ACTIVATIONS}, **USER_ACTIVATION_ENTRIES}
ALL_POTENTIALS = {**{n: POTENTIALS.get(n) for n in POTENTIALS}, **USER_POTENTIAL_ENTRIES}


def each_activation(applies=lambda a: True):
    """Parametrise the ``activation`` fixture over the activations ``applies`` to."""
    names = [n for n, a in ALL_ACTIVATIONS.items() if applies(a)]
    assert names, "a conformance check that applies to no activation"
    return pytest.mark.parametrize("activation", names, indirect=True)


def each_potential(applies=lambda p: True):
    """Parametrise the ``potential`` fixture over the potentials ``applies`` to."""
    names = [n for n, p in ALL_POTENTIALS.items() if applies(p)]
    assert names, "a conformance check that applies to no potential"
    return pytest.mark.parametrize("potential", names, indirect=True)


@pytest.fixture(scope="module", autouse=True)
def user_entries():
    for name, entry in USER_ACTIVATION_ENTRIES.items():
        ACTIVATIONS.add(name, entry)
    for name, entry in USER_POTENTIAL_ENTRIES.items():
        POTENTIALS.add(name, entry)
    yield
    for name in USER_ACTIVATION_ENTRIES:
        ACTIVATIONS.remove(name)
    for name in USER_POTENTIAL_ENTRIES:
        POTENTIALS.remove(name)


def test_user_entries_are_registered_and_usable_in_a_network(user_entries):
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("h", activation="conformance_softplus", beta=2.0,
                   potential={"name": "conformance_sq_sum", "scale": 0.5})
    net.connect("x", "h", 2.0)
    assert "conformance_softplus" in ACTIVATIONS and "conformance_sq_sum" in POTENTIALS
    with pytest.raises(ns.ParameterError, match="already registered"):
        ns.register_activation("conformance_softplus", _softplus)
    prog = net.compile()
    stage = parallel_stage(prog)
    state = np.array([[3.0, 0.0]])
    xi, y = evaluate_stage(prog, stage, state)
    assert xi[0, 0] == pytest.approx(0.5 * 2.0 * 9.0)
    assert y[0, 0] == pytest.approx(np.log1p(np.exp(2.0 * 9.0)) / 2.0)


def test_registry_lookup_errors():
    with pytest.raises(ns.UnknownFunctionError) as exc:
        ns.get_activation("tanhh")
    assert "unknown activation 'tanhh'" in str(exc.value)
    assert "did you mean 'tanh'" in str(exc.value) and "known:" in str(exc.value)
    with pytest.raises(ns.UnknownFunctionError, match="unknown potential"):
        ns.get_potential(3)
    with pytest.raises(ns.ParameterError, match="non-empty string"):
        ns.register_activation("", _softplus)


# --- helpers ------------------------------------------------------------------------


def _valid_values(p: Parameter) -> list[float]:
    """A few distinct valid values of a parameter (the default first)."""
    if p.choices is not None:
        return [p.default, *[c for c in p.choices if c != p.default]]
    out = [p.default]
    for delta in (0.5, 1.0, -0.25, 0.25, 2.0):
        try:
            v = p.check(p.default + delta, "probe")
        except ns.ParameterError:
            continue
        if v not in out:
            out.append(v)
    return out


def _per_neuron(entry, n: int, rng) -> dict[str, np.ndarray]:
    """One valid value per neuron for every parameter."""
    return {p.name: rng.choice(_valid_values(p), size=n) for p in entry.params}


def _bad_values(p: Parameter) -> list[object]:
    bad: list[object] = [float("nan"), float("inf"), True, "1", None]
    if p.choices is not None:
        bad.append(max(p.choices) + 0.5)
    if p.low is not None:
        bad.append(p.low - 1.0)
        if not p.low_inclusive:
            bad.append(p.low)
    if p.high is not None:
        bad.append(p.high + 1.0)
        if not p.high_inclusive:
            bad.append(p.high)
    return bad


def _check_parameter_validation(entry, kind: str) -> None:
    for p in entry.params:
        for value in _valid_values(p):
            assert entry.validate({p.name: value}) == {p.name: float(value)}
            assert isinstance(entry.validate({p.name: value})[p.name], float)
        for value in _bad_values(p):
            with pytest.raises(ns.ParameterError) as exc:
                entry.validate({p.name: value})
            msg = str(exc.value)
            assert "\n" not in msg
            assert f"{kind} {entry.name!r}" in msg, msg
            assert repr(p.name) in msg and p.allowed() in msg and repr(value) in msg, msg
    with pytest.raises(ns.ParameterError) as exc:
        entry.validate({"no_such_parameter": 1.0})
    msg = str(exc.value)
    assert "'no_such_parameter'" in msg and f"{kind} {entry.name!r}" in msg
    accepted = ", ".join(repr(p.name) for p in entry.params) or "none"
    assert f"accepted: {accepted}" in msg
    assert entry.validate({}) == {}
    assert entry.defaults() == {p.name: p.default for p in entry.params}


def _smooth_points(f, x: np.ndarray, h: float) -> np.ndarray:
    """Mask of points where f is smooth enough for a central difference (no kink)."""
    f0, fp, fm = f(x), f(x + h), f(x - h)
    forward, backward = (fp - f0) / h, (f0 - fm) / h
    return np.abs(forward - backward) <= 1e-3 * (1.0 + np.abs(forward))


# --- activations ----------------------------------------------------------------------


@pytest.fixture
def activation(request, user_entries):
    return ns.get_activation(request.param)


@each_activation()
def test_activation_entry_metadata(activation):
    assert activation.name in ACTIVATIONS
    assert isinstance(activation.params, tuple)
    assert all(isinstance(p, Parameter) for p in activation.params)
    assert activation.differentiable == (
        (activation.vjp if activation.group else activation.derivative) is not None
    )
    assert activation.discrete == (activation.values is not None)
    assert activation.symbol


@each_activation()
def test_activation_shapes_and_batches(activation):
    rng = np.random.default_rng(1)
    params = activation.defaults()
    xi2 = rng.normal(0, 2, size=(5, 4))
    y2 = activation.forward(xi2, **params)
    assert y2.shape == (5, 4) and np.issubdtype(y2.dtype, np.floating)
    y1 = activation.forward(xi2[2], **params)
    assert y1.shape == (4,)
    np.testing.assert_allclose(y1, y2[2], rtol=1e-12)
    for b in range(5):  # a batch gives the per-sample results, stacked
        np.testing.assert_allclose(activation.forward(xi2[b], **params), y2[b], rtol=1e-12)
    xi3 = rng.normal(size=(2, 3, 4))
    assert activation.forward(xi3, **params).shape == (2, 3, 4)
    assert activation(xi2).shape == (5, 4)  # __call__ fills in defaults
    if not activation.group:
        y0 = activation(np.float64(0.7))
        assert np.shape(y0) == ()
        # elementwise means each entry depends on its own potential only
        singles = np.array([[float(activation(v)) for v in row] for row in xi2])
        np.testing.assert_allclose(singles, y2, rtol=1e-12)


@each_activation()
def test_activation_float32_stays_float32(activation):
    xi = np.linspace(-3, 3, 8, dtype=np.float32).reshape(2, 4)
    params = {k: np.float32(v) for k, v in activation.defaults().items()}
    y = activation.forward(xi, **params)
    assert y.dtype == np.float32, activation.name
    np.testing.assert_allclose(
        y, activation.forward(xi.astype(np.float64), **activation.defaults()), atol=1e-5
    )


@each_activation(lambda a: a.params and not a.group)
def test_activation_per_neuron_parameter_arrays(activation):
    rng = np.random.default_rng(2)
    n = 6
    params = _per_neuron(activation, n, rng)
    xi = rng.normal(0, 2, size=(3, n))
    y = activation.forward(xi, **params)
    assert y.shape == (3, n)
    for j in range(n):
        own = {k: float(v[j]) for k, v in params.items()}
        np.testing.assert_allclose(activation.forward(xi[:, j], **own), y[:, j], rtol=1e-12)


@each_activation(lambda a: a.inplace is not None)
def test_activation_inplace_kernel_equals_forward(activation):
    """The fast kernel writes what ``forward`` returns: scalar parameters, per-neuron
    parameters along the last axis, and as (rows, 1) columns (the neurons-first layout)."""
    rng = np.random.default_rng(7)
    n = 5
    xi = rng.normal(0, 2, size=(4, n))
    xi[0, :2] = 0.0  # ties at the jump of a threshold function
    out = np.full_like(xi, np.nan)
    activation.inplace(xi, out, **activation.defaults())
    np.testing.assert_allclose(out, activation.forward(xi, **activation.defaults()),
                               rtol=1e-15, atol=0)
    if activation.params:
        params = _per_neuron(activation, n, rng)
        expected = activation.forward(xi, **params)
        activation.inplace(xi, out, **params)
        np.testing.assert_allclose(out, expected, rtol=1e-15, atol=0)
        out_t = np.full_like(xi.T, np.nan)
        activation.inplace(xi.T, out_t, **{k: v[:, None] for k, v in params.items()})
        np.testing.assert_allclose(out_t, expected.T, rtol=1e-15, atol=0)


@each_activation(lambda a: a.inplace_backward is not None)
def test_activation_fused_backward_equals_derivative(activation):
    rng = np.random.default_rng(8)
    xi = rng.normal(0, 2, size=(4, 5))
    params = _per_neuron(activation, 5, rng) if activation.params else {}
    y = activation.forward(xi, **params)
    grad_y = rng.normal(size=xi.shape)
    out = np.full_like(xi, np.nan)
    activation.inplace_backward(xi, y, grad_y, out, **params)
    np.testing.assert_allclose(out, grad_y * activation.derivative(xi, y, **params),
                               rtol=1e-13, atol=0)


def test_user_inplace_kernels_are_used_by_simulation_and_backprop(user_entries):
    """A user's registered kernels get the same treatment as the built-ins'."""
    calls = {"forward": 0, "backward": 0}

    def kernel(xi, out, beta=1.0):
        calls["forward"] += 1
        _softplus_k(xi, out, beta)

    def fused(xi, y, grad_y, out, beta=1.0):
        calls["backward"] += 1
        _softplus_kb(xi, y, grad_y, out, beta)

    ns.register_activation("conformance_counted", _softplus, _softplus_d, inplace=kernel,
                           inplace_backward=fused, params={"beta": 1.0})
    try:
        net = ns.mlp("2-3-1", activation="conformance_counted", seed=0)
        x = np.array([[0.5, -1.0], [2.0, 0.0]])
        for rule in ("layered", "parallel"):
            before = calls["forward"]
            ns.run(net, x, rule=rule, steps=2)
            assert calls["forward"] > before, rule
        ns.gradient(net, x, np.zeros((2, 1)))
        assert calls["backward"] > 0
    finally:
        ACTIVATIONS.remove("conformance_counted")


@each_activation(lambda a: a.group and a.params)
def test_group_activation_parameters_are_scalars_per_group(activation):
    rng = np.random.default_rng(3)
    xi = rng.normal(size=(4, 3))
    for p in activation.params:
        for value in _valid_values(p):
            y = activation.forward(xi, **{**activation.defaults(), p.name: value})
            assert y.shape == xi.shape and np.all(np.isfinite(y))


@each_activation(lambda a: a.differentiable)
def test_activation_derivative_matches_finite_differences(activation):
    rng = np.random.default_rng(4)
    h = 1e-6
    if activation.group:
        n, batch = 4, 25
        xi = rng.uniform(-3, 3, size=(batch, n))
        params = activation.defaults()
        if activation.params:  # a non-default value, one per group
            params = {p.name: _valid_values(p)[-1] for p in activation.params}
        y = activation.forward(xi, **params)
        grad_y = rng.normal(size=(batch, n))
        jac = np.empty((batch, n, n))  # jac[b, i, k] = ∂y_i/∂ξ_k
        for k in range(n):
            e = np.zeros(n)
            e[k] = h
            jac[:, :, k] = (activation.forward(xi + e, **params)
                            - activation.forward(xi - e, **params)) / (2 * h)
        expected = np.einsum("bi,bik->bk", grad_y, jac)
        got = activation.backward(xi, y, grad_y, **params)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
        return
    n, batch = 5, 40
    params = _per_neuron(activation, n, rng)
    xi = rng.uniform(-4, 4, size=(batch, n))

    def f(x):
        return activation.forward(x, **params)

    smooth = _smooth_points(f, xi, h)
    assert smooth.mean() > 0.8, "too many kinks among random points"
    numeric = (f(xi + h) - f(xi - h)) / (2 * h)
    analytic = activation.derivative(xi, f(xi), **params)
    assert analytic.shape == xi.shape
    np.testing.assert_allclose(analytic[smooth], numeric[smooth], rtol=1e-5, atol=1e-7)
    grad_y = rng.normal(size=xi.shape)
    np.testing.assert_allclose(
        activation.backward(xi, f(xi), grad_y, **params), grad_y * analytic, rtol=1e-12
    )


@each_activation(lambda a: not a.differentiable)
def test_not_differentiable_activation_refuses_backprop(activation):
    xi = np.array([[0.5, -0.5]])
    y = activation.forward(xi, **activation.defaults())
    with pytest.raises(ns.NotDifferentiableError) as exc:
        activation.backward(xi, y, np.ones_like(xi))
    assert repr(activation.name) in str(exc.value)
    assert isinstance(exc.value, ValueError)


@each_activation(lambda a: a.discrete)
def test_discrete_activation_stays_in_its_value_set(activation):
    rng = np.random.default_rng(5)
    xi = np.concatenate([rng.normal(0, 3, 200), [0.0, -0.0, 1e-300, -1e-300, 1e6, -1e6]])
    variants = [activation.defaults()]
    for p in activation.params:
        variants += [{**activation.defaults(), p.name: v} for v in _valid_values(p)]
    for params in variants:
        values = activation.values(params)
        assert isinstance(values, tuple) and len(values) >= 2
        y = activation.forward(xi, **params)
        assert set(np.unique(y)) <= set(values), (activation.name, params)


@each_activation()
def test_activation_parameter_validation(activation):
    _check_parameter_validation(activation, "activation")


@each_activation()
def test_activation_huge_inputs_finite_without_warnings(activation):
    xi = np.array([[1000.0, -1000.0, 0.0, 700.0, -745.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = activation.forward(xi, **activation.defaults())
        if activation.differentiable and not activation.group:
            d = activation.derivative(xi, y, **activation.defaults())
            assert np.all(np.isfinite(d))
    assert np.all(np.isfinite(y)), (activation.name, y)


# --- potentials -----------------------------------------------------------------------


@pytest.fixture
def potential(request, user_entries):
    return ns.get_potential(request.param)


def _csr(rng, counts=(3, 1, 4, 2)):
    indptr = np.concatenate([[0], np.cumsum(counts)])
    nnz = int(indptr[-1])
    return indptr, rng.uniform(0.1, 1.5, nnz) * rng.choice([-1, 1], nnz)


@each_potential()
def test_potential_shapes_and_batches(potential):
    rng = np.random.default_rng(6)
    indptr, weights = _csr(rng)
    n = len(indptr) - 1
    bias = rng.normal(size=n)
    params = potential.defaults()
    values = rng.normal(size=(7, len(weights)))
    xi = potential.forward(values, weights, indptr, bias, **params)
    assert xi.shape == (7, n) and np.issubdtype(xi.dtype, np.floating)
    one = potential.forward(values[3], weights, indptr, bias, **params)
    assert one.shape == (n,)
    np.testing.assert_allclose(one, xi[3], rtol=1e-12)
    # each neuron sees only its own block: compare with the one-neuron convenience call
    for j in range(n):
        s = slice(indptr[j], indptr[j + 1])
        single = potential(values[:, s], weights[s], bias=bias[j])
        np.testing.assert_allclose(single, xi[:, j], rtol=1e-12)


@each_potential()
def test_potential_float32_stays_float32(potential):
    rng = np.random.default_rng(7)
    indptr, weights = _csr(rng)
    n = len(indptr) - 1
    values = rng.normal(size=(2, len(weights))).astype(np.float32)
    params = {k: np.full(n, v, dtype=np.float32) for k, v in potential.defaults().items()}
    xi = potential.forward(values, weights.astype(np.float32), indptr,
                           np.zeros(n, np.float32), **params)
    assert xi.dtype == np.float32


@each_potential(lambda p: p.params)
def test_potential_per_neuron_parameter_arrays(potential):
    rng = np.random.default_rng(8)
    indptr, weights = _csr(rng)
    n = len(indptr) - 1
    bias = rng.normal(size=n)
    params = _per_neuron(potential, n, rng)
    values = rng.normal(size=(3, len(weights)))
    xi = potential.forward(values, weights, indptr, bias, **params)
    for j in range(n):
        s = slice(indptr[j], indptr[j + 1])
        own = {k: float(v[j]) for k, v in params.items()}
        np.testing.assert_allclose(potential(values[:, s], weights[s], bias=bias[j], **own),
                                   xi[:, j], rtol=1e-12)


@each_potential()
def test_potential_bias(potential):
    rng = np.random.default_rng(9)
    indptr, weights = _csr(rng)
    n = len(indptr) - 1
    values = rng.normal(size=(2, len(weights)))
    zero = potential.forward(values, weights, indptr, np.zeros(n), **potential.defaults())
    bias = rng.normal(size=n)
    shifted = potential.forward(values, weights, indptr, bias, **potential.defaults())
    if potential.has_bias:  # ξ = b + ...: ∂ξ/∂b = 1
        np.testing.assert_allclose(shifted - zero, np.broadcast_to(bias, zero.shape),
                                   atol=1e-12)
    else:
        np.testing.assert_allclose(shifted, zero, rtol=1e-12)


@each_potential(lambda p: p.differentiable)
def test_potential_gradient_matches_finite_differences(potential):
    rng = np.random.default_rng(10)
    h = 1e-6
    indptr, weights = _csr(rng)
    n = len(indptr) - 1
    target = np.repeat(np.arange(n), np.diff(indptr))
    bias = rng.normal(size=n)
    for trial in range(12):
        params = _per_neuron(potential, n, rng) if trial % 2 else potential.defaults()
        values = rng.normal(size=(4, len(weights)))
        xi = potential.forward(values, weights, indptr, bias, **params)
        d_values, d_weights = potential.gradient(values, weights, indptr, xi, **params)
        assert d_values.shape == values.shape and np.shape(d_weights)[-1] == len(weights)
        d_weights = np.broadcast_to(d_weights, values.shape)
        for c in range(len(weights)):
            for arr, analytic in ((values, d_values), (None, d_weights)):
                def f(delta, c=c, arr=arr, values=values, params=params):
                    v, w = values.copy(), weights.copy()
                    if arr is None:
                        w[c] += delta
                    else:
                        v[:, c] += delta
                    return potential.forward(v, w, indptr, bias, **params)[:, target[c]]

                fp, fm, f0 = f(h), f(-h), f(0.0)
                smooth = np.abs((fp - f0) - (f0 - fm)) / h <= 1e-3 * (1 + np.abs(fp - f0) / h)
                numeric = (fp - fm) / (2 * h)
                np.testing.assert_allclose(analytic[smooth, c], numeric[smooth],
                                           rtol=1e-5, atol=1e-7)


@each_potential()
def test_potential_parameter_validation(potential):
    _check_parameter_validation(potential, "potential")


@each_potential()
def test_potential_huge_inputs_finite_without_warnings(potential):
    indptr = np.array([0, 2, 3])
    weights = np.array([1.0, -1.0, 0.5])
    values = np.array([[1000.0, -1000.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xi = potential.forward(values, weights, indptr, np.zeros(2), **potential.defaults())
    assert np.all(np.isfinite(xi))
