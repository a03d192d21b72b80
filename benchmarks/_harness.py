"""Shared helpers of the benchmark scripts: honest side-by-side timing and a ratio table.

A benchmark never asserts a time. It measures netsim and its reference side by side,
in the same process on the same data, and prints the ratio against the target.

Honest means:

- **one BLAS thread** for both sides (``threadpoolctl``), unless the environment
  variable ``NETSIM_BENCH_THREADS`` asks for another number (``0``: leave the
  libraries' defaults). On a shared machine a multi-threaded BLAS stalls at random,
  and a ratio then swings between 0.1x and 4x;
- **interleaved** repeats: netsim, reference, netsim, reference, … (:func:`compare`),
  so that load from other processes hits both alike;
- **medians with their min-max range**, of each side and of the per-pair ratios;
- **warm timings**: each timing of many short calls starts after one untimed call, as
  the garbage collection before it (``gc.collect``, which walks every object) leaves
  the CPU caches cold: otherwise the side that needs fewer calls per timing (the
  slower one) pays that cold start in a larger share of its calls.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Result", "Timing", "best_time", "blas_threads", "compare", "measure",
           "print_results", "timing"]


def _pin_blas() -> Any:
    """Limit BLAS/OpenMP pools for the whole process (kept alive in a module global)."""
    wanted = os.environ.get("NETSIM_BENCH_THREADS", "1")
    if wanted == "0":
        return None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a benchmark still runs, unpinned
        print("(threadpoolctl not installed: BLAS threads are not pinned)")
        return None
    return threadpool_limits(limits=int(wanted))


_LIMITS = _pin_blas()


def blas_threads() -> str:
    """The BLAS thread setting in force, for the table title."""
    wanted = os.environ.get("NETSIM_BENCH_THREADS", "1")
    if _LIMITS is None:
        return "BLAS threads: library default"
    return f"BLAS threads: {wanted}"


@dataclass(frozen=True)
class Timing:
    """Seconds per call over repeats: the median and the range."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Timing:
        return cls(statistics.median(values), min(values), max(values))

    def __float__(self) -> float:
        return self.median


def _calls(fn: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def _warm_calls(fn: Callable[[], Any], number: int) -> float:
    """:func:`_calls` after a garbage collection and, for a timing of several calls,
    one untimed call that brings the caches back (see the module docstring)."""
    gc.collect()
    if number > 1:
        fn()
    return _calls(fn, number)


def _auto_number(fn: Callable[[], Any], budget: float = 0.02) -> int:
    """Calls per timing so that one timing lasts about ``budget`` seconds."""
    once = _calls(fn, 1)
    return max(1, min(100_000, int(budget / max(once, 1e-7))))


def compare(ours: Callable[[], Any], reference: Callable[[], Any], repeat: int = 7,
            number: int | None = None, warmup: bool = True
            ) -> tuple[list[float], list[float]]:
    """Time ``ours`` and ``reference`` interleaved (A B A B …): seconds per call.

    ``number`` calls per timing (by default, enough for about 20 ms each side, so
    that microsecond calls are not timer noise). Both are called once first
    (``warmup``) so that caches and lazily built plans are not timed.
    """
    if warmup:
        ours()
        reference()
    n_ours = number or _auto_number(ours)
    n_ref = number or _auto_number(reference)
    t_ours, t_ref = [], []
    for _ in range(repeat):
        t_ours.append(_warm_calls(ours, n_ours))
        t_ref.append(_warm_calls(reference, n_ref))
    return t_ours, t_ref


def timing(fn: Callable[[], Any], repeat: int = 5, number: int | None = None) -> Timing:
    """Median and range of ``fn`` alone (when there is no reference to interleave)."""
    fn()
    number = number or _auto_number(fn)
    values = [_warm_calls(fn, number) for _ in range(repeat)]
    return Timing.of(values)


def best_time(fn: Callable[[], Any], repeat: int = 3, number: int = 1) -> float:
    """The best of ``repeat`` runs of ``number`` calls, in seconds per call.

    Prefer :func:`measure` (interleaved, medians and ranges) for a comparison.
    """
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        best = min(best, _calls(fn, number))
    return best


@dataclass
class Result:
    """One comparison. ``ratio`` > 1 means netsim is faster (or within budget).

    ``higher_is_better`` says how to read ``target``: for a throughput ratio
    (reference time / netsim time) the target is a minimum; for a cost ratio
    (netsim time / reference time) it is a maximum. ``ours``/``reference`` are
    seconds (medians when measured by :func:`measure`, whose ranges fill
    ``ours_range``, ``reference_range`` and ``ratio_range``).
    """

    name: str
    ours: float
    reference: float | None
    reference_name: str
    target: float | None = None
    higher_is_better: bool = True
    note: str = ""
    ours_range: tuple[float, float] | None = None
    reference_range: tuple[float, float] | None = None
    ratio_range: tuple[float, float] | None = None
    ratio_median: float | None = None
    unit: str = "s"  # "s": seconds; anything else: plain numbers in that unit

    @property
    def ratio(self) -> float | None:
        if self.reference is None:
            return None
        if self.ratio_median is not None:
            return self.ratio_median
        if self.higher_is_better:
            return self.reference / self.ours
        return self.ours / self.reference

    def verdict(self) -> str:
        if self.ratio is None or self.target is None:
            return ""
        ok = self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target
        return "meets" if ok else "MISSES"


def measure(name: str, ours: Callable[[], Any], reference: Callable[[], Any],
            reference_name: str, target: float | None = None, higher_is_better: bool = False,
            note: str = "", repeat: int = 7, number: int | None = None) -> Result:
    """Interleaved comparison (:func:`compare`) as a :class:`Result` with medians and
    ranges; the ratio is the median of the per-pair ratios (cost ratio by default:
    netsim time / reference time)."""
    t_ours, t_ref = compare(ours, reference, repeat=repeat, number=number)
    pairs = [(a / b) if not higher_is_better else (b / a)
             for a, b in zip(t_ours, t_ref, strict=True)]
    o, r = Timing.of(t_ours), Timing.of(t_ref)
    return Result(name, o.median, r.median, reference_name, target, higher_is_better, note,
                  ours_range=(o.low, o.high), reference_range=(r.low, r.high),
                  ratio_range=(min(pairs), max(pairs)), ratio_median=statistics.median(pairs))


def _seconds(t: float) -> str:
    """A time with a unit that keeps three significant digits."""
    if t >= 1:
        return f"{t:.3g} s"
    if t >= 1e-3:
        return f"{t * 1e3:.3g} ms"
    return f"{t * 1e6:.3g} µs"


def _span(value: float | None, rng: tuple[float, float] | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    show = _seconds if unit == "s" else (lambda v: f"{v:.4g} {unit}")
    text = show(value)
    if rng is not None:
        text += f" [{show(rng[0])}–{show(rng[1])}]"
    return text


def print_results(title: str, results: list[Result]) -> None:
    """The table: each side's median [min–max], the ratio [min–max] and the target."""
    print(f"\n== {title} ({blas_threads()})")
    print(f"{'benchmark':46} {'netsim':>26} {'reference':>26}  {'ratio':>20}  target")
    for r in results:
        if r.ratio is None:
            ratio, target = "-", ""
        else:
            kind = "speed-up" if r.higher_is_better else "cost"
            ratio = f"{r.ratio:.2f}x"
            if r.ratio_range is not None:
                ratio += f" [{r.ratio_range[0]:.2f}–{r.ratio_range[1]:.2f}]"
            sign = ">=" if r.higher_is_better else "<="
            target = (f"{sign} {r.target}x ({kind}) {r.verdict()}" if r.target else kind)
        print(f"{r.name:46} {_span(r.ours, r.ours_range, r.unit):>26} "
              f"{_span(r.reference, r.reference_range, r.unit):>26}  {ratio:>20}  {target}  "
              f"vs {r.reference_name}" + (f"  [{r.note}]" if r.note else ""))
