"""The fast item checkers implement exactly the shipped schema (property tests)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netsim as ns
from netsim.io.json_format import _validator, connection_triple, neuron_fields, neuron_id

# JSON-like scalars, including the values at the edges of the schema's types.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, -2.0, 2.5, 1e300]),
    st.text(max_size=3),
    st.sampled_from(["", "a", "sigmoid", "name", "id"]),
)
FUNCTIONS = st.one_of(
    SCALARS,
    st.dictionaries(
        st.sampled_from(["name", "steepness", "p", "x"]), SCALARS, max_size=3
    ),
    st.builds(lambda d: {"name": "sigmoid", **d},
              st.dictionaries(st.sampled_from(["steepness", "name", "q"]), SCALARS, max_size=2)),
)
VALUES = st.one_of(SCALARS, FUNCTIONS, st.lists(SCALARS, max_size=2))

NEURON_KEYS = ["id", "activation", "potential", "bias", "initial", "layer", "label", "group",
               "weight", "from"]
NEURONS = st.one_of(
    VALUES,
    st.dictionaries(st.sampled_from(NEURON_KEYS), VALUES, max_size=5),
    # mostly-valid neurons with one field perturbed
    st.builds(lambda i, extra: {"id": i, **extra}, SCALARS,
              st.dictionaries(st.sampled_from(NEURON_KEYS[1:8]), FUNCTIONS, max_size=3)),
)
CONN_KEYS = ["from", "to", "weight", "id", "extra"]
CONNECTIONS = st.one_of(
    VALUES,
    st.dictionaries(st.sampled_from(CONN_KEYS), SCALARS, max_size=4),
    st.builds(lambda u, v, w: {"from": u, "to": v, "weight": w}, SCALARS, SCALARS, SCALARS),
    st.builds(lambda u, v: {"from": u, "to": v}, SCALARS, SCALARS),
)


def _valid(definition: str, item: object) -> bool:
    return _validator(definition).is_valid(item)


@settings(max_examples=250)
@given(NEURONS)
def test_neuron_checker_agrees_with_jsonschema(item):
    fields = neuron_fields(item)
    assert (fields is not None) == _valid("neuron", item)
    if fields is not None:
        assert fields["id"] == item["id"] and fields.keys() == item.keys()


@settings(max_examples=250)
@given(CONNECTIONS)
def test_connection_checker_agrees_with_jsonschema(item):
    triple = connection_triple(item)
    assert (triple is not None) == _valid("connection", item)
    if triple is not None:
        assert triple == (item["from"], item["to"], item.get("weight", 1.0))


@settings(max_examples=300)
@given(VALUES)
def test_id_checker_agrees_with_jsonschema(item):
    assert (neuron_id(item) is not None) == _valid("id", item)


@pytest.mark.parametrize(
    "item, valid",
    [
        ({"id": 1.0}, True),  # JSON Schema integers include integral floats
        ({"id": 1.5}, False),
        ({"id": ""}, False),
        ({"id": "a", "activation": {"name": "sigmoid", "steepness": True}}, False),
        ({"id": "a", "activation": {"steepness": 1}}, False),
        ({"id": "a", "layer": 2.0}, True),
        ({"id": "a", "group": 0}, True),
        ({"id": "a", "label": 3}, False),
    ],
)
def test_neuron_checker_edge_cases(item, valid):
    assert (neuron_fields(item) is not None) is valid is _valid("neuron", item)


def test_checkers_normalise_integral_floats():
    assert neuron_fields({"id": 2.0, "layer": 1.0, "group": 3.0}) == {
        "id": 2, "layer": 1, "group": 3}
    assert connection_triple({"from": 1.0, "to": "b"}) == (1, "b", 1.0)


@settings(max_examples=100)
@given(st.lists(NEURONS, max_size=3), st.lists(CONNECTIONS, max_size=3))
def test_loader_structure_errors_match_the_whole_document_schema(neurons, connections):
    """A document fails the schema exactly when from_dict reports a structural error."""
    doc = {"format": "netsim-network", "version": 1, "neurons": neurons,
           "connections": connections}
    schema_ok = _validator(None).is_valid(doc)
    meaning_words = ("unknown activation", "unknown potential", "unknown neuron", "duplicate",
                     "non-finite", "parameter", "too large", "listed twice")
    try:
        ns.from_dict(doc)
    except ns.FormatError as exc:
        # meaning errors (ids, functions, numbers) only come after a valid structure
        assert any(w in str(exc) for w in meaning_words) == schema_ok, str(exc)
    else:
        assert schema_ok


def test_schema_document_is_a_valid_draft_2020_12_schema():
    from jsonschema import Draft202012Validator

    from netsim.io.json_format import schema

    Draft202012Validator.check_schema(schema())
    assert json.loads(json.dumps(schema())) == schema()


def test_saved_files_validate_against_the_full_schema_with_jsonschema():
    from _io_cases import NETWORKS

    from netsim.io import dumps

    for make in NETWORKS.values():
        assert _validator(None).is_valid(json.loads(dumps(make())))
