"""JSON save/load of a network with 1,000,000 connections (quick: 50,000).

The network is sparse and random, the shape of a large recurrent model: ``n`` neurons
(the first 1% inputs, the last 1% outputs, sigmoid elsewhere), each receiving
``fan_in`` connections from distinct random sources (self-loops allowed), seeded.

Printed side by side, in this process, on the same data:

- build: ``Network.add_neuron`` + ``Network.connect_many`` vs building the same
  ``networkx.DiGraph`` directly (``add_nodes_from`` / ``add_edges_from``); no target.
- save: ``ns.save`` vs ``json.dump`` of ``ns.to_dict(net)`` (default settings) to a
  file; target: at most 2x.
- load: ``ns.load`` vs ``json.load`` of the same file plus the direct ``DiGraph``
  build; target: at most 3x.
"""

from __future__ import annotations

import json
import os
import tempfile
import time

import networkx as nx
import numpy as np
from _harness import Result, best_time, print_results

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


def load_reference(path: str) -> nx.DiGraph:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    graph = nx.DiGraph()
    graph.add_nodes_from((d["id"], d) for d in doc["neurons"])
    graph.add_edges_from(
        (c["from"], c["to"], {"weight": c["weight"]}) for c in doc["connections"]
    )
    return graph


def main(quick: bool = False) -> None:
    n, fan_in = (1_000, 50) if quick else (10_000, 101)
    ids, edges = make_edges(n, fan_in)
    repeat = 3
    results = []

    start = time.perf_counter()
    net = build_network(ids, edges)
    first_build = time.perf_counter() - start
    t_build = best_time(lambda: build_network(ids, edges), repeat=repeat)
    t_build_ref = best_time(lambda: build_reference(ids, edges), repeat=repeat)
    m = net.graph.number_of_edges()
    results.append(Result(f"build {n} neurons, {m} connections", t_build, t_build_ref,
                          "nx add_nodes_from/add_edges_from", higher_is_better=False,
                          note=f"first build {first_build:.2f}s"))

    with tempfile.TemporaryDirectory() as tmp:
        ours, ref = os.path.join(tmp, "net.json"), os.path.join(tmp, "ref.json")
        doc = ns.to_dict(net)

        def dump_reference() -> None:
            with open(ref, "w", encoding="utf-8") as f:
                json.dump(doc, f)

        t_save = best_time(lambda: ns.save(net, ours), repeat=repeat)
        t_dump = best_time(dump_reference, repeat=repeat)
        size = os.path.getsize(ours) / 1e6
        results.append(Result("save (ns.save)", t_save, t_dump, "json.dump of to_dict",
                              target=2.0, higher_is_better=False, note=f"{size:.1f} MB"))

        t_load = best_time(lambda: ns.load(ours), repeat=repeat)
        t_load_ref = best_time(lambda: load_reference(ours), repeat=repeat)
        results.append(Result("load (ns.load)", t_load, t_load_ref,
                              "json.load + nx build", target=3.0, higher_is_better=False))
        loaded = ns.load(ours)
        assert loaded == net, "round trip changed the network"

    print_results(f"io: JSON save/load, {m} connections", results)


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
