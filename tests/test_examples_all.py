"""Every script in ``examples/`` is run by some test (through ``load_example``)."""

from __future__ import annotations

import re
from pathlib import Path

from _examples import EXAMPLES

TESTS = Path(__file__).resolve().parent


def test_every_example_is_run_by_a_test():
    loaded: set[str] = set()
    for path in TESTS.glob("test_*.py"):
        loaded |= set(re.findall(r'load_example\(\s*"(\w+)"', path.read_text("utf-8")))
    scripts = {p.stem for p in EXAMPLES.glob("*.py")}
    assert len(scripts) >= 10
    assert scripts - loaded == set(), "examples no test runs"
