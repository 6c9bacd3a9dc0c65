"""Check a notebook as the grader scores it, with the visible tests only (``make check NOTEBOOK=...``).

    python -m coursetools.check NOTEBOOK.ipynb [--assignment ID] [--sandbox bwrap|none]

Runs the notebook the way ``make grade`` does (the released test cells, your
answers, the same scoring) and prints each test cell's result and points. The
grader adds hidden cases. Without bubblewrap it runs without a sandbox, which
is safe for your own notebook.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from coursetools.autograde import print_score
from coursetools.grading.limits import Limits
from coursetools.grading.record import Submission
from coursetools.grading.sandbox import SandboxUnavailable, check_bwrap
from coursetools.grading.submissions import grade_submission
from coursetools.paths import assignments, notebook_name


def assignment_of(notebook: Path, given: str | None) -> str:
    """The assignment a notebook belongs to: given, or read from its file or folder name."""
    if given:
        return given
    for name in (notebook.stem, notebook.parent.name):
        if name in assignments():
            return name
    raise SystemExit(f"cannot tell which assignment {notebook} is: name it with --assignment (one of {assignments()})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.check", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--assignment", choices=assignments(), default=None)
    parser.add_argument("--sandbox", choices=["bwrap", "none"], default="bwrap" if shutil.which("bwrap") else "none")
    arguments = parser.parse_args(argv)
    if not arguments.notebook.is_file():
        print(f"no notebook at {arguments.notebook}", file=sys.stderr)
        return 2
    assignment = assignment_of(arguments.notebook, arguments.assignment)
    why = "bubblewrap is not installed" if not shutil.which("bwrap") else "as --sandbox none asks"
    if arguments.sandbox == "bwrap":
        try:
            check_bwrap()
        except SandboxUnavailable as error:
            arguments.sandbox, why = "none", str(error).split(". ")[0]
    if arguments.sandbox == "none":
        print(f"note: running without a sandbox ({why}), which is fine for your own notebook", file=sys.stderr)
    files = {notebook_name(assignment): arguments.notebook.read_bytes()}
    print_score(grade_submission(Submission(assignment, "you", files), Limits(), arguments.sandbox, visible_only=True))
    print("(the visible tests only; the grader adds hidden cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
