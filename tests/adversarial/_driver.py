"""Run many hostile cases in one process: the CLI's ``main`` or a Python snippet each.

Started by :mod:`_harness` in a subprocess with a memory limit (``RLIMIT_AS``); reads
a JSON list of cases on stdin and prints one JSON result per line:

- ``{"argv": [...]}`` — ``netsim.cli.main(argv)`` with stdout and stderr captured in
  strict UTF-8 text streams (so an unencodable character would fail, as on a
  terminal); the result has the exit ``status``, ``out``, ``err`` and, if anything
  escaped ``main``, ``escaped`` (the exception type: a traceback for the user).
- ``{"python": "code"}`` — the code runs with ``ns`` (netsim) and ``np`` imported;
  the result names the exception type raised (``raised``) and whether it is a
  ``NetsimError`` (``netsim_error``) and its message.

A case may set environment variables for its duration (``"env"``, e.g.
``NETSIM_MEMORY_LIMIT`` to make a memory refusal quick to reach). Every case has
``seconds`` (default 20) of wall time (SIGALRM), reported as
``"escaped": "Timeout"``.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import time


class Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise Timeout


def _stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")


def _text(stream: io.TextIOWrapper) -> str:
    try:
        stream.flush()
    except Exception:
        return "<unencodable output>"
    return stream.buffer.getvalue().decode("utf-8", "replace")


def run_argv(argv: list[str]) -> dict:
    from netsim.cli import main

    out, err = _stream(), _stream()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    result: dict = {}
    try:
        result["status"] = main(argv)
    except SystemExit as exc:
        result["status"] = exc.code
        result["escaped"] = "SystemExit"
    except BaseException as exc:
        result["escaped"] = type(exc).__name__
        result["message"] = str(exc)[:300]
    finally:
        sys.stdout, sys.stderr = saved
    result["out"], result["err"] = _text(out), _text(err)
    return result


def run_python(code: str) -> dict:
    import numpy as np

    import netsim as ns

    try:
        exec(code, {"ns": ns, "np": np})
    except ns.NetsimError as exc:
        return {"raised": type(exc).__name__, "netsim_error": True, "message": str(exc)}
    except BaseException as exc:
        if isinstance(exc, Timeout):
            raise
        return {"raised": type(exc).__name__, "netsim_error": False, "message": str(exc)[:300]}
    return {"raised": None}


def main() -> None:
    cases = json.load(sys.stdin)
    signal.signal(signal.SIGALRM, _alarm)
    for case in cases:
        start = time.monotonic()
        signal.alarm(int(case.get("seconds", 20)))
        saved_env = dict(os.environ)
        os.environ.update(case.get("env", {}))
        try:
            result = run_argv(case["argv"]) if "argv" in case else run_python(case["python"])
        except Timeout:
            result = {"escaped": "Timeout"}
        except MemoryError:
            result = {"escaped": "MemoryError"}
        finally:
            signal.alarm(0)
            os.environ.clear()
            os.environ.update(saved_env)
        result["seconds"] = round(time.monotonic() - start, 3)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
