"""Every public function of ``netsim``, each required argument replaced by a hostile
value in turn: the only exceptions allowed are ``NetsimError`` (and ``OSError`` for a
file that is not there). The functions are found in ``ns.__all__``, so a new one is
covered without a list to keep."""

from __future__ import annotations

import inspect
import warnings

import pytest

import netsim as ns

HOSTILE = [None, "xor.json", 3, [[0.0, 0.0]], 10**400, [[1, 2], [3]], {"a": 1}, -1,
           float("nan"), b"\xff", object()]


def _functions():
    for name in ns.__all__:
        f = getattr(ns, name)
        if not callable(f) or inspect.isclass(f):
            continue
        params = list(inspect.signature(f).parameters.values())
        required = [p for p in params if p.default is inspect.Parameter.empty
                    and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if required:
            yield name, f, required


FUNCTIONS = list(_functions())


def test_the_public_functions_are_found():
    names = {name for name, _, _ in FUNCTIONS}
    assert {"run", "train", "gradient", "attractors", "load", "save", "hopfield",
            "read_samples", "fixed_points", "write_dot"} <= names


@pytest.mark.parametrize(("name", "f", "required"), FUNCTIONS, ids=[n for n, _, _ in FUNCTIONS])
def test_hostile_arguments_give_a_netsim_error(name, f, required, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a function that writes a file writes it here
    for pos in range(len(required)):
        for bad in HOSTILE:
            args = [ns.zoo.xor() if p.name == "net" else [[0.0, 0.0]] for p in required]
            args[pos] = bad
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    f(*args)
                except (ns.NetsimError, FileNotFoundError):
                    pass
                except Exception as exc:
                    pytest.fail(f"ns.{name}: {required[pos].name}={bad!r:.30}: "
                                f"{type(exc).__name__}: {exc}")


def _methods():
    for name, method in inspect.getmembers(ns.Network, predicate=inspect.isfunction):
        if name.startswith("_") or name in ("cached", "install"):  # cache plumbing
            continue
        params = list(inspect.signature(method).parameters.values())[1:]
        required = [p for p in params if p.default is inspect.Parameter.empty
                    and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if required:
            yield name, required


METHODS = list(_methods())


@pytest.mark.parametrize(("name", "required"), METHODS, ids=[n for n, _ in METHODS])
def test_hostile_arguments_to_network_methods(name, required, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for pos in range(len(required)):
        for bad in HOSTILE:
            net = ns.zoo.xor()
            args = ["x1"] * len(required)
            args[pos] = bad
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    getattr(net, name)(*args)
                except (ns.NetsimError, FileNotFoundError):
                    pass
                except Exception as exc:
                    pytest.fail(f"Network.{name}: {required[pos].name}={bad!r:.30}: "
                                f"{type(exc).__name__}: {exc}")
