"""Fuzzing the loader: any document or any bytes give a NetsimError or a network that
saves, loads and saves again to the same bytes. Nothing else (no TypeError, no
RecursionError, no OverflowError, no UnicodeError) may come out."""

from __future__ import annotations

import copy
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netsim as ns

VALID = {
    "format": "netsim-network", "version": 1, "name": "fuzz", "description": "d",
    "defaults": {"activation": "sigmoid"},
    "neurons": [
        {"id": "x1"}, {"id": 2, "label": "two"},
        {"id": "h", "activation": {"name": "sigmoid", "steepness": 2.0}, "bias": -1.0,
         "layer": 1},
        {"id": "y", "activation": "softmax", "group": "g", "initial": 0.5},
        {"id": "z", "activation": "softmax", "group": "g",
         "potential": {"name": "distance", "p": 3.0}},
    ],
    "connections": [
        {"from": "x1", "to": "h", "weight": 0.5}, {"from": 2, "to": "h"},
        {"from": "h", "to": "y", "weight": -2.0}, {"from": "h", "to": "z", "weight": 1e-300},
    ],
    "inputs": ["x1", 2], "outputs": ["y", "z"],
}

# JSON values an attacker would try: huge and tiny numbers, odd strings, deep nesting
leaves = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec=None), max_size=20),
    st.sampled_from(["", "x1", "h", "identity", "step", "sign", "softmax", "distance",
                     "\ud800", "<b>", '"; x [image="/etc/passwd"]', "netsim-network"]),
)
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for k, v in enumerate(doc):
            yield from _paths(v, (*prefix, k))


PATHS = [p for p in _paths(VALID) if p]
# FUZZ_EXAMPLES=3000 HYPOTHESIS_PROFILE=explore hunts with fresh, more numerous cases
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))


def _round_trip(net: ns.Network) -> None:
    text = ns.io.dumps(net)
    again = ns.io.loads(text)
    assert ns.io.dumps(again) == text


def _check(load, arg) -> None:
    try:
        net = load(arg)
    except ns.NetsimError:
        return
    _round_trip(net)


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), values, st.booleans()), min_size=1,
                max_size=3))
def test_mutated_documents(mutations):
    doc = copy.deepcopy(VALID)
    for path, value, delete in mutations:
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if delete:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    _check(ns.from_dict, doc)
    try:
        text = json.dumps(doc, allow_nan=True)
    except (ValueError, RecursionError):
        return
    _check(ns.io.loads, text)
    _check(ns.io.loads, text.encode("utf-8", "surrogatepass"))


SAVED = ns.io.dumps(ns.from_dict(VALID)).encode("utf-8")


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SAVED) - 1), st.integers(0, 255),
                          st.sampled_from(["set", "insert", "delete"])),
                min_size=1, max_size=6))
def test_mutated_bytes(edits):
    data = bytearray(SAVED)
    for pos, byte, how in edits:
        pos = min(pos, len(data) - 1)
        if how == "set":
            data[pos] = byte
        elif how == "insert":
            data.insert(pos, byte)
        elif len(data) > 1:
            del data[pos]
    _check(ns.io.loads, bytes(data))


@settings(max_examples=100)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_from_a_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "net.json"
    path.write_bytes(data)
    _check(ns.load, path)
