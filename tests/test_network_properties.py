"""Property tests: invariants of random valid networks (acyclic and recurrent)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.functions import ACTIVATIONS, POTENTIALS, Parameter

ACTIVATION_NAMES = sorted(ACTIVATIONS)
POTENTIAL_NAMES = sorted(POTENTIALS)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def param_value(p: Parameter) -> st.SearchStrategy[float]:
    if p.choices is not None:
        return st.sampled_from(p.choices)
    low = p.low if p.low is not None else -10.0
    high = p.high if p.high is not None else low + 10.0
    return st.floats(low, high, exclude_min=not p.low_inclusive,
                     exclude_max=not p.high_inclusive, allow_nan=False)


@st.composite
def function_spec(draw, registry, names):
    name = draw(st.sampled_from(names))
    entry = registry.get(name)
    chosen = draw(st.lists(st.sampled_from(entry.params), unique=True)) if entry.params else []
    return {"name": name, **{p.name: draw(param_value(p)) for p in chosen}}


@st.composite
def networks(draw):
    n = draw(st.integers(1, 8))
    ids = draw(st.lists(st.one_of(st.integers(-5, 50), st.text("abcxyz_", min_size=1,
                                                                    max_size=3)),
                        min_size=n, max_size=n, unique=True))
    net = ns.Network(name=draw(st.none() | st.text(max_size=5)),
                     description=draw(st.none() | st.text(max_size=10)))
    for nid in ids:
        activation = draw(function_spec(ACTIVATIONS, ACTIVATION_NAMES))
        group = None
        if ACTIVATIONS.get(activation["name"]).group:
            group = f"g{nid}"  # a group of its own: always within one layer
        net.add_neuron(
            nid,
            activation=activation,
            potential=draw(function_spec(POTENTIALS, POTENTIAL_NAMES)),
            bias=draw(finite),
            initial=draw(finite),
            label=draw(st.none() | st.text(max_size=4)),
            group=group,
        )
    recurrent = draw(st.booleans())
    order = draw(st.permutations(ids))  # a random topological order for the DAG case
    rank = {nid: k for k, nid in enumerate(order)}
    pairs = [(a, b) for a in ids for b in ids if recurrent or rank[a] < rank[b]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=20)) if pairs else []
    net.connect_many((a, b, draw(finite)) for a, b in chosen)
    net.set_inputs(draw(st.lists(st.sampled_from(ids), unique=True)))
    net.set_outputs(draw(st.lists(st.sampled_from(ids), unique=True)))
    return net


SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(networks())
def test_copy_equals_original(net):
    dup = net.copy()
    assert dup == net
    assert dup.neurons == net.neurons and dup.inputs == net.inputs
    assert dup.outputs == net.outputs


@SETTINGS
@given(networks())
def test_networkx_round_trip(net):
    back = ns.Network.from_networkx(net.to_networkx())
    assert back == net
    assert back.configuration() == net.configuration()


@SETTINGS
@given(networks(), st.integers(0, 2**32 - 1))
def test_configuration_round_trip(net, seed):
    keys = net.configuration()
    weights = net.get_weights()
    assert weights.shape == (len(keys),)
    assert len(set(keys)) == len(keys)
    # every connection into a neuron is in the configuration
    assert sum(isinstance(k, tuple) for k in keys) == net.graph.number_of_edges()
    dup = net.copy()
    dup.set_weights(weights)
    assert dup == net  # set_weights(get_weights()) is the identity
    v = np.random.default_rng(seed).normal(size=len(keys))
    dup.set_weights(v)
    np.testing.assert_array_equal(dup.get_weights(), v)


@SETTINGS
@given(networks())
def test_compiled_configuration_matches_definition(net):
    prog = net.compile()
    np.testing.assert_array_equal(prog.configuration_vector(), net.get_weights())
    assert prog.n_config == len(net.configuration())
    w, b = prog.split_configuration(prog.configuration_vector())
    np.testing.assert_array_equal(w, prog.weights)
    # biases of neurons without inputs never matter and are not in the configuration
    in_config = [prog.index[k] for k in net.configuration() if not isinstance(k, tuple)]
    np.testing.assert_array_equal(b[in_config], prog.bias[in_config])
    outside = np.setdiff1d(np.arange(prog.n_neurons), in_config)
    assert np.all(b[outside] == 0)
    assert prog.is_recurrent == net.is_recurrent
    if not net.is_recurrent:
        layers = net.layers()
        assert sorted(str(n) for layer in layers for n in layer) == sorted(map(str, net.neurons))
        for u, v in net.graph.edges:
            assert prog.layer[prog.index[u]] < prog.layer[prog.index[v]]
    else:
        cycle = net.find_cycle()
        for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert net.has_connection(u, v)
