"""Test-wide settings: hypothesis runs derandomized, so every run checks the same cases.

``HYPOTHESIS_PROFILE=explore python -m pytest`` draws fresh random cases instead (and
more of them) when hunting for bugs; the default profile is the deterministic one.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("netsim", derandomize=True, deadline=None, max_examples=50,
                          database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "netsim"))
