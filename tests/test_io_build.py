"""The bulk build used by the loader (Network.connect_many) equals per-edge building."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns


def _net(n: int) -> ns.Network:
    net = ns.Network()
    for k in range(n):
        net.add_neuron(k)
    return net


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5),
                          st.floats(allow_nan=False, allow_infinity=False)),
                unique_by=lambda e: e[:2], max_size=25))
def test_connect_many_builds_what_connect_builds(edges):
    bulk, single = _net(6), _net(6)
    bulk.connect_many(edges)
    for u, v, w in edges:
        single.connect(u, v, w)
    assert bulk == single
    # same adjacency order both ways, and one shared attribute dict per edge
    assert list(bulk.graph.edges(data=True)) == list(single.graph.edges(data=True))
    assert [list(bulk.graph._pred[n]) for n in bulk.graph] == [
        list(single.graph._pred[n]) for n in single.graph]
    for u, v, _ in edges:
        assert bulk.graph._succ[u][v] is bulk.graph._pred[v][u]
    plain = nx.DiGraph()
    plain.add_nodes_from(range(6))
    plain.add_edges_from((u, v, {"weight": w}) for u, v, w in edges)
    assert list(plain.edges(data=True)) == list(bulk.graph.edges(data=True))
    assert [list(plain._pred[n]) for n in plain] == [list(bulk.graph._pred[n]) for n in bulk.graph]


def test_connect_many_bumps_the_version_and_edits_stay_tracked():
    net = _net(3)
    before = net.version
    net.connect_many([(0, 1, 0.5), (1, 2, -1.0)])
    assert net.version == before + 1
    after = net.version
    net.graph[0][1]["weight"] = 2.0  # a write into the shared attribute dict is noticed
    assert net.version > after and net.weight(0, 1) == 2.0


@pytest.mark.parametrize(
    "batch, error",
    [
        ([(0, 1, 1.0), (1, 2, 1.0), (0, 1, 2.0)], ns.NetworkError),  # repeat in the batch
        ([(2, 0, 1.0), (0, 2, 1.0)], ns.NetworkError),  # already in the network
        ([(1, 0, 1.0), (0, 9, 1.0)], ns.NeuronNotFoundError),
        ([(1, 0, 1.0), (1, 1, math.nan)], ns.ParameterError),
        ([(1, 0, 1.0), (1, 1, "heavy")], ns.ParameterError),
    ],
)
def test_connect_many_is_all_or_nothing(batch, error):
    net = _net(3)
    net.connect(0, 2, 1.0)
    snapshot = (list(net.graph.edges(data=True)), [dict(net.graph._pred[n]) for n in net.graph])
    with pytest.raises(error):
        net.connect_many(batch)
    assert (list(net.graph.edges(data=True)),
            [dict(net.graph._pred[n]) for n in net.graph]) == snapshot
