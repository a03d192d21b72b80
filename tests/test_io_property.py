"""Property test: random valid networks survive the JSON round trip, byte for byte."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.io import dumps, loads

IDS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6),
    st.integers(min_value=-(2**70), max_value=2**70),
)
FINITE = st.floats(allow_nan=False, allow_infinity=False)
ACTIVATIONS = st.one_of(
    st.sampled_from(["identity", "step", "tanh", "relu", "saturated", "softmax", "sigmoid"]),
    st.builds(lambda s: {"name": "sigmoid", "steepness": s},
              st.floats(min_value=1e-6, max_value=1e6)),
    st.builds(lambda z: {"name": "sign", "zero": z}, st.sampled_from([-1, 0, 1])),
    st.builds(lambda a, b: {"name": "scaled_tanh", "a": a, "b": b}, FINITE, FINITE),
    st.builds(lambda w: {"name": "gaussian", "width": w}, st.floats(min_value=1e-3, max_value=1e3)),
)
POTENTIALS = st.one_of(
    st.just("weighted_sum"), st.just("distance"),
    st.builds(lambda p: {"name": "distance", "p": p}, st.floats(min_value=1, max_value=10)),
)
NEURON = st.fixed_dictionaries(
    {},
    optional={
        "activation": ACTIVATIONS,
        "potential": POTENTIALS,
        "bias": FINITE,
        "initial": FINITE,
        "layer": st.integers(min_value=0, max_value=50),
        "label": st.text(st.characters(blacklist_categories=("Cs",)), max_size=8),
        "group": IDS,
    },
)


@st.composite
def networks(draw):
    ids = draw(st.lists(IDS, unique=True, max_size=8))
    net = ns.Network(
        name=draw(st.none() | st.text(max_size=5)),
        description=draw(st.none() | st.text(max_size=20)),
    )
    for nid in ids:
        net.add_neuron(nid, **draw(NEURON))
    if ids:
        pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)),
                              unique=True, max_size=20))
        net.connect_many([(u, v, draw(FINITE)) for u, v in pairs])
        net.set_inputs(draw(st.lists(st.sampled_from(ids), unique=True)))
        net.set_outputs(draw(st.lists(st.sampled_from(ids), unique=True)))
    return net


def _node_attrs(net):
    return [(repr(n), repr(sorted(d.items()))) for n, d in net.graph.nodes(data=True)]


@settings(max_examples=150)
@given(networks())
def test_random_networks_survive_the_round_trip(net):
    text = dumps(net)
    back = loads(text)
    assert back == net
    assert back.neurons == net.neurons
    assert back.inputs == net.inputs and back.outputs == net.outputs
    assert sorted(map(repr, back.connections)) == sorted(map(repr, net.connections))
    assert dumps(back) == text
    # the loader's bulk node build stores exactly what Network.add_neuron stores
    assert _node_attrs(back) == _node_attrs(net)
    assert ns.from_dict(ns.to_dict(net)) == net
