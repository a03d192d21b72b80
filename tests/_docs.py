"""Run documentation code as a reader would: each page's Python blocks as one script.

The blocks of a page run in order in a fresh interpreter (``sys.executable``) in a
temporary directory, with only the repository on ``PYTHONPATH`` — no ``exec`` in the
test process, and nothing a page registers or writes leaks into the tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def code_blocks(path: Path, language: str = "python") -> list[str]:
    """The fenced ``language`` blocks of a markdown file, in order."""
    text = path.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def run_python(code: str, cwd: Path, *, path: str | None = None,
               name: str = "example.py") -> subprocess.CompletedProcess[str]:
    """Run ``code`` as the script ``cwd/name``; ``path`` replaces ``PATH`` when given."""
    script = cwd / name
    script.write_text(code, encoding="utf-8")
    env = {"PYTHONPATH": str(ROOT),
           "PATH": os.environ.get("PATH", "") if path is None else path}
    return subprocess.run([sys.executable, str(script)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def run_page(page: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run every Python block of ``page`` in order, as one script; fail if it has none."""
    blocks = code_blocks(page)
    assert blocks, f"{page.name} has no Python blocks"
    return run_python("\n".join(blocks), cwd, name=page.stem + "_page.py")
