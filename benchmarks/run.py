"""Run every benchmark: ``python benchmarks/run.py [--quick] [NAME ...]``.

Each ``bench_*.py`` module beside this file defines ``main(quick: bool) -> None`` that
prints its table (see ``_harness.py``). ``--quick`` uses smaller sizes for a smoke run.
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmark modules (e.g. bench_io)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    names = args.names or sorted(p.stem for p in HERE.glob("bench_*.py"))
    for name in names:
        importlib.import_module(name).main(quick=args.quick)


if __name__ == "__main__":
    main()
