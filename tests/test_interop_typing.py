"""Type hints good enough for editors: every public function and method is annotated.

What an editor reads is checked here without a type checker: the annotations
themselves (the lists of known gaps may only shrink). Where mypy is installed it
also checks the interop modules and a small typed usage file (tests/typed_usage.py);
mypy is not a dependency, so that test skips without it.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import tomllib
import typing
from pathlib import Path

import pytest

import netsim as ns

ROOT = Path(__file__).resolve().parent.parent
TYPED = ["tests/typed_usage.py", "netsim/interop", "netsim/sklearn.py", "netsim/columns.py",
         "netsim/datasets"]

# Public callables still missing an annotation (parameter or return).
UNANNOTATED = {"Program.configuration_vector"}
# Public callables still returning ``Any`` (this list may only shrink).
RETURNS_ANY = {"Network.cached", "Run.value"}


def public_callables() -> list[tuple[str, typing.Any]]:
    found = []
    for name in ns.__all__:
        obj = getattr(ns, name)
        if inspect.isfunction(obj):
            found.append((name, obj))
        elif inspect.isclass(obj):
            found += [(f"{name}.{m}", v) for m, v in vars(obj).items()
                      if not m.startswith("_") and inspect.isfunction(v)]
    return found


def test_every_public_callable_is_annotated():
    missing = set()
    for name, func in public_callables():
        sig = inspect.signature(func)
        params = [p for p in sig.parameters.values() if p.name not in ("self", "cls")]
        if sig.return_annotation is inspect.Signature.empty or any(
                p.annotation is inspect.Parameter.empty for p in params):
            missing.add(name)
    assert missing <= UNANNOTATED, sorted(missing - UNANNOTATED)


def test_returns_say_what_they_return():
    vague = {name for name, func in public_callables()
             if inspect.signature(func).return_annotation in ("Any", typing.Any)}
    assert vague - {"Network.predict"} <= RETURNS_ANY, sorted(vague - RETURNS_ANY)


def test_predict_is_overloaded_on_as_frame():
    overloads = typing.get_overloads(ns.Network.predict)
    returns = [inspect.signature(f).return_annotation for f in overloads]
    assert returns == ["np.ndarray", "pandas.DataFrame", "np.ndarray | pandas.DataFrame"]


def test_interop_names_return_concrete_types():
    assert inspect.signature(ns.mlp_from_arrays).return_annotation == "Network"
    assert inspect.signature(ns.to_torch).return_annotation == "nn.Module"
    assert inspect.signature(ns.from_torch).return_annotation == "Network"
    assert inspect.signature(ns.Network.layer_weights).return_annotation == (
        "tuple[list[np.ndarray], list[np.ndarray]]")


def test_typed_usage_runs():
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "typed_usage.py")],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr


def test_mypy_is_clean_on_the_package_and_the_typed_use():
    # the configuration of pyproject.toml ([tool.mypy]: the package, tests/typed_usage.py,
    # the untyped third-party packages, the modules' remaining exceptions)
    api = pytest.importorskip("mypy.api")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    files = config["mypy"]["files"]
    assert {"netsim", "tests/typed_usage.py"} <= set(files)
    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                "--cache-dir", str(ROOT / ".mypy_cache"),
                                *(str(ROOT / f) for f in files)])
    assert status == 0, out + err


def test_the_typed_modules_stay_typed():
    # the interop edge has no exception in the mypy configuration (a ratchet elsewhere)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    excused = {m for o in config["mypy"]["overrides"] if "ignore_missing_imports" not in o
               for m in o["module"]}
    for path in TYPED:
        module = path.removesuffix(".py").replace("/", ".")
        assert not {m for m in excused if m == module or m.startswith(module + ".")}, path
