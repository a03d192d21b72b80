"""Argument checks shared by the public entry points.

- :func:`keywords` — a decorator: the function's signature is the one declaration of
  its parameters; an unknown keyword argument is a :class:`ParameterError` with a
  did-you-mean (``run(net, x, stpes=3)`` → "run() has no parameter 'stpes' (did you
  mean 'steps'?)") instead of Python's ``TypeError``.
- :func:`check_network` — the network argument is a :class:`Network` (or, where
  accepted, a compiled ``Program``); anything else names what was given.
- :func:`check_seed` — ``None`` or an integer ``>= 0`` (what numpy's generators take).
- :func:`integer_text` — an integer written in a text (a ``--targets 2``, a neuron id
  ``7`` in ``--clamp 7=1``), safely: ASCII digits only (``int("²")`` fails), and not
  beyond Python's limit on converting long digit strings (4,300 digits).
- :func:`check_dtype` — a floating-point precision: ``"float64"`` or ``"float32"`` (or
  the numpy dtypes); the error names the parameter, the allowed values and what was given.
- :func:`check_type` — a result object (a ``Run``, a ``Recall``, a ``History``, a
  mapping of options) is of the kind a function draws or reads; the error names it.
"""

from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import ParameterError, did_you_mean
from .limits import describe

__all__ = ["as_floats", "check_dtype", "check_network", "check_path", "check_seed", "check_type",
           "integer_text", "keywords"]

F = TypeVar("F", bound=Callable[..., Any])


def keywords(
    func: F | None = None,
    *,
    passes_to: Callable[..., Any] | None = None,
    network: bool | str = False,
) -> Any:
    """Declare a public function's parameters once, by its signature.

    ``@keywords(passes_to=g)`` is for a function whose ``**options`` go on to ``g``:
    its own parameters and ``g``'s are the allowed keywords. ``@keywords(network=True)``
    also checks that the first argument is a :class:`Network` (``network="program"``:
    or a compiled ``Program``), see :func:`check_network`.

    - an unknown keyword argument is a :class:`ParameterError` with a did-you-mean
      (Python would raise ``TypeError`` with no hint);
    - an ``OverflowError`` from an integer argument too large for a float (``10**400``,
      also inside a list or a mapping) becomes a :class:`ParameterError` naming it.

    Examples
    --------
    >>> from netsim.checks import keywords
    >>> @keywords
    ... def run(net, *, steps=None, max_steps=None):
    ...     return float(steps)
    >>> run(None, stpes=3)
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: run() has no parameter 'stpes' (did you mean 'steps'?); ...
    >>> run(None, steps=10**400)
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: run(): steps holds a number too large for a float (...)
    """
    if func is None:
        return functools.partial(keywords, passes_to=passes_to, network=network)
    params = inspect.signature(func).parameters
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    names = [n for n, p in params.items() if p.kind not in (
        inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)]
    if passes_to is not None:
        inner = inspect.signature(inspect.unwrap(passes_to)).parameters
        names += [n for n, p in inner.items() if n not in names and p.kind in (
            inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            and n != next(iter(inner))]  # its first argument (the network) is ours
        open_ended = False
    allowed = frozenset(n for n in names if params.get(n) is None
                        or params[n].kind is not inspect.Parameter.POSITIONAL_ONLY)
    label = func.__name__

    first = names[0] if names else None

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if network:
            net = args[0] if args else kwargs.get(first)  # type: ignore[arg-type]
            check_network(net, label, program=network == "program")
        if kwargs and not open_ended and not allowed.issuperset(kwargs):
            bad = next(k for k in kwargs if k not in allowed)
            raise ParameterError(f"{label}() has no parameter {bad!r}"
                                 f"{did_you_mean(bad, names)}; its parameters: "
                                 f"{', '.join(n for n in names if n != 'self')}")
        try:
            return func(*args, **kwargs)
        except OverflowError:
            given = {**dict(zip(names, args, strict=False)), **kwargs}
            for name, value in given.items():
                huge = _huge(value)
                if huge is not None:
                    raise ParameterError(f"{label}(): {name} holds a number too large for a "
                                         f"float ({describe(huge)})") from None
            raise

    return wrapper  # type: ignore[return-value]


_FLOAT_MAX = 2**1024


def _huge(value: Any, depth: int = 2) -> Any:
    """An integer beyond the float range in ``value`` (or in its first items), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) >= _FLOAT_MAX else None
    if depth and isinstance(value, list | tuple):
        for item in value[:10_000]:
            found = _huge(item, depth - 1)
            if found is not None:
                return found
    if depth and isinstance(value, dict):
        for item in list(value.values())[:10_000]:
            found = _huge(item, depth - 1)
            if found is not None:
                return found
    return None


# The exact types already accepted (a Network, its subclasses; a Program when allowed).
_ACCEPTED: dict[bool, set[type]] = {False: set(), True: set()}


def check_network(net: Any, where: str, *, program: bool = False) -> None:
    """Raise :class:`ParameterError` unless ``net`` is a Network (or a Program).

    >>> from netsim.checks import check_network
    >>> check_network("xor.json", "ns.run")
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: ns.run expects a Network, got str 'xor.json' (load a file ...
    """
    if type(net) in _ACCEPTED[program]:  # the common case, without an import
        return
    from .compile import Program
    from .network import Network

    if isinstance(net, Network) or (program and isinstance(net, Program)):
        _ACCEPTED[program].add(type(net))
        return
    wanted = "a Network or a compiled Program" if program else "a Network"
    hint = " (load a file with ns.load first)" if isinstance(net, str) or hasattr(
        net, "__fspath__") else ""
    shown = "None" if net is None else f"{type(net).__name__} {describe(net)}"
    raise ParameterError(f"{where} expects {wanted}, got {shown}{hint}")


def check_type(value: Any, kind: type | tuple[type, ...], name: str, wanted: str) -> None:
    """Raise :class:`ParameterError` unless ``value`` is an instance of ``kind``.

    ``wanted`` says what is expected, e.g. ``"a Recall (from ns.recall)"``.

    >>> from netsim.checks import check_type
    >>> check_type(None, dict, "run_options", "a dict of keyword arguments")
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: run_options must be a dict of keyword arguments, got None
    """
    if not isinstance(value, kind):
        shown = "None" if value is None else f"{type(value).__name__} {describe(value)}"
        raise ParameterError(f"{name} must be {wanted}, got {shown}")


_MAX_DIGITS = 4_000  # below sys.get_int_max_str_digits()'s default of 4,300


def integer_text(text: str, name: str | None = None) -> int | None:
    """The integer ``text`` spells (ASCII digits, an optional minus), or None.

    An integer of more than 4,000 digits is None too, or, when ``name`` is given, a
    :class:`ParameterError` naming it (it is a number, just not one anyone means).

    >>> from netsim.checks import integer_text
    >>> integer_text("-12"), integer_text("x1"), integer_text("²")
    (-12, None, None)
    >>> integer_text("9" * 5000, "targets")
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: targets: a 5000-digit number is too large
    """
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) > _MAX_DIGITS:
        if name is None:
            return None
        raise ParameterError(f"{name}: a {len(digits)}-digit number is too large")
    return int(text)


def check_seed(seed: Any, name: str = "seed", *, generators: bool = True) -> Any:
    """``None``, an integer ``>= 0`` (numpy's generators refuse negative seeds) or, with
    ``generators``, a numpy ``Generator``, ``SeedSequence`` or bit generator.

    >>> from netsim.checks import check_seed
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: seed must be None or an integer >= 0, got -1
    """
    import numpy as np

    if seed is None or (generators and isinstance(
            seed, np.random.Generator | np.random.SeedSequence | np.random.BitGenerator)):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(f"{name} must be None or an integer >= 0, got {describe(seed)}")
    return int(seed)


def check_path(path: Any, name: str = "path") -> None:
    """Raise :class:`ParameterError` unless ``path`` is a str or a path-like object.

    >>> from netsim.checks import check_path
    >>> check_path(None, "path")
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: path must be a file name (str or path-like), got None
    """
    if not isinstance(path, str) and not hasattr(path, "__fspath__"):
        shown = "None" if path is None else f"{type(path).__name__} {describe(path)}"
        raise ParameterError(f"{name} must be a file name (str or path-like), got {shown}")


def as_floats(value: Any, name: str, dtype: Any = None) -> Any:
    """``np.asarray(value, dtype)`` (float64 by default), or a :class:`ParameterError`
    naming ``name`` for text, ragged rows, objects or numbers beyond the float range.

    >>> from netsim.checks import as_floats
    >>> as_floats([[1, 0], [1]], "states")
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: states must be numbers in a regular array (rows of one ...
    """
    import numpy as np

    try:
        return np.asarray(value, dtype=np.float64 if dtype is None else dtype)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"{name} must be numbers in a regular array (rows of one "
                             f"length), got {describe(value)}") from None


_DTYPES = {"float64": "float64", "float32": "float32", "f8": "float64", "f4": "float32",
           "double": "float64", "single": "float32"}


def check_dtype(dtype: Any, name: str = "dtype") -> Any:
    """``dtype`` as a numpy dtype, float64 or float32, or a clear error naming ``name``.

    Accepts the names ``"float64"``/``"float32"`` and ``numpy.float64``/``numpy.float32``
    (the types or their dtypes).

    Examples
    --------
    >>> import numpy as np
    >>> from netsim.checks import check_dtype
    >>> check_dtype("float32"), check_dtype(np.float64)
    (dtype('float32'), dtype('float64'))
    """
    import numpy as np

    if isinstance(dtype, str):
        key = _DTYPES.get(dtype.strip().lower())
        if key is not None:
            return np.dtype(key)
    elif dtype is np.float64 or dtype is np.float32 or (
        isinstance(dtype, np.dtype) and dtype.str in ("<f8", "<f4")
    ):
        return np.dtype(dtype)
    raise ParameterError(
        f"{name} must be 'float64' or 'float32' (or numpy.float64 / numpy.float32), "
        f"got {describe(dtype)}"
    )
