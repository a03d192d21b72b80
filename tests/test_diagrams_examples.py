"""examples/diagrams.py runs, and the figures committed under docs/img/ are current."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from _examples import load_example

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"


def test_example_writes_every_figure_and_committed_dot_is_current(tmp_path):
    written = load_example("diagrams").main(tmp_path)
    names = sorted(p.name for p in written)
    assert "xor.dot" in names and "elman.dot" in names and "hopfield_trace_0.dot" in names
    for path in written:
        committed = IMG / path.name
        assert committed.read_text("utf-8") == path.read_text("utf-8"), (
            f"docs/img/{path.name} is stale: run python examples/diagrams.py")
        if shutil.which("dot"):
            assert (tmp_path / path.with_suffix(".svg").name).exists()


def test_committed_svgs_parse_and_show_the_neurons():
    for dot_file in sorted(IMG.glob("*.dot")):
        svg = dot_file.with_suffix(".svg")
        root = ET.parse(svg).getroot()
        titles = {t.text for t in root.iter("{http://www.w3.org/2000/svg}title")}
        assert titles, svg.name
    xor_titles = {t.text for t in ET.parse(IMG / "xor.svg").getroot().iter(
        "{http://www.w3.org/2000/svg}title")}
    assert {"x1", "x2", "h1", "h2", "y"} <= xor_titles


def test_docs_page_shows_every_figure():
    page = (ROOT / "docs" / "diagrams.md").read_text("utf-8")
    for name in ["xor", "xor_state", "mlp", "mlp_large", "mlp_summary", "elman",
                 "hopfield_trace_0"]:
        assert f"img/{name}.svg" in page
