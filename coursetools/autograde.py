"""Grade one notebook as `make grade` does (hidden tests included), and print every test cell's points and message.

    python -m coursetools.autograde ASSIGNMENT NOTEBOOK.ipynb [--sandbox bwrap|none]

For an instructor looking at one submission: nothing is written to the
gradebook. A cell that lost points is shown with the message the student sees
on the feedback page.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from coursetools.grading.limits import Limits
from coursetools.grading.record import Submission
from coursetools.grading.sandbox import SandboxUnavailable, check_sandbox
from coursetools.grading.submissions import grade_submission
from coursetools.paths import assignments, notebook_name


def print_score(submission: Submission) -> None:
    """Each test cell's result and points, the repairs, and the total with the status."""
    for test in submission.tests:
        mark = "ok  " if test.passed else "FAIL"
        print(f"{mark} {test.grade_id:40s} {test.points:g} / {test.max_points:g}  {test.question}")
        if not test.passed:
            print(f"     {test.outcome}")
    for repair in submission.repairs:
        print(f"note: {repair}")
    print(f"total {submission.score:g} / {submission.max_score:g} ({submission.status}: {submission.note})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.autograde", description=__doc__.splitlines()[0])
    parser.add_argument("assignment", choices=assignments())
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--sandbox", choices=["bwrap", "none"], default="bwrap" if shutil.which("bwrap") else "none")
    arguments = parser.parse_args(argv)
    try:
        check_sandbox(arguments.sandbox)
    except SandboxUnavailable as error:
        print(f"grading could not start: {error}", file=sys.stderr)
        return 2
    files = {notebook_name(arguments.assignment): arguments.notebook.read_bytes()}
    print_score(grade_submission(Submission(arguments.assignment, "submission", files), Limits(), arguments.sandbox))
    return 0


if __name__ == "__main__":
    sys.exit(main())
