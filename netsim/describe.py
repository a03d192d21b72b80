"""``net.summary()``: what a network is made of (the Python twin of ``netsim info``).

:func:`summarize` gathers the facts as a JSON-ready dict; :class:`NetworkSummary`
shows them as aligned text (``print``), a one-line ``repr`` and an HTML table in a
notebook: neurons by role and layer, the functions they use, the parameter count
(weights and biases: the length of ``net.get_weights()``) and output labels.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import NetworkError

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["NetworkSummary", "summarize", "summary_line"]


def summarize(net: Network) -> dict[str, Any]:
    """The facts about ``net`` as a JSON-ready dict.

    Examples
    --------
    >>> import netsim as ns
    >>> s = summarize(ns.mlp("2-3-1", seed=0))
    >>> s["neurons"], s["hidden"], s["connections"], s["recurrent"], s["layers"]
    (6, 3, 9, False, [2, 3, 1])
    >>> s["parameters"], s["layer_roles"][1]
    (13, {'hidden': 3})
    """
    activations, potentials, groups, labels = _neuron_facts(net)
    cycle = net.find_cycle()
    layers: list[int] | None = None
    layer_roles: list[dict[str, int]] | None = None
    layer_error = None
    if cycle is None:
        try:
            grouped = net.layers()
        except NetworkError as exc:  # user layer numbers that contradict the graph
            layer_error = str(exc)
        else:
            layers = [len(layer) for layer in grouped]
            layer_roles = [dict(sorted(Counter(net.role(n) for n in layer).items()))
                           for layer in grouped]
    out: dict[str, Any] = {
        "name": net.name,
        "neurons": len(net),
        "inputs": list(net.inputs),
        "outputs": list(net.outputs),
        "hidden": len(net.hidden),
        "connections": net.n_connections,
        "recurrent": cycle is not None,
        "cycle": cycle,
        "layers": layers,
        "activations": dict(sorted(activations.items())),
        "potentials": dict(sorted(potentials.items())),
        "groups": {str(g): c for g, c in groups.items()},
        # the configuration is compile's, which refuses contradictory layer numbers
        "parameters": net.compile().n_config if layer_error is None else None,
        "layer_roles": layer_roles,
        "labels": labels,
    }
    if layer_error is not None:
        out["layer_error"] = layer_error
    return out


def _neuron_facts(net: Network) -> tuple[Counter, Counter, Counter, dict[str, str]]:
    """Neurons per activation, per potential and per group, and the labels: from the
    arrays of a network built from arrays (no Neuron per neuron), else from the graph."""
    bulk = net.bulk
    if bulk is None:
        neurons = [net.neuron(n) for n in net.neurons]
        return (Counter(n.activation for n in neurons), Counter(n.potential for n in neurons),
                Counter(n.group for n in neurons if n.group is not None),
                {str(n.id): n.label for n in neurons if n.label})
    counts = []
    for specs, codes in ((bulk.activations, bulk.activation_codes),
                         (bulk.potentials, bulk.potential_codes)):
        per_spec = np.bincount(codes, minlength=len(specs)) if len(codes) else np.zeros(0)
        by_name: Counter = Counter()
        for (name, _params), count in zip(specs, per_spec, strict=False):
            if count:
                by_name[name] += int(count)
        counts.append(by_name)
    groups = Counter(g for g in bulk.group or () if g is not None)
    labels = {str(nid): label for nid, label in zip(bulk.ids, bulk.label or (), strict=False)
              if label}
    return counts[0], counts[1], groups, labels


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(s: dict[str, Any]) -> str:
    """``5 neurons (2 inputs, 1 output, 2 hidden), 6 connections, feed-forward``."""
    kind = "recurrent" if s["recurrent"] else "feed-forward"
    return (
        f"{_plural(s['neurons'], 'neuron')} ({_plural(len(s['inputs']), 'input')}, "
        f"{_plural(len(s['outputs']), 'output')}, {s['hidden']} hidden), "
        f"{_plural(s['connections'], 'connection')}, {kind}"
    )


def _short_list(items: list[Any], limit: int = 10) -> str:
    if not items:
        return "-"
    shown = ", ".join(str(i) for i in items[:limit])
    return shown if len(items) <= limit else f"{shown}, ... (+{len(items) - limit} more)"


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{name} ({count})" for name, count in counter.items()) or "-"


class NetworkSummary:
    """The facts of :func:`summarize`, readable as text, repr and HTML.

    ``s.facts`` is the dict; ``s["parameters"]`` reads one fact.

    Examples
    --------
    >>> import netsim as ns
    >>> s = ns.zoo.xor().summary()
    >>> s                                          # doctest: +NORMALIZE_WHITESPACE
    <NetworkSummary 'xor': 5 neurons (2 inputs, 1 output, 2 hidden), 6 connections,
     feed-forward, 9 parameters>
    >>> print(s)                                   # doctest: +NORMALIZE_WHITESPACE
    name         xor
    neurons      5 (2 inputs, 1 output, 2 hidden)
    connections  6
    parameters   9 (weights and biases)
    structure    feed-forward, 3 layers: 2-2-1
    layers       0: input (2); 1: hidden (2); 2: output (1)
    inputs       x1, x2
    outputs      y
    activations  identity (2), step (3)
    potentials   weighted_sum (5)
    """

    def __init__(self, facts: dict[str, Any]) -> None:
        self.facts = facts

    def __getitem__(self, key: str) -> Any:
        return self.facts[key]

    def as_dict(self) -> dict[str, Any]:
        """The facts (a copy), JSON-ready."""
        return dict(self.facts)

    def rows(self) -> list[tuple[str, str]]:
        """(field, text) pairs, in the order ``netsim info`` prints them."""
        s = self.facts
        if s["recurrent"]:
            loop = [repr(n) for n in [*s["cycle"], s["cycle"][0]]]
            if len(loop) > 12:  # a long cycle: its ends and its length
                loop = [*loop[:5], "…", *loop[-5:]]
                head = f"a cycle of {len(s['cycle'])} neurons"
            else:
                head = "a cycle"
            cycle = " -> ".join(loop)
            structure = f"recurrent ({head}: {cycle})"
        elif s["layers"] is not None:
            layers = s["layers"]
            sizes = "-".join(map(str, layers)) if len(layers) <= 30 else (
                "-".join(map(str, layers[:10])) + f"-...({len(layers) - 20} more)-"
                + "-".join(map(str, layers[-10:])))
            structure = f"feed-forward, {_plural(len(s['layers']), 'layer')}: {sizes}"
        else:
            structure = f"feed-forward; layers: {s.get('layer_error')}"
        rows = [
            ("name", s["name"] if s["name"] is not None else "-"),
            ("neurons", f"{s['neurons']} ({_plural(len(s['inputs']), 'input')}, "
                        f"{_plural(len(s['outputs']), 'output')}, {s['hidden']} hidden)"),
            ("connections", str(s["connections"])),
            ("parameters", "-" if s["parameters"] is None else
             f"{s['parameters']} (weights and biases)"),
            ("structure", structure),
        ]
        if s["layer_roles"]:
            per_layer = [
                f"{k}: " + ", ".join(f"{role} ({n})" for role, n in roles.items())
                for k, roles in enumerate(s["layer_roles"])
            ]
            shown = per_layer if len(per_layer) <= 8 else [*per_layer[:4], "…",
                                                          *per_layer[-3:]]
            rows.append(("layers", "; ".join(shown)))
        rows += [("inputs", _short_list(s["inputs"])),
                 ("outputs", _short_list(s["outputs"]))]
        if s["labels"]:
            labelled = [f"{k}: {v}" for k, v in s["labels"].items()]
            rows.append(("labels", _short_list(labelled)))
        rows += [("activations", _counts(s["activations"])),
                 ("potentials", _counts(s["potentials"]))]
        if s["groups"]:
            rows.append(("groups", _counts(s["groups"])))
        return rows

    def __str__(self) -> str:
        rows = self.rows()
        width = max(len(k) for k, _v in rows)
        return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)

    def __repr__(self) -> str:
        name = f" {self.facts['name']!r}" if self.facts["name"] else ""
        count = self.facts["parameters"]
        tail = "" if count is None else f", {_plural(count, 'parameter')}"
        return f"<NetworkSummary{name}: {summary_line(self.facts)}{tail}>"

    def _repr_html_(self) -> str:
        from .io.html import page_section
        from .io.quoting import html_text

        body = "".join(f'<tr><th style="text-align:left">{html_text(k)}</th>'
                       f'<td style="text-align:left">{html_text(v)}</td></tr>'
                       for k, v in self.rows())
        return page_section("Network", [], f"<table>{body}</table>")
