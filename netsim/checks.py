"""Argument checks shared by the public entry points.

- :func:`keywords` — a decorator: the function's signature is the one declaration of
  its parameters; an unknown keyword argument is a :class:`ParameterError` with a
  did-you-mean (``run(net, x, stpes=3)`` → "run() has no parameter 'stpes' (did you
  mean 'steps'?)") instead of Python's ``TypeError``. With ``constraints=`` it also
  checks the values: the allowed types, ranges and words of each parameter are
  declared once, beside the function, in the manner of scikit-learn's
  ``_parameter_constraints`` (:class:`Interval`, :class:`Options`, :class:`Kind`,
  ``None``, a type); the command line reads the same declaration
  (:func:`constraints_of`) for its option types and choices.
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
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from types import UnionType
from typing import Any, TypeVar, cast, overload

from .errors import ParameterError, did_you_mean
from .limits import describe

__all__ = ["BOOLEAN", "Interval", "Kind", "Options", "as_floats", "check_dtype", "check_network",
           "check_parameter", "check_path", "check_seed", "check_type", "constraints_of",
           "describe_allowed", "integer_text", "keywords", "overflow_error"]

F = TypeVar("F", bound=Callable[..., Any])


# --- declared constraints --------------------------------------------------------------


class Interval:
    """Numbers in a range: ``Interval(int, 1, None)`` (an integer >= 1),
    ``Interval(float, 0, 1, closed="left")`` (a finite number in [0, 1)).

    ``int`` accepts integers only (not ``True``, not ``2.0``); ``float`` accepts any
    finite real number (integers too, not booleans). ``closed`` is ``"both"``,
    ``"left"``, ``"right"`` or ``"neither"``.

    >>> from netsim.checks import Interval
    >>> str(Interval(int, 0, 10)), Interval(int, 0, 10).accepts(11)
    ('an integer between 0 and 10', False)
    >>> str(Interval(float, 0, 1, closed="left")), Interval(float, 0, None).accepts(2**2000)
    ('a number in [0, 1)', False)
    >>> str(Interval(float, 0, None))
    'a finite number >= 0'

    """

    def __init__(self, kind: type, low: float | None, high: float | None, *,
                 closed: str = "both") -> None:
        if kind not in (int, float) or closed not in ("both", "left", "right", "neither"):
            raise TypeError(f"Interval({kind!r}, closed={closed!r})")
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def accepts(self, value: Any) -> bool:
        number: Any = value  # numbers.Real declares no __int__ for the type checker
        if isinstance(value, bool) or not isinstance(
                value, numbers.Integral if self.kind is int else numbers.Real):
            return False
        try:
            v = int(number) if self.kind is int else float(number)
        except (OverflowError, ValueError):
            return False
        if self.kind is float and not math.isfinite(v):
            return False
        left = self.closed in ("both", "left")
        right = self.closed in ("both", "right")
        if self.low is not None and (v < self.low or (v == self.low and not left)):
            return False
        return not (self.high is not None and (v > self.high or (v == self.high and not right)))

    def __str__(self) -> str:
        what = "an integer" if self.kind is int else "a number"
        low, high = self.low, self.high
        if self.kind is float and (low is None or high is None):
            what = "a finite number"
        if low is None and high is None:
            return what
        if high is None:
            return f"{what} {'>=' if self.closed in ('both', 'left') else '>'} {low}"
        if low is None:
            return f"{what} {'<=' if self.closed in ('both', 'right') else '<'} {high}"
        if self.kind is int and self.closed == "both":
            return f"{what} between {low} and {high}"
        opening = "[" if self.closed in ("both", "left") else "("
        closing = "]" if self.closed in ("both", "right") else ")"
        return f"{what} in {opening}{low}, {high}{closing}"

    def __repr__(self) -> str:
        return f"Interval({self.kind.__name__}, {self.low}, {self.high}, closed={self.closed!r})"


class Options:
    """One of a set of words: ``Options("LR", "TB")``; ``Options(source=f)`` reads the
    words from ``f()`` at each check (a registry that may grow); ``fold_case`` also
    accepts them in lower or upper case.

    >>> from netsim.checks import Options
    >>> str(Options("mean", "sum")), Options("LR", "TB", fold_case=True).accepts("lr")
    ("one of 'mean', 'sum'", True)
    """

    def __init__(self, *values: str, source: Callable[[], Sequence[str]] | None = None,
                 fold_case: bool = False) -> None:
        self._values, self._source, self.fold_case = tuple(values), source, fold_case

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed words, in their declared order."""
        return self._values if self._source is None else tuple(self._source())

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        values = self.values
        return value in values or (self.fold_case and value.upper() in
                                   {v.upper() for v in values})

    def hint(self, value: Any) -> str:
        return did_you_mean(value, self.values) if isinstance(value, str) else ""

    def __str__(self) -> str:
        return "one of " + ", ".join(map(repr, self.values))

    def __repr__(self) -> str:
        return f"Options{self.values!r}"


class Kind:
    """Values passing a test, with their description: ``Kind(callable, "a function")``,
    ``Kind(Mapping, "a mapping {neuron: value}")`` (a type is an ``isinstance`` test).

    >>> from netsim.checks import Kind
    >>> str(Kind(bool, "True or False")), Kind(bool, "True or False").accepts(1)
    ('True or False', False)
    """

    def __init__(self, test: type | UnionType | tuple[type, ...] | Callable[[Any], bool],
                 text: str) -> None:
        self.test, self.text = test, text

    def accepts(self, value: Any) -> bool:
        if isinstance(self.test, type | UnionType | tuple):
            return isinstance(value, self.test)
        return bool(self.test(value))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Kind({self.text!r})"


#: A boolean flag: ``True`` or ``False`` (numpy's booleans too, not ``1`` or ``"yes"``).
BOOLEAN = Kind(lambda v: isinstance(v, bool) or (type(v).__module__ == "numpy" and type(
    v).__name__ in ("bool", "bool_")), "True or False")

Constraint = Interval | Options | Kind | type | None
#: A table of declared constraints: ``{parameter: constraint or [alternatives]}``.
Constraints = Mapping[str, Constraint | Sequence[Constraint]]


def _accepts(constraint: Constraint, value: Any) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    return constraint.accepts(value)


def _alternatives(allowed: Constraint | Sequence[Constraint]) -> list[Constraint]:
    """The constraints of a declaration: one, or a list of alternatives."""
    if isinstance(allowed, list | tuple):
        return list(allowed)
    return [cast(Constraint, allowed)]


def _phrases(constraint: Constraint, alone: bool) -> list[str]:
    """The allowed values of one constraint, as phrases joined by "," and "or"."""
    if constraint is None:
        return ["None"]
    if isinstance(constraint, type):
        return [f"a {constraint.__name__}"]
    if constraint is BOOLEAN:
        return ["True", "False"]
    if isinstance(constraint, Options) and not (alone and len(constraint.values) > 2):
        return [repr(v) for v in constraint.values]
    return [str(constraint)]


def describe_allowed(allowed: Constraint | Sequence[Constraint]) -> str:
    """What ``allowed`` accepts, in words: ``"an integer >= 1 or None"``.

    >>> from netsim.checks import BOOLEAN, Options, describe_allowed
    >>> describe_allowed([BOOLEAN, Options("step", "sweep")])
    "True, False, 'step' or 'sweep'"
    """
    options = _alternatives(allowed)
    phrases = [p for c in options for p in _phrases(c, len(options) == 1)]
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " or " + phrases[-1]


def check_parameter(name: str, value: Any, allowed: Constraint | Sequence[Constraint]) -> None:
    """Raise :class:`ParameterError` unless ``value`` meets one of the constraints.

    The message names the parameter, the allowed values (in their declared order)
    and what was given, with a did-you-mean for a misspelt word.

    >>> from netsim.checks import BOOLEAN, Interval, Options, check_parameter
    >>> check_parameter("record", "sweeps", [BOOLEAN, Options("step", "sweep")])
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: record must be True, False, 'step' or 'sweep', got 'sweeps' ...
    >>> check_parameter("steps", -1, [Interval(int, 0, 10), None])
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: steps must be an integer between 0 and 10 or None, got -1
    """
    options = _alternatives(allowed)
    if any(_accepts(c, value) for c in options):
        return
    if _huge(value, 0) is not None and any(isinstance(c, Interval) and c.kind is float
                                           for c in options):
        raise ParameterError(f"{name} holds a number too large for a float "
                             f"({describe(value)})")
    hint = next((c.hint(value) for c in options if isinstance(c, Options) and c.hint(value)),
                "")
    raise ParameterError(f"{name} must be {describe_allowed(options)}, got "
                         f"{describe(value)}{hint}")


def constraints_of(func: Callable[..., Any]) -> dict[str, list[Constraint]]:
    """The declared constraints of a function decorated with ``@keywords(constraints=...)``
    (empty for any other), ``{parameter: [constraint, ...]}``.

    >>> import netsim as ns
    >>> from netsim.checks import constraints_of
    >>> constraints_of(ns.train)["reduction"]
    [Options('mean', 'sum')]
    """
    return dict(getattr(func, "parameter_constraints", {}))


@overload
def keywords(func: F) -> F: ...


@overload
def keywords(
    func: None = None,
    *,
    passes_to: Callable[..., Any] | None = None,
    network: bool | str = False,
    constraints: Constraints | None = None,
) -> Callable[[F], F]: ...


def keywords(
    func: F | None = None,
    *,
    passes_to: Callable[..., Any] | None = None,
    network: bool | str = False,
    constraints: Constraints | None = None,
) -> F | Callable[[F], F]:
    """Declare a public function's parameters once, by its signature.

    ``@keywords(passes_to=g)`` is for a function whose ``**options`` go on to ``g``:
    its own parameters and ``g``'s are the allowed keywords. ``@keywords(network=True)``
    also checks that the first argument is a :class:`Network` (``network="program"``:
    or a compiled ``Program``), see :func:`check_network`. ``constraints={name:
    [allowed, ...]}`` declares the values each named parameter accepts (see
    :func:`check_parameter`); they are checked before the call, for the arguments
    given (a default is checked once, when the function is declared: an argument that
    is the default object itself is not checked again), and kept as the wrapper's
    ``parameter_constraints`` (see :func:`constraints_of`). A function that passes its
    ``**options`` on checks them by the constraints of ``passes_to`` too.

    - an unknown keyword argument is a :class:`ParameterError` with a did-you-mean
      (Python would raise ``TypeError`` with no hint);
    - a value outside its declared constraints is a :class:`ParameterError` naming the
      parameter, the allowed values and what was given;
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
    >>> @keywords(constraints={"order": Options("cyclic", "random")})
    ... def sweep(net, *, order="cyclic"):
    ...     return order
    >>> sweep(None, order="randm")
    Traceback (most recent call last):
    ...
    netsim.errors.ParameterError: order must be 'cyclic' or 'random', got 'randm' (did you ...
    """
    if func is None:
        return functools.partial(_declare, passes_to=passes_to, network=network,
                                 constraints=constraints)
    return _declare(func, passes_to=passes_to, network=network, constraints=constraints)


def _declare(
    func: F,
    *,
    passes_to: Callable[..., Any] | None,
    network: bool | str,
    constraints: Constraints | None,
) -> F:
    """The wrapper :func:`keywords` puts around ``func``."""
    params = inspect.signature(func).parameters
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    names = [n for n, p in params.items() if p.kind not in (
        inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)]
    rules = {n: _alternatives(c) for n, c in (constraints or {}).items()}
    unknown = set(rules) - set(names)
    if unknown:
        raise TypeError(f"{func.__name__}: constraints for no parameter: {sorted(unknown)}")
    if passes_to is not None:
        inner = inspect.signature(inspect.unwrap(passes_to)).parameters
        names += [n for n, p in inner.items() if n not in names and p.kind in (
            inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            and n != next(iter(inner))]  # its first argument (the network) is ours
        open_ended = False
        inherited = getattr(passes_to, "parameter_constraints", {})
        rules = {**{n: c for n, c in inherited.items() if n not in params}, **rules}
    allowed = frozenset(n for n in names if params.get(n) is None
                        or params[n].kind is not inspect.Parameter.POSITIONAL_ONLY)
    label = func.__name__
    positional = [n for n, p in params.items() if p.kind in (
        inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]

    first = names[0] if names else None
    # The declared defaults are checked here, once: an argument that *is* its default
    # (the same object, as when a method passes its own defaults on) is known good and
    # is not checked again at every call.
    defaults = {n: p.default for n, p in params.items() if n in rules
                and p.default is not inspect.Parameter.empty}
    for name, value in defaults.items():
        try:
            check_parameter(name, value, rules[name])
        except ParameterError as exc:
            raise TypeError(f"{func.__name__}: the default of {name} breaks its "
                            f"declaration: {exc}") from None
    checked_positional = [(k, n) for k, n in enumerate(positional) if n in rules]
    checked_keywords = {n: rules[n] for n in rules}
    unset = object()

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
        if rules:  # the declared values of the arguments given (not their defaults)
            for k, name in checked_positional:
                if k < len(args) and args[k] is not defaults.get(name, unset):
                    check_parameter(name, args[k], rules[name])
            for name, value in kwargs.items():
                allowed_values = checked_keywords.get(name)
                if allowed_values is not None and value is not defaults.get(name, unset):
                    check_parameter(name, value, allowed_values)
        try:
            return func(*args, **kwargs)
        except OverflowError:
            error = overflow_error(label, {**dict(zip(names, args, strict=False)), **kwargs})
            if error is None:
                raise
            raise error from None

    wrapper.parameter_constraints = rules  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature


def overflow_error(label: str, given: Mapping[str, Any]) -> ParameterError | None:
    """The error naming the argument of ``given`` (``{parameter: value}``) that holds an
    integer too large for a float (also inside a list or a mapping), for an
    ``OverflowError`` raised by the function ``label``; None when there is none.

    >>> from netsim.checks import overflow_error
    >>> print(overflow_error("run", {"net": None, "inputs": [1, 10**400]}))
    run(): inputs holds a number too large for a float (a 401-digit integer)
    """
    for name, value in given.items():
        huge = _huge(value)
        if huge is not None:
            return ParameterError(f"{label}(): {name} holds a number too large for a float "
                                  f"({describe(huge)})")
    return None


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
