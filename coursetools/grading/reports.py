"""What grading leaves behind: grades.csv (nbgrader's export columns plus status and note), a feedback page and a log per student."""

from __future__ import annotations

import csv
import html
import json
from collections import Counter
from pathlib import Path

from coursetools.grading.record import Status, Submission

EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score"]


def write_csv(path: Path, submissions: list[Submission]) -> None:
    """grades.csv: one row per student, nbgrader's export columns (from the gradebook when it was written), status, note."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS + ["status", "note"])
        writer.writeheader()
        for submission in submissions:
            row = {column: "" for column in EXPORT_COLUMNS}
            row.update(assignment=submission.assignment, student_id=submission.student, raw_score=f"{submission.score:g}",
                       late_submission_penalty="0", score=f"{submission.score:g}", max_score=f"{submission.max_score:g}")
            row.update(submission.export)
            writer.writerow({**row, "status": submission.status, "note": submission.note})


def feedback_page(submission: Submission) -> str:
    """One student's feedback as a self-contained HTML page: each test's question, result and points; repairs."""
    escape = html.escape
    rows = "\n".join(
        f"<tr class=\"{'pass' if test.passed else 'fail'}\"><td><code>{escape(test.grade_id)}</code>"
        f"<br>{escape(test.question)}</td><td>{escape(test.outcome)}</td><td>{test.points:g} / {test.max_points:g}</td></tr>"
        for test in submission.tests
    )
    repairs = "".join(f"<li>{escape(repair)}</li>" for repair in submission.repairs)
    title = f"{escape(submission.assignment)}: {escape(submission.student)}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}}tr.pass td:last-child{{color:#006b4f}}
tr.fail td:last-child{{color:#a33c00}}</style></head><body>
<h1>{title}</h1>
<p><strong>{submission.score:g} / {submission.max_score:g}</strong> points. Status: <strong>{escape(submission.status)}</strong>.
{escape(submission.note)}</p>
<table><tr><th>test: what it checks</th><th>what it found</th><th>points</th></tr>
{rows}
</table>
{f"<h2>Changes made to your notebook before it ran</h2><ul>{repairs}</ul>" if repairs else ""}
</body></html>
"""


def log_text(submission: Submission) -> str:
    """A plain-text log of one student's grading: status, repairs, every cell's result, error and seconds."""
    lines = [f"{submission.assignment} / {submission.student}: {submission.score:g}/{submission.max_score:g}, "
             f"{submission.status}: {submission.note}", f"seconds: {submission.seconds:.1f}"]
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
    return (f"{len(submissions)} submissions: {statuses.get(Status.GRADED, 0)} graded, {full} at full marks, "
            f"{zero} at zero, {statuses.get(Status.FLAGGED, 0)} flagged; {details}; {seconds:.0f} s ({rate:.1f} per minute)")


def write_results(path: Path, submissions: list[Submission]) -> None:
    """results.json: every student's status, score and each test cell's points and outcome, for scripts."""
    path.write_text(json.dumps({
        s.student: {
            "score": s.score, "max_score": s.max_score, "status": s.status, "note": s.note,
            "seconds": round(s.seconds, 1), "repairs": s.repairs,
            "slowest_cell": [s.slowest_cell[0], round(s.slowest_cell[1], 1)],
            "tests": {test.grade_id: {"points": test.points, "max_points": test.max_points, "outcome": test.outcome}
                      for test in s.tests},
        } for s in submissions
    }, indent=1))


def write_student_files(out: Path, submissions: list[Submission]) -> None:
    """Into ``out``: a feedback page and a log per student, and results.json."""
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(parents=True, exist_ok=True)
    for submission in submissions:
        (out / "feedback" / f"{submission.student}.html").write_text(feedback_page(submission))
        (out / "logs" / f"{submission.student}.log").write_text(log_text(submission))
    write_results(out / "results.json", submissions)
