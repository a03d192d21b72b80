"""The Python blocks of docs/concepts.md and docs/index.md run, in order, and their
asserts hold (each page as one script in a fresh interpreter, see ``_docs``)."""

from __future__ import annotations

import pytest
from _docs import DOCS, code_blocks, run_page

import netsim as ns


def test_concepts_page_examples_run(tmp_path):
    assert len(code_blocks(DOCS / "concepts.md")) >= 6
    done = run_page(DOCS / "concepts.md", tmp_path)
    assert done.returncode == 0, done.stderr


def test_index_page_examples_run(tmp_path):
    done = run_page(DOCS / "index.md", tmp_path)
    assert done.returncode == 0, done.stderr


BUILTINS = ["identity", "step", "sign", "sigmoid", "tanh", "scaled_tanh", "relu", "saturated",
            "gaussian", "softmax", "weighted_sum", "distance"]


@pytest.mark.parametrize("name", BUILTINS)
def test_concepts_page_documents_every_builtin(name):
    text = (DOCS / "concepts.md").read_text(encoding="utf-8")
    assert name in ns.ACTIVATIONS or name in ns.POTENTIALS
    assert f"| `{name}`" in text
