"""Test-wide settings: hypothesis runs derandomized, so every run checks the same cases.

``HYPOTHESIS_PROFILE=explore python -m pytest`` draws fresh random cases instead (and
more of them) when hunting for bugs; the default profile is the deterministic one.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from netsim.functions import ACTIVATIONS, POTENTIALS

settings.register_profile("netsim", derandomize=True, deadline=None, max_examples=50,
                          database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "netsim"))


@pytest.fixture(autouse=True)
def _registries_restored():
    """A test that registers its own functions leaves the registries as it found them."""
    saved = {registry: dict(registry._entries) for registry in (ACTIVATIONS, POTENTIALS)}
    yield
    for registry, entries in saved.items():
        registry._entries.clear()
        registry._entries.update(entries)
