"""Reading a class's submissions in nbgrader's layout, and grading one of them: plan, run, score.

``grade_submission`` takes and returns only plain data (the submission record with
its files as bytes, the limits), so that it runs the same in a thread of this
machine and as a task on a Dask worker of another.
"""

from __future__ import annotations

import shutil
import tempfile
import traceback
from pathlib import Path

from coursetools.grading import notebooks, runner
from coursetools.grading.limits import Limits
from coursetools.grading.record import Status, Submission
from coursetools.grading.scoring import score, unscored
from coursetools.paths import notebook_name

MAX_SUBMISSION_BYTES = 64 * 2**20


def find_students(folder: Path) -> list[str]:
    """The students of ``folder`` (nbgrader's ``<student>/<assignment>/`` layout), sorted; hidden folders skipped."""
    return sorted(path.name for path in Path(folder).iterdir() if path.is_dir() and not path.name.startswith("."))


def read_submission(folder: Path, student: str, assignment: str) -> Submission:
    """Read a student's submitted files, leaving them as they are; symbolic links and files beyond the size limit are
    left out and named."""
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
            if relative == "timestamp.txt" and not _readable_timestamp(path.read_bytes()):
                skipped.append("timestamp.txt (not a date and time that nbgrader can read)")
                continue
            if total + size > MAX_SUBMISSION_BYTES:
                skipped.append(f"{relative} (over the {MAX_SUBMISSION_BYTES // 2**20} MiB a submission may hold)")
                continue
            total += size
            files[relative] = path.read_bytes()
    return Submission(assignment, student, files, skipped)


def _readable_timestamp(content: bytes) -> bool:
    """Whether nbgrader's autograder can read this ``timestamp.txt`` (one it cannot stops it for the whole class)."""
    from nbgrader.utils import parse_utc

    try:
        text = content.decode("utf-8").strip()
        return not text or parse_utc(text) is not None
    except (UnicodeDecodeError, ValueError, OverflowError):
        return False


def notebook_file(submission: Submission) -> tuple[str | None, list[str]]:
    """The file of the submission that is graded as its notebook, and the repair that names it when it was renamed."""
    expected = notebook_name(submission.assignment)
    if expected in submission.files:
        return expected, []
    notebooks_found = [name for name in submission.files if name.endswith(".ipynb") and "/" not in name]
    if len(notebooks_found) == 1:
        return notebooks_found[0], [f"the notebook was named {notebooks_found[0]!r}, not {expected!r}; it was graded"]
    return None, []


def grade_submission(
    submission: Submission, limits: Limits, sandbox: str = "bwrap", visible_only: bool = False
) -> Submission:
    """Plan, run and score one submission in a scratch copy of its files; return it, filled in, never raising.

    With ``visible_only`` (``make check``) the tests are the released notebook's, without hidden cases.
    """
    sources = notebooks.sources(submission.assignment, visible_only)
    name, renamed = notebook_file(submission)
    if name is None:
        note = f"no {notebook_name(submission.assignment)} in the submission" + (
            f" (found: {', '.join(sorted(submission.files))})" if submission.files else ""
        )
        return unscored(submission, sources.max_score, Status.NO_SUBMISSION, note)
    work_dir = Path(tempfile.mkdtemp(prefix=f"aecourse-grading-{submission.assignment}-"))
    try:
        for relative, content in submission.files.items():
            target = work_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        submission.plan = notebooks.plan(sources, notebooks.read_notebook(work_dir / name))
        submission.repairs = renamed + submission.plan.repairs + [f"not copied: {s}" for s in submission.skipped]
        submission.run = runner.run_plan(submission.plan, work_dir, limits, sandbox)
        return score(submission)
    except notebooks.SubmissionError as error:
        return unscored(submission, sources.max_score, Status.NOT_A_NOTEBOOK, str(error))
    except Exception as error:  # the grader's own failure, reported in the row; the class goes on
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        return unscored(submission, sources.max_score, Status.ERROR, f"the grader failed on this submission: {detail}")
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
