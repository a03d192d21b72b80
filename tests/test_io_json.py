"""JSON format v1: round trips, the saved layout, and every load error (Python API)."""

from __future__ import annotations

import json
import math

import pytest
from _io_cases import BAD, NETWORKS, base_doc, rich, write_bad

import netsim as ns
from netsim.io import dumps, loads
from netsim.zoo import xor


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_round_trip_python_json_python(name, tmp_path):
    net = NETWORKS[name]()
    assert ns.from_dict(ns.to_dict(net)) == net
    assert loads(dumps(net)) == net
    path = tmp_path / "net.json"
    ns.save(net, path)
    assert ns.load(path) == net


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_save_load_save_is_byte_identical(name, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    ns.save(NETWORKS[name](), first)
    ns.save(ns.load(first), second)
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_dumps_is_the_text_of_to_dict(name):
    net = NETWORKS[name]()
    assert json.loads(dumps(net)) == ns.to_dict(net)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_loaded_node_attributes_are_those_add_neuron_stores(name):
    net = NETWORKS[name]()
    back = loads(dumps(net))
    for n in net.graph:
        assert repr(sorted(back.graph.nodes[n].items())) == repr(sorted(net.graph.nodes[n].items()))
        # parameter dicts belong to one neuron each
        assert back.graph.nodes[n]["activation_params"] is not net.graph.nodes[n][
            "activation_params"]
    params = [id(d["activation_params"]) for _, d in back.graph.nodes(data=True)]
    assert len(set(params)) == len(params)


def test_round_trip_keeps_order_roles_and_attributes():
    net = rich()
    back = loads(dumps(net))
    assert back.neurons == net.neurons == [0, 1, "rbf", 7, "st", "p", "q", -3]
    assert back.inputs == (0, 1) and back.outputs == ("p", "q", -3)
    assert back.neuron("rbf").potential_params == {"p": 1.0}
    assert back.neuron("rbf").activation_params == {"width": 0.5}
    assert back.neuron(7).activation_params == {"steepness": 2.5}
    assert back.neuron("q").group == "out"
    assert back.neuron(1).label == "ξ₂ «second»"
    assert back.neuron("st").initial == 0.25
    assert back.weight(7, "p") == 0.3333333333333333
    assert back.get_weights().tolist() == net.get_weights().tolist()


def test_layout_of_the_xor_file():
    text = dumps(xor())
    assert text == (
        '{\n'
        '  "format": "netsim-network",\n'
        '  "version": 1,\n'
        '  "name": "xor",\n'
        '  "description": "XOR from three step neurons",\n'
        '  "neurons": [\n'
        '    {"id": "x1"},\n'
        '    {"id": "x2"},\n'
        '    {"id": "h1", "activation": "step", "bias": -1.0},\n'
        '    {"id": "h2", "activation": "step", "bias": 3.0},\n'
        '    {"id": "y", "activation": "step", "bias": -2.0}\n'
        '  ],\n'
        '  "connections": [\n'
        '    {"from": "x1", "to": "h1", "weight": 2.0},\n'
        '    {"from": "x1", "to": "h2", "weight": -2.0},\n'
        '    {"from": "x2", "to": "h1", "weight": 2.0},\n'
        '    {"from": "x2", "to": "h2", "weight": -2.0},\n'
        '    {"from": "h1", "to": "y", "weight": 1.0},\n'
        '    {"from": "h2", "to": "y", "weight": 1.0}\n'
        '  ],\n'
        '  "inputs": ["x1", "x2"],\n'
        '  "outputs": ["y"]\n'
        '}\n'
    )


def test_layout_of_parameters_labels_and_empty_arrays():
    text = dumps(rich())
    # parameters in the registry's order, whatever order they were given in
    assert '{"id": "st", "activation": {"name": "scaled_tanh", "a": 1.7159, "b": ' in text
    assert '"label": "ξ₂ «second»"' in text  # UTF-8, not \\u escapes
    assert '{"id": -3, "activation": "relu", "potential": "distance"}' in text
    assert '"weight": 10000000000.0' in text
    empty = dumps(ns.Network())
    assert '"neurons": [],\n  "connections": [],\n  "inputs": [],\n  "outputs": []\n}' in empty


def test_lone_surrogate_falls_back_to_ascii_escapes(tmp_path):
    net = ns.Network(name="bad \ud800 name")
    net.add_neuron("a", label="ξ")
    path = tmp_path / "s.json"
    ns.save(net, path)
    data = path.read_bytes()
    assert data.isascii() and b"\\ud800" in data and b"\\u03be" in data
    assert ns.load(path) == net
    ns.save(ns.load(path), tmp_path / "t.json")
    assert (tmp_path / "t.json").read_bytes() == data


def test_hand_written_file_with_defaults_and_integer_numbers():
    doc = {
        "format": "netsim-network", "version": 1,
        "defaults": {"activation": {"name": "sigmoid", "steepness": 2}, "potential": "distance"},
        "neurons": [{"id": "a", "activation": "identity", "potential": "weighted_sum"},
                    {"id": "b", "bias": 1, "layer": 1.0}, {"id": 3.0}],
        "connections": [{"from": "a", "to": "b"}, {"from": "b", "to": 3, "weight": 2}],
    }
    net = ns.from_dict(doc)
    assert net.neuron("a").activation == "identity"
    assert net.neuron("b").activation == "sigmoid"
    assert net.neuron("b").activation_params == {"steepness": 2.0}
    assert net.neuron("b").potential == "distance"
    assert net.neuron("b").layer == 1 and isinstance(net.neuron("b").layer, int)
    assert 3 in net and isinstance(net.neurons[2], int)
    assert net.weight("a", "b") == 1.0  # a missing weight is 1
    assert net.inputs == () and net.outputs == ()
    # defaults are expanded, never written back
    out = ns.to_dict(net)
    assert "defaults" not in out
    assert out["neurons"][1] == {"id": "b", "activation": {"name": "sigmoid", "steepness": 2.0},
                                 "potential": "distance", "bias": 1.0, "layer": 1}


def test_a_loaded_network_runs_like_the_original():
    net = ns.from_dict(ns.to_dict(xor()))
    layers = net.layers()
    assert layers == [["x1", "x2"], ["h1", "h2"], ["y"]]


def test_load_reports_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        ns.load(tmp_path / "nope.json")


@pytest.mark.parametrize("case", sorted(BAD))
def test_every_load_error_is_one_line_naming_file_and_path(case, tmp_path):
    path, fragments = write_bad(tmp_path, case)
    with pytest.raises(ns.FormatError) as info:
        ns.load(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message
    assert isinstance(info.value, ValueError)  # callers may catch the built-in


@pytest.mark.parametrize("case", sorted(c for c, (text, _) in BAD.items()
                                        if isinstance(text, str)
                                        and c not in ("malformed_json", "trailing_garbage")))
def test_from_dict_and_loads_name_their_source(case):
    content, fragments = BAD[case]
    with pytest.raises(ns.FormatError) as info:
        loads(content, source="mem.json")
    assert str(info.value).startswith("mem.json: ")
    doc = json.loads(content)
    with pytest.raises(ns.FormatError) as info:
        ns.from_dict(doc)
    assert str(info.value).startswith("<dict>: ")
    assert fragments[0] in str(info.value)


def test_from_dict_rejects_python_non_finite_numbers():
    doc = base_doc()
    doc["connections"][0]["weight"] = math.inf
    with pytest.raises(ns.FormatError, match=r"\$\.connections\[0\]\.weight: non-finite"):
        ns.from_dict(doc)


def test_base_document_is_valid():
    net = ns.from_dict(base_doc())
    assert net.connections == [("a", "b", 1.0)]


def test_save_refuses_non_networks(tmp_path):
    with pytest.raises(ns.ParameterError):
        ns.save({"format": "netsim-network"}, tmp_path / "x.json")


def test_schema_ships_in_the_package():
    from importlib import resources

    text = resources.files("netsim.io").joinpath("schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["properties"]["format"] == {"const": "netsim-network"}
    assert schema["properties"]["version"] == {"const": 1}
