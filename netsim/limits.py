"""Limits on what a file or an argument may ask for, and the memory estimate.

One owner for every bound netsim puts on user-controlled sizes, so that an absurd
request is refused with one clear error *before* any allocation or long loop:

- :func:`check_count` — an integer argument (steps, epochs, sweeps, sizes, layers) is
  an integer within its documented bound; the error names the parameter.
- :func:`check_memory` — the bytes an array (or a group of arrays) would take are
  compared with the memory this process can still get (:func:`available_memory`:
  the smaller of the system's available memory and what the address-space limit
  ``RLIMIT_AS`` leaves); a request that cannot fit is a :class:`SizeLimitError`
  naming the parameter and both sizes.

The bounds and their reasons (also in ``docs/format.md`` and ``docs/cli.md``):

==================  =============  ======================================================
name                value          why
==================  =============  ======================================================
MAX_LAYER           10,000         a layer number is one step of the layered rule; a
                                   gap of empty layers still costs a step each
MAX_STEPS           100,000,000    ``steps``/``max_steps``: about a microsecond per
                                   step at best, so more is hours of work
MAX_EPOCHS          1,000,000      training epochs: ~50 µs each for the smallest
                                   network, so more is hours
MAX_SWEEPS          1,000,000      Glauber sweeps (a Python loop over the neurons
                                   each, and one kept frame per sweep)
MAX_NEURONS         10,000,000     neurons asked of a builder (``mlp`` sizes, Hopfield
                                   patterns): each costs a graph node
MAX_CONNECTIONS     10,000,000     connections asked of a builder: ~500 bytes each in
                                   the graph, and ~3 s per million to build
MAX_FILE_BYTES      256 MiB        a network file; its parsed form takes 6-20x
MAX_CSV_BYTES       256 MiB        a CSV file (inputs, samples)
MAX_FRAMES          1,000          frames ``render_trace`` writes (one file each)
MAX_PERIOD          1,000          the longest cycle the solver searches: one search
                                   over ``p`` unrolled copies of the network per period
MAX_MEMBERS         100,000        networks one request trains or builds (bagging
                                   members, ensemble networks): each is a network
                                   kept in memory and seconds of work
==================  =============  ======================================================
"""

from __future__ import annotations

import numbers
import os
from typing import Any

from .errors import ParameterError, SizeLimitError

__all__ = [
    "MAX_CONNECTIONS",
    "MAX_CSV_BYTES",
    "MAX_EPOCHS",
    "MAX_FILE_BYTES",
    "MAX_FRAMES",
    "MAX_LAYER",
    "MAX_MEMBERS",
    "MAX_NEURONS",
    "MAX_PERIOD",
    "MAX_STEPS",
    "MAX_SWEEPS",
    "available_memory",
    "check_count",
    "check_memory",
    "check_network_size",
    "describe",
    "human_bytes",
]

MAX_LAYER = 10_000
MAX_STEPS = 100_000_000
MAX_EPOCHS = 1_000_000
MAX_SWEEPS = 1_000_000
MAX_NEURONS = 10_000_000
MAX_CONNECTIONS = 10_000_000
MAX_FILE_BYTES = 256 * 2**20
MAX_CSV_BYTES = 256 * 2**20
MAX_FRAMES = 1_000
MAX_MEMBERS = 100_000
MAX_PERIOD = 1_000


def check_count(value: Any, name: str, low: int = 0, high: int | None = None) -> int:
    """``value`` as an ``int`` in ``[low, high]``, or a :class:`ParameterError` naming ``name``.

    Booleans, floats and strings are refused (``True`` is not a step count).

    Examples
    --------
    >>> from netsim.limits import check_count
    >>> check_count(3, "steps")
    3
    >>> check_count(10**30, "epochs", 1, 10**6)
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: epochs must be an integer between 1 and 1000000, got 100...
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        allowed = f"an integer >= {low}" if high is None else (
            f"an integer between {low} and {high}")
        raise ParameterError(f"{name} must be {allowed}, got {describe(value)}")
    v = int(value)
    if v < low or (high is not None and v > high):
        allowed = f"an integer >= {low}" if high is None else (
            f"an integer between {low} and {high}")
        raise ParameterError(f"{name} must be {allowed}, got {describe(v)}")
    return v


def describe(value: Any) -> str:
    """A short ``repr`` for error messages (a huge integer by its number of digits).

    >>> describe(10**400)
    'a 401-digit integer'
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**60:
        return f"a {len(str(abs(value)))}-digit integer"
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _address_space_left() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    used = 0
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    used = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    return max(0, soft - used)


def available_memory() -> int:
    """Bytes this process can still allocate (best estimate; 2**62 when unknown).

    The smaller of the system's ``MemAvailable`` and what ``RLIMIT_AS`` leaves.
    ``NETSIM_MEMORY_LIMIT`` (bytes) lowers it further, e.g. for tests.
    """
    candidates = [c for c in (_meminfo_available(), _address_space_left()) if c is not None]
    env = os.environ.get("NETSIM_MEMORY_LIMIT")
    if env and env.isdigit():
        candidates.append(int(env))
    return min(candidates) if candidates else 2**62


def human_bytes(n: float) -> str:
    """``1536`` → ``'1.5 KiB'``.

    >>> human_bytes(3 * 2**30)
    '3.0 GiB'
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


#: Bytes one connection costs in a network (graph edge ~400, compiled program ~60),
#: measured on ``hopfield`` and ``mlp`` networks with tracemalloc.
CONNECTION_BYTES = 500
#: Bytes one neuron costs (graph node, attributes, compiled arrays), an upper estimate.
NEURON_BYTES = 2_000


def check_network_size(neurons: int, connections: int, what: str) -> None:
    """Refuse to build a network that memory cannot hold (before building it).

    >>> from netsim.limits import check_network_size
    >>> check_network_size(10**8, 0, "mlp([100000000, 1])")
    Traceback (most recent call last):
    ...
    netsim.errors.SizeLimitError: mlp([100000000, 1]) asks for 100,000,000 neurons; the limit is ...
    """
    if neurons > MAX_NEURONS:
        raise SizeLimitError(f"{what} asks for {neurons:,} neurons; the limit is "
                             f"{MAX_NEURONS:,}")
    if connections > MAX_CONNECTIONS:
        raise SizeLimitError(f"{what} asks for {connections:,} connections; the limit is "
                             f"{MAX_CONNECTIONS:,} (a graph that size takes ~5 GB and minutes "
                             "to build)")
    check_memory(neurons * NEURON_BYTES + connections * CONNECTION_BYTES,
                 f"{what} with {neurons:,} neurons and {connections:,} connections")


def check_memory(nbytes: float, what: str, *, available: int | None = None) -> None:
    """Refuse a request whose arrays would take ``nbytes``: more than memory can hold.

    ``what`` names the request and its parameter (e.g. ``"run(record=True) with
    steps=10000000: the trace"``); it starts the one-line :class:`SizeLimitError`.

    Examples
    --------
    >>> from netsim.limits import check_memory
    >>> check_memory(1024, "a small array")
    >>> check_memory(2**40, "the weight matrix", available=2**30)
    Traceback (most recent call last):
    ...
    netsim.errors.SizeLimitError: the weight matrix needs 1.0 TiB of memory, but only ...
    """
    avail = available_memory() if available is None else available
    if nbytes > avail:
        raise SizeLimitError(
            f"{what} needs {human_bytes(nbytes)} of memory, but only about "
            f"{human_bytes(avail)} is available"
        )
