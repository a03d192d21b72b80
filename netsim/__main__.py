"""``python -m netsim``: the command line."""

from .cli import run

run()
