"""The docs pages the other tests do not cover: runnable blocks, links, examples.

test_network_docs.py runs concepts.md, index.md and simulation.md, test_readme.py the
README and test_cli_docs.py the command sessions of cli.md. Here the Python blocks of
format.md, learning.md, dynamics.md, diagrams.md, examples.md, pictures.md and
architecture.md run, each page as one script in a fresh interpreter (see ``_docs``), in
a directory holding ``xor.json``, the file shown in format.md; the links between pages
and the examples page are checked.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from _docs import DOCS, ROOT, code_blocks, run_python

PAGES = ["format.md", "learning.md", "dynamics.md", "diagrams.md", "examples.md",
         "pictures.md", "architecture.md"]


def test_index_links_every_page():
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([\w-]+\.md)\)", text))
    assert linked == {p.name for p in DOCS.glob("*.md")} - {"index.md"}


@pytest.mark.parametrize("page", PAGES)
def test_python_blocks_run(page, tmp_path):
    (xor,) = code_blocks(DOCS / "format.md", "json")[:1]
    (tmp_path / "xor.json").write_text(xor, encoding="utf-8")
    code = "\n".join(code_blocks(DOCS / page))
    if page == "diagrams.md" and shutil.which("dot") is None:
        code = code.replace('net.render("xor.svg")', 'net.render("xor.dot")')
    done = run_python(code, tmp_path, name=Path(page).stem + "_page.py")
    assert done.returncode == 0, done.stderr


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


def test_named_files_exist():
    # a page that names a test, an example or a module must not outlive a rename
    for page in [*DOCS.glob("*.md"), ROOT / "README.md"]:
        text = page.read_text(encoding="utf-8")
        for name in re.findall(r"`((?:tests|examples|netsim|benchmarks)/[\w/]+\.\w+)`", text):
            assert (ROOT / name).exists(), f"{page.name} names {name}, which does not exist"
