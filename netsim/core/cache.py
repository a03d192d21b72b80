"""Objects derived from a compiled program, held in the table it carries for them.

A :class:`~netsim.compile.Program` is immutable plain data. What the core derives from
it (stages, execution layouts, outgoing-connection tables, the sequential rule's static
tables) is kept in its ``derived`` table, keyed by a name, and freed with the program
(the derived objects refer back to it, so a table beside it — keyed by the program —
would keep every program alive). A program made by
:meth:`~netsim.compile.Program.with_values` is a new object and starts with an empty
table, so nothing derived from old values survives.

When a network's values change through its methods, :func:`patch_values` writes them
into the program's ``weights``/``bias`` in place and brings the derived objects along:
an object with a ``patch_values(prog, weight_positions, bias_neurons)`` method updates
itself (returning False when it cannot, e.g. a threshold stage whose exact bounds
depend on the values); every other one is dropped and rebuilt on its next use.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np

__all__ = ["derived", "derived_items", "is_derived", "patch_values"]

T = TypeVar("T")

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
    table = prog.derived
    try:
        return table[key]
    except KeyError:
        value = table[key] = build()
        return value


def derived_items(prog: Any) -> list[tuple[Hashable, Any]]:
    """Everything derived from ``prog`` so far (for memory accounting and tests)."""
    return list(prog.derived.items())


def is_derived(prog: Any, value: Any) -> bool:
    """Whether ``value`` is (still) one of the objects derived from ``prog``.

    :func:`patch_values` patches or drops the derived objects in the order they were
    made, and those marked ``derived_from_others`` after all the rest, so an object made
    from another one (a prepared rule from its plan) can ask, when its turn comes,
    whether that one survived.

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.core import derived, is_derived
    >>> prog = ns.mlp("2-1", seed=0).compile()
    >>> table = derived(prog, "table", dict)
    >>> is_derived(prog, table), is_derived(prog, {})
    (True, False)
    """
    return any(v is value for v in prog.derived.values())


def patch_values(
    prog: Any,
    weight_positions: Any = None,
    weights: Any = None,
    bias_neurons: Any = None,
    bias: Any = None,
) -> None:
    """Write new values into ``prog`` in place and update what was derived from them.

    ``weights`` go to ``prog.weights[weight_positions]`` (every connection when the
    positions are None), ``bias`` to ``prog.bias[bias_neurons]`` likewise; either may
    be None (no change). The caller (the network owning ``prog``) checked the values.

    Examples
    --------
    >>> import numpy as np, netsim as ns
    >>> from netsim.core import patch_values
    >>> prog = ns.mlp("2-1", activation="identity", seed=0).compile()
    >>> patch_values(prog, np.array([1]), np.array([5.0]))
    >>> prog.weights[1]
    np.float64(5.0)
    """
    w_pos = _write(prog.weights, weight_positions, weights)
    b_pos = _write(prog.bias, bias_neurons, bias)
    table = prog.derived
    if not table:
        return
    # objects made from other derived objects (``derived_from_others``: a table of
    # prepared rules, each holding its plan) go second, once those others are settled
    items = list(table.items())
    for late in (False, True):
        for key, value in items:
            if bool(getattr(value, "derived_from_others", False)) is not late:
                continue
            patch = getattr(value, "patch_values", None)
            if patch is None or not patch(prog, w_pos, b_pos):
                del table[key]


def _write(array: Any, positions: Any, values: Any) -> Any:
    """``array[positions] = values`` (all of it for None positions); the positions
    written, as an int64 array (None: all; empty when no values were given)."""
    if values is None:
        return np.zeros(0, dtype=np.int64)
    if positions is None:
        array[...] = values
        return None
    at = np.asarray(positions, dtype=np.int64)
    array[at] = values
    return at
