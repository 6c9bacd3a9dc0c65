"""Finding a class's submissions in nbgrader's layout, and grading one of them from start to finish.

``grade_submission`` takes only plain data (the assignment, the student, the
submission's files as bytes, the limits), so that it runs the same in a thread
of this machine and as a task on a Dask worker of another.
"""

from __future__ import annotations

import shutil
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from coursetools.grading import notebooks, runner
from coursetools.grading.limits import Limits
from coursetools.grading.scoring import Score, score_run, unscored
from coursetools.paths import exercise_notebook, notebook_name, solution_notebook

MAX_SUBMISSION_BYTES = 64 * 2**20


@dataclass
class Submission:
    """One student's folder for an assignment: their files, relative path to bytes (symbolic links left out)."""

    student: str
    files: dict[str, bytes]
    skipped: list[str]


def find_submissions(folder: Path) -> list[str]:
    """The students of ``folder`` (nbgrader's ``<student>/<assignment>/`` layout), sorted; hidden folders skipped."""
    return sorted(path.name for path in Path(folder).iterdir() if path.is_dir() and not path.name.startswith("."))


def read_submission(folder: Path, student: str, assignment: str) -> Submission:
    """Read a student's submitted files; symbolic links and files beyond the size limit are left out and named."""
    root = Path(folder) / student / assignment
    files, skipped, total = {}, [], 0
    if root.is_dir() and not root.is_symlink():
        for path in sorted(root.rglob("*")):
            relative = str(path.relative_to(root))
            if path.is_symlink() or not path.is_file():
                if path.is_symlink():
                    skipped.append(f"{relative} (a symbolic link)")
                continue
            size = path.stat().st_size
            if total + size > MAX_SUBMISSION_BYTES:
                skipped.append(f"{relative} (over the {MAX_SUBMISSION_BYTES // 2**20} MiB a submission may hold)")
                continue
            total += size
            files[relative] = path.read_bytes()
    return Submission(student, files, skipped)


def _notebook_file(submission: Submission, assignment: str) -> tuple[str | None, list[str]]:
    expected = notebook_name(assignment)
    if expected in submission.files:
        return expected, []
    notebooks_found = [name for name in submission.files if name.endswith(".ipynb") and "/" not in name]
    if len(notebooks_found) == 1:
        return notebooks_found[0], [f"the notebook was named {notebooks_found[0]!r}, not {expected!r}; it was graded"]
    return None, []


def grade_submission(assignment: str, submission: Submission, limits: Limits, sandbox: str = "bwrap",
                     visible_only: bool = False) -> tuple[Score, dict | None]:
    """Grade one submission; return its score and the cells that ran (for the gradebook), never raising.

    With ``visible_only`` (``make check``) the tests are the released notebook's, without hidden cases.
    """
    release = notebooks.read_notebook(exercise_notebook(assignment))
    source = release if visible_only else notebooks.read_notebook(solution_notebook(assignment))
    max_score = notebooks.plan(source, release, release).max_score
    name, repairs = _notebook_file(submission, assignment)
    if name is None:
        note = f"no {notebook_name(assignment)} in the submission" + (
            f" (found: {', '.join(sorted(submission.files))})" if submission.files else "")
        return unscored(submission.student, max_score, "no submission", note), None
    work_dir = Path(tempfile.mkdtemp(prefix=f"aecourse-grading-{assignment}-"))
    try:
        (work_dir / name).parent.mkdir(parents=True, exist_ok=True)
        for relative, content in submission.files.items():
            target = work_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        student_notebook = notebooks.read_notebook(work_dir / name)
        plan = notebooks.plan(source, release, student_notebook)
        run = runner.run_plan(plan, work_dir, limits, sandbox)
        score = score_run(submission.student, run, repairs + plan.repairs + [f"not copied: {s}" for s in submission.skipped])
        return score, {"plan": plan, "cells": run.cells}
    except notebooks.SubmissionError as error:
        return unscored(submission.student, max_score, "not a notebook", str(error)), None
    except Exception as error:  # the grader's own failure, reported in the row; the class goes on
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        return unscored(submission.student, max_score, "error", f"the grader failed on this submission: {detail}"), None
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
