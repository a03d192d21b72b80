"""The examples in the io and cli docstrings run and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["netsim.io.atomic", "netsim.io.json_format", "netsim.cli._output", "netsim.cli.new",
           "netsim.cli.info"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
