"""Every typed option of every command, given hostile values.

The options are found by walking the real argument parser, so a new option is covered
without a list to keep. Each value must give a quick success or one line and status
2 — never a traceback, a warning on stderr, a hang or an output file left half-done.
"""

from __future__ import annotations

import argparse

import pytest
from _harness import assert_refused, run_cases

import netsim as ns
from netsim.cli import build_parser

VALUES = ["1" + "0" * 30, "-1", "1e400", "nan", "-inf", "0", "9" * 5000, "\udcff", ""]

BASE = {
    "new mlp": ["new", "mlp", "2-2", "-o", "o.json"],
    "run": ["run", "xor.json", "--input", "1", "0"],
    "train": ["train", "mlp.json", "data.csv", "-o", "t.json", "--epochs", "2"],
    "render": ["render", "xor.json", "-o", "r.dot"],
    "attractors": ["attractors", "osc.json"],
    "demo": ["demo"],
    "new matrix": ["new", "matrix", "W.csv", "-o", "m.json"],
    "view": ["view", "xor.json", "--input", "1", "0", "-o", "v.html"],
}


def _options() -> list[tuple[str, str, object]]:
    parser = build_parser()
    found = []

    def walk(name: str, p: argparse.ArgumentParser) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, sp in action.choices.items():
                    walk(f"{name} {sub}".strip(), sp)
            elif action.type is not None and action.option_strings:
                found.append((name, action.option_strings[0], action.nargs))

    walk("", parser)
    return found


OPTIONS = _options()


def _argv(command: str, option: str, nargs: object, value: str) -> list[str]:
    argv = list(BASE[command])
    if option == "--input":  # replace the input values
        argv = [a for a in argv if a not in ("--input", "1", "0")]
        return [*argv, option, value, value]
    if option == "--sample":
        argv = ["run", "xor.json", "--inputs", "x.csv", "--trace"]
    if command == "render" and option in ("--steps", "--max-steps", "--seed"):
        argv += ["--input", "1", "0"]
    if command in ("run", "view") and option == "--seed":
        argv += ["--rule", "sequential", "--order", "random"]
    if command == "view" and option == "--sample":
        argv = ["view", "xor.json", "--inputs", "x.csv", "-o", "v.html"]
    if command == "attractors" and option in ("--max-period", "--time-limit"):
        argv += ["--solver"]
    if command == "attractors" and option == "--seed":
        argv += ["--sample", "20"]
    return [*argv, option, value]


def test_every_typed_option_is_covered():
    assert {c for c, _, _ in OPTIONS} == set(BASE)
    assert len(OPTIONS) >= 20


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_options")
    ns.save(ns.zoo.xor(), tmp / "xor.json")
    ns.save(ns.mlp("2-2-1", seed=0), tmp / "mlp.json")
    ns.save(ns.zoo.build("mutual-inhibition"), tmp / "osc.json")
    (tmp / "data.csv").write_text("x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    (tmp / "x.csv").write_text("x1,x2\n0,0\n1,1\n", encoding="utf-8")
    (tmp / "W.csv").write_text("0,-1\n-1,0\n", encoding="utf-8")
    cases = [{"argv": _argv(c, o, n, v), "seconds": 15} for c, o, n in OPTIONS for v in VALUES]
    return tmp, cases, run_cases(cases, cwd=tmp, timeout=300)


@pytest.mark.parametrize("k", range(len(OPTIONS)), ids=[f"{c} {o}" for c, o, _ in OPTIONS])
def test_hostile_values(results, k):
    tmp, cases, out = results
    for j in range(len(VALUES)):
        case, result = cases[k * len(VALUES) + j], out[k * len(VALUES) + j]
        assert result["seconds"] < 10, (case, result)
        if result.get("status") == 0 and "escaped" not in result:
            assert "Warning" not in result["err"] and "Traceback" not in result["err"]
        else:
            assert_refused(case, result)
    assert not [p for p in tmp.rglob("*") if p.name.endswith(".tmp")]


# --- options that take text (names, ids, column lists, paths) -----------------------

TEXTS = ["", "-1", "9" * 5000, "\udcff", "<script>alert(1)</script>", '"; PWNED [image="x"]',
         "a,a,a", "../../../etc/passwd", "nul\x01", "x" * 300]

TEXT_BASE = {
    **BASE,
    "new zoo": ["new", "zoo", "xor", "-o", "z.json"],
    "new hopfield": ["new", "hopfield", "P.csv", "-o", "h.json"],
    "new boolean": ["new", "boolean", "data.csv", "-o", "b.json"],
    "evaluate": ["evaluate", "mlp.json", "data.csv"],
}


def _text_options() -> list[tuple[str, str]]:
    parser = build_parser()
    found = []

    def walk(name: str, p: argparse.ArgumentParser) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, sp in action.choices.items():
                    walk(f"{name} {sub}".strip(), sp)
            elif (action.type is None and action.option_strings and action.nargs != 0
                  and not action.choices
                  and not isinstance(action, argparse._HelpAction | argparse._VersionAction)):
                found.append((name, action.option_strings[0]))

    walk("", parser)
    return found


TEXT_OPTIONS = _text_options()


def _text_argv(command: str, option: str, value: str) -> list[str]:
    argv = list(TEXT_BASE[command])
    if option in ("-o", "--output"):  # replace the output
        k = argv.index("-o")
        argv = argv[:k] + argv[k + 2:]
    if option == "--inputs" and command in ("run", "view"):
        argv = [a for a in argv if a not in ("--input", "1", "0")]
    if option in ("--order",):
        argv += ["--rule", "sequential"]
    if command == "evaluate" and option == "--classes":
        argv = ["evaluate", "mlp.json", "data.csv"]
    return [*argv, option, value]


def test_every_text_option_is_covered():
    assert {c for c, _ in TEXT_OPTIONS} <= set(TEXT_BASE)
    assert len(TEXT_OPTIONS) >= 25


@pytest.fixture(scope="module")
def text_results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_text_options")
    ns.save(ns.zoo.xor(), tmp / "xor.json")
    ns.save(ns.mlp("2-2-1", seed=0), tmp / "mlp.json")
    ns.save(ns.zoo.build("mutual-inhibition"), tmp / "osc.json")
    (tmp / "data.csv").write_text("x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    (tmp / "x.csv").write_text("x1,x2\n0,0\n1,1\n", encoding="utf-8")
    (tmp / "W.csv").write_text("0,-1\n-1,0\n", encoding="utf-8")
    (tmp / "P.csv").write_text("1,-1,1,-1\n1,1,-1,-1\n", encoding="utf-8")
    cases = [{"argv": _text_argv(c, o, v), "seconds": 15} for c, o in TEXT_OPTIONS
             for v in TEXTS]
    return tmp, cases, run_cases(cases, cwd=tmp, timeout=300)


@pytest.mark.parametrize("k", range(len(TEXT_OPTIONS)),
                         ids=[f"{c} {o}" for c, o in TEXT_OPTIONS])
def test_hostile_texts(text_results, k):
    tmp, cases, out = text_results
    for j in range(len(TEXTS)):
        case, result = cases[k * len(TEXTS) + j], out[k * len(TEXTS) + j]
        assert result["seconds"] < 10, (case, result)
        if result.get("status") == 0 and "escaped" not in result:
            assert result["err"] == "", (case, result)
            assert "PWNED [" not in result["out"] or '"; PWNED' in result["out"]
        else:
            assert_refused(case, result)
    assert not [p for p in tmp.rglob("*") if p.name.endswith(".tmp")]
