"""docs/simulation.md's Python blocks run, and the engine's docstring examples hold."""

from __future__ import annotations

import doctest
import importlib

import pytest
from _docs import DOCS, run_page


def test_simulation_page_examples_run(tmp_path):
    done = run_page(DOCS / "simulation.md", tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("module", ["netsim.simulate", "netsim.simulate.engine",
                                    "netsim.simulate.result", "netsim.compile"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
