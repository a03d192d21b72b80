"""docs/simulation.md's Python blocks run, and the engine's docstring examples hold."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_simulation_page_examples_run():
    text = (DOCS / "simulation.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert blocks
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/simulation.md", "exec"), namespace)


@pytest.mark.parametrize("module", ["netsim.simulate", "netsim.simulate.engine",
                                    "netsim.simulate.result", "netsim.compile"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
