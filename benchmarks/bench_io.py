"""JSON save/load of a network with 1,000,000 connections (quick: 50,000).

The network is sparse and random, the shape of a large recurrent model: ``n`` neurons
(the first 1% inputs, the last 1% outputs, sigmoid elsewhere), each receiving
``fan_in`` connections from distinct random sources (self-loops allowed), seeded.

Printed side by side, in this process, on the same data, interleaved (A B A B) with
BLAS pinned to one thread (see ``_harness.py``):

- build: ``Network.add_neuron`` + ``Network.connect_many`` vs building the same
  ``networkx.DiGraph`` directly (``add_nodes_from`` / ``add_edges_from``); no target.
- save: ``ns.save`` vs ``json.dumps`` of ``ns.to_dict(net)`` and one write of the
  text; target: at most 1.5x.
- load: ``ns.load`` vs ``json.load`` of the same file plus the reference build of the
  network from it (the id → position map, the source/target/weight arrays and
  scipy's CSR matrix from them); target: at most 1.5x. ``ns.load`` checks the file
  against the schema and its meaning and keeps the network as arrays
  (:meth:`Network.from_arrays`).
- round trip: save → load → save gives the same bytes (checked, not timed).
"""

from __future__ import annotations

import json
import os
import tempfile
import time

import networkx as nx
import numpy as np
import scipy.sparse as sp
from _harness import measure, print_results

import netsim as ns


def make_edges(n: int, fan_in: int, seed: int = 0) -> tuple[list[str], list[tuple]]:
    rng = np.random.default_rng(seed)
    ids = [f"n{k}" for k in range(n)]
    n_in = max(1, n // 100)
    edges = []
    for j in range(n_in, n):  # inputs receive nothing
        sources = rng.choice(n, size=fan_in, replace=False)
        weights = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=fan_in)
        edges.extend(zip([ids[i] for i in sources.tolist()], [ids[j]] * fan_in,
                         weights.tolist(), strict=True))
    return ids, edges


def build_network(ids: list[str], edges: list[tuple]) -> ns.Network:
    n = len(ids)
    n_in, n_out = max(1, n // 100), max(1, n // 100)
    net = ns.Network(name=f"sparse {n}x{len(edges) // max(1, n - n_in)}")
    for k, nid in enumerate(ids):
        if k < n_in:
            net.add_input(nid)
        elif k >= n - n_out:
            net.add_output(nid, activation="sigmoid", bias=0.1)
        else:
            net.add_neuron(nid, activation="sigmoid", bias=-0.1)
    net.connect_many(edges)
    return net


def build_reference(ids: list[str], edges: list[tuple]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((u, v, {"weight": w}) for u, v, w in edges)
    return graph


def load_reference(path: str) -> sp.csr_matrix:
    """What a competent user would do: parse, map ids to positions, build CSR."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    index = {d["id"]: k for k, d in enumerate(doc["neurons"])}
    conns = doc["connections"]
    sources = np.array([index[c["from"]] for c in conns])
    targets = np.array([index[c["to"]] for c in conns])
    weights = np.array([c["weight"] for c in conns])
    n = len(index)
    return sp.csr_matrix((weights, (targets, sources)), shape=(n, n))


def main(quick: bool = False) -> None:
    n, fan_in = (1_000, 50) if quick else (10_000, 101)
    ids, edges = make_edges(n, fan_in)
    repeat = 3
    results = []

    start = time.perf_counter()
    net = build_network(ids, edges)
    first_build = time.perf_counter() - start
    m = net.n_connections
    results.append(measure(f"build {n} neurons, {m} connections",
                           lambda: build_network(ids, edges),
                           lambda: build_reference(ids, edges),
                           "nx add_nodes_from/add_edges_from", repeat=repeat,
                           note=f"first build {first_build:.2f}s"))

    with tempfile.TemporaryDirectory() as tmp:
        ours, ref = os.path.join(tmp, "net.json"), os.path.join(tmp, "ref.json")
        doc = ns.to_dict(net)

        def dumps_and_write() -> None:
            text = json.dumps(doc)
            with open(ref, "w", encoding="utf-8") as f:
                f.write(text)

        results.append(measure("save (ns.save)", lambda: ns.save(net, ours), dumps_and_write,
                               "json.dumps + one write", target=1.5, repeat=repeat))
        size = os.path.getsize(ours) / 1e6
        results[-1].note = f"{size:.1f} MB"
        results.append(measure("load (ns.load)", lambda: ns.load(ours),
                               lambda: load_reference(ours),
                               "json.load + arrays + scipy CSR", target=1.5, repeat=repeat))
        loaded = ns.load(ours)  # kept as arrays: saved from them
        results.append(measure("save (ns.save, a loaded network)",
                               lambda: ns.save(loaded, ours), dumps_and_write,
                               "json.dumps + one write", target=1.5, repeat=repeat))
        assert loaded == net, "round trip changed the network"
        again = os.path.join(tmp, "again.json")
        ns.save(loaded, again)
        with open(ours, "rb") as a, open(again, "rb") as b:
            assert a.read() == b.read(), "save -> load -> save changed the bytes"

    print_results(f"io: JSON save/load, {m} connections", results)


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
