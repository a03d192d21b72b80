"""``python -m netsim.datasets NAME``: print the path of a shipped data file."""

from __future__ import annotations

import sys

from . import FILES, path


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in FILES:
        names = ", ".join(FILES)
        print(f"usage: python -m netsim.datasets NAME   (NAME: {names})", file=sys.stderr)
        return 2
    print(path(argv[0]))
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a module
    sys.exit(main(sys.argv[1:]))
