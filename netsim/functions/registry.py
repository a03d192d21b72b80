"""Shared machinery of the two function registries: parameters and lookup."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np

from ..errors import ParameterError, UnknownFunctionError, did_you_mean
from ..limits import describe

__all__ = ["KEEP", "Parameter", "ParametrisedEntry", "Registry", "numeric", "validate_params"]

# The word "keep" (a parameter value of step's and sign's ``zero``: at ξ = 0 the neuron
# keeps its current value) is stored as the word in a network's definition and files;
# compiled parameter arrays hold it as NaN, which no numeric parameter can be.
KEEP = math.nan
WORDS = {"keep": KEEP}


def numeric(value: float | str) -> float:
    """A parameter value as a number: a word (``"keep"``) becomes its code (NaN)."""
    return WORDS[value] if isinstance(value, str) else float(value)


@dataclass(frozen=True)
class Parameter:
    """One numeric parameter of an activation or potential.

    Parameters
    ----------
    name : str
        The keyword users write (``steepness``, ``p``, ...).
    default : float
        The value used when the neuron does not give one.
    low, high : float or None
        Bounds of the allowed interval; ``None`` leaves that side open.
    low_inclusive, high_inclusive : bool
        Whether the bounds themselves are allowed.
    choices : tuple of float, optional
        When given, the only allowed values (overrides the bounds).
    words : tuple of str
        Words allowed besides numbers (``("keep",)`` for ``zero`` of step and sign);
        they are kept as words and compile to their code (see :data:`KEEP`).
    doc : str
        One line on what the parameter means.
    """

    name: str
    default: float
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    choices: tuple[float, ...] | None = None
    words: tuple[str, ...] = ()
    doc: str = ""

    def allowed(self) -> str:
        """Describe the allowed values, for error messages."""
        if self.choices is not None:
            return "one of " + ", ".join([*(_fmt(c) for c in self.choices),
                                          *(repr(w) for w in self.words)])
        parts = []
        if self.low is not None:
            parts.append((">= " if self.low_inclusive else "> ") + _fmt(self.low))
        if self.high is not None:
            parts.append(("<= " if self.high_inclusive else "< ") + _fmt(self.high))
        return "a finite number" + (" " + " and ".join(parts) if parts else "")

    def check(self, value: object, where: str) -> float | str:
        """Return ``value`` as a float (or one of :attr:`words`), or raise
        :class:`ParameterError`."""
        if isinstance(value, str) and value in self.words:
            return value
        # numpy scalars count (graphs from elsewhere often carry them); bools do not
        numeric = int | float | np.integer | np.floating
        bad = isinstance(value, bool) or not isinstance(value, numeric)
        number = math.nan if bad else float(value)  # type: ignore[arg-type]
        ok = not bad and math.isfinite(number)
        if ok and self.choices is not None:
            ok = number in self.choices
        elif ok:
            if self.low is not None:
                ok = number >= self.low if self.low_inclusive else number > self.low
            if ok and self.high is not None:
                ok = number <= self.high if self.high_inclusive else number < self.high
        if not ok:
            raise ParameterError(
                f"{where} parameter {self.name!r} must be {self.allowed()}, got {value!r}"
            )
        return number


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def validate_params(
    params: Mapping[str, object], spec: tuple[Parameter, ...], where: str
) -> dict[str, float | str]:
    """Check ``params`` against ``spec``; return them as floats (only those given).

    Unknown names are an error that lists the accepted ones.
    """
    known = {p.name: p for p in spec}
    out: dict[str, float | str] = {}
    for key, value in params.items():
        if key not in known:
            accepted = ", ".join(repr(k) for k in known) or "none"
            raise ParameterError(
                f"{where} has no parameter {key!r}{did_you_mean(key, list(known))}; "
                f"accepted: {accepted}"
            )
        out[key] = known[key].check(value, where)
    return out


class ParametrisedEntry:
    """Parameter handling shared by the activation and potential entries (a mixin for
    frozen dataclasses with the fields ``name``, ``params`` and ``_defaults``)."""

    kind: ClassVar[str]  # "activation" or "potential", for messages
    name: str
    params: tuple[Parameter, ...]
    _defaults: dict[str, float]

    def __post_init__(self) -> None:
        forward = getattr(self, "forward", None)
        if not callable(forward):
            raise ParameterError(f"{self.kind} {self.name!r}: forward must be a function, "
                                 f"got {describe(forward)}")
        for attr in ("derivative", "vjp", "gradient"):
            f = getattr(self, attr, None)
            if f is not None and not callable(f):
                raise ParameterError(f"{self.kind} {self.name!r}: {attr} must be a function "
                                     f"or None, got {describe(f)}")
        object.__setattr__(self, "_defaults", {p.name: p.default for p in self.params})

    def defaults(self) -> dict[str, float]:
        """The default value of every parameter."""
        return dict(self._defaults)

    def validate(self, params: Mapping[str, object]) -> dict[str, float | str]:
        """Check user-given parameters; return them as floats or words (only those given)."""
        return validate_params(params, self.params, f"{self.kind} {self.name!r}")

    def resolve(self, params: Mapping[str, float]) -> dict[str, float]:
        """The full parameter set: the defaults overridden by ``params`` (words as their
        codes, e.g. ``"keep"`` as NaN)."""
        return {**self._defaults,
                **{k: WORDS[v] if isinstance(v, str) else v for k, v in params.items()}}


T = TypeVar("T")


class Registry(Generic[T]):
    """A name → entry table with helpful lookup errors."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def add(self, name: str, entry: T, *, replace: bool = False) -> T:
        if not isinstance(name, str) or not name:
            raise ParameterError(f"{self.kind} name must be a non-empty string, got {name!r}")
        if name in self._entries and not replace:
            raise ParameterError(
                f"{self.kind} {name!r} is already registered; pass replace=True to replace it"
            )
        self._entries[name] = entry
        return entry

    def remove(self, name: str) -> None:
        self.get(name)
        del self._entries[name]

    def get(self, name: object) -> T:
        try:
            return self._entries[name]  # type: ignore[index]
        except (KeyError, TypeError):
            names = sorted(self._entries)
            raise UnknownFunctionError(
                f"unknown {self.kind} {name!r}{did_you_mean(name, names)}; "
                f"known: {', '.join(names)}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        return list(self._entries)


Forward = Callable[..., Any]
