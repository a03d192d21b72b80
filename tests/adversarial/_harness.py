"""Run hostile cases through the command line in a subprocess with a memory limit.

:func:`run_cases` starts ``_driver.py`` once for a whole group of cases (so the suite
stays fast: one interpreter start per group), with ``RLIMIT_AS`` = :data:`MEMORY`
(so no case may take more than ~1 GB) and one wall-time limit per case.
:func:`assert_refused` holds a result to the command line's promise for a user's
mistake: exit status 2, nothing on stdout, exactly one line on stderr, no traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("_driver.py")
MEMORY = 1 << 30  # bytes of address space for the driver process


def _limit_memory() -> None:  # runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_cases(cases: list[dict[str, Any]], cwd: Path, timeout: float = 110) -> list[dict]:
    """Run the cases in one driver process; one result dict per case, in order."""
    done = subprocess.run(
        [sys.executable, str(DRIVER)], input=json.dumps(cases).encode(), cwd=cwd,
        capture_output=True, timeout=timeout, env=child_env(), preexec_fn=_limit_memory,
        check=False,
    )
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    results = [json.loads(line) for line in lines if line.startswith("{")]
    if len(results) != len(cases):
        tail = done.stderr.decode("utf-8", "replace")[-2000:]
        raise AssertionError(
            f"the driver stopped after {len(results)} of {len(cases)} cases (status "
            f"{done.returncode}); next case: {cases[len(results)]}\n{tail}")
    return results


def describe(case: dict, result: dict) -> str:
    return f"{case} -> {result}"


def assert_refused(case: dict, result: dict, *, message: str | None = None) -> None:
    """Exit 2, empty stdout, one line on stderr naming the error, nothing escaped."""
    what = describe(case, result)
    assert "escaped" not in result, what
    assert result["status"] == 2, what
    assert result["out"] == "", what
    err = result["err"]
    assert err.endswith("\n") and err.count("\n") == 1, what
    assert "Traceback" not in err and "Warning" not in err, what
    assert err.startswith("netsim"), what
    if message is not None:
        assert message in err, what


def assert_ok(case: dict, result: dict) -> None:
    what = describe(case, result)
    assert "escaped" not in result, what
    assert result["status"] == 0, what
    assert result["err"] == "", what
