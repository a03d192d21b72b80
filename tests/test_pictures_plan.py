"""The diagram planner (netsim.io._plan) works on the compiled arrays: it must give
what a plain walk over every connection gives (hypothesis, random networks)."""

from __future__ import annotations

import math
from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.io._plan import make_plan


@st.composite
def networks(draw):
    n = draw(st.integers(1, 30))
    ids = [f"n{k}" for k in range(n)]
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                         max_size=80))
    pairs = sorted(pairs)
    if draw(st.booleans()):  # feed-forward: keep the connections that go forward
        pairs = [(a, b) for a, b in pairs if a < b]
    weights = draw(st.lists(st.sampled_from([-2.0, -0.5, 0.0, 0.25, 1.0, 3.0]),
                            min_size=len(pairs), max_size=len(pairs)))
    if draw(st.booleans()):  # symmetric pairs of equal weight
        w = dict(zip(pairs, weights, strict=True))
        weights = [w.get((b, a), w[(a, b)]) if a > b else w[(a, b)] for a, b in pairs]
    net = ns.Network(name="random")
    for k in ids:
        net.add_neuron(k, activation="tanh")
    net.connect_many((ids[a], ids[b], w) for (a, b), w in zip(pairs, weights, strict=True))
    net.set_inputs(draw(st.lists(st.sampled_from(ids), unique=True, max_size=4)))
    net.set_outputs(draw(st.lists(st.sampled_from(ids), unique=True, max_size=4)))
    return net


def reference_groups(net):
    """Pseudo-layers by a queue-based breadth-first search over net.graph."""
    ids = net.neurons
    index = {n: k for k, n in enumerate(ids)}
    succ = [[index[v] for v in net.graph.successors(u)] for u in ids]
    pred = [[index[u] for u in net.graph.predecessors(v)] for v in ids]
    inputs = [index[i] for i in net.inputs]
    outputs = [index[o] for o in net.outputs]
    pure_in = set(inputs) - set(outputs)
    pure_out = set(outputs) - set(inputs)
    rank = [-1] * len(ids)

    def bfs(starts):
        queue = deque(starts)
        while queue:
            u = queue.popleft()
            for v in succ[u]:
                if rank[v] < 0:
                    rank[v] = rank[u] + 1
                    queue.append(v)

    for k in inputs:
        rank[k] = 0
    bfs(inputs)
    for k in range(len(ids)):
        if rank[k] < 0:
            before = [rank[p] for p in pred[k] if rank[p] >= 0]
            rank[k] = max(before) + 1 if before else (1 if pure_in else 0)
            bfs([k])
    if pure_out:
        last = max((rank[k] for k in range(len(ids)) if k not in pure_out), default=-1) + 1
        for k in pure_out:
            rank[k] = last
    return [[k for k in range(len(ids)) if rank[k] == r] for r in sorted(set(rank))]


def reference_edges(net, plan, min_weight):
    """Every visible connection walked in (tail, head) order: singles, symmetric pairs
    merged, bundles summed."""
    index = {n: k for k, n in enumerate(plan.ids)}
    node_of = {k: d for d, node in enumerate(plan.nodes) for k in node.members}
    rank = [node.rank for node in plan.nodes]
    alone = [node.kind == "neuron" for node in plan.nodes]
    conns = sorted((index[u], index[v], w) for u, v, w in net.connections
                   if abs(w) >= min_weight)
    weight = {(u, v): w for u, v, w in conns}
    singles, bundles = {}, {}
    for u, v, w in conns:
        a, b = node_of[u], node_of[v]
        if alone[a] and alone[b]:
            back = rank[b] <= rank[a]
            twin = weight.get((v, u))
            if u != v and twin == w:
                twin_back = rank[a] <= rank[b]
                if (back, u) > (twin_back, v):
                    continue  # drawn as its twin
                singles[(a, b)] = (1, w, abs(w), int(w > 0), int(w < 0), True)
            else:
                singles[(a, b)] = (1, w, abs(w), int(w > 0), int(w < 0), False)
        else:
            c, t, m, p, q, _ = bundles.get((a, b), (0, 0.0, 0.0, 0, 0, False))
            bundles[(a, b)] = (c + 1, t + w, max(m, abs(w)), p + (w > 0), q + (w < 0), False)
    return dict(sorted({**singles, **bundles}.items()))


@settings(max_examples=80, deadline=None)
@given(networks(), st.sampled_from([None, 4]), st.sampled_from([None, False, True]),
       st.sampled_from([0.0, 0.4]))
def test_plan_matches_a_walk_over_every_connection(net, width, summary, min_weight):
    plan = make_plan(net, min_weight=min_weight, max_layer_width=width, keep=1,
                     max_nodes=12, max_edges=40, summary=summary)
    index = {n: k for k, n in enumerate(plan.ids)}
    if plan.mode != "summary":
        if net.is_recurrent:
            assert plan.groups == reference_groups(net)
        else:
            layers = [[index[n] for n in g] for g in net.layers() if g]
            assert plan.groups == layers
    expected = reference_edges(net, plan, min_weight)
    got = {(e.tail, e.head): e for e in plan.edges}
    assert list(got) == list(expected)  # the same edges, in (tail, head) order
    rank = [node.rank for node in plan.nodes]
    for key, (count, total, max_abs, pos, neg, mutual) in expected.items():
        e = got[key]
        assert (e.count, e.max_abs, e.positive, e.negative, e.mutual) == (
            count, max_abs, pos, neg, mutual)
        assert math.isclose(e.total, total, abs_tol=1e-12)
        assert e.back == (rank[e.head] <= rank[e.tail])
        if e.single:
            assert e.weight == total
            assert (plan.ids[e.ends[0]], plan.ids[e.ends[1]]) in net.graph.edges
    hidden = sum(1 for *_, w in net.connections if abs(w) < min_weight)
    assert plan.n_hidden_connections == hidden
    assert plan.n_connections == len(net.connections)


def test_hand_computed_bundles():
    """A 2-5-1 network drawn with its hidden layer collapsed to h1, ⋯ (+3), h5."""
    net = ns.mlp([2, 5, 1], activation="identity", seed=0)
    net.set_weights(list(range(1, len(net.get_weights()) + 1)))
    plan = make_plan(net, min_weight=0.0, max_layer_width=3, keep=1, max_nodes=150,
                     max_edges=500, summary=None)
    assert plan.mode == "collapsed"
    names = [node.name for node in plan.nodes]
    assert names == ["x1", "x2", "h1_1", "_more_1", "h1_5", "y1"]
    edges = {(names[e.tail], names[e.head]): e for e in plan.edges}
    # configuration: per hidden neuron j (bias, w_x1, w_x2) = 1..15, then y (16, 17..21)
    more_in = edges[("x1", "_more_1")]
    assert (more_in.count, more_in.total, more_in.max_abs) == (3, 5 + 8 + 11, 11)
    more_out = edges[("_more_1", "y1")]
    assert (more_out.count, more_out.total, more_out.positive) == (3, 18 + 19 + 20, 3)
    single = edges[("h1_5", "y1")]
    assert single.single and single.weight == 21
