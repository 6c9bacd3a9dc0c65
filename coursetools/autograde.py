"""Autograde one notebook in a throw-away course directory and print its score per test cell.

    python -m coursetools.autograde ASSIGNMENT NOTEBOOK.ipynb
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coursetools.nbgrader_course import autograde


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.autograde", description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("notebook", type=Path)
    arguments = parser.parse_args(argv)
    result = autograde(arguments.assignment, arguments.notebook)
    for name, (score, max_score) in result.cells.items():
        print(f"{name:40s} {score:g} / {max_score:g}")
    print(f"{'total':40s} {result.score:g} / {result.max_score:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
