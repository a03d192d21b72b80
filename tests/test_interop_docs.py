"""The interop docs: docs/interop.md and the README section run; docs/api.md is current.

docs/api.md is generated from the docstrings (docs/make_api.py) and must be up to
date; public names have examples.
"""

from __future__ import annotations

import doctest
import importlib.util
import inspect
import re

import pytest
from _docs import DOCS, ROOT, run_page

import netsim as ns

# Public functions and classes of ``netsim`` whose docstrings have no ``>>>`` example
# yet. This list may only shrink: a new public name comes with its example.
WITHOUT_EXAMPLE = {
    "SGD", "Activation", "AdaGrad", "Adam", "Gradient", "History", "Momentum",
    "Neuron", "Optimizer", "Potential", "Program", "RMSProp", "RuleResult",
    "energy_trace", "get_activation", "get_potential", "parse_sizes", "register_potential",
}


def load_make_api():
    spec = importlib.util.spec_from_file_location("make_api", DOCS / "make_api.py")
    make_api = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_api)
    return make_api


def test_api_reference_is_up_to_date():
    pytest.importorskip("sklearn")
    pytest.importorskip("torch")
    make_api = load_make_api()
    current = (DOCS / "api.md").read_text(encoding="utf-8")
    assert current == make_api.render(), "docs/api.md is out of date: python docs/make_api.py"


def test_cross_references_must_name_something():
    make_api = load_make_api()
    assert make_api.resolves("netsim.mlp", "netsim", None)
    assert make_api.resolves("mlp_from_arrays", "netsim.sklearn", None)     # ns.<name>
    assert make_api.resolves("connect", "netsim.network", ns.Network)     # a sibling method
    assert make_api.resolves("weights", "netsim.compile", ns.Program)    # a dataclass field
    assert make_api.resolves("netsim.interop.arrays", "netsim", None)     # a module
    assert not make_api.resolves("netsim.no_such_name", "netsim", None)
    assert not make_api.resolves("Network.no_such_method", "netsim.network", None)
    make_api.check_references(":func:`netsim.nothing`", "example", "netsim", None)
    assert make_api.BROKEN == ["example: netsim.nothing"]


def test_the_build_is_strict():
    # a public name without a docstring, or a reference to nothing, fails the build
    make_api = load_make_api()

    def undocumented() -> None:
        pass

    with pytest.raises(SystemExit, match="undocumented has no docstring"):
        make_api.entry(undocumented, "undocumented", 3)

    def broken() -> None:
        """See :func:`netsim.no_such_function`."""

    make_api.BROKEN.clear()
    make_api.entry(broken, "broken", 3)
    assert make_api.BROKEN == ["broken: netsim.no_such_function"]


def test_every_public_name_is_in_the_reference():
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    for name in ns.__all__:
        if not inspect.ismodule(getattr(ns, name)):
            assert f"`{name}`" in text, name
    for name in ("netsim.sklearn.NetsimClassifier", "netsim.datasets.iris",
                 "Network.layer_weights", "Network.predict"):
        assert f"### `{name}`" in text or f"#### `{name}`" in text, name


def test_public_names_have_runnable_examples():
    missing = set()
    for name in ns.__all__:
        obj = getattr(ns, name)
        if inspect.ismodule(obj) or not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if inspect.isclass(obj) and issubclass(obj, Exception | Warning):
            continue  # errors are shown by the examples that raise them
        if ">>>" not in (inspect.getdoc(obj) or ""):
            missing.add(name)
    assert missing <= WITHOUT_EXAMPLE, sorted(missing - WITHOUT_EXAMPLE)


def test_reference_blocks_are_balanced():
    lines = (DOCS / "api.md").read_text(encoding="utf-8").splitlines()
    fences = [line for line in lines if line.startswith("```")]
    assert len(fences) % 2 == 0
    assert all("```" not in line for line in lines if not line.startswith("```"))


def test_interop_page_runs(tmp_path):
    for library in ("sklearn", "torch", "pandas"):
        pytest.importorskip(library)
    done = run_page(DOCS / "interop.md", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "NetsimModule" in done.stdout
    assert "inputs: the DataFrame has no column 'x2' for the neuron 'x2'" in done.stdout


def test_readme_interop_session_runs():
    for library in ("sklearn", "torch", "pandas"):
        pytest.importorskip(library)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (session,) = re.findall(r"^```pycon\n(.*?)^```", text, flags=re.S | re.M)
    test = doctest.DocTestParser().get_doctest(session, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries == 8
