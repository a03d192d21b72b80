"""Networks and bad documents shared by the io and cli tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import netsim as ns
from netsim.zoo import xor


def softmax_mlp() -> ns.Network:
    return ns.mlp("2-4-3-2", activation="tanh", output_activation="softmax", seed=3)


def recurrent() -> ns.Network:
    """A 3-neuron Hopfield-like loop with a self-loop, initial values and sign."""
    net = ns.Network(name="loop")
    for k, init in enumerate([1.0, -1.0, 1.0]):
        net.add_neuron(f"s{k}", activation={"name": "sign", "zero": -1}, initial=init)
    net.connect_many([("s0", "s1", 0.5), ("s1", "s2", -0.25), ("s2", "s0", 1e-300),
                      ("s1", "s1", -0.0), ("s0", "s2", 5e-324)])
    net.set_inputs(["s0"])
    net.set_outputs(["s0", "s1", "s2"])  # s0 is both an input and an output
    return net


def rich() -> ns.Network:
    """Parameters, labels (non-ASCII), groups, layers, int ids, a distance potential."""
    net = ns.Network(name="rich ξ")
    net.add_input(0, label="first input", layer=0)
    net.add_input(1, label="ξ₂ «second»", layer=0)
    net.add_neuron("rbf", potential={"name": "distance", "p": 1}, activation="gaussian",
                   width=0.5, layer=1)
    net.add_neuron(7, activation={"name": "sigmoid", "steepness": 2.5}, bias=0.1, layer=2)
    net.add_neuron("st", activation="scaled_tanh", a=1.7159, b=2 / 3, initial=0.25)
    net.add_output("p", activation="softmax", group="out", bias=-0.3)
    net.add_output("q", activation="softmax", group="out", label='quote " and \\ back')
    net.add_output(-3, activation="relu", potential="distance")
    net.connect_many([(0, "rbf", 0.1), (1, "rbf", 0.7), ("rbf", 7, 1.5), (0, "st", -1.25),
                      (7, "p", 0.3333333333333333), ("st", "q", 1e10), (7, -3, 2.0),
                      (1, "q", -7.0)])
    return net


def empty() -> ns.Network:
    return ns.Network()


NETWORKS = {"xor": xor, "softmax_mlp": softmax_mlp, "recurrent": recurrent, "rich": rich,
            "empty": empty}


def base_doc() -> dict[str, Any]:
    """A small valid document the bad cases below mutate."""
    return {
        "format": "netsim-network",
        "version": 1,
        "name": "base",
        "neurons": [{"id": "a"}, {"id": "b", "activation": "sigmoid", "bias": 0.5}],
        "connections": [{"from": "a", "to": "b", "weight": 1.0}],
        "inputs": ["a"],
        "outputs": ["b"],
    }


def _with(**changes: Any) -> str:
    doc = base_doc()
    for key, value in changes.items():
        doc[key] = value
    return json.dumps(doc, indent=1)


def _neuron_b(**fields: Any) -> str:
    doc = base_doc()
    doc["neurons"][1] = {"id": "b", **fields}
    return json.dumps(doc, indent=1)


def _weight_token(token: str) -> str:
    return _with().replace('"weight": 1.0', f'"weight": {token}')


# name -> (file content, fragments the message must contain)
BAD: dict[str, tuple[str | bytes, list[str]]] = {
    "malformed_json": ('{"format": "netsim-network",\n "version": 1,\n "neurons": [}',
                       ["line 3, column 14", "malformed JSON"]),
    "trailing_garbage": (_with() + "\n}", [f"line {_with().count(chr(10)) + 2}, column 1",
                                           "malformed JSON: Extra data"]),
    "not_utf8": (b'{"name": "\xff"}', ["not UTF-8"]),
    "not_an_object": ("[1, 2]", ["$: a network file must hold a JSON object, got array"]),
    "missing_format": (json.dumps({"version": 1, "neurons": []}), ['$: missing "format"']),
    "unsupported_format": (_with(format="netsim-graph"),
                           ['$.format: unsupported format "netsim-graph"']),
    "unsupported_version": (_with(version=2),
                            ["$.version: unsupported version 2; this netsim reads version 1"]),
    "missing_neurons": (json.dumps({"format": "netsim-network", "version": 1}),
                        ["$: missing required field 'neurons'"]),
    "unknown_top_field": (_with(nerons=[]), ['$: unknown field "nerons"', "did you mean"]),
    "wrong_type": (_with(inputs="a"), ["$.inputs: must be an array, got string"]),
    "missing_id": (_neuron_b(activation="step").replace('"id": "b",', ""),
                   ["$.neurons[1]: missing required field 'id'"]),
    "bad_id_type": (_with(neurons=[{"id": "a"}, {"id": True}]),
                    ["$.neurons[1].id: must be a string or an integer, got boolean true"]),
    "unknown_neuron_field": (_neuron_b(activaton="step"),
                             ['$.neurons[1]: unknown field "activaton"',
                              "(did you mean 'activation'?)"]),
    "bad_weight_type": (_weight_token('"2"'),
                        ['$.connections[0].weight: must be a number, got string "2"']),
    "negative_layer": (_neuron_b(layer=-1), ["$.neurons[1].layer: must be >= 0, got -1"]),
    "duplicate_id": (_with(neurons=[{"id": "a"}, {"id": "b"}, {"id": "a"}]),
                     ["$.neurons[2].id: duplicate neuron id 'a' (first at $.neurons[0])"]),
    "unknown_id_connection": (
        _with(connections=[{"from": "a", "to": "b"}, {"from": "a", "to": "bb"}]),
        ["$.connections[1].to: unknown neuron 'bb' (did you mean 'b'?)"]),
    "unknown_id_inputs": (_with(inputs=["a", "c"]), ["$.inputs[1]: unknown neuron 'c'"]),
    "unknown_id_outputs": (_with(outputs=[3]), ["$.outputs[0]: unknown neuron 3"]),
    "duplicate_connection": (
        _with(connections=[{"from": "a", "to": "b", "weight": 1.0},
                           {"from": "b", "to": "a"}, {"from": "a", "to": "b", "weight": 2.0}]),
        ["$.connections[2]: duplicate connection 'a' -> 'b' (first at $.connections[0])"]),
    "duplicate_role": (_with(outputs=["b", "b"]),
                       ["$.outputs[1]: neuron 'b' is listed twice (first at $.outputs[0])"]),
    "unknown_activation": (_neuron_b(activation="sigmod"),
                           ["$.neurons[1].activation: unknown activation 'sigmod' "
                            "(did you mean 'sigmoid'?)"]),
    "unknown_activation_object": (_neuron_b(activation={"name": "reul"}),
                                  ["$.neurons[1].activation.name: unknown activation 'reul' "
                                   "(did you mean 'relu'?)"]),
    "unknown_potential": (_neuron_b(potential="distanse"),
                          ["$.neurons[1].potential: unknown potential 'distanse' "
                           "(did you mean 'distance'?)"]),
    "unknown_default": (_with(defaults={"activation": "tahn"}),
                        ["$.defaults.activation: unknown activation 'tahn' "
                         "(did you mean 'tanh'?)"]),
    "bad_parameter": (_neuron_b(activation={"name": "sigmoid", "steepness": -1}),
                      ["$.neurons[1].activation.steepness: activation 'sigmoid' parameter "
                       "'steepness' must be a finite number > 0, got -1"]),
    "unknown_parameter": (_neuron_b(activation={"name": "sigmoid", "steepnes": 2}),
                          ["$.neurons[1].activation.steepnes: activation 'sigmoid' has no "
                           "parameter 'steepnes' (did you mean 'steepness'?)"]),
    "bad_potential_parameter": (_neuron_b(potential={"name": "distance", "p": 0.5}),
                                ["$.neurons[1].potential.p: potential 'distance' parameter 'p'"
                                 " must be a finite number >= 1, got 0.5"]),
    "nan_weight": (_weight_token("NaN"),
                   ["$.connections[0].weight: non-finite number nan: NaN and Infinity are "
                    "not allowed"]),
    "infinite_weight": (_weight_token("-Infinity"),
                        ["$.connections[0].weight: non-finite number -inf"]),
    "overflowing_literal": (_weight_token("1e999"),
                            ["$.connections[0].weight: non-finite number inf"]),
    "huge_integer": (_weight_token("1" + "0" * 400), ["$.connections[0].weight: number 1000",
                                                      "is too large"]),
    "nan_bias": (_with().replace('"bias": 0.5', '"bias": NaN'),
                 ["$.neurons[1].bias: non-finite number nan"]),
    "infinite_parameter": (_neuron_b(activation={"name": "sigmoid", "steepness": 1.0}).replace(
        '"steepness": 1.0', '"steepness": Infinity'),
        ["$.neurons[1].activation.steepness: non-finite number inf"]),
}


def write_bad(directory: Path, case: str) -> tuple[Path, list[str]]:
    """Write the bad document ``case`` to ``directory/<case>.json``; return the path
    and the fragments its error message must contain."""
    content, fragments = BAD[case]
    path = directory / f"{case}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path, fragments
