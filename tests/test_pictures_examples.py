"""examples/pictures.py runs and writes the pictures of docs/pictures.md."""

from __future__ import annotations

import shutil

import pytest
from _examples import load_example


def test_pictures_example_writes_every_picture(tmp_path):
    pytest.importorskip("matplotlib")
    written = load_example("pictures").main(tmp_path)
    assert [p.name for p in written] == ["history.png", "recall.png", "xor_view.html"]
    for name in ["history.png", "decision_regions.png", "letters.png", "recall.png"]:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG") and 1_000 < len(data) < 100_000
    page = (tmp_path / "xor_view.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and ("<svg" in page) == bool(shutil.which("dot"))
