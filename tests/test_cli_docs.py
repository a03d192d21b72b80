"""Every ``$ netsim ...`` session shown in docs/cli.md runs as shown.

The sessions run in order in one directory that holds the files the page names
(``xor.json``, ``x.csv``, ``osc.json``, ``broken.json``, ``bad.csv``, ``majority.csv``
and ``examples/iris.csv``). Expected text is compared exactly; a JSON document is compared
as data; an error line must be the command's only stderr line, with exit status 2.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest

import netsim as ns
from netsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def fenced(language: str) -> list[str]:
    """The text of the page's code blocks opened by ```` ```language ````."""
    blocks: list[str] = []
    inside, keep, current = False, False, []
    for line in PAGE.splitlines(keepends=True):
        if line.startswith("```"):
            if inside and keep:
                blocks.append("".join(current))
            inside, keep, current = not inside, line.strip() == "```" + language, []
        elif inside:
            current.append(line)
    return blocks


def sessions() -> list[tuple[list[str], list[str]]]:
    """``(argv, expected lines)`` for every ``$ netsim`` command of the page, in order."""
    out = []
    for block in fenced(""):
        lines = block.replace("\\\n", " ").splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                i += 1
                continue
            command = lines[i][2:]
            j = i + 1
            while j < len(lines) and not lines[j].startswith("$ "):
                j += 1
            if command.startswith("netsim "):
                out.append((shlex.split(command)[1:], lines[i + 1:j]))
            i = j
    return out


SESSIONS = sessions()


def test_the_page_shows_every_command():
    shown = {argv[0] for argv, _ in SESSIONS}
    assert shown >= {"new", "info", "validate", "run", "train", "attractors"}
    assert "To be written" not in PAGE


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli_docs")
    ns.save(ns.zoo.xor(), d / "xor.json")
    (d / "x.csv").write_text("x1,x2\n0,0\n0,1\n1,0\n1,1\n", encoding="utf-8")
    (d / "bad.csv").write_text("a,b\n1,zz\n", encoding="utf-8")
    (d / "majority.csv").write_text("a,b,c,majority\n0,1,1,1\n1,0,1,1\n1,1,0,1\n1,1,1,1\n",
                                    encoding="utf-8")
    (osc,) = fenced("json")
    (d / "osc.json").write_text(osc, encoding="utf-8")
    assert ns.to_dict(ns.load(d / "osc.json")) == ns.to_dict(ns.zoo.mutual_inhibition())
    broken = {
        "format": "netsim-network", "version": 1, "name": "broken",
        "neurons": [{"id": "a"}, {"id": "b"}],
        "connections": [{"from": "a", "to": "b", "weight": 1.0},
                        {"from": "a", "to": "bb", "weight": 1.0}],
        "inputs": ["a"], "outputs": ["b"],
    }
    (d / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    (d / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "iris.csv", d / "examples" / "iris.csv")
    return d


def test_sessions_run_as_shown(workdir, capsys, monkeypatch):
    monkeypatch.chdir(workdir)
    for argv, expected in SESSIONS:
        capsys.readouterr()
        code = main(argv)
        out, err = capsys.readouterr()
        where = "netsim " + " ".join(argv)
        errors = [e for e in expected if e.startswith("netsim: error:")]
        if errors:
            assert code == 2 and len(err.splitlines()) == 1, (where, err)
            (line,) = errors
            if line.endswith("..."):
                assert err.startswith(line[:-3]), (where, err)
            else:
                assert err.rstrip("\n") == line, (where, err)
            continue
        assert code == 0 and err == "", (where, err)
        if not expected:
            continue
        if expected[0].startswith("{"):
            assert json.loads(out) == json.loads("\n".join(expected)), where
        else:
            got = [g.rstrip() for g in out.rstrip("\n").splitlines()]
            assert got == [e.rstrip() for e in expected], where
