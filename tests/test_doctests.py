"""Every example in a netsim docstring runs and shows what it says.

One check per module whose source holds a ``>>>`` example, found by walking the
package at collection time, so a new module's examples are run without a list to keep.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import netsim

ROOT = Path(netsim.__file__).resolve().parent


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(netsim.__path__, "netsim."):
        relative = info.name.split(".")[1:]
        path = ROOT.joinpath(*relative)
        source = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
        if ">>>" in source.read_text(encoding="utf-8"):
            names.append(info.name)
    return names


MODULES = _modules_with_examples()
# modules whose examples use an optional library (beyond what importing them needs)
NEEDS = {"netsim.interop": ("torch",), "netsim.columns": ("pandas",),
         "netsim.sklearn": ("pandas",)}


def test_the_walk_finds_the_documented_modules():
    assert {"netsim.network", "netsim.zoo", "netsim.io.dot", "netsim.simulate.engine",
            "netsim.learn.train", "netsim.analyse.statespace"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    for library in NEEDS.get(name, ()):
        pytest.importorskip(library)
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # a bridge to an optional library that is not installed
        pytest.skip(f"{name} needs {exc.name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
