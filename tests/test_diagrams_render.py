"""Rendering through Graphviz's real ``dot``, the missing-``dot`` path, Jupyter, traces."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from _diagram_cases import small_mlp, sparse_recurrent

import netsim as ns
from netsim.io.dot import repr_mimebundle
from netsim.zoo import elman, xor

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' missing")
SVG = "{http://www.w3.org/2000/svg}"


def svg_node_titles(path) -> set[str]:
    root = ET.parse(path).getroot()
    return {
        g.find(f"{SVG}title").text
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "node"
    }


@needs_dot
@pytest.mark.parametrize("build", [xor, small_mlp, elman])
def test_svg_is_xml_with_every_neuron(build, tmp_path):
    net = build()
    path = net.render(tmp_path / "net.svg")
    assert path == tmp_path / "net.svg"
    assert svg_node_titles(path) == {str(n) for n in net.neurons}


@needs_dot
def test_png_and_pdf_magic(tmp_path):
    assert xor().render(tmp_path / "xor.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert xor().render(tmp_path / "xor.pdf").read_bytes()[:5] == b"%PDF-"
    assert xor().render(tmp_path / "xor.img", format="png").read_bytes()[:4] == b"\x89PNG"


@needs_dot
def test_odd_ids_render(tmp_path):
    net = ns.Network(name='odd "name"')
    for neuron_id in ['a"b', "c\\d", "<e>", 1, "1", "a&b"]:
        net.add_neuron(neuron_id)
    net.connect('a"b', "<e>", 1.0)
    titles = svg_node_titles(net.render(tmp_path / "odd.svg"))
    assert titles == {'a"b', "c_d", "<e>", "1", "1~2", "a&b"}


@needs_dot
def test_large_networks_render(tmp_path):
    svg = ns.mlp([784, 128, 64, 10], seed=0).render(tmp_path / "big.svg")
    assert {"x1", "x784", "h1_128", "y10"} <= svg_node_titles(svg)
    titles = svg_node_titles(sparse_recurrent(400).render(tmp_path / "sparse.svg"))
    assert titles and len(titles) <= 150


def test_dot_format_and_write_dot_need_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    net = xor()
    source = net.to_dot(direction="TB").source
    assert net.render(tmp_path / "a.dot", direction="TB").read_text("utf-8") == source
    assert net.render(tmp_path / "a.gv", direction="TB").read_text("utf-8") == source
    assert ns.write_dot(net, tmp_path / "b.txt", direction="TB").read_text("utf-8") == source


def test_missing_dot_writes_dot_text_and_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    net = xor()
    with pytest.raises(ns.RenderError) as info:
        net.render(tmp_path / "xor.svg")
    message = str(info.value)
    assert "'dot' program was not found" in message
    assert "apt-get install graphviz" in message and "https://graphviz.org" in message
    assert str(tmp_path / "xor.dot") in message and "\n" not in message
    assert (tmp_path / "xor.dot").read_text("utf-8") == net.to_dot().source
    assert not (tmp_path / "xor.svg").exists()
    assert isinstance(info.value, ns.NetsimError)


def test_missing_dot_jupyter_falls_back_to_dot_text(monkeypatch):
    monkeypatch.setenv("PATH", "")
    bundle = xor()._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "digraph xor {" in bundle["text/plain"]
    assert "apt-get install graphviz" in bundle["text/plain"]


@needs_dot
def test_jupyter_svg_and_filters():
    bundle = xor()._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert bundle["text/plain"].startswith("<Network 'xor'")
    assert list(repr_mimebundle(xor(), include=["text/plain"])) == ["text/plain"]
    assert list(repr_mimebundle(xor(), exclude=["text/plain"])) == ["image/svg+xml"]


def test_jupyter_never_raises_for_a_bad_network():
    net = xor()
    net.set_neuron("h1", layer=5)
    net.set_neuron("y", layer=1)  # contradicts its predecessor h1: no layers
    bundle = net._repr_mimebundle_()
    assert "no diagram" in bundle["text/plain"]


def test_unknown_format(tmp_path):
    with pytest.raises(ns.ParameterError, match=r"'\.jpg' is not one of svg, png, pdf, dot"):
        xor().render(tmp_path / "x.jpg")
    with pytest.raises(ns.ParameterError, match="format 'bmp'"):
        xor().render(tmp_path / "x.svg", format="bmp")


# --- traces ------------------------------------------------------------------------------


def test_trace_frames_share_one_scale(tmp_path):
    net = elman()
    run = net.run([1.0], rule="parallel", steps=4, record=True)
    paths = ns.render_trace(net, run, tmp_path, format="dot")
    assert [p.name for p in paths] == [f"frame_{t}.dot" for t in range(5)]
    texts = [p.read_text("utf-8") for p in paths]
    scale = ns.io.palette.choose_scale(run.trace.ravel().tolist())
    for t, text in enumerate(texts):
        assert f"<b>step {t} of 4</b>" in text
        assert "<td>value:</td>" in text
        assert text == net.to_dot(state=run.trace[t], state_range=(scale.low, scale.high),
                                  title=f"step {t} of 4").source
    assert len({t.split("<td>value")[1].split("</tr>")[0] for t in texts}) == 1


def test_trace_prefix_batch_and_errors(tmp_path):
    net = xor()
    trace = np.zeros((3, 2, 5))
    trace[:, 1, 4] = [0, 0.5, 1]
    paths = ns.render_trace(net, trace, tmp_path / "sub" / "xor", sample=1, format="dot")
    assert [p.name for p in paths] == ["xor_0.dot", "xor_1.dot", "xor_2.dot"]
    with pytest.raises(ns.ParameterError, match="batch of 2 samples"):
        ns.render_trace(net, trace, tmp_path, format="dot")
    with pytest.raises(ns.ParameterError, match="run it with record=True"):
        ns.render_trace(net, net.run([1, 0]), tmp_path, format="dot")
    with pytest.raises(ns.ParameterError, match=r"shape \(T\+1, 5\)"):
        ns.render_trace(net, np.zeros((3, 4)), tmp_path, format="dot")
    with pytest.raises(ns.ParameterError, match="format"):
        ns.render_trace(net, np.zeros((3, 5)), tmp_path, format="jpg")  # gif: one file


@needs_dot
def test_trace_svg_frames(tmp_path):
    net = elman()
    run = net.run([1.0], rule="parallel", steps=2, record=True)
    paths = ns.render_trace(net, run, tmp_path / "elman")
    assert [p.suffix for p in paths] == [".svg"] * 3
    assert all(svg_node_titles(p) == set(net.neurons) for p in paths)


def plain_positions(source: str) -> dict[str, tuple[float, float]]:
    out = subprocess.run(["dot", "-Tplain"], input=source.encode(), capture_output=True,
                         check=True).stdout.decode()
    return {m[1].strip('"'): (float(m[2]), float(m[3]))
            for m in re.finditer(r'^node ("[^"]*"|\S+) (\S+) (\S+)', out, re.M)}


ORDER_CASES = {
    "mlp 2-3-2": lambda: ns.mlp([2, 3, 2], seed=7),
    "mlp 3-4-2": lambda: ns.mlp([3, 4, 2], seed=9),
    "mlp 5-7-6-3": lambda: ns.mlp([5, 7, 6, 3], seed=21),
    "mlp 40-5-2 (collapsed)": lambda: ns.mlp([40, 5, 2], seed=47),
    "elman": elman,
    "sparse recurrent 60": lambda: sparse_recurrent(60, seed=2),
    "sparse recurrent 300": lambda: sparse_recurrent(300, seed=0),
}


@needs_dot
@pytest.mark.parametrize("clusters", [False, True])
@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("case", sorted(ORDER_CASES))
def test_neurons_keep_their_order_across_each_rank(case, direction, clusters):
    """Checked on the real layout: top to bottom (LR) or left to right (TB)."""
    dot = ORDER_CASES[case]().to_dot(direction=direction, clusters=clusters)
    pos = plain_positions(dot.source)
    groups = [re.findall(r'"([^"]*)"', body)
              for body in re.findall(r"\t\{ rank=\w+; (.*)\}", dot.source)]
    for names in groups:
        key = (lambda n: -pos[n][1]) if direction == "LR" else (lambda n: pos[n][0])
        assert sorted(names, key=key) == names
    # and the rank groups follow each other, inputs first
    axis = 0 if direction == "LR" else 1
    coords = [pos[names[0]][axis] for names in groups]
    assert coords == (sorted(coords) if direction == "LR" else sorted(coords, reverse=True))


@needs_dot
def test_dot_failure_and_timeout_are_render_errors():
    from netsim.io.dot import run_dot

    with pytest.raises(ns.RenderError, match="'dot' failed"):
        run_dot("digraph { a -> }", "svg")
    with pytest.raises(ns.RenderError, match="did not finish within"):
        run_dot(ns.mlp([20, 20, 20], seed=0).to_dot(max_layer_width=None).source, "svg",
                timeout=0.001)


@needs_dot
def test_dot_keywords_and_backslash_names_render(tmp_path):
    net = ns.Network(name="ends with \\")
    for neuron_id in ["graph", "node", "edge", "subgraph", "strict", "digraph"]:
        net.add_neuron(neuron_id)
    net.connect("graph", "node", 1.0)
    assert net.to_dot().source.startswith('digraph "ends with _" {')
    assert svg_node_titles(net.render(tmp_path / "kw.svg")) == set(net.neurons)


def test_trace_without_dot_writes_every_frame_as_dot(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    net = xor()
    with pytest.raises(ns.RenderError, match="apt-get install graphviz") as info:
        ns.render_trace(net, np.zeros((3, 5)), tmp_path / "f")
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f_0.dot", "f_1.dot", "f_2.dot"]
