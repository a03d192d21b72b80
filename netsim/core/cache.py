"""Objects derived from a compiled program, held beside it (never written into it).

A :class:`~netsim.compile.Program` is immutable plain data. What the core derives from
it (stages, execution layouts, outgoing-connection tables, the sequential rule's static
tables) is kept here, keyed by the program object and a name, and dropped with the
program. A program made by :meth:`~netsim.compile.Program.with_values` is a new object
and starts with an empty cache, so nothing derived from old values survives.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["derived", "derived_items"]

T = TypeVar("T")

_CACHE: weakref.WeakKeyDictionary[Any, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def derived(prog: Any, key: Hashable, build: Callable[[], T]) -> T:
    """The object ``build()`` for ``prog`` under ``key``, built on first use.

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.core import derived
    >>> prog = ns.mlp("2-1", seed=0).compile()
    >>> derived(prog, "answer", lambda: 42), derived(prog, "answer", lambda: 0)
    (42, 42)
    """
    table = _CACHE.get(prog)
    if table is None:
        table = _CACHE[prog] = {}
    try:
        return table[key]
    except KeyError:
        value = table[key] = build()
        return value


def derived_items(prog: Any) -> list[tuple[Hashable, Any]]:
    """Everything derived from ``prog`` so far (for memory accounting and tests)."""
    return list(_CACHE.get(prog, {}).items())
