"""Ensemble studies: one analysis over many random networks, on Dask.

:func:`ensemble_study` builds ``n`` networks with ``make_net(seed)`` and measures each
with ``analyse(net)``; the results come back as a tidy table (one row per network and
measure) with a summary per measure.

- **Seeds.** Member ``i`` gets the seed ``member_seed(seed, i)`` (from
  ``numpy.random.SeedSequence([seed, i])``), whatever the scheduler, the number of
  workers or the chunking: the same ``seed`` gives the same table everywhere.
- **Where it runs.** By default on Dask's local multiprocessing scheduler (all cores,
  no set-up; ``scheduler="threads"`` for analyses that release the GIL); on a cluster
  when a ``distributed.Client`` is passed; or in-process without Dask with
  ``scheduler="synchronous"`` (the fallback when Dask is not installed:
  ``pip install netsim[ensemble]`` adds it). Members are sent in chunks (about four
  per worker) so that each task carries enough work to pay for its scheduling. The
  process scheduler spawns fresh interpreters: scripts need an
  ``if __name__ == "__main__":`` guard, and small studies run faster in-process.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..checks import keywords
from ..errors import NetsimError, ParameterError
from ..limits import MAX_MEMBERS, check_count
from ..network import Network

__all__ = [
    "SCHEDULERS",
    "EnsembleResult",
    "attractor_measures",
    "ensemble_study",
    "member_seed",
]

SCHEDULERS = ("processes", "threads", "synchronous")


def member_seed(seed: int, index: int) -> int:
    """The seed of ensemble member ``index`` (independent of scheduling).

    >>> member_seed(0, 0) == member_seed(0, 0) != member_seed(0, 1)
    True
    """
    return int(np.random.SeedSequence([seed, index]).generate_state(1, np.uint32)[0])


def attractor_measures(net: Network) -> dict[str, float]:
    """Attractor statistics of the exhaustive parallel analysis, for ensemble studies.

    Returns ``n_attractors``, ``n_fixed_points``, ``mean_period``, ``max_period``,
    ``max_transient`` and ``largest_basin`` (the fraction of states in the largest
    basin).

    Examples
    --------
    >>> import netsim as ns
    >>> from netsim.analyse.ensemble import attractor_measures
    >>> attractor_measures(ns.hopfield([[1, -1, 1, -1]]))["n_fixed_points"]
    2
    """
    from .statespace import attractors

    result = attractors(net)
    periods = result.periods
    assert result.transient is not None
    return {
        "n_attractors": len(periods),
        "n_fixed_points": len(result.fixed_points),
        "mean_period": float(np.mean(periods)),
        "max_period": int(max(periods)),
        "max_transient": int(result.transient.max(initial=0)),
        "largest_basin": max(result.basin_sizes) / result.n_states,
    }


def _measure_rows(index: int, seed: int, measured: Any) -> list[dict[str, Any]]:
    items = list(measured.items()) if isinstance(measured, Mapping) else [("value", measured)]
    rows = []
    for key, value in items:
        if isinstance(value, bool | np.bool_):
            value = int(value)
        if not isinstance(value, int | float | np.integer | np.floating):
            raise ParameterError(
                f"analyse must return a number or a mapping of names to numbers, but member "
                f"{index} gave {type(value).__name__} {value!r} for {key!r}"
            )
        value = value.item() if isinstance(value, np.generic) else value
        rows.append({"member": index, "seed": seed, "measure": str(key), "value": value})
    return rows


def _run_chunk(
    make_net: Callable[[int], Network],
    analyse: Callable[[Network], Any],
    seed: int,
    indices: Sequence[int],
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in indices:
        s = member_seed(seed, i)
        net = make_net(s)
        if not isinstance(net, Network):
            raise ParameterError(
                f"make_net must return a Network, but member {i} gave {type(net).__name__}"
            )
        rows.extend(_measure_rows(i, s, analyse(net)))
    return rows


@dataclass(eq=False)
class EnsembleResult:
    """The result of :func:`ensemble_study`: a tidy table and its summary.

    Attributes
    ----------
    rows : list of dict
        One row per member and measure: ``member``, ``seed``, ``measure``, ``value``,
        ordered by member (then in the order ``analyse`` returned the measures).
    n : int
        Number of members.
    seed : int
        The study's seed.
    """

    rows: list[dict[str, Any]]
    n: int
    seed: int

    @property
    def measures(self) -> list[str]:
        """The measure names, in first-seen order."""
        return list(dict.fromkeys(r["measure"] for r in self.rows))

    def values(self, measure: str) -> np.ndarray:
        """One value per member (NaN where a member has no such measure)."""
        if measure not in self.measures:
            raise ParameterError(
                f"no measure {measure!r}; measures: {', '.join(self.measures)}"
            )
        out = np.full(self.n, np.nan)
        for r in self.rows:
            if r["measure"] == measure:
                out[r["member"]] = r["value"]
        return out

    def summary(self) -> dict[str, dict[str, float]]:
        """Per measure: count, mean, std (ddof=1), min, median, max."""
        out = {}
        for m in self.measures:
            v = self.values(m)
            v = v[~np.isnan(v)]
            out[m] = {
                "count": len(v),
                "mean": float(v.mean()),
                "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
                "min": float(v.min()),
                "median": float(np.median(v)),
                "max": float(v.max()),
            }
        return out

    def table(self) -> str:
        """The summary as text, one line per measure."""
        head = f"{self.n} networks (seed {self.seed})"
        cols = f"{'measure':<20} {'mean':>10} {'std':>10} {'min':>10} {'median':>10} {'max':>10}"
        lines = [head, cols]
        for m, s in self.summary().items():
            lines.append(
                f"{m:<20} {s['mean']:>10.4g} {s['std']:>10.4g} {s['min']:>10.4g} "
                f"{s['median']:>10.4g} {s['max']:>10.4g}"
            )
        return "\n".join(lines)

    def to_pandas(self) -> Any:
        """The tidy table as a ``pandas.DataFrame`` (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - the test environment has it
            raise NetsimError("to_pandas needs pandas: pip install pandas") from None
        return pd.DataFrame(self.rows, columns=["member", "seed", "measure", "value"])

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the tidy table as CSV (atomically)."""
        from ..io.atomic import atomic_write_text

        lines = ["member,seed,measure,value"]
        lines += [f"{r['member']},{r['seed']},{r['measure']},{r['value']!r}" for r in self.rows]
        atomic_write_text(path, "\n".join(lines) + "\n")


@keywords
def ensemble_study(
    make_net: Callable[[int], Network],
    analyse: Callable[[Network], Any],
    n: int = 1000,
    client: Any = None,
    *,
    seed: int = 0,
    scheduler: str = "processes",
    chunk: int | None = None,
) -> EnsembleResult:
    """Measure ``n`` random networks, in parallel on Dask.

    Parameters
    ----------
    make_net : callable
        ``make_net(seed) -> Network``: builds member ``i`` from its seed
        ``member_seed(seed, i)`` (e.g. ``lambda s: ns.random_threshold_network(20, 2,
        seed=s)``).
    analyse : callable
        ``analyse(net)`` returns a number or a mapping of measure names to numbers
        (e.g. :func:`attractor_measures`).
    n : int
        Number of networks.
    client : distributed.Client, optional
        Run on this Dask cluster; by default the local scheduler below is used.
    seed : int
        The study's seed; the same seed gives the same table on any scheduler.
    scheduler : {"processes", "threads", "synchronous"}
        Without ``client``: Dask's local multiprocessing scheduler (default, all
        cores), its thread pool, or an in-process loop that needs no Dask.
    chunk : int, optional
        Members per task (default: about four tasks per worker).

    Returns
    -------
    EnsembleResult

    Examples
    --------
    >>> import netsim as ns
    >>> study = ns.ensemble_study(
    ...     lambda s: ns.random_threshold_network(8, 2, seed=s),
    ...     ns.analyse.ensemble.attractor_measures, n=20, scheduler="synchronous")
    >>> study.n, study.measures[:2]
    (20, ['n_attractors', 'n_fixed_points'])
    >>> study.rows[0]["member"], study.rows[0]["measure"]
    (0, 'n_attractors')
    """
    n = check_count(n, "n", 1, MAX_MEMBERS)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be an integer >= 0, got {seed!r}")
    if not callable(make_net) or not callable(analyse):
        bad = "make_net" if not callable(make_net) else "analyse"
        raise ParameterError(f"{bad} must be a function")
    if scheduler not in SCHEDULERS:
        raise ParameterError(
            f"scheduler must be one of {', '.join(SCHEDULERS)}, got {scheduler!r}"
        )
    if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1):
        raise ParameterError(f"chunk must be an integer >= 1, got {chunk!r}")
    n, seed = int(n), int(seed)
    if client is None and scheduler == "synchronous":
        rows = _run_chunk(make_net, analyse, seed, range(n))
        return EnsembleResult(rows, n, seed)
    workers = (os.cpu_count() or 1) if client is None else sum(client.nthreads().values())
    workers = max(1, workers)
    size = chunk or max(1, math.ceil(n / (4 * workers)))
    parts = [list(range(a, min(n, a + size))) for a in range(0, n, size)]
    if client is not None:
        futures = [
            client.submit(_run_chunk, make_net, analyse, seed, part, pure=False)
            for part in parts
        ]
        results = client.gather(futures)
    else:
        try:
            import dask
        except ImportError:
            raise NetsimError(
                "ensemble_study runs on Dask: pip install netsim[ensemble] (or pass "
                "scheduler='synchronous' to run in this process)"
            ) from None
        tasks = [dask.delayed(_run_chunk)(make_net, analyse, seed, part) for part in parts]
        results = dask.compute(*tasks, scheduler=scheduler)
    rows = [row for part in results for row in part]
    return EnsembleResult(rows, n, seed)
