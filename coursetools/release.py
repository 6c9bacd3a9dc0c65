"""Regenerate ``exercises/`` from ``solutions/`` with nbgrader (``make exercises``).

python -m coursetools.release [ASSIGNMENT ...]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from coursetools.nbgrader_course import ScratchCourse
from coursetools.paths import EXERCISES, REPO, assignments


def release_into_repository(assignment: str) -> Path:
    """Regenerate ``exercises/<assignment>`` from ``solutions/<assignment>``; return its folder."""
    with tempfile.TemporaryDirectory(prefix="aecourse-release-") as root:
        released = ScratchCourse(Path(root)).release(assignment)
        target = EXERCISES / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(released, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.release", description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    for assignment in parser.parse_args(argv).assignment or assignments():
        print(f"released {release_into_repository(assignment).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
