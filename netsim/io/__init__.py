"""Input and output: network files (JSON) and diagrams (DOT, rendering)."""
