"""Colours of the diagrams: connection signs and the state colour scales.

Every colour comes from a ColorBrewer scheme that is marked colour-blind safe:

- **connections** (RdBu): positive weights blue ``#2166ac``, negative weights red
  ``#b2182b``, zero weights (and bundles that mix both signs) neutral grey.
- **diverging state scale** (RdBu, 5 classes): −1 red, 0 near-white, +1 blue, the
  same hues as the weights, so "excitatory" and "active" read alike.
- **sequential state scale** (YlGnBu, 5 classes): 0 pale yellow, 1 dark blue.

:func:`choose_scale` picks the scale for a set of neuron values (see its docstring for
the rule); :meth:`Scale.color` maps one value to a ``#rrggbb`` string. All of this is
pure arithmetic with fixed formatting, so the DOT text stays byte-identical.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ParameterError

__all__ = [
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "Scale",
    "choose_scale",
    "text_color",
    "weight_color",
]

POSITIVE = "#2166ac"
NEGATIVE = "#b2182b"
NEUTRAL = "#8c8c8c"

_DIVERGING = ("#b2182b", "#ef8a62", "#f7f7f7", "#67a9cf", "#2166ac")  # RdBu, t in [-1, 1]
_SEQUENTIAL = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")  # YlGnBu, t in [0, 1]


def weight_color(weight: float) -> str:
    """The colour of a connection of this weight: blue > 0, red < 0, grey for 0."""
    if weight > 0:
        return POSITIVE
    if weight < 0:
        return NEGATIVE
    return NEUTRAL


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def _interpolate(anchors: Sequence[str], t: float) -> str:
    """Linear interpolation in sRGB between equally spaced anchors, ``t`` in [0, 1]."""
    t = min(1.0, max(0.0, t))
    pos = t * (len(anchors) - 1)
    k = min(int(pos), len(anchors) - 2)
    frac = pos - k
    a, b = _rgb(anchors[k]), _rgb(anchors[k + 1])
    r, g, bl = (round(x + (y - x) * frac) for x, y in zip(a, b, strict=True))
    return f"#{r:02x}{g:02x}{bl:02x}"


def text_color(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (WCAG relative luminance)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if luminance < 0.18 else "#000000"


@dataclass(frozen=True)
class Scale:
    """A colour scale for neuron values.

    ``kind`` is ``"diverging"`` (``low < 0 < high``; 0 maps to the neutral middle,
    each side is stretched to its own end) or ``"sequential"`` (``low`` → ``high``).
    Values outside ``[low, high]`` take the end colour.
    """

    kind: str
    low: float
    high: float

    def position(self, value: float) -> float:
        """Where ``value`` sits on the colour bar, in [0, 1]."""
        if self.kind == "diverging":
            if value >= 0:
                return 0.5 + 0.5 * min(1.0, value / self.high)
            return 0.5 - 0.5 * min(1.0, value / self.low)
        span = self.high - self.low
        return 0.5 if span <= 0 else min(1.0, max(0.0, (value - self.low) / span))

    def color(self, value: float) -> str:
        """The ``#rrggbb`` fill for ``value``."""
        anchors = _DIVERGING if self.kind == "diverging" else _SEQUENTIAL
        return _interpolate(anchors, self.position(value))

    def ticks(self) -> list[float]:
        """Five values spread over the scale, for the legend."""
        if self.kind == "diverging":
            return [self.low, self.low / 2, 0.0, self.high / 2, self.high]
        return [self.low + (self.high - self.low) * k / 4 for k in range(5)]


def choose_scale(values: Sequence[float], value_range: Sequence[float] | None = None) -> Scale:
    """The documented scale for these neuron values.

    Parameters
    ----------
    values : sequence of float
        The values to show (NaN entries are ignored).
    value_range : (low, high), optional
        Fix the range instead of choosing it: diverging when ``low < 0 < high``,
        sequential otherwise.

    Returns
    -------
    Scale
        Without a range: sequential on [0, 1] when every value lies in [0, 1];
        diverging on [−1, 1] when every value lies in [−1, 1]; otherwise diverging on
        [−m, m] with m the largest |value| when the values have both signs, else
        sequential from the smallest to the largest value.

    Examples
    --------
    >>> choose_scale([0.0, 1.0, 1.0])
    Scale(kind='sequential', low=0.0, high=1.0)
    >>> choose_scale([-1.0, 1.0])
    Scale(kind='diverging', low=-1.0, high=1.0)
    >>> choose_scale([-3.0, 0.5])
    Scale(kind='diverging', low=-3.0, high=3.0)
    """
    if value_range is not None:
        try:
            low, high = (float(v) for v in value_range)
        except (TypeError, ValueError):
            raise ParameterError(
                f"state_range must be a pair (low, high) of numbers, got {value_range!r}"
            ) from None
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ParameterError(
                f"state_range must be finite with low < high, got {value_range!r}"
            )
        kind = "diverging" if low < 0 < high else "sequential"
        return Scale(kind, low, high)
    finite = [float(v) for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if lo >= 0 and hi <= 1:
        return Scale("sequential", 0.0, 1.0)
    if lo >= -1 and hi <= 1:
        return Scale("diverging", -1.0, 1.0)
    if lo < 0 < hi:
        m = max(-lo, hi)
        return Scale("diverging", -m, m)
    return Scale("sequential", lo, hi if hi > lo else lo + 1.0)
