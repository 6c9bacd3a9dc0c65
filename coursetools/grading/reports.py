"""What grading leaves behind: grades.csv (nbgrader's export columns plus status and note), a feedback page and a log
per student."""

from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter
from pathlib import Path

from coursetools.grading.record import Status, Submission

EXPORT_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]


def write_csv(path: Path, submissions: list[Submission]) -> None:
    """grades.csv: one row per student, nbgrader's export columns (from the gradebook when it was written), status,
    note."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS + ["status", "note"])
        writer.writeheader()
        for submission in submissions:
            row = {column: "" for column in EXPORT_COLUMNS}
            row.update(
                assignment=submission.assignment,
                student_id=submission.student,
                raw_score=f"{submission.score:g}",
                late_submission_penalty="0",
                score=f"{submission.score:g}",
                max_score=f"{submission.max_score:g}",
            )
            row.update(submission.export)
            writer.writerow({**row, "status": submission.status, "note": submission.note})


FLAGGED_SUFFIX = " (not counted: flagged)"
NEXT_STEPS = (
    "Fix the answer that each failed check names, run the notebook again from the top (Restart and Run All), "
    "check it with nbgrader's Validate button or <code>make check</code>, and hand it in again. The grader "
    "also runs hidden cases: an answer that passes the visible checks can still fail one of them."
)
"""What to do after a failed check, as HTML."""


def in_student_terms(outcome: str) -> str:
    """A test's outcome as the student reads it: the check's own message, or what stopped the check and where.

    Where that was a line of the hidden tests, the outcome already says only that (scoring leaves the line out).
    """
    text, flagged = outcome, ""
    if text.endswith(FLAGGED_SUFFIX):
        text, flagged = text[: -len(FLAGGED_SUFFIX)], " (not counted: your notebook was set aside for your instructor)"
    head, marker, where = text.partition(" (raised by ")
    place = ""
    if marker:
        place = " in one of the hidden checks" if where.startswith("one of the hidden tests") else f" at {where[:-1]}"
    if head.startswith("AssertionError: ") and not marker:
        return head[len("AssertionError: ") :] + flagged
    if head.startswith("AssertionError"):
        return f"the check failed{place}" + flagged
    if head.startswith("NotImplementedError"):
        return f"the answer is not written yet (NotImplementedError{place})" + flagged
    if marker or re.match(r"[A-Z]\w*(:|$)", head):  # an exception's name, as the kernel reported it
        return f"the check stopped with {head}{place}" + flagged
    return text + flagged


def _summary(submission: Submission) -> str:
    """The page's opening: the points, how many checks passed, and what stopped or set aside the notebook."""
    escape = html.escape
    passed = sum(1 for test in submission.tests if test.passed)
    line = (
        f"<p><strong>{submission.score:g} / {submission.max_score:g}</strong> points: {passed} of "
        f"{len(submission.tests)} checks passed. Status: <strong>{escape(submission.status)}</strong>.</p>"
    )
    if submission.status == Status.GRADED:
        return line
    if submission.status == Status.FLAGGED:
        why = "Your notebook was set aside for your instructor to review, and scores 0 until then"
    elif submission.tests:
        why = "Your notebook was stopped before its end; the checks after that point did not run"
    else:
        why = "Your notebook could not be run"
    return f"{line}\n<p>{why}: {escape(submission.note)}</p>"


def _failed(test) -> str:
    escape = html.escape
    return (
        f'<section class="failed" id="{escape(test.grade_id)}"><h3><code>{escape(test.grade_id)}</code>: '
        f"{escape(test.question)} ({test.points:g} / {test.max_points:g} points)</h3>\n"
        f'<p class="found"><strong>What it found:</strong> {escape(in_student_terms(test.outcome))}</p></section>'
    )


def feedback_page(submission: Submission) -> str:
    """One student's feedback as a self-contained HTML page: each failed check, what it checks and what it found,
    what to do next, the checks that passed, and the changes made to the notebook before it ran."""
    escape = html.escape
    failed = [test for test in submission.tests if not test.passed]
    passed = "".join(
        f"<li><code>{escape(test.grade_id)}</code>: {escape(test.question)} ({test.points:g} / "
        f"{test.max_points:g} points)</li>"
        for test in submission.tests
        if test.passed
    )
    repairs = "".join(f"<li>{escape(repair)}</li>" for repair in submission.repairs)
    title = f"{escape(submission.assignment)}: {escape(submission.student)}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}}h3{{font-size:1em}}
section.failed{{border-left:.3em solid #a33c00;padding-left:1em;margin:1em 0}}</style></head><body>
<h1>{title}</h1>
{_summary(submission)}
{f"<h2>Checks that failed</h2>{''.join(map(_failed, failed))}<p>{NEXT_STEPS}</p>" if failed else ""}
{f"<h2>Checks that passed</h2><ul>{passed}</ul>" if passed else ""}
{f"<h2>Changes made to your notebook before it ran</h2><ul>{repairs}</ul>" if repairs else ""}
</body></html>
"""


def log_text(submission: Submission) -> str:
    """A plain-text log of one student's grading: status, repairs, every cell's result, error and seconds."""
    lines = [
        (
            f"{submission.assignment} / {submission.student}: {submission.score:g}/{submission.max_score:g}, "
            f"{submission.status}: {submission.note}"
        ),
        f"seconds: {submission.seconds:.1f}",
    ]
    lines += [f"repair: {repair}" for repair in submission.repairs]
    for cell in submission.run.cells if submission.run is not None else []:
        execution = cell.execution
        label = f"{cell.step.kind} {cell.step.grade_id or '(own cell)'}"
        if execution is None:
            lines.append(f"{label}: not run")
            continue
        lines.append(f"{label}: {execution.status} in {execution.seconds:.1f} s {execution.error}".rstrip())
        lines += [f"    | {line}" for line in execution.output.splitlines()[-20:]]
    return "\n".join(lines) + "\n"


def summary(submissions: list[Submission], seconds: float) -> str:
    """The closing line: how many were graded, at full marks, at zero, flagged, stopped or failed, and the time."""
    statuses = Counter(submission.status for submission in submissions)
    full = sum(1 for s in submissions if s.max_score and s.score == s.max_score)
    zero = sum(1 for s in submissions if s.score == 0)
    stopped = {status: count for status, count in statuses.items() if status not in (Status.GRADED, Status.FLAGGED)}
    details = ", ".join(f"{count} {status}" for status, count in sorted(stopped.items())) or "none stopped or failed"
    rate = len(submissions) / seconds * 60 if seconds else 0.0
    return (
        f"{len(submissions)} submissions: {statuses.get(Status.GRADED, 0)} graded, {full} at full marks, "
        f"{zero} at zero, {statuses.get(Status.FLAGGED, 0)} flagged; {details}; {seconds:.0f} s ({rate:.1f} per minute)"
    )


def write_results(path: Path, submissions: list[Submission]) -> None:
    """results.json: every student's status, score and each test cell's points and outcome, for scripts."""
    path.write_text(
        json.dumps(
            {
                s.student: {
                    "score": s.score,
                    "max_score": s.max_score,
                    "status": s.status,
                    "note": s.note,
                    "seconds": round(s.seconds, 1),
                    "repairs": s.repairs,
                    "slowest_cell": [s.slowest_cell[0], round(s.slowest_cell[1], 1)],
                    "tests": {
                        test.grade_id: {"points": test.points, "max_points": test.max_points, "outcome": test.outcome}
                        for test in s.tests
                    },
                }
                for s in submissions
            },
            indent=1,
        )
    )


def write_student_files(out: Path, submissions: list[Submission]) -> None:
    """Into ``out``: a feedback page and a log per student, and results.json."""
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(parents=True, exist_ok=True)
    for submission in submissions:
        (out / "feedback" / f"{submission.student}.html").write_text(feedback_page(submission))
        (out / "logs" / f"{submission.student}.log").write_text(log_text(submission))
    write_results(out / "results.json", submissions)
