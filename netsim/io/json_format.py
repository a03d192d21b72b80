"""The JSON network format, version 1: save, load, and conversion to and from dicts.

A file looks like this (see ``docs/format.md`` for every field)::

    {
      "format": "netsim-network",
      "version": 1,
      "name": "xor",
      "neurons": [
        {"id": "x1"},
        {"id": "h1", "activation": "step", "bias": -1.0}
      ],
      "connections": [
        {"from": "x1", "to": "h1", "weight": 2.0}
      ],
      "inputs": ["x1"],
      "outputs": ["h1"]
    }

**Loading** checks the structure against the JSON Schema shipped in the package
(``netsim/io/schema.json``), then the meaning: known and unique ids, no repeated
connection, registered functions with valid parameters, finite numbers. Every problem
is one :class:`~netsim.FormatError` whose message names the file, the JSON path
(``$.neurons[3].activation``) and what is wrong.

The two big arrays (``neurons`` and ``connections``, also ``inputs`` and ``outputs``)
are not walked by ``jsonschema``, which would take tens of seconds for a million
connections: hand-written checkers (:func:`neuron_fields`, :func:`connection_triple`,
:func:`neuron_id`) implement exactly the constraints of the schema's ``neuron``,
``connection`` and ``id`` definitions (a property test holds them to it), and only an
item they reject is handed to ``jsonschema`` to word the message. The rest of the
document is validated by ``jsonschema`` itself.

**Saving** writes a stable layout: top-level keys in a fixed order, one neuron and one
connection per line, fields equal to their defaults omitted, floats written as Python's
shortest round-tripping ``repr``. Saving a loaded network gives the same bytes again.
Files are written atomically (:mod:`netsim.io.atomic`).

**defaults** (``{"activation": ..., "potential": ...}`` at the top of a file) is a
convenience for hand-written files: it is applied, at load time, to every neuron that
names no activation (potential) of its own. A :class:`~netsim.Network` does not keep
it, so a saved file never contains ``defaults``; every neuron whose function is not
the built-in default (``identity``, ``weighted_sum``) names it explicitly.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import Any

import numpy as np

from ..checks import check_path, keywords
from ..errors import FormatError, NetsimError, ParameterError, UnknownFunctionError, did_you_mean
from ..files import decode_text, read_text
from ..functions import ACTIVATIONS, POTENTIALS
from ..limits import MAX_FILE_BYTES, MAX_LAYER, check_memory, check_network_size
from ..network import Network, NeuronId
from .atomic import atomic_write_bytes

__all__ = [
    "FORMAT",
    "VERSION",
    "connection_triple",
    "dumps",
    "from_dict",
    "load",
    "loads",
    "neuron_fields",
    "neuron_id",
    "save",
    "schema",
    "to_dict",
]

FORMAT = "netsim-network"
VERSION = 1

_BIG_ARRAYS = ("neurons", "connections", "inputs", "outputs")
_NEURON_KEYS = frozenset(
    ("id", "activation", "potential", "bias", "initial", "layer", "label", "group")
)
_BAD: Any = object()  # "absent" marker where None could be a (wrong) value


# --- the schema ------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of format version 1 (a fresh parse is cached; do not mutate)."""
    text = resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator(definition: str | None = None) -> Any:
    """A jsonschema validator for the whole document or one ``$defs`` entry."""
    from jsonschema import Draft202012Validator  # imported on first use: it is slow

    full = schema()
    if definition is None:
        return Draft202012Validator(full)
    return Draft202012Validator({"$defs": full["$defs"], "$ref": f"#/$defs/{definition}"})


# --- the fast checkers (exactly the schema's constraints) ------------------------------


def _is_number(x: object) -> bool:
    # jsonschema's "number": any numbers.Number except bool.
    return type(x) is float or type(x) is int or (
        isinstance(x, numbers.Number) and not isinstance(x, bool)
    )


def _is_integer(x: object) -> bool:
    # jsonschema's "integer": an int (not bool) or a float with an integral value.
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


def neuron_id(x: object) -> Any:
    """The schema's ``id`` (non-empty string or integer): the id, normalised, or a marker.

    Returns ``x`` itself for a valid id (an integral float such as ``3.0`` becomes
    ``3``) and ``None`` for anything the schema rejects (``None`` is never an id).
    """
    t = type(x)
    if t is str:
        return x if x else None
    if t is int:
        return x
    if isinstance(x, str):
        return str(x) if x else None
    if _is_integer(x):
        return int(x)  # type: ignore[call-overload]
    return None


def _function_ok(f: object) -> bool:
    if isinstance(f, str):
        return f != ""
    if isinstance(f, dict):
        name = f.get("name", _BAD)
        if not isinstance(name, str) or not name:
            return False
        # the schema's parameter value: a number, or the word "keep"
        return all(k == "name" or _is_number(v) or v == "keep" for k, v in f.items())
    return False


def neuron_fields(n: object) -> dict[str, Any] | None:
    """The schema's ``neuron``: the item with ids and layer normalised, or ``None``.

    ``None`` means the schema rejects the item (``jsonschema`` then words why).
    """
    if not isinstance(n, dict) or not (n.keys() <= _NEURON_KEYS):
        return None
    nid = neuron_id(n.get("id"))
    if nid is None:
        return None
    if len(n) == 1:
        return {"id": nid}
    out = dict(n)
    out["id"] = nid
    for key, value in n.items():
        if key in ("activation", "potential"):
            ok = _function_ok(value)
        elif key in ("bias", "initial"):
            ok = _is_number(value)
        elif key == "layer":
            ok = _is_integer(value) and 0 <= value <= MAX_LAYER  # type: ignore[operator]
            if ok:
                out["layer"] = int(value)  # type: ignore[call-overload]
        elif key == "label":
            ok = isinstance(value, str)
        elif key == "group":
            group = neuron_id(value)
            ok = group is not None
            out["group"] = group
        else:  # "id", already checked
            ok = True
        if not ok:
            return None
    return out


def connection_triple(c: object) -> tuple[NeuronId, NeuronId, Any] | None:
    """The schema's ``connection``: ``(from, to, weight)`` normalised, or ``None``.

    A missing ``weight`` is 1.0. ``None`` means the schema rejects the item.
    """
    if type(c) is not dict and not isinstance(c, dict):
        return None
    size = len(c)
    if "weight" in c:
        w = c["weight"]
        if type(w) is not float and not _is_number(w):
            return None
        size -= 1
    else:
        w = 1.0
    if size != 2:
        return None
    u = c.get("from")
    if type(u) is not str or not u:
        u = neuron_id(u)
        if u is None:
            return None
    v = c.get("to")
    if type(v) is not str or not v:
        v = neuron_id(v)
        if v is None:
            return None
    return u, v, w


def _fast_columns(items: list[Any]) -> tuple[list[Any], list[Any], list[Any]] | None:
    """Columns of connections that are all plain (see ``_connection_columns``), or None."""
    if not items:
        return [], [], []
    if set(map(type, items)) != {dict}:
        return None
    sizes = set(map(len, items))
    try:
        froms = list(map(itemgetter("from"), items))
        tos = list(map(itemgetter("to"), items))
        if sizes == {3}:
            weights = list(map(itemgetter("weight"), items))
        elif sizes == {2}:
            weights = [1.0] * len(items)
        else:
            return None
    except KeyError:
        return None
    ids = {str, int}
    if not (set(map(type, froms)) <= ids and set(map(type, tos)) <= ids
            and set(map(type, weights)) <= {float, int}):
        return None
    if "" in froms or "" in tos:
        return None
    return froms, tos, weights


# --- paths and messages ----------------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _path(parts: Sequence[Any]) -> str:
    """``["neurons", 3, "activation"]`` → ``$.neurons[3].activation``."""
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif isinstance(p, str) and _IDENT.match(p):
            out += f".{p}"
        else:
            out += f"[{json.dumps(str(p), ensure_ascii=False)}]"
    return out


def _short(x: object, limit: int = 60) -> str:
    """A one-line rendering of a value, JSON where possible, cut at ``limit``."""
    try:
        text = json.dumps(x, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(x)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_type(x: object) -> str:
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "boolean"
    if isinstance(x, str):
        return "string"
    if _is_integer(x) and not isinstance(x, float):
        return "integer"
    if _is_number(x):
        return "number"
    if isinstance(x, dict):
        return "object"
    if isinstance(x, list):
        return "array"
    return f"Python {type(x).__name__}"


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "object": "an object",
    "array": "an array",
    "boolean": "a boolean",
    "null": "null",
}


def _schema_problem(error: Any) -> tuple[list[Any], str]:
    """Word one jsonschema error: (path within the validated item, problem)."""
    path = list(error.absolute_path)
    kind, value, inst = error.validator, error.validator_value, error.instance
    if kind == "type":
        types = [value] if isinstance(value, str) else list(value)
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        return path, f"must be {wanted}, got {_json_type(inst)} {_short(inst)}"
    if kind == "required":
        missing = next((k for k in value if k not in inst), value[0])
        return path, f"missing required field {missing!r}"
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = next((k for k in inst if k not in allowed), None)
        hint = did_you_mean(extra, allowed)
        return path, (
            f"unknown field {_short(extra)}{hint}; allowed fields: {', '.join(allowed)}"
        )
    if kind == "minLength":
        return path, "must not be empty"
    if kind == "minimum":
        return path, f"must be >= {value}, got {_short(inst)}"
    if kind == "maximum":
        return path, f"must be <= {value} (netsim's limit), got {_short(inst)}"
    if kind == "const":
        return path, f"must be {_short(value)}, got {_short(inst)}"
    return path, " ".join(str(error.message).split())[:200]


# --- loading ---------------------------------------------------------------------------


def _read_json(text: str | bytes, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{source}: line {exc.lineno}, column {exc.colno}: malformed JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise FormatError(f"{source}: malformed JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
        raise FormatError(f"{source}: malformed JSON: {exc}") from None


def load(path: str | os.PathLike[str]) -> Network:
    """Load a network from a JSON file (format ``netsim-network``, version 1).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Network

    Raises
    ------
    FormatError
        Malformed JSON, a schema violation or a meaning error; the message names the
        file, the JSON path and the problem.
    OSError
        The file cannot be read.

    Examples
    --------
    >>> import os, tempfile
    >>> import netsim as ns
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> ns.save(ns.mlp("2-2-1", seed=0), path)
    >>> ns.load(path)
    <Network 'mlp 2-2-1': 5 neurons (2 inputs, 1 output), 6 connections, feed-forward>
    """
    if not isinstance(path, str | os.PathLike):
        raise ParameterError(
            f"load expects a file path (str or path-like), got {type(path).__name__}")
    source = os.fspath(path)
    text = read_text(source, limit=MAX_FILE_BYTES, error=FormatError, what="network file")
    # the parsed document takes 6x (connections) to 20x (bare neurons) its text
    check_memory(20 * len(text), f"loading {source}")
    return from_dict(_read_json(text, source), source=source)


def loads(text: str | bytes, source: str = "<string>") -> Network:
    """Load a network from JSON text; ``source`` names it in error messages.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.io.loads('{"format": "netsim-network", "version": 1, '
    ...                   '"neurons": [{"id": "a"}, {"id": "b"}], '
    ...                   '"connections": [{"from": "a", "to": "b", "weight": 0.5}]}')
    >>> net.connections
    [('a', 'b', 0.5)]
    """
    if isinstance(text, bytes | bytearray):
        text = decode_text(bytes(text), source, FormatError)
    elif not isinstance(text, str):
        raise ParameterError(f"loads expects str or bytes, got {type(text).__name__}")
    return from_dict(_read_json(text, source), source=source)


def from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Network:
    """Build a network from a parsed JSON document (the inverse of :func:`to_dict`).

    ``source`` names the document in error messages (a file name, or ``"<dict>"``).

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.from_dict({
    ...     "format": "netsim-network", "version": 1, "name": "and",
    ...     "neurons": [{"id": "x1"}, {"id": "x2"},
    ...                 {"id": "y", "activation": "step", "bias": -1.5}],
    ...     "connections": [{"from": "x1", "to": "y", "weight": 1.0},
    ...                     {"from": "x2", "to": "y", "weight": 1.0}],
    ...     "inputs": ["x1", "x2"], "outputs": ["y"]})
    >>> net
    <Network 'and': 3 neurons (2 inputs, 1 output), 2 connections, feed-forward>
    >>> ns.from_dict({"format": "netsim-network", "version": 2, "neurons": []})
    Traceback (most recent call last):
    ...
    netsim.errors.FormatError: <dict>: $.version: unsupported version 2; this netsim reads version 1
    """
    try:
        return _Loader(source).build(data)
    except RecursionError:  # a field holding arrays in arrays ... (a valid one needs 4)
        raise FormatError(f"{source}: the document is nested too deeply") from None


class _Loader:
    """One load: structure first (schema), then meaning, then the network in bulk."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._functions: dict[Any, tuple[str, dict[str, float]]] = {}
        self._specs: dict[Any, dict[str, Any]] = {}

    def fail(self, parts: Sequence[Any], problem: str) -> FormatError:
        return FormatError(f"{self.source}: {_path(parts)}: {problem}")

    # structure ---------------------------------------------------------------------

    def _schema_fail(self, item: object, parts: list[Any], definition: str | None) -> None:
        """Raise the best jsonschema error for ``item`` (if it has one)."""
        from jsonschema.exceptions import best_match

        error = best_match(_validator(definition).iter_errors(item))
        if error is not None:
            inner, problem = _schema_problem(error)
            raise self.fail([*parts, *inner], problem)

    def _header(self, data: object) -> None:
        if not isinstance(data, dict):
            raise self.fail([], f"a network file must hold a JSON object, got {_json_type(data)}")
        fmt = data.get("format", _BAD)
        if fmt is _BAD:
            raise self.fail([], f'missing "format": "{FORMAT}" (is this a netsim network file?)')
        if fmt != FORMAT:
            raise self.fail(["format"], f'unsupported format {_short(fmt)}; expected "{FORMAT}"')
        version = data.get("version", _BAD)
        if version is _BAD:
            raise self.fail([], f'missing "version" (this netsim reads version {VERSION})')
        if isinstance(version, bool) or version != VERSION:
            raise self.fail(
                ["version"], f"unsupported version {_short(version)}; this netsim reads "
                f"version {VERSION}"
            )
        # The small part goes to jsonschema; the big arrays are checked item by item.
        small = {k: ([] if k in _BIG_ARRAYS and isinstance(v, list) else v)
                 for k, v in data.items()}
        self._schema_fail(small, [], None)

    def _items(self, data: dict[str, Any], key: str, check: Any, definition: str) -> list[Any]:
        items = data.get(key, [])
        out = [check(x) for x in items]
        if None in out:  # find the first bad one and word it
            for k, (raw, value) in enumerate(zip(items, out, strict=True)):
                if value is None:
                    self._schema_fail(raw, [key, k], definition)
                    raise self.fail([key, k], "does not match the schema")  # pragma: no cover
        return out

    # meaning -------------------------------------------------------------------------

    def _number(self, value: Any, parts: list[Any]) -> float:
        try:
            x = float(value)
        except OverflowError:
            raise self.fail(parts, f"number {_short(value)} is too large") from None
        except (TypeError, ValueError):
            raise self.fail(parts, f"must be a real number, got {_short(value)}") from None
        if not math.isfinite(x):
            raise self.fail(
                parts, f"non-finite number {x!r}: NaN and Infinity are not allowed"
            )
        return x

    def _function(
        self, spec: Any, registry: Any, parts: list[Any]
    ) -> tuple[str, dict[str, float]]:
        """Check a function spec against its registry; return ``(name, params)``."""
        if isinstance(spec, str):
            name, params, name_parts = spec, {}, parts
        else:
            params = dict(spec)
            name, name_parts = params.pop("name"), [*parts, "name"]
        try:
            entry = registry.get(name)
        except UnknownFunctionError as exc:
            raise self.fail(name_parts, str(exc)) from None
        words = {p.name: p.words for p in entry.params}
        for key, value in params.items():  # NaN, Infinity, 1e999, huge integers
            if key in words and not (isinstance(value, str) and value in words[key]):
                self._number(value, [*parts, key])
        try:
            params = entry.validate(params)
        except ParameterError as exc:
            # Point at the parameter at fault when there is one.
            for key, value in params.items():
                try:
                    entry.validate({key: value})
                except ParameterError as one:
                    raise self.fail([*parts, key], str(one)) from None
            raise self.fail(parts, str(exc)) from None
        return entry.name, params

    def _cached_function(self, spec: Any, registry: Any, parts: list[Any]) -> Any:
        """:meth:`_function`, checked once per distinct spec (most neurons share one)."""
        key = (registry.kind, spec if isinstance(spec, str) else frozenset(spec.items()))
        hit = self._functions.get(key)
        if hit is None:
            hit = self._functions[key] = self._function(spec, registry, parts)
        return hit

    def build(self, data: Any) -> Network:
        self._header(data)
        sizes = [len(v) if isinstance(v, list) else 0
                 for v in (data.get("neurons"), data.get("connections"))]
        try:  # before anything is built from them
            check_network_size(sizes[0], sizes[1], f"the network of {self.source}")
        except NetsimError as exc:
            raise FormatError(str(exc)) from None
        neurons = self._items(data, "neurons", neuron_fields, "neuron")
        froms, tos, weights_in = self._connection_columns(data)
        roles = {key: self._items(data, key, neuron_id, "id") for key in ("inputs", "outputs")}

        defaults = data.get("defaults", {})
        default_act = default_pot = None
        if "activation" in defaults:
            default_act = self._function(
                defaults["activation"], ACTIVATIONS, ["defaults", "activation"]
            )
        if "potential" in defaults:
            default_pot = self._function(
                defaults["potential"], POTENTIALS, ["defaults", "potential"]
            )
        identity = default_act or (ACTIVATIONS.get("identity").name, {})
        weighted_sum = default_pot or (POTENTIALS.get("weighted_sum").name, {})

        # Every neuron is checked here exactly as Network.add_neuron checks it, and
        # its attributes are the ones add_neuron stores (a test compares them); the
        # network is then built from arrays (Network.from_arrays): no graph until a
        # user asks for it, and no Python work per connection beyond reading it.
        ids: list[NeuronId] = []
        first: dict[NeuronId, int] = {}
        acts: list[dict[str, Any]] = []
        pots: list[dict[str, Any]] = []
        bias: list[float] = []
        initial: list[float] = []
        extras: dict[str, list[Any]] = {"layer": [], "label": [], "group": []}
        for k, n in enumerate(neurons):
            nid = n["id"]
            if nid in first:
                raise self.fail(
                    ["neurons", k, "id"],
                    f"duplicate neuron id {nid!r} (first at {_path(['neurons', first[nid]])})",
                )
            first[nid] = k
            ids.append(nid)
            act, act_params = (
                self._cached_function(n["activation"], ACTIVATIONS, ["neurons", k, "activation"])
                if "activation" in n else identity
            )
            pot, pot_params = (
                self._cached_function(n["potential"], POTENTIALS, ["neurons", k, "potential"])
                if "potential" in n else weighted_sum
            )
            acts.append(self._spec(act, act_params))
            pots.append(self._spec(pot, pot_params))
            bias.append(self._number(n["bias"], ["neurons", k, "bias"]) if "bias" in n else 0.0)
            initial.append(self._number(n["initial"], ["neurons", k, "initial"])
                           if "initial" in n else 0.0)
            for key, values in extras.items():
                values.append(n.get(key))

        def given(values: list[Any]) -> list[Any] | None:  # a column no neuron sets: None
            return values if any(v is not None for v in values) else None

        try:
            m = len(froms)
            sources = np.fromiter(map(first.__getitem__, froms), np.int64, count=m)
            targets = np.fromiter(map(first.__getitem__, tos), np.int64, count=m)
            weights = np.array(weights_in, dtype=np.float64)
            if not np.all(np.isfinite(weights)):
                raise ValueError("not finite")
            net = Network.from_arrays(
                sources, targets, weights, neurons=ids, activation=acts, potential=pots,
                bias=bias, initial=initial,
                layer=given(extras["layer"]), label=given(extras["label"]),
                group=given(extras["group"]),
                name=data.get("name"), description=data.get("description"),
            )
        except (NetsimError, KeyError, OverflowError, TypeError, ValueError):
            self._diagnose_connections(first, list(zip(froms, tos, weights_in, strict=True)))
            raise  # pragma: no cover - the diagnosis always finds the culprit

        for key, role_ids in roles.items():
            seen: dict[NeuronId, int] = {}
            for k, nid in enumerate(role_ids):
                if nid not in first:
                    raise self.fail([key, k], self._unknown(ids, nid))
                if nid in seen:
                    raise self.fail(
                        [key, k], f"neuron {nid!r} is listed twice (first at "
                        f"{_path([key, seen[nid]])})"
                    )
                seen[nid] = k
        net.set_inputs(roles["inputs"])
        net.set_outputs(roles["outputs"])
        return net

    def _spec(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """``{"name": ..., **params}``, one shared object per distinct function."""
        key = (name, tuple(params.items()))
        spec = self._specs.get(key)
        if spec is None:
            spec = self._specs[key] = {"name": name, **params}
        return spec

    def _connection_columns(self, data: dict[str, Any]) -> tuple[list[Any], list[Any], list[Any]]:
        """The ``from``, ``to`` and ``weight`` columns of the connections, schema-checked.

        The common file (every connection a dict of exactly ``from``, ``to`` and a
        ``weight``, ids strings or integers, weights ints or floats) is checked column
        by column at C speed; anything else goes item by item through
        :func:`connection_triple`, which words the first problem.
        """
        items = data.get("connections", [])
        fast = _fast_columns(items) if isinstance(items, list) else None
        if fast is not None:
            return fast
        triples = self._items(data, "connections", connection_triple, "connection")
        return ([t[0] for t in triples], [t[1] for t in triples], [t[2] for t in triples])

    @staticmethod
    def _unknown(ids: list[NeuronId], nid: object) -> str:
        names = [str(n) for n in ids] if len(ids) <= 10_000 else []
        return f"unknown neuron {nid!r}{did_you_mean(nid, names)}"

    def _diagnose_connections(self, index: dict[NeuronId, int], triples: list[Any]) -> None:
        """Find the first bad connection and raise for it (with its JSON path)."""
        ids = list(index)
        first: dict[tuple[NeuronId, NeuronId], int] = {}
        for k, (u, v, w) in enumerate(triples):
            if u not in index:
                raise self.fail(["connections", k, "from"], self._unknown(ids, u))
            if v not in index:
                raise self.fail(["connections", k, "to"], self._unknown(ids, v))
            self._number(w, ["connections", k, "weight"])
            if (u, v) in first:
                raise self.fail(
                    ["connections", k],
                    f"duplicate connection {u!r} -> {v!r} (first at "
                    f"{_path(['connections', first[u, v]])})",
                )
            first[u, v] = k


# --- saving ----------------------------------------------------------------------------


def _function_value(name: str, params: Mapping[str, Any], registry: Any) -> Any:
    """A function in file form: its name, or ``{"name": ..., params}`` in spec order.

    The name must be registered (an unknown one would make a file that cannot load).
    """
    entry = registry.get(name)
    if not params:
        return name
    order = [p.name for p in entry.params if p.name in params]
    order += sorted((k for k in params if k not in order), key=str)
    # a word ("keep") stays a word; numbers in shortest round-trip form
    return {"name": name, **{k: params[k] if isinstance(params[k], str) else float(params[k])
                             for k in order}}


def _neuron_dict(net: Network, nid: NeuronId) -> dict[str, Any]:
    n = net.neuron(nid)
    out: dict[str, Any] = {"id": nid}
    activation = _function_value(n.activation, n.activation_params, ACTIVATIONS)
    if activation != "identity":
        out["activation"] = activation
    potential = _function_value(n.potential, n.potential_params, POTENTIALS)
    if potential != "weighted_sum":
        out["potential"] = potential
    if n.bias != 0.0 or math.copysign(1.0, n.bias) < 0:  # -0.0 is kept, bit for bit
        out["bias"] = n.bias
    if n.initial != 0.0 or math.copysign(1.0, n.initial) < 0:
        out["initial"] = n.initial
    if n.layer is not None:
        out["layer"] = int(n.layer)
    if n.label is not None:
        out["label"] = n.label
    if n.group is not None:
        out["group"] = n.group
    return out


def _header_dict(net: Network) -> dict[str, Any]:
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for key in ("name", "description"):
        value = getattr(net, key)
        if value is not None and not isinstance(value, str):
            raise FormatError(
                f"cannot save: the network's {key} must be a string or None, got {value!r}"
            )
        if value is not None:
            out[key] = value
    return out


@keywords(network=True)
def to_dict(net: Network) -> dict[str, Any]:
    """The network as a JSON-ready dict (format version 1), defaults omitted.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network(name="tiny")
    >>> net.add_input("x"); net.add_output("y", activation="sigmoid", bias=0.5)
    >>> net.connect("x", "y", 2.0)
    >>> ns.to_dict(net)  # doctest: +NORMALIZE_WHITESPACE
    {'format': 'netsim-network', 'version': 1, 'name': 'tiny',
     'neurons': [{'id': 'x'}, {'id': 'y', 'activation': 'sigmoid', 'bias': 0.5}],
     'connections': [{'from': 'x', 'to': 'y', 'weight': 2.0}],
     'inputs': ['x'], 'outputs': ['y']}
    """
    out = _header_dict(net)
    out["neurons"] = [_neuron_dict(net, n) for n in net]
    out["connections"] = [{"from": u, "to": v, "weight": w} for u, v, w in net.connections]
    out["inputs"] = list(net.inputs)
    out["outputs"] = list(net.outputs)
    return out


def _encode(net: Network, ensure_ascii: bool) -> str:
    enc = json.JSONEncoder(
        ensure_ascii=ensure_ascii, allow_nan=False, separators=(", ", ": ")
    ).encode
    lines = ["{"]
    for key, value in _header_dict(net).items():
        lines.append(f"  {enc(key)}: {enc(value)},")

    neuron_lines = []
    for nid in net:
        try:
            item = _neuron_dict(net, nid)
        except (NetsimError, TypeError, ValueError) as exc:  # state written into the graph
            raise FormatError(f"cannot save: neuron {nid!r}: {exc}") from None
        try:
            neuron_lines.append(enc(item))
        except (TypeError, ValueError) as exc:  # NaN, or an object written into the graph
            raise FormatError(f"cannot save: neuron {nid!r}: {exc} in {item!r}") from None
    lines.append(_array("neurons", neuron_lines))

    # One line per connection, formatted directly (json.dumps per item is 5x slower).
    # Ids are encoded once each; a float's repr is exactly what json writes for it.
    bulk = net.bulk
    if bulk is not None:
        conn_lines = _connection_lines(bulk, enc)
    else:
        conn_lines = _graph_connection_lines(net.graph, enc)
    lines.append(_array("connections", conn_lines))
    lines.append(f'  "inputs": {enc(list(net.inputs))},')
    lines.append(f'  "outputs": {enc(list(net.outputs))}')
    lines.append("}\n")
    return "\n".join(lines)


def _connection_lines(bulk: Any, enc: Any) -> list[str]:
    """The connection lines of a network kept as arrays (already in edge order)."""
    sources, targets, weights = bulk.edges()
    if not np.all(np.isfinite(weights)):
        k = int(np.flatnonzero(~np.isfinite(weights))[0])
        u, v = bulk.ids[int(sources[k])], bulk.ids[int(targets[k])]
        raise FormatError(f"cannot save: the weight of {u!r} -> {v!r} is {weights[k]!r} "
                          "(not finite)")
    heads = ['{"from": ' + enc(nid) + ', "to": ' for nid in bulk.ids]
    tails = [enc(nid) + ', "weight": ' for nid in bulk.ids]
    return [f"{heads[u]}{tails[v]}{w!r}}}" for u, v, w in zip(
        sources.tolist(), targets.tolist(), weights.tolist(), strict=True)]


def _graph_connection_lines(graph: Any, enc: Any) -> list[str]:
    """The connection lines of a network held as a graph."""
    ids = {nid: enc(nid) for nid in graph}
    conn_lines: list[str] = []
    append = conn_lines.append
    isfinite = math.isfinite
    for u, nbrs in graph._succ.items():
        head = '{"from": ' + ids[u] + ', "to": '
        for v, d in nbrs.items():
            w = d.get("weight", 1.0)
            if type(w) is not float:
                w = float(w)
            if not isfinite(w):
                raise FormatError(
                    f"cannot save: the weight of {u!r} -> {v!r} is {w!r} (not finite)"
                )
            append(f'{head}{ids[v]}, "weight": {w!r}}}')
    return conn_lines


def _array(key: str, items: list[str]) -> str:
    if not items:
        return f'  "{key}": [],'
    return f'  "{key}": [\n    ' + ",\n    ".join(items) + "\n  ],"


def _encode_bytes(net: Network) -> bytes:
    text = _encode(net, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in some string: escape everything
        return _encode(net, ensure_ascii=True).encode("ascii")


@keywords(network=True)
def dumps(net: Network) -> str:
    """The file content :func:`save` writes, as a string.

    Examples
    --------
    >>> import netsim as ns
    >>> net = ns.Network()
    >>> net.add_input("x"); net.add_output("y", activation="step")
    >>> net.connect("x", "y", -1.5)
    >>> print(ns.io.dumps(net), end="")
    {
      "format": "netsim-network",
      "version": 1,
      "neurons": [
        {"id": "x"},
        {"id": "y", "activation": "step"}
      ],
      "connections": [
        {"from": "x", "to": "y", "weight": -1.5}
      ],
      "inputs": ["x"],
      "outputs": ["y"]
    }
    """
    return _encode_bytes(net).decode("utf-8")


@keywords(network=True)
def save(net: Network, path: str | os.PathLike[str]) -> None:
    """Save a network as JSON (format version 1), atomically.

    The whole file is produced in memory first, then written to a temporary file
    beside ``path`` and renamed over it: a failing or interrupted save leaves an
    existing file untouched. Saving a loaded network reproduces its bytes exactly.

    Examples
    --------
    >>> import os, tempfile
    >>> import netsim as ns
    >>> path = os.path.join(tempfile.mkdtemp(), "mlp.json")
    >>> ns.save(ns.mlp("2-3-1", seed=0), path)
    >>> ns.load(path) == ns.mlp("2-3-1", seed=0)
    True
    """
    check_path(path)
    atomic_write_bytes(path, _encode_bytes(net))
