"""DOT/HTML injection: hostile names, ids, labels and titles rendered by the real ``dot``.

Every diagram must be exactly the diagram of a harmless twin network (same structure,
plain ids): one graph, the same number of nodes and edges, no ``<image>`` and no file
reference, and ``dot`` must accept it (no syntax error, no token over 16,384 bytes).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from itertools import pairwise

import pytest

import netsim as ns
from netsim.io.quoting import MAX_TOKEN_BYTES, dot_id, dot_name, dot_string, html_text

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")

HOSTILE = [
    "<x> { INJECTED -> PWNED } digraph <y>",
    'PWNED [image="/etc/passwd"]',
    '"; PWNED [shapefile="/etc/hosts"]; "',
    "<html>&amp;<b>x</b>",
    "<<b>bold</b>>",
    "a\\",
    '\\"]; PWNED [image="/etc/passwd"',
    "}\n digraph z { PWNED }",
    "node",
    "strict",
    "-- -> ;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<script>alert(1)</script>",
    "\\N \\G \\E \\L",
    "\ud800",
    "x" * 20_000,
    "é" * 9_000,
    '"' * 5_000,
    "<" * 5_000,
    "\x00\x01\x1b[31m",
]


def _svg(source: str) -> str:
    done = subprocess.run(["dot", "-Tsvg"], input=source.encode("utf-8"),
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[:500]
    assert b"Warning" not in done.stderr and b"Error" not in done.stderr, done.stderr[:500]
    return done.stdout.decode("utf-8")


def _shape(svg: str) -> tuple[int, int, int]:
    assert svg.count("<svg") == 1
    assert "<image" not in svg and "xlink:href" not in svg
    assert not re.search(r"<title>PWNED</title>", svg)
    return svg.count('class="graph"'), svg.count('class="node"'), svg.count('class="edge"')


def _network(words: list[str], name: str) -> ns.Network:
    net = ns.Network(name=name)
    net.add_input(words[0], label=words[-1])
    for k, word in enumerate(words[1:], start=1):
        net.add_neuron(word, activation="sign", label=words[k - 1])
    net.set_outputs([words[-1]])
    ids = list(net.neurons)
    for a, b in pairwise(ids):
        net.connect(a, b, 1.0)
    net.connect(ids[-1], ids[1], -0.5)  # one back connection
    return net


TWIN = _network([f"n{k}" for k in range(len(HOSTILE))], "twin")
EVIL = _network(HOSTILE, HOSTILE[0])

OPTIONS = [
    {},
    {"summary": True},
    {"clusters": True, "weights": True, "direction": "TB"},
    {"state": [1.0] * len(HOSTILE), "title": HOSTILE[1]},
    {"max_layer_width": 4, "keep": 1},
]


@pytest.mark.parametrize("options", OPTIONS, ids=["plain", "summary", "clusters", "state",
                                                   "collapsed"])
def test_hostile_ids_and_labels_draw_the_same_diagram(options):
    twin = _shape(_svg(TWIN.to_dot(**options).source))
    evil = _shape(_svg(EVIL.to_dot(**options).source))
    assert evil == twin


@pytest.mark.parametrize("k", range(len(HOSTILE)))
def test_hostile_network_name(k):
    net = ns.zoo.xor()
    net.name = HOSTILE[k]
    twin = _shape(_svg(ns.zoo.xor().to_dot().source))
    assert _shape(_svg(net.to_dot().source)) == twin


def test_written_and_rendered_files(tmp_path):
    dot_file = ns.write_dot(EVIL, tmp_path / "evil.dot")
    _shape(_svg(dot_file.read_text(encoding="utf-8")))
    svg = EVIL.render(tmp_path / "evil.svg").read_text(encoding="utf-8")
    assert _shape(svg) == _shape(_svg(TWIN.to_dot().source))
    frames = ns.render_trace(EVIL, EVIL.run([1.0], steps=2, record=True), tmp_path / "f")
    assert len(frames) == 3
    for frame in frames:
        _shape(frame.read_text(encoding="utf-8"))


def test_state_graph_with_hostile_ids():
    words = HOSTILE[:5]
    net = ns.Network(name=HOSTILE[0])
    for w in words:
        net.add_neuron(w, activation="sign")
    for a, b in zip(words, words[1:] + words[:1], strict=True):
        net.connect(a, b, -1.0)
    twin = ns.Network()
    for k in range(5):
        twin.add_neuron(f"n{k}", activation="sign")
    for k in range(5):
        twin.connect(f"n{k}", f"n{(k + 1) % 5}", -1.0)
    for rule in ("parallel", "sequential"):
        evil_dot = ns.attractors(net, rule=rule).to_dot(title=HOSTILE[1])
        twin_dot = ns.attractors(twin, rule=rule).to_dot(title="twin")
        assert _shape(_svg(evil_dot.source)) == _shape(_svg(twin_dot.source))


@pytest.mark.parametrize("text", HOSTILE)
def test_quoting_functions(text):
    assert "\\" not in dot_name(text) and dot_name(text).isprintable()
    quoted = dot_id(text)
    assert quoted.startswith('"') and quoted.endswith('"')
    assert re.fullmatch(r'"([^"\\]|\\")*"', quoted)  # one token, every quote escaped
    value = dot_string(text)
    assert len(value.encode("utf-8")) <= MAX_TOKEN_BYTES
    assert re.fullmatch(r'"([^"\\]|\\.)*"', value)
    html = html_text(text)
    assert "<" not in html and ">" not in html and '"' not in html
    assert re.fullmatch(r"([^&]|&(amp|lt|gt|quot);)*", html)
