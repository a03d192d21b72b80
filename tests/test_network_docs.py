"""The Python blocks of the docs pages that are whole programs run, in order, and their
asserts hold (each page as one script in a fresh interpreter, see ``_docs``).

The other pages (diagrams, dynamics, format, learning) need a file of their own
(``xor.json``); test_docs_pages.py runs them.
"""

from __future__ import annotations

import pytest
from _docs import DOCS, code_blocks, run_page

import netsim as ns

RUNNABLE = ["concepts.md", "index.md", "simulation.md"]


@pytest.mark.parametrize("page", RUNNABLE)
def test_page_examples_run(page, tmp_path):
    done = run_page(DOCS / page, tmp_path)
    assert done.returncode == 0, done.stderr


def test_concepts_page_has_its_examples():
    assert len(code_blocks(DOCS / "concepts.md")) >= 6


BUILTINS = ["identity", "step", "sign", "sigmoid", "tanh", "scaled_tanh", "relu", "saturated",
            "gaussian", "bipolar_sigmoid", "softmax", "weighted_sum", "distance"]


@pytest.mark.parametrize("name", BUILTINS)
def test_concepts_page_documents_every_builtin(name):
    text = (DOCS / "concepts.md").read_text(encoding="utf-8")
    assert name in ns.ACTIVATIONS or name in ns.POTENTIALS
    assert f"| `{name}`" in text
