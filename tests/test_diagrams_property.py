"""Properties of the DOT text on random networks (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns

EDGE = re.compile(r'^\t"([^"]*)" -> "([^"]*)" \[(.*)\]$', re.M)


@st.composite
def networks(draw):
    n = draw(st.integers(1, 8))
    ids = [f"n{k}" for k in range(n)]
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=20))
    weights = draw(st.lists(st.sampled_from([-2.0, -0.5, 0.0, 0.25, 1.0, 3.0]),
                            min_size=len(pairs), max_size=len(pairs)))
    net = ns.Network(name="random")
    for k in ids:
        net.add_neuron(k, activation=draw(st.sampled_from(["identity", "tanh", "step"])))
    net.connect_many((ids[a], ids[b], w) for (a, b), w in zip(sorted(pairs), weights,
                                                              strict=True))
    net.set_inputs(draw(st.lists(st.sampled_from(ids), unique=True, max_size=3)))
    net.set_outputs(draw(st.lists(st.sampled_from(ids), unique=True, max_size=3)))
    return net


def ranks(source):
    return [re.findall(r'"([^"]*)"', body)
            for body in re.findall(r"^\t\{ rank=\w+; (.*)\}$", source, re.M)]


@settings(max_examples=60)
@given(networks())
def test_random_network_diagram(net):
    source = net.to_dot(layout="layered").source
    assert net.copy().to_dot(layout="layered").source == source  # deterministic
    groups = ranks(source)
    assert sorted(n for g in groups for n in g) == sorted(net.neurons)  # a partition
    rank = {n: r for r, g in enumerate(groups) for n in g}
    pure_in = set(net.inputs) - set(net.outputs)
    pure_out = set(net.outputs) - set(net.inputs)
    if net.is_recurrent:  # pseudo-layers: pure inputs first, pure outputs last
        assert all(rank[n] == 0 for n in pure_in)
        if pure_out and len(groups) > 1:
            assert all(rank[n] == len(groups) - 1 for n in pure_out)
    else:  # layers: exactly net.layers() without empty ones
        assert groups == [[str(n) for n in g] for g in net.layers() if g]
    drawn = {}
    weight = {(u, v): w for u, v, w in net.connections}
    for a, b, attrs in EDGE.findall(source):
        if 'style="invis"' in attrs:
            continue
        if 'dir="back"' in attrs:  # a flat feedback edge written along the chain
            a, b = b, a
        if 'dir="none"' in attrs:  # one undirected edge for a symmetric pair
            assert a != b and weight[(a, b)] == weight[(b, a)]
            tail, head = re.search(r'tooltip="(\S+) ↔ (\S+)\\n', attrs).groups()
            drawn[(head, tail)] = drawn[(tail, head)] = attrs
            continue
        drawn[(a, b)] = attrs
    assert len(drawn) == len(weight) and set(drawn) == set(weight)  # each exactly once
    for (u, v), attrs in drawn.items():
        if 'dir="none"' in attrs:  # drawn in its forward direction when it has one
            feedback = rank[v] <= rank[u] and rank[u] <= rank[v]
            assert ('style="dashed"' in attrs) == feedback
            continue
        feedback = rank[v] <= rank[u]
        assert ('constraint="false"' in attrs) == feedback
        assert ('style="dashed"' in attrs) == feedback
    assert re.search(r"[\[ ]weight=", source) is None
