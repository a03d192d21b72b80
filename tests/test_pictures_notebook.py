"""docs/tutorial.ipynb runs top to bottom in a real Jupyter kernel (nbclient), and its
outputs are the rich displays: tables, inline plots, diagrams, the page in a frame."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    mp = pytest.MonkeyPatch()
    mp.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's netsim
    mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    work = tmp_path_factory.mktemp("nb")
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(work)}}).execute()
    finally:
        mp.undo()
    return nb


def outputs(nb, needle: str) -> list[dict]:
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and needle in c.source]
    return cell.outputs


def data(nb, needle: str) -> dict:
    found = [o["data"] for o in outputs(nb, needle) if "data" in o]
    assert found, needle
    return found[-1]


def test_committed_notebook_has_no_outputs():
    nb = json.loads(NOTEBOOK.read_text("utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


def test_notebook_runs_and_shows_rich_displays(executed):
    nb = executed
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o["output_type"] == "error"], cell.source
    if shutil.which("dot"):
        assert "image/svg+xml" in data(nb, 'net = ns.Network(name="xor")')
        assert "image/svg+xml" in data(nb, "analysis.to_dot()")
    assert "<table>" in data(nb, "net.summary()")["text/html"]
    run_html = data(nb, "run = net.run([1, 0], record=True)")["text/html"]
    assert "<table>" in run_html and "output: y=1" in run_html
    assert "image/png" in data(nb, "run.plot()")
    frame = data(nb, "net.view(run)")["text/html"]
    assert frame.startswith("<iframe srcdoc=") and "allow-scripts" in frame
    history = data(nb, "history = ns.train")["text/html"]
    assert "data:image/png;base64," in history and "800 epochs" in history
    assert "image/png" in data(nb, "history.plot()")
    assert "retrieved" in data(nb, "r = ns.recall")["text/html"]
    analysis = data(nb, "analysis = ns.attractors(ring)")
    assert "2 attractors" in analysis["text/html"] and len(analysis["text/html"]) < 20_000
    assert analysis["text/plain"].startswith("<StateSpaceAnalysis parallel")
    # the progress bar is on in a notebook (text bar on stderr without ipywidgets)
    streams = [o for o in outputs(nb, "history = ns.train") if o["output_type"] == "stream"]
    assert any("epoch" in o["text"] for o in streams)
