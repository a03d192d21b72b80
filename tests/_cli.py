"""Run the command line in-process: ``run_cli(capsys, "info", path) -> (code, out, err)``."""

from __future__ import annotations

from typing import Any

from netsim.cli import main


def run_cli(capsys: Any, *argv: object) -> tuple[int, str, str]:
    """``netsim ARGV...`` (arguments turned to strings); the exit code and the output."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
