"""Shared helpers of the benchmark scripts: best-of timing and a ratio table.

A benchmark never asserts a time. It measures netsim and its reference side by side,
in the same process on the same data, and prints the ratio against the target.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Result", "best_time", "print_results"]


def best_time(fn: Callable[[], Any], repeat: int = 3, number: int = 1) -> float:
    """The best of ``repeat`` runs of ``number`` calls, in seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


@dataclass
class Result:
    """One comparison. ``ratio`` > 1 means netsim is faster (or within budget).

    ``higher_is_better`` says how to read ``target``: for a throughput ratio
    (reference time / netsim time) the target is a minimum; for a cost ratio
    (netsim time / reference time) it is a maximum.
    """

    name: str
    ours: float
    reference: float | None
    reference_name: str
    target: float | None = None
    higher_is_better: bool = True
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.reference is None:
            return None
        if self.higher_is_better:
            return self.reference / self.ours
        return self.ours / self.reference

    def verdict(self) -> str:
        if self.ratio is None or self.target is None:
            return ""
        ok = self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target
        return "meets" if ok else "MISSES"


def print_results(title: str, results: list[Result]) -> None:
    print(f"\n== {title}")
    print(f"{'benchmark':44} {'netsim':>10} {'reference':>10}  {'ratio':>8}  target")
    for r in results:
        ref = f"{r.reference:10.4f}" if r.reference is not None else f"{'-':>10}"
        if r.ratio is None:
            ratio, target = f"{'-':>8}", ""
        else:
            kind = "speed-up" if r.higher_is_better else "cost"
            ratio = f"{r.ratio:7.2f}x"
            sign = ">=" if r.higher_is_better else "<="
            target = (f"{sign} {r.target}x ({kind}) {r.verdict()}" if r.target else kind)
        print(f"{r.name:44} {r.ours:10.4f} {ref}  {ratio}  {target}  vs {r.reference_name}"
              + (f"  [{r.note}]" if r.note else ""))
