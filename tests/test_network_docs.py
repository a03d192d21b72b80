"""The Python blocks of docs/concepts.md run, in order, and their asserts hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import netsim as ns

DOCS = Path(__file__).resolve().parent.parent / "docs"


def python_blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_concepts_page_examples_run():
    blocks = python_blocks("concepts.md")
    assert len(blocks) >= 6
    namespace: dict[str, object] = {}
    try:
        for block in blocks:
            # our own documentation's examples, run as written
            exec(compile(block, "docs/concepts.md", "exec"), namespace)
    finally:
        if "softsign_demo" in ns.ACTIVATIONS:  # the page registers a demo function
            ns.ACTIVATIONS.remove("softsign_demo")


BUILTINS = ["identity", "step", "sign", "sigmoid", "tanh", "scaled_tanh", "relu", "saturated",
            "gaussian", "softmax", "weighted_sum", "distance"]


@pytest.mark.parametrize("name", BUILTINS)
def test_concepts_page_documents_every_builtin(name):
    text = (DOCS / "concepts.md").read_text(encoding="utf-8")
    assert name in ns.ACTIVATIONS or name in ns.POTENTIALS
    assert f"| `{name}`" in text
