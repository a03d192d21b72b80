"""DOT text of diagrams: goldens, determinism, layout rules, styling, collapse, overlay."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from _diagram_cases import hopfield, small_mlp, sparse_recurrent

import netsim as ns
from netsim.io import palette
from netsim.io.dot import to_dot
from netsim.zoo import elman, xor

GOLDEN = Path(__file__).parent / "golden"

NODE = re.compile(r'^\t+"((?:[^"\\]|\\.)*)" \[(.*)\]$', re.M)
EDGE = re.compile(r'^\t"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[(.*)\]$', re.M)
ATTR = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|<(.*?)>(?= \w+=|$))')


def attrs(text: str) -> dict[str, str]:
    return {m[1]: m[2] if m[2] is not None else m[3] for m in ATTR.finditer(text)}


def nodes(source: str) -> dict[str, dict[str, str]]:
    return {m[1]: attrs(m[2]) for m in NODE.finditer(source)}


def edges(source: str) -> dict[tuple[str, str], dict[str, str]]:
    found = {}
    for m in EDGE.finditer(source):
        a = attrs(m[3])
        if a.get("style") != "invis":
            found[(m[1], m[2])] = a
    return found


def rank_lines(source: str) -> list[tuple[str, list[str]]]:
    return [(m[1], re.findall(r'"([^"]*)"', m[2]))
            for m in re.finditer(r"^\t\{ rank=(\w+); (.*)\}$", source, re.M)]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("NETSIM_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# --- goldens and determinism ------------------------------------------------------------


def test_golden_xor():
    check_golden("xor.dot", xor().to_dot().source)


def test_golden_small_mlp():
    check_golden("mlp_2_3_2.dot", small_mlp().to_dot().source)


@pytest.mark.parametrize("build", [xor, small_mlp, elman, hopfield])
def test_same_network_same_text(build):
    options = {"clusters": True, "state": np.linspace(-1, 1, len(build()))}
    first = build().to_dot(**options).source
    assert build().to_dot(**options).source == first
    assert build().copy().to_dot(**options).source == first
    assert ns.from_dict(ns.to_dict(build())).to_dot(**options).source == first


def test_returns_digraph_with_network_name():
    dot = xor().to_dot()
    assert dot.__class__.__name__ == "Digraph"
    assert dot.source.startswith('digraph xor {\n\tgraph [rankdir="LR" newrank="true"')


@pytest.mark.parametrize("build", [xor, small_mlp, elman, hopfield])
def test_neural_weight_never_in_dot_weight_attribute(build):
    source = build().to_dot(weights=True).source
    assert re.search(r"[\[ ]weight=", source) is None


# --- layout ------------------------------------------------------------------------------


def test_layers_are_rank_groups_source_and_sink():
    source = xor().to_dot().source
    assert rank_lines(source) == [("source", ["x1", "x2"]), ("same", ["h1", "h2"]),
                                  ("sink", ["y"])]
    # the invisible chain keeps the neuron order across each rank (written reversed in
    # LR, where dot lays it out mirrored), the spine keeps the ranks in order
    assert '\t"x2" -> "x1" [style="invis"]\n' in source
    assert '\t"h2" -> "h1" [style="invis"]\n' in source
    assert '\t"x1" -> "h1" -> "y" [style="invis"]\n' in source
    assert '\t"x1" -> "x2" [style="invis"]\n' in xor().to_dot(direction="TB").source
    # each rank group is also an invisible cluster, without rank constraints inside
    blocks = re.findall(r'\tsubgraph "cluster_\d+" \{\n(.*?)\n\t\}\n', source, re.S)
    assert len(blocks) == 3 and all('graph [label="" style="invis"]' in b for b in blocks)
    assert all("rank=" not in b for b in blocks)


def test_direction_option():
    assert 'rankdir="TB"' in xor().to_dot(direction="TB").source
    assert 'rankdir="TB"' in xor().to_dot(direction="tb").source
    with pytest.raises(ns.ParameterError, match="direction must be 'LR' or 'TB'"):
        xor().to_dot(direction="up")


def test_clusters_have_captions_and_no_rank_inside():
    source = small_mlp().to_dot(clusters=True).source
    blocks = re.findall(r'\tsubgraph "cluster_\d+" \{\n(.*?)\n\t\}\n', source, re.S)
    assert len(blocks) == 3
    assert all("rank=" not in block for block in blocks)
    assert 'label="layer 0 (inputs)"' in blocks[0]
    assert 'label="layer 1"' in blocks[1]
    assert 'label="layer 2 (outputs)"' in blocks[2]
    assert len(rank_lines(source)) == 3  # the rank groups stay at the top level


def test_recurrent_pseudo_layers_by_distance_from_inputs():
    ranks = rank_lines(elman().to_dot().source)
    assert ranks == [("source", ["x"]), ("same", ["h1", "h2"]), ("same", ["c1", "c2"]),
                     ("sink", ["y"])]


def test_fully_recurrent_network_is_one_rank():
    source = hopfield().to_dot(layout="layered").source
    assert rank_lines(source) == [("same", ["s1", "s2", "s3", "s4"])]


def test_back_edges_and_self_loops_are_dashed_without_constraint():
    e = edges(elman().to_dot().source)
    for back in [("c1", "h1"), ("c2", "h2"), ("y", "h1"), ("h2", "h2")]:
        assert e[back]["style"] == "dashed"
        assert e[back]["constraint"] == "false"
    for forward in [("x", "h1"), ("h1", "c1"), ("h2", "y")]:
        assert "constraint" not in e[forward] and "style" not in e[forward]
    assert "constraint" not in xor().to_dot().source


# --- neurons -----------------------------------------------------------------------------


def test_shapes_by_role():
    net = xor()
    net.set_outputs(["y", "x2"])  # x2 becomes input and output
    n = nodes(net.to_dot().source)
    assert n["x1"]["shape"] == "box" and "peripheries" not in n["x1"]
    assert n["h1"]["shape"] == "ellipse" and "peripheries" not in n["h1"]
    assert n["y"]["shape"] == "ellipse" and n["y"]["peripheries"] == "2"
    assert n["x2"]["shape"] == "box" and n["x2"]["peripheries"] == "2"


def test_label_symbol_signed_bias_and_full_precision_tooltip():
    net = xor()
    net.set_neuron("h2", bias=0.123456789012345, label="AND-ish")
    net.set_neuron("y", activation={"name": "sigmoid", "steepness": 2.5})
    n = nodes(net.to_dot().source)
    assert n["h1"]["label"] == ('<b>h1</b><br/><font point-size="3"> </font><br/>'
                                '<font point-size="9">H  b=−1</font>')
    assert "b=+0.123" in n["h2"]["label"] and "<b>AND-ish</b>" in n["h2"]["label"]
    assert "bias: 0.123456789012345" in n["h2"]["tooltip"]
    assert "σ  b=−2" in n["y"]["label"]
    assert "activation: sigmoid(steepness=2.5)" in n["y"]["tooltip"]
    assert n["x1"]["label"] == "<b>x1</b>"  # no incoming connection: no function shown


def test_distance_potential_shows_its_symbol_and_no_bias():
    net = ns.Network()
    net.add_input("x")
    net.add_neuron("r", potential="distance", activation="gaussian")
    net.connect("x", "r", 0.5)
    label = nodes(net.to_dot().source)["r"]["label"]
    assert "‖·‖  gauss" in label and "b=" not in label


def test_odd_ids_are_quoted_and_unique():
    net = ns.Network(name='odd "name"')
    for neuron_id in ['a"b', "c\\d", "<e>", 1, "1", "line\nbreak"]:
        net.add_neuron(neuron_id)
    net.connect('a"b', "<e>", 1.0)
    source = net.to_dot().source
    assert source.startswith('digraph "odd \\"name\\"" {')
    # layer 0 in neuron order, then layer 1
    assert list(nodes(source)) == ['a\\"b', "c_d", "1", "1~2", "line_break", "<e>"]
    assert "<b>&lt;e&gt;</b>" in source


# --- connections -------------------------------------------------------------------------


def test_colour_by_sign_and_width_relative_to_largest():
    net = xor()
    net.set_weight("h2", "y", 0.0)
    e = edges(net.to_dot().source)
    assert e[("x1", "h1")]["color"] == palette.POSITIVE
    assert e[("x1", "h2")]["color"] == palette.NEGATIVE
    assert e[("h2", "y")]["color"] == palette.NEUTRAL
    assert e[("x1", "h1")]["penwidth"] == "4.00"  # |w| = max|w| = 2
    assert e[("h1", "y")]["penwidth"] == "2.00"  # half of the largest
    assert e[("h2", "y")]["penwidth"] == "0.40"  # clamped
    assert e[("x2", "h2")]["tooltip"] == "x2 → h2\\nw = -2.0"


def test_weight_labels_automatic_and_forced():
    assert edges(xor().to_dot().source)[("x1", "h2")]["label"] == "−2"
    assert "label" not in edges(xor().to_dot(weights=False).source)[("x1", "h2")]
    big = ns.mlp([4, 6, 3], seed=0)  # 42 connections: too many to label
    assert all("label" not in a for a in edges(big.to_dot().source).values())
    assert all("label" in a for a in edges(big.to_dot(weights=True).source).values())


def test_min_weight_hides_connections_and_says_so():
    source = xor().to_dot(min_weight=1.5).source
    assert set(edges(source)) == {("x1", "h1"), ("x1", "h2"), ("x2", "h1"), ("x2", "h2")}
    assert "2 connections with |w| &lt; 1.5 hidden" in source
    with pytest.raises(ns.ParameterError, match="min_weight"):
        xor().to_dot(min_weight=-1)


def test_legend_can_be_left_out():
    assert "<table" in xor().to_dot().source
    assert "label=<" not in xor().to_dot(legend=False).source.split("\n")[1]


# --- large networks ----------------------------------------------------------------------


def test_wide_layer_collapses_to_first_k_more_last_k():
    net = ns.mlp([40, 5, 2], seed=0)
    source = net.to_dot(max_layer_width=16, keep=3).source
    n = nodes(source)
    assert [k for k in n if k.startswith("x") or k.startswith("_")] == [
        "x1", "x2", "x3", "_more_0", "x38", "x39", "x40"]
    assert n["_more_0"]["label"] == "<i>⋯ (+34)</i>"
    assert "34 neurons: x4, x5, x6, …, x35, x36, x37" in n["_more_0"]["tooltip"]
    e = edges(source)
    bundle = e[("_more_0", "h1_1")]
    assert bundle["tooltip"].startswith("34 connections ⋯ (+34) → h1_1")
    assert ("x1", "h1_1") in e and len(e) == 7 * 5 + 5 * 2
    assert rank_lines(source)[0] == ("source", ["x1", "x2", "x3", "_more_0", "x38", "x39",
                                                "x40"])


def test_784_128_64_10_is_collapsed_and_small():
    net = ns.mlp([784, 128, 64, 10], seed=0)
    source = net.to_dot().source
    n = nodes(source)
    assert len(n) == 7 + 7 + 7 + 10
    assert "⋯ (+778)" in n["_more_0"]["label"]
    assert len(source) < 60_000


def test_summary_mode_one_node_per_layer():
    net = ns.mlp([6, 4, 2], seed=0)
    source = net.to_dot(summary=True).source
    n = nodes(source)
    assert list(n) == ["_group_0", "_group_1", "_group_2"]
    assert n["_group_1"]["label"] == ('<b>layer 1</b><br/><font point-size="3"> </font>'
                                      '<br/>4 neurons<br/>'
                                      '<font point-size="9">σ</font>')
    e = edges(source)
    assert e[("_group_0", "_group_1")]["label"] == "×24"
    assert net.to_dot(max_nodes=5).source == source  # over budget: summary automatically


def test_large_sparse_recurrent_stays_within_budget():
    from netsim.io._plan import layout_cost, make_plan

    net = sparse_recurrent(300)
    plan = make_plan(net, min_weight=0.0, max_layer_width=16, keep=3, max_nodes=150,
                     max_edges=500, summary=None)
    assert len(plan.nodes) <= 150 and layout_cost(plan) <= 500
    assert sorted(k for g in plan.groups for k in g) == list(range(len(net)))


# --- state overlay -----------------------------------------------------------------------


def test_state_overlay_fills_by_value_on_sequential_scale():
    net = xor()
    run = net.run([1, 0])
    n = nodes(net.to_dot(state=run).source)
    scale = palette.Scale("sequential", 0.0, 1.0)
    assert n["y"]["fillcolor"] == scale.color(1.0) == "#253494"
    assert n["y"]["fontcolor"] == "#ffffff"
    assert n["x2"]["fillcolor"] == scale.color(0.0) == "#ffffcc"
    assert "= 1" in n["y"]["label"] and "value: 1.0" in n["y"]["tooltip"]
    assert "<td>value:</td>" in net.to_dot(state=run.state).source


def test_state_overlay_batch_needs_sample():
    net = xor()
    run = net.run([[0, 0], [1, 0]])
    with pytest.raises(ns.ParameterError, match="pass sample=k"):
        net.to_dot(state=run)
    assert net.to_dot(state=run, sample=1).source == net.to_dot(state=run.state[1]).source
    with pytest.raises(ns.ParameterError, match="sample"):
        net.to_dot(state=run, sample=5)


def test_state_overlay_mapping_and_bad_states():
    net = xor()
    n = nodes(net.to_dot(state={"y": -0.5}).source)
    assert n["y"]["fillcolor"] == palette.Scale("diverging", -1, 1).color(-0.5)
    assert "fillcolor" not in n["x1"]
    with pytest.raises(ns.ParameterError, match="one value per neuron \\(5"):
        net.to_dot(state=[1, 2])
    with pytest.raises(ns.NeuronNotFoundError, match="did you mean 'y'"):
        net.to_dot(state={"yy": 1.0})
    with pytest.raises(ns.ParameterError, match="not finite"):
        net.to_dot(state=[0, 0, 0, 0, float("nan")])


@pytest.mark.parametrize(
    ("values", "expected"),
    [([0, 1, 0.5], ("sequential", 0.0, 1.0)), ([-1, 1], ("diverging", -1.0, 1.0)),
     ([-3, 0.5], ("diverging", -3.0, 3.0)), ([2, 5], ("sequential", 2.0, 5.0)),
     ([4, 4], ("sequential", 4.0, 5.0))],
)
def test_scale_choice(values, expected):
    scale = palette.choose_scale(values)
    assert (scale.kind, scale.low, scale.high) == expected


def test_scale_colours_and_fixed_range():
    div = palette.Scale("diverging", -2.0, 4.0)
    assert div.color(-2) == "#b2182b" and div.color(4) == "#2166ac"
    assert div.color(0) == "#f7f7f7" and div.color(99) == "#2166ac"
    assert palette.choose_scale([0.5], (0, 10)) == palette.Scale("sequential", 0.0, 10.0)
    assert palette.text_color("#ffffff") == "#000000"
    assert palette.text_color("#253494") == "#ffffff"
    with pytest.raises(ns.ParameterError, match="state_range"):
        palette.choose_scale([0.5], (1, 0))


@pytest.mark.parametrize(
    ("option", "message"),
    [({"keep": 0}, "keep"), ({"max_layer_width": 3}, "max_layer_width"),
     ({"weights": "yes"}, "weights"), ({"clusters": 1}, "clusters"),
     ({"max_nodes": 0}, "max_nodes"), ({"title": 3}, "title")],
)
def test_bad_options(option, message):
    with pytest.raises(ns.ParameterError, match=message):
        to_dot(xor(), **option)


def test_flat_feedback_is_written_along_the_chain():
    # TB: the chain is s1 -> s2 -> s3, so s2 -> s1 is written reversed with dir=back
    net = hopfield(3)
    net.set_weight("s2", "s1", 0.5)  # not symmetric: s1 -> s2 and s2 -> s1 are drawn apart
    source = net.to_dot(direction="TB", layout="layered").source
    assert ('\t\t"s1" -> "s2" [dir="back" color="#2166ac" penwidth="2.00" style="dashed" '
            'constraint="false" label="+0.5" fontcolor="#2166ac" tooltip="s2 → s1\\nw = 0.5"]'
            not in source)  # edges are top level, not inside the cluster
    assert ('\t"s1" -> "s2" [dir="back" color="#2166ac" penwidth="2.00" style="dashed" '
            'constraint="false" label="+0.5" fontcolor="#2166ac" tooltip="s2 → s1\\nw = 0.5"]'
            in source)
    assert '\t"s1" -> "s2" [color="#2166ac"' in source  # s1 -> s2 itself, unchanged
    # LR: the chain is written s3 -> s2 -> s1, so it is s1 -> s2 that is reversed
    source = net.to_dot(layout="layered").source
    assert '\t"s3" -> "s2" -> "s1" [style="invis"]' in source
    assert '\t"s2" -> "s1" [dir="back" color="#2166ac"' in source
    assert 'tooltip="s1 → s2\\nw = 1.0"' in source


def test_summary_merges_middle_layers_into_bands():
    net = ns.mlp([2] * 40, seed=0)  # 40 layers: more than MAX_GROUPS = 24
    n = nodes(net.to_dot(summary=True).source)
    labels = [a["label"].split("</b>")[0].removeprefix("<b>") for a in n.values()]
    assert len(labels) <= 24
    assert labels[0] == "layer 0 (inputs)" and labels[-1] == "layer 39 (outputs)"
    assert labels[1] == "layers 1–2" and all("–" in label for label in labels[1:-1])
    covered = []
    for label in labels[1:-1]:
        lo, hi = label.removeprefix("layers ").split("–")
        covered += list(range(int(lo), int(hi) + 1))
    assert covered == list(range(1, 39))


def test_recurrent_summary_captions_ranks():
    source = sparse_recurrent(300).to_dot(summary=True).source
    n = nodes(source)
    first = next(iter(n.values()))["label"]
    assert first.startswith("<b>rank 0 (inputs)</b>")
    assert all("rank" in a["label"] for a in n.values())
