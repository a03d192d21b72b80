"""Notebook displays: short reprs and small, escaped, truncated HTML for every result."""

from __future__ import annotations

import numpy as np
import pytest

import netsim as ns
from netsim.io.html import keep_ends, script_json, table
from netsim.io.quoting import html_text

LIMIT = 20_000  # bytes: no display of a result may exceed this (issue 13)


def random_sign_net(n: int = 16, seed: int = 0) -> ns.Network:
    rng = np.random.default_rng(seed)
    net = ns.Network(name="random16")
    for i in range(n):
        net.add_neuron(f"n{i}", activation="sign")
    for i in range(n):
        for j in range(n):
            if i != j and rng.random() < 0.3:
                net.connect(f"n{i}", f"n{j}", float(rng.normal()))
    return net


@pytest.fixture(scope="module")
def analyses():
    net = random_sign_net()
    return ns.attractors(net), ns.attractors(net, rule="sequential")


def test_html_helpers_escape_and_truncate():
    assert html_text('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    text = script_json({"id": "</script><script>alert(1)</script>", "a": "&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert keep_ends(5, 4) == ([0, 1, 3, 4], 2)
    html = table(["a", "b"], [[k, k * k] for k in range(100)], max_rows=4)
    assert html.count("<tr>") == 1 + 4 + 1 and "⋯ 96 more rows" in html
    wide = table([f"c{k}" for k in range(30)], [list(range(30))], max_cols=6)
    assert wide.count("<th>") == 6 and "24 columns not shown" in wide


def test_exhaustive_16_neuron_analysis_displays_are_small(analyses):
    for a in analyses:
        text, html = repr(a), a._repr_html_()
        assert len(text) < 300 and len(html.encode()) < LIMIT
        assert text.startswith(f"<StateSpaceAnalysis {a.rule}: 16 free neurons, 65536 states")
        assert "<table>" in html and "65536 states" in html
        for att in a.attractors:
            assert len(repr(att)) < 300


def test_attractor_table_rows_are_the_attractors_largest_basin_first():
    # a <-> b copying each other (sign): fixed points ++, -- and the 2-cycle +- <-> -+
    net = ns.Network()
    net.add_neuron("a", activation="sign")
    net.add_neuron("b", activation="sign")
    net.connect("a", "b", 1.0)
    net.connect("b", "a", 1.0)
    a = ns.attractors(net)
    html = a._repr_html_()
    assert repr(a) == ("<StateSpaceAnalysis parallel: 2 free neurons, 4 states, 3 attractors "
                       "(2 fixed points), largest basins [2, 1, 1]>")
    # the 2-cycle (basin 2) comes first, then the two fixed points
    rows = html.split("<tr>")[2:]
    assert "cycle" in rows[0] and "-+ → +-" in rows[0] and "50.0%" in rows[0]
    assert all("fixed point" in r for r in rows[1:])


def test_run_display_single_and_batch():
    net = ns.zoo.xor()
    run = net.run([1, 0], record=True)
    html = run._repr_html_()
    # trace rows: step 0 (inputs only), 1 (hidden), 2 (output) — x1 x2 h1 h2 y
    assert "<tr><td>2</td><td>1</td><td>0</td><td>1</td><td>1</td><td>1</td></tr>" in html
    assert "output: y=1" in html
    batch = net.run([[0, 0], [0, 1], [1, 0], [1, 1]], record=True)
    bhtml = batch._repr_html_()
    assert "batch of 4" in bhtml and "4 of 4 converged" in bhtml and "trace of sample 0" in bhtml
    assert len(repr(batch)) < 300


def test_run_display_of_a_long_wide_trace_is_truncated():
    rng = np.random.default_rng(1)
    patterns = np.sign(rng.normal(size=(3, 100)))
    net = ns.hopfield(patterns)
    run = net.run(-patterns[0], rule="sequential", record=True)
    html = run._repr_html_()
    assert len(html.encode()) < LIMIT
    assert "more rows" in html and "columns not shown" in html and "… (+92)" in html


def test_ids_are_escaped_in_every_display():
    evil = "<img src=x onerror=alert(1)>"
    net = ns.Network()
    net.add_input("x")
    net.add_output(evil, activation="step")
    net.connect("x", evil, 1.0)
    html = net.run([1], record=True)._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in net.summary()._repr_html_()


def test_history_display_has_table_and_plot():
    pytest.importorskip("matplotlib")
    net = ns.mlp([2, 2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    h = ns.train(net, X, [[0], [1], [1], [0]], loss="binary_cross_entropy", epochs=50,
                 progress=False, seed=0)
    html = h._repr_html_()
    assert 'src="data:image/png;base64,' in html
    assert "accuracy" in html and "⋯ 30 more rows" in html and "50 epochs" in html
    assert len(html.encode()) < 60_000  # a small inline PNG plus the table


def test_history_display_without_matplotlib(monkeypatch):
    import netsim.plot as plot

    monkeypatch.setattr(plot, "history_png", lambda h, dpi=72: None)
    net = ns.mlp([1, 1], seed=0)
    h = ns.train(net, [[0], [1]], [[0], [1]], epochs=3, progress=False)
    html = h._repr_html_()
    assert "<img" not in html and "3 epochs" in html


def test_recall_glauber_capacity_displays():
    x = [[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]]
    net = ns.hopfield(x)
    one = ns.recall(net, [-1, -1, 1, -1, 1, -1], x)
    assert repr(one) == "<Recall sequential: 1 probe, 1 converged, steps 1–1, retrieved pattern 0>"
    many = ns.recall(net, np.tile(x[0], (50, 1)), x)
    html = many._repr_html_()
    assert len(html.encode()) < LIMIT and "⋯ 30 more rows" in html and "m1" in html
    g = ns.glauber(net, x[0], temperature=0.1, sweeps=3, seed=0)
    assert repr(g) == "<GlauberRun T=0.1: 1 state, 3 sweeps>"
    cap = ns.capacity_experiment(n=20, loads=(0.05, 0.1), trials=1, seed=0)
    assert repr(cap).startswith("<CapacityResult N=20: 2 loads 0.05–0.1")
    assert "<table>" in cap._repr_html_() and "bit error" in cap._repr_html_()


def test_network_summary():
    s = ns.zoo.xor().summary()
    assert s["parameters"] == 9 == len(ns.zoo.xor().get_weights())
    assert s["layer_roles"] == [{"input": 2}, {"hidden": 2}, {"output": 1}]
    assert "9 parameters" in repr(s)
    assert "parameters   9 (weights and biases)" in str(s)
    net = ns.hopfield([[1, -1, 1]])
    s = net.summary()
    assert s["recurrent"] and s["layer_roles"] is None
    assert "recurrent (a cycle:" in str(s) and "<table>" in s._repr_html_()
    ring = ns.Network.from_arrays(np.arange(40), np.r_[1:40, 0], 1.0)
    structure = dict(ring.summary().rows())["structure"]
    assert structure == ("recurrent (a cycle of 40 neurons: 1 -> 2 -> 3 -> 4 -> 5 -> … -> 37 "
                         "-> 38 -> 39 -> 0 -> 1)")


def test_progress_default_follows_the_notebook(monkeypatch):
    import importlib
    import sys
    import types

    train_module = importlib.import_module("netsim.learn.train")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert train_module._progress_enabled(None) is False
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert train_module._progress_enabled(None) is True
    assert train_module._progress_enabled(False) is False
