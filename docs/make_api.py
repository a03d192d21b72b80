"""Write docs/api.md, the API reference, from the numpydoc docstrings.

    python docs/make_api.py            # rewrite docs/api.md
    python docs/make_api.py --check    # exit 1 if docs/api.md is out of date

Every name in ``netsim.__all__`` is listed under the module that defines it, then the
modules used by their own name (``netsim.zoo``, ``netsim.datasets``,
``netsim.sklearn``, ``netsim.interop.pytorch``, ``netsim.columns``). A class shows its
public methods and properties. The numpydoc sections become bold headings and lists,
examples become ``pycon`` blocks (the doctests run them: tests/test_doctests.py). A
public name or class without a docstring is an error, so the reference cannot
silently lose an entry (a method or property may go without), and so is a
cross-reference (``:func:`x```, ``:class:`x``` …) that names nothing. Needs only the
standard library (and the optional libraries the bridges import: scikit-learn, torch).
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "api.md"
# modules documented whole, by their own name (not re-exported at the top level)
MODULES = ["netsim.zoo", "netsim.datasets", "netsim.sklearn", "netsim.interop.pytorch",
           "netsim.columns"]
SECTIONS = ("Parameters", "Returns", "Yields", "Raises", "Attributes", "Examples", "Notes",
            "See Also", "Warns", "Other Parameters", "References")
LISTS = ("Parameters", "Returns", "Yields", "Raises", "Attributes", "Warns",
         "Other Parameters")


ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|exc|obj):`~?([^`]+)`")


def resolves(target: str, module: str, owner: Any) -> bool:
    """Whether a cross-reference names something that exists (in context)."""
    target = target.strip().removesuffix("()")
    if owner is not None:  # a member of the documented class, or a dataclass field
        fields = getattr(owner, "__dataclass_fields__", {})
        head = target.split(".")[0]
        if hasattr(owner, head) or head in fields:
            return True
    for candidate in (target, f"{module}.{target}", f"netsim.{target}"):
        parts = candidate.split(".")
        for k in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:k]))
            except ImportError:
                continue
            try:
                for part in parts[k:]:
                    fields = getattr(obj, "__dataclass_fields__", {})
                    obj = fields[part] if part in fields else getattr(obj, part)
            except AttributeError:
                break
            return True
    return False


BROKEN: list[str] = []


def check_references(doc: str, name: str, module: str, owner: Any) -> None:
    for target in ROLE.findall(doc):
        if not resolves(target, module, owner):
            BROKEN.append(f"{name}: {target}")


def inline(text: str) -> str:
    """RST inline markup → Markdown: roles and double backticks become code."""
    text = re.sub(r":(?:func|class|meth|mod|attr|data|exc|obj):`~?([^`]+)`", r"`\1`", text)
    return text.replace("``", "`")


def render_doc(doc: str) -> list[str]:
    """A numpydoc docstring as Markdown lines."""
    lines = doc.splitlines()
    out: list[str] = []
    section = ""
    k = 0
    while k < len(lines):
        line = lines[k]
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if line.strip() in SECTIONS and set(nxt.strip()) == {"-"}:
            section = line.strip()
            out += ["", f"**{section}**", ""]
            k += 2
            continue
        if line.lstrip().startswith(">>>"):
            block = []
            while k < len(lines) and lines[k].strip():
                block.append(lines[k])
                k += 1
            indent = min(len(b) - len(b.lstrip()) for b in block)
            out += ["```pycon", *(b[indent:] for b in block), "```"]
            continue
        if re.fullmatch(r"\s*=+(\s+=+)+\s*", line):  # an RST table: keep it as text
            block = []
            while k < len(lines) and lines[k].strip():
                block.append(lines[k])
                k += 1
            out += ["```text", *block, "```"]
            continue
        if section in LISTS and re.fullmatch(r"[\w*][\w*, .\[\]]*( : .+)?", line):
            desc = []
            k += 1
            while k < len(lines) and (lines[k].startswith(" ") or not lines[k].strip()):
                if lines[k].strip():
                    desc.append(lines[k].strip())
                elif k + 1 < len(lines) and not lines[k + 1].startswith(" "):
                    break
                k += 1
            text = f"- `{line.strip()}`"
            out.append(text + (f": {inline(' '.join(desc))}" if desc else ""))
            continue
        out.append(inline(line.strip() if section in LISTS else line))
        k += 1
    return out


def signature(obj: Any, name: str) -> str:
    try:
        sig = str(inspect.signature(obj))
    except (TypeError, ValueError):
        sig = "(...)"
    sig = re.sub(r" at 0x[0-9a-f]+", "", sig)  # object addresses differ between runs
    # postponed annotations are strings: show them as written, not quoted
    sig = re.sub(r"(: |-> )'([^']*)'", r"\1\2", sig)
    return f"{name}{sig}"


def entry(obj: Any, name: str, level: int, member: bool = False, owner: Any = None
          ) -> list[str]:
    doc = inspect.getdoc(obj)
    if not doc and not member:  # methods and properties may be self-explanatory
        raise SystemExit(f"make_api: {name} has no docstring")
    doc = doc or ""
    func = obj.fget if isinstance(obj, property) else obj
    module = getattr(func, "__module__", None) or getattr(owner, "__module__", "netsim")
    check_references(doc, name, module, owner if owner is not None else (
        obj if inspect.isclass(obj) else None))
    head = "#" * level
    if isinstance(obj, property):
        return [f"{head} `{name}` (property)", "", *render_doc(doc), ""]
    target = obj.__init__ if inspect.isclass(obj) else obj
    sig = signature(target, name)
    if inspect.isclass(obj):
        sig = sig.replace("(self, ", "(").replace("(self)", "()").removesuffix(" -> None")
    out = [f"{head} `{name}`", "", "```python", sig, "```", "", *render_doc(doc), ""]
    if inspect.isclass(obj):
        for member, value in vars(obj).items():
            if member.startswith("_") or not (inspect.isfunction(value)
                                               or isinstance(value, property)):
                continue
            if isinstance(value, property):
                out += entry(value, f"{name}.{member}", level + 1, member=True, owner=obj)
            else:
                sub = entry(value, f"{name}.{member}", level + 1, member=True, owner=obj)
                sub[3] = sub[3].replace("(self, ", "(").replace("(self)", "()")
                out += sub
    return out


def public(module: Any) -> list[tuple[str, Any]]:
    names = getattr(module, "__all__", [])
    return [(n, getattr(module, n)) for n in names]


def render() -> str:
    BROKEN.clear()
    netsim = importlib.import_module("netsim")
    out = [
        "# API reference",
        "",
        "<!-- generated from the docstrings by docs/make_api.py; do not edit by hand -->",
        "",
        f"netsim {netsim.__version__}. Generated from the numpydoc docstrings by "
        "`python docs/make_api.py` (a test checks that this page is up to date). "
        "`import netsim as ns`: every name below `netsim` is `ns.<name>`; the modules "
        "at the end are used by their own name. The hand-written pages explain the "
        "concepts; see [index.md](index.md).",
        "",
    ]
    by_module: dict[str, list[tuple[str, Any]]] = {}
    constants: list[tuple[str, Any]] = []
    for name, obj in public(netsim):
        if inspect.ismodule(obj):
            continue
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            constants.append((name, obj))
            continue
        by_module.setdefault(obj.__module__, []).append((name, obj))
    out += ["## Contents", ""]
    out += [f"- `{m}`: " + ", ".join(f"`{n}`" for n, _ in items)
            for m, items in sorted(by_module.items())]
    out += [f"- `{m}` (module)" for m in MODULES]
    out += ["", "## Registries and constants", "", "| name | what |", "| --- | --- |"]
    for name, obj in constants:
        doc = (inspect.getdoc(type(obj)) or "").splitlines()[0] if not isinstance(
            obj, tuple | frozenset | dict) else f"{type(obj).__name__}: {', '.join(map(str, obj))}"
        out.append(f"| `{name}` | {inline(doc)} |")
    out.append("")
    for module, items in sorted(by_module.items()):
        out += [f"## {module}", ""]
        for name, obj in items:
            out += entry(obj, name, 3)
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        check_references(inspect.getdoc(module) or "", module_name, module_name, None)
        out += [f"## {module_name} (module)", "", *render_doc(inspect.getdoc(module) or ""), ""]
        for name, obj in public(module):
            if inspect.isclass(obj) or inspect.isfunction(obj):
                out += entry(obj, f"{module_name}.{name}", 3)
    if BROKEN:
        raise SystemExit("make_api: references to nothing: " + "; ".join(BROKEN))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip() + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    text = render()
    if argv == ["--check"]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("docs/api.md is out of date: run python docs/make_api.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
