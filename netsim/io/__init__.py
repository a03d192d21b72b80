"""Input and output: the JSON network format (:mod:`netsim.io.json_format`) and atomic
file writes (:mod:`netsim.io.atomic`).

Importing this package is cheap: ``jsonschema`` is imported only when a file is loaded.
"""

from .atomic import atomic_open, atomic_path, atomic_write_bytes, atomic_write_text
from .json_format import dumps, from_dict, load, loads, save, to_dict

__all__ = [
    "atomic_open",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "dumps",
    "from_dict",
    "load",
    "loads",
    "save",
    "to_dict",
]
