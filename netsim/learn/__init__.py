"""learn: learning rules (placeholder on the dynamics branch: only the Hebb rule)."""

from .hebb import hebb  # noqa: F401
