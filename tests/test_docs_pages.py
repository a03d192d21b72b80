"""The Python blocks of the pages no other test runs execute, in order, page by page.

(concepts.md and simulation.md are run by test_network_docs.py and test_engine_docs.py,
the README by test_readme.py, the command sessions of cli.md by test_cli_docs.py.)
Each page runs in a fresh directory holding ``xor.json``, the file shown in format.md.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = ["index.md", "format.md", "learning.md", "dynamics.md", "diagrams.md", "examples.md"]


def blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def test_index_links_every_page():
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([\w-]+\.md)\)", text))
    assert linked == {p.name for p in DOCS.glob("*.md")} - {"index.md"}


@pytest.mark.parametrize("page", PAGES)
def test_python_blocks_run(page, tmp_path, monkeypatch):
    (xor,) = blocks("format.md", "json")[:1]
    (tmp_path / "xor.json").write_text(xor, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = blocks(page, "python")
    if page == "diagrams.md" and shutil.which("dot") is None:
        code = [c.replace('net.render("xor.svg")', 'net.render("xor.dot")') for c in code]
    namespace: dict = {}
    for i, block in enumerate(code):
        exec(compile(block, f"docs/{page} block {i + 1}", "exec"), namespace)


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces → '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_links_between_pages_resolve():
    anchors = {
        p.name: {anchor(h) for h in re.findall(r"^#+ (.*)$", p.read_text("utf-8"), re.M)}
        for p in DOCS.glob("*.md")
    }
    for page in DOCS.glob("*.md"):
        for target, frag in re.findall(r"\]\(([\w-]*\.md|)(?:#([\w-]+))?\)",
                                       page.read_text("utf-8")):
            name = target or page.name
            assert name in anchors, f"{page.name}: link to missing page {name}"
            if frag:
                assert frag in anchors[name], f"{page.name}: no heading #{frag} in {name}"


def test_examples_page_covers_every_file_and_its_test():
    text = (DOCS / "examples.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[([^\]]+)\]\(#[\w-]+\) \| [^|]+ \| ([^|]+) \|$", text, re.M)
    listed = {}
    for names, tests in rows:
        for name in names.split(", "):
            listed[name] = re.findall(r"`(tests/[\w.]+)`", tests)
    files = {p.name for p in (ROOT / "examples").iterdir() if p.suffix in (".py", ".csv")}
    assert set(listed) == files
    for name, tests in listed.items():
        assert tests, name
        for test in tests:
            assert Path(name).stem in (ROOT / test).read_text("utf-8"), (name, test)
