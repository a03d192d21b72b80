"""HTML injection through ``netsim view``: hostile ids, labels, names and titles.

A page of a network whose ids, labels and name are attack strings must have exactly
the markup of the page of a harmless twin (same structure, plain ids): the same
sequence of elements and attribute names, one data block that parses back to the
hostile text, the one script the Content-Security-Policy allows, no event handler,
no ``javascript:`` URL and nothing loaded from outside. Checked for run pages and
attractor pages, from Python and through the command line.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser

import pytest
from _harness import assert_ok, run_cases
from test_adversarial_injection import EVIL, HOSTILE, TWIN

import netsim as ns
from netsim.io.view import analysis_page, view_page

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


class _Markup(HTMLParser):
    """The elements of a page (tag and sorted attribute names) and its scripts' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "script":
            self._in_script, self._text = dict(attrs), []

    def handle_data(self, data):
        if self._in_script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._text)))
            self._in_script = None


def _markup(page: str) -> _Markup:
    parser = _Markup()
    parser.feed(page)
    parser.close()
    return parser


def _structure(page: str) -> list[tuple[str, tuple[str, ...]]]:
    """The page's elements, with the diagram's text elements (one per label line, so
    their count follows the labels' lengths) left out."""
    return [e for e in _markup(page).elements if e[0] not in ("text", "tspan")]


def _assert_safe(page: str) -> dict:
    """The page's promises; returns its data block."""
    markup = _markup(page)
    assert page.count("<script") == 2 and page.count("</script>") == 2
    (data_attrs, data_text), (run_attrs, code) = markup.scripts
    assert data_attrs == {"id": "netsim-data", "type": "application/json"}
    assert run_attrs == {}
    csp = next(v for t, n, v in markup.attributes if t == "meta" and n == "content")
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
    assert csp.startswith("default-src 'none'") and f"'sha256-{digest}'" in csp
    for tag, name, value in markup.attributes:
        assert not name.startswith("on"), (tag, name, value[:80])
        assert "javascript:" not in value.lower(), (tag, name, value[:80])
        assert name not in ("src", "href", "xlink:href") or value.startswith(("data:", "#")), \
            (tag, name, value[:80])
    assert "<image" not in page and "<iframe" not in page and "<object" not in page
    return json.loads(data_text)


def _run_pages(title: str) -> tuple[str, str]:
    evil = view_page(EVIL, EVIL.run([1.0], steps=3, record=True), title=title)
    twin = view_page(TWIN, TWIN.run([1.0], steps=3, record=True), title="twin")
    return evil, twin


@pytest.mark.parametrize("title", [HOSTILE[0], HOSTILE[12], "</title><script>alert(1)"
                                   "</script>", "\u2028</script>"])
def test_run_page_with_hostile_ids_labels_and_title(title):
    evil, twin = _run_pages(title)
    data = _assert_safe(evil)
    assert _structure(evil) == _structure(twin)
    # the data block gives the hostile text back exactly, for the script to show as text
    assert [n["id"] for n in data["neurons"]] == [str(h) for h in HOSTILE]
    assert data["neurons"][1]["label"] == HOSTILE[0]


def _cycle(words: list[str], name: str) -> ns.Network:
    net = ns.Network(name=name)
    for w in words:
        net.add_neuron(w, activation="sign", label=words[0])
    for a, b in zip(words, words[1:] + words[:1], strict=True):
        net.connect(a, b, -1.0)
    return net


def test_attractor_page_with_hostile_ids_and_title():
    evil = analysis_page(ns.attractors(_cycle(HOSTILE[:5], HOSTILE[0])), title=HOSTILE[12])
    twin = analysis_page(ns.attractors(_cycle([f"n{k}" for k in range(5)], "twin")),
                         title="twin")
    _assert_safe(evil)
    assert _structure(evil) == _structure(twin)


@pytest.fixture(scope="module")
def cli_pages(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_view")
    ns.save(EVIL, tmp / "evil.json")
    ns.save(TWIN, tmp / "twin.json")
    ns.save(_cycle(HOSTILE[:5], HOSTILE[0]), tmp / "evil_cycle.json")
    ns.save(_cycle([f"n{k}" for k in range(5)], "twin"), tmp / "twin_cycle.json")
    title = "<script>alert(1)</script>"
    cases = [
        {"argv": ["view", "evil.json", "--input", "1", "--steps", "3", "--title", title,
                  "-o", "evil.html"]},
        {"argv": ["view", "twin.json", "--input", "1", "--steps", "3", "--title", "twin",
                  "-o", "twin.html"]},
        {"argv": ["view", "evil_cycle.json", "--attractors", "--title", title,
                  "-o", "evil_cycle.html"]},
        {"argv": ["view", "twin_cycle.json", "--attractors", "--title", "twin",
                  "-o", "twin_cycle.html"]},
    ]
    return tmp, cases, run_cases(cases, cwd=tmp)


def test_view_command_writes_safe_pages(cli_pages):
    tmp, cases, results = cli_pages
    for case, result in zip(cases, results, strict=True):
        assert "escaped" not in result and result["status"] == 0, (case, result)
        assert result["err"] == "", (case, result)
    for evil, twin in (("evil", "twin"), ("evil_cycle", "twin_cycle")):
        page = (tmp / f"{evil}.html").read_text(encoding="utf-8")
        _assert_safe(page)
        assert _structure(page) == _structure((tmp / f"{twin}.html").read_text(
            encoding="utf-8"))
        assert re.search(r"<title>&lt;script&gt;alert\(1\)&lt;/script&gt;</title>", page)
    assert not [p.name for p in tmp.iterdir() if p.name.endswith(".tmp")]


def test_view_of_a_strange_but_valid_file(tmp_path):
    """A lone surrogate and a 20,000-character id (both load) give a page."""
    net = ns.Network(name="\ud800")
    net.add_input("x" * 20_000)
    net.add_output("\ud800", activation="sign", label="<b>")
    net.connect("x" * 20_000, "\ud800", 1.0)
    ns.save(net, tmp_path / "odd.json")
    case = {"argv": ["view", "odd.json", "--input", "1", "-o", "odd.html"]}
    (result,) = run_cases([case], cwd=tmp_path)
    assert_ok({**case}, {**result, "out": ""} if result.get("status") == 0 else result)
    _assert_safe((tmp_path / "odd.html").read_text(encoding="utf-8"))
