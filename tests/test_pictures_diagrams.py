"""Diagrams of recurrent networks (layouts, symmetric pairs, no needless collapse) and
state graphs (title, legend, size guard with a basin-level view)."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from _diagram_cases import hopfield

import netsim as ns
from netsim.io._plan import FULL_RECURRENT, choose_layout

EDGE = re.compile(r'^\t"([^"]*)" -> "([^"]*)" \[(.*)\]$', re.M)
NODE = re.compile(r'^\t"([^"]*)" \[(.*)\]$', re.M)


def attr(attrs: str, key: str) -> str | None:
    m = re.search(rf'(?:^| ){key}="([^"]*)"', attrs)
    return m[1] if m else None


def letters_hopfield(n: int = 25, seed: int = 0) -> ns.Network:
    rng = np.random.default_rng(seed)
    return ns.hopfield(np.sign(rng.normal(size=(3, n))))


def test_auto_layout_choice():
    assert choose_layout(False, ["input", "hidden", "output"], 3) == "layered"
    assert choose_layout(True, ["both"] * 4, 1) == "circle"  # Hopfield
    assert choose_layout(True, ["hidden"] * 5, 4) == "circle"  # no inputs at all
    assert choose_layout(True, ["input", "hidden", "hidden", "output"], 3) == "layered"
    assert "layout=" not in ns.zoo.elman().to_dot().source  # a pipeline with feedback: dot
    assert 'layout="neato"' in hopfield().to_dot().source


def test_hopfield_25_is_drawn_whole_on_a_circle_with_one_edge_per_pair():
    net = letters_hopfield()
    source = net.to_dot().source
    nodes = dict(NODE.findall(source))
    assert sorted(nodes) == sorted(f"y{k}" for k in range(1, 26))  # no ⋯, no summary
    edges = EDGE.findall(source)
    assert len(edges) == 25 * 24 // 2  # 600 connections, 300 symmetric pairs
    assert all(attr(a, "dir") == "none" for _u, _v, a in edges)
    assert all("↔" in attr(a, "tooltip") for _u, _v, a in edges)
    # neuron order clockwise from the top, at fixed positions
    pos = {k: tuple(float(c) for c in attr(a, "pos").rstrip("!").split(","))
           for k, a in nodes.items()}
    assert pos["y1"][0] == pytest.approx(0) and pos["y1"][1] > 0
    angles = [np.arctan2(pos[f"y{k}"][0], pos[f"y{k}"][1]) % (2 * np.pi)
              for k in range(1, 26)]
    assert angles == sorted(angles)
    assert "no arrow: both directions, equal w" in source
    assert "<b>sgn</b> sign" in source  # the activation symbols legend


def test_grid_and_spring_layouts():
    net = letters_hopfield(9)
    nodes = dict(NODE.findall(net.to_dot(layout="grid").source))
    pos = {k: attr(a, "pos") for k, a in nodes.items()}
    assert pos["y1"] == "0.000,0.000!" and pos["y4"] == "0.000,-0.800!"
    assert pos["y3"] == "2.200,0.000!"
    spring = net.to_dot(layout="spring").source
    assert 'start="1"' in spring and "pos=" not in spring
    layered = net.to_dot(layout="layered").source
    assert "rank=same" in layered and "layout=" not in layered
    with pytest.raises(ns.ParameterError, match="layout must be one of"):
        net.to_dot(layout="radial")


def test_asymmetric_or_unequal_pairs_stay_two_arrows():
    net = hopfield(3)
    net.set_weight("s2", "s1", 0.5)
    edges = {(u, v): a for u, v, a in EDGE.findall(net.to_dot().source)}
    assert attr(edges[("s1", "s2")], "dir") is None
    assert attr(edges[("s2", "s1")], "dir") is None
    assert attr(edges[("s1", "s3")], "dir") == "none" and ("s3", "s1") not in edges


def test_recurrent_networks_collapse_only_beyond_64_neurons():
    def ring(n):
        net = ns.Network(name="ring")
        for k in range(n):
            net.add_neuron(f"r{k}", activation="sign")
        for k in range(n):
            net.connect(f"r{k}", f"r{(k + 1) % n}", 1.0)
        net.set_inputs(net.neurons)  # every neuron an input: one rank group of n
        return net

    assert "_more_" not in ring(FULL_RECURRENT).to_dot().source
    assert "⋯" in ring(FULL_RECURRENT + 1).to_dot().source
    assert "_more_" not in ring(80).to_dot(max_layer_width=None).source


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_hopfield_25_renders_at_a_projectable_size(tmp_path):
    import struct

    path = letters_hopfield().render(tmp_path / "h.png")
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    assert 500 < width < 1400 and 500 < height < 1400


def random_sign(n: int, seed: int) -> ns.Network:
    rng = np.random.default_rng(seed)
    net = ns.Network(name="r")
    for i in range(n):
        net.add_neuron(f"n{i}", activation="sign")
    for i in range(n):
        for j in range(n):
            if i != j and rng.random() < 0.4:
                net.connect(f"n{i}", f"n{j}", float(rng.normal()))
    return net


def test_state_graph_has_title_legend_and_one_font():
    a = ns.attractors(random_sign(5, 3))
    source = a.to_dot().source
    assert "<b>state graph</b>  parallel rule, 32 states, 3 attractors" in source
    assert "garden of Eden" in source and "n0, n1, n2, n3, n4" in source
    assert set(re.findall(r'fontname="([^"]*)"', source)) == {"Helvetica"}
    for att in a.attractors:
        assert f"#{att.index} " in source
    assert len(NODE.findall(source)) == 32
    assert 'style="rounded,dashed"' in source  # garden-of-Eden states
    seq = ns.attractors(random_sign(4, 2), rule="sequential").to_dot(title="4 neurons")
    assert "<b>4 neurons</b>  sequential rule" in seq.source
    assert "edge label: the neuron updated" in seq.source


def test_state_graph_beyond_64_states_is_one_node_per_attractor():
    a = ns.attractors(random_sign(8, 1))
    source = a.to_dot().source
    nodes = dict(NODE.findall(source))
    assert sorted(nodes) == sorted(f"attractor {t.index}" for t in a.attractors)
    for t in a.attractors:
        assert f"basin {t.basin} ({100 * t.basin / 256:.1f}%)" in attr(
            nodes[f"attractor {t.index}"], "label")
    assert "->" not in source
    assert len(NODE.findall(a.to_dot(condensed=False).source)) == 256
    assert a.to_dot(max_states=300).source.count(" -> ") == 256
    with pytest.raises(ns.ParameterError, match="max_states"):
        a.to_dot(max_states=0)


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_state_graph_of_8_neurons_renders_at_a_sane_size(tmp_path):
    import struct

    from netsim.io.dot import run_dot

    png = run_dot(ns.attractors(random_sign(8, 1)).to_dot().source, "png")
    width, height = struct.unpack(">II", png[16:24])
    assert width < 1600 and height < 1600


def test_weight_labels_on_a_circle_only_when_few():
    assert "label=\"+1\"" in hopfield(4).to_dot().source  # 6 edges
    assert "label=\"" not in hopfield(6).to_dot().source.split("\tedge [")[1].replace(
        'label=<', '')  # 15 edges: tooltips only
    assert 'label="' in hopfield(6).to_dot(weights=True).source


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_trace_as_one_animated_gif(tmp_path):
    image = pytest.importorskip("PIL.Image")
    x = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]])
    net = ns.hopfield(x)
    run = net.run([-1, -1, 1, -1, 1, -1], rule="sequential", record=True)
    (path,) = ns.render_trace(net, run, tmp_path / "recall", format="gif")
    assert path.name == "recall.gif"
    with image.open(path) as gif:
        assert gif.n_frames == len(run.trace)
        sizes = set()
        for t in range(gif.n_frames):
            gif.seek(t)
            sizes.add(gif.size)
        assert len(sizes) == 1
    (inside,) = ns.render_trace(net, run, tmp_path, format="gif")
    assert inside == tmp_path / "trace.gif"
    with pytest.raises(ns.ParameterError, match="seconds"):
        ns.render_trace(net, run, tmp_path / "x.gif", format="gif", seconds=0)


def test_gif_without_pillow_names_the_extra(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)
    net = ns.zoo.xor()
    with pytest.raises(ns.MissingExtraError, match=r"netsim\[plot\]"):
        ns.render_trace(net, net.run([1, 0], record=True), tmp_path / "x.gif", format="gif")


@pytest.mark.parametrize("rule", ["parallel", "sequential"])
def test_state_graph_quotes_hostile_ids(rule):
    net = ns.Network()
    a, b = '<b>x\x01"</b>', 'q\\ " -> {} <img src=x>'
    net.add_neuron(a, activation="sign")
    net.add_neuron(b, activation="sign")
    net.connect(a, b, 1.0)
    net.connect(b, a, -1.0)
    source = ns.attractors(net, rule=rule).to_dot(title="<t>\x02").source
    legend = source.split("label=<", 1)[1]  # the one HTML-like label: escaped
    assert "&lt;b&gt;x" in legend and "&lt;t&gt;" in legend
    # elsewhere ids are only ever inside quoted strings (plain text for Graphviz)
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', source.split("label=<", 1)[0]
                     + legend.split(">]", 1)[-1])
    assert "<b>" not in outside and "<img" not in outside and "->" not in outside.replace(
        '"" -> ""', "")
    assert "\x01" not in source and "\x02" not in source
    if shutil.which("dot"):
        from netsim.io.dot import run_dot

        svg = run_dot(source, "svg").decode()
        assert "<img" not in svg


@pytest.mark.parametrize("n", [4, 6, 8])
def test_weight_labels_on_a_circle_never_pile_up(n):
    """Even-sized Hopfield circles: the diameters' midpoints coincide at the centre.
    Each label is pinned on its own edge, clear of the other labels and the neurons."""
    import re

    source = hopfield(n).to_dot(weights=True).source
    pos = {name: (float(x), float(y)) for name, x, y in
           re.findall(r'^\t"([^"]+)" \[shape="\w+" pos="(-?[\d.]+),(-?[\d.]+)!"', source, re.M)}
    labels = {k: p for k, p in pos.items() if k.startswith("_w")}
    neurons = {k: p for k, p in pos.items() if not k.startswith("_w")}
    assert len(labels) == n * (n - 1) // 2  # one per symmetric pair
    points = list(labels.values())
    for i, (x, y) in enumerate(points):
        for a, b in points[i + 1:]:
            assert abs(x - a) >= 0.34 or abs(y - b) >= 0.16, (x, y, a, b)
        for a, b in neurons.values():
            assert abs(x - a) >= 0.5 or abs(y - b) >= 0.3
    # every label lies on the edge it names (its tooltip), between the two neurons
    for name, tip in re.findall(r'^\t"(_w[^"]*)" \[.*tooltip="([^"]*)"', source, re.M):
        u, v = re.match(r"(\w+) ↔ (\w+)", tip).groups()
        (x0, y0), (x1, y1), (x, y) = neurons[u], neurons[v], labels[name]
        assert abs((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)) < 1e-2  # collinear
        assert min(x0, x1) - 1e-3 <= x <= max(x0, x1) + 1e-3
