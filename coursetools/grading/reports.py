"""What grading leaves behind: grades.csv (nbgrader's export columns plus status and note), a feedback page and a log per student."""

from __future__ import annotations

import csv
import html
import json
from collections import Counter
from pathlib import Path

from coursetools.grading.scoring import Score

EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score"]


def write_csv(path: Path, assignment: str, scores: list[Score], gradebook_rows: dict[str, dict] | None = None) -> None:
    """grades.csv: one row per student, nbgrader's export columns (from the gradebook when it was written), status, note."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS + ["status", "note"])
        writer.writeheader()
        for score in scores:
            row = {column: "" for column in EXPORT_COLUMNS}
            row.update(assignment=assignment, student_id=score.student, raw_score=f"{score.score:g}",
                       late_submission_penalty="0", score=f"{score.score:g}", max_score=f"{score.max_score:g}")
            row.update((gradebook_rows or {}).get(score.student, {}))
            writer.writerow({**row, "status": score.status, "note": score.note})


def feedback_page(assignment: str, score: Score) -> str:
    """One student's feedback as a self-contained HTML page: each test's question, result and points; repairs."""
    escape = html.escape
    rows = "\n".join(
        f"<tr class=\"{'pass' if test.points == test.max_points else 'fail'}\"><td><code>{escape(test.grade_id)}</code>"
        f"<br>{escape(test.question)}</td><td>{escape(test.outcome)}</td><td>{test.points:g} / {test.max_points:g}</td></tr>"
        for test in score.tests
    )
    repairs = "".join(f"<li>{escape(repair)}</li>" for repair in score.repairs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(assignment)}: {escape(score.student)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}}tr.pass td:last-child{{color:#006b4f}}
tr.fail td:last-child{{color:#a33c00}}</style></head><body>
<h1>{escape(assignment)}: {escape(score.student)}</h1>
<p><strong>{score.score:g} / {score.max_score:g}</strong> points. Status: <strong>{escape(score.status)}</strong>.
{escape(score.note)}</p>
<table><tr><th>test: what it checks</th><th>what it found</th><th>points</th></tr>
{rows}
</table>
{f"<h2>Changes made to your notebook before it ran</h2><ul>{repairs}</ul>" if repairs else ""}
</body></html>
"""


def log_text(assignment: str, score: Score, cells: list | None) -> str:
    """A plain-text log of one student's grading: status, repairs, every cell's result, error and seconds."""
    lines = [f"{assignment} / {score.student}: {score.score:g}/{score.max_score:g}, {score.status}: {score.note}",
             f"seconds: {score.seconds:.1f}"]
    lines += [f"repair: {repair}" for repair in score.repairs]
    for cell in cells or []:
        execution = cell.execution
        label = f"{cell.step.kind} {cell.step.grade_id or '(own cell)'}"
        if execution is None:
            lines.append(f"{label}: not run")
            continue
        lines.append(f"{label}: {execution.status} in {execution.seconds:.1f} s {execution.error}".rstrip())
        lines += [f"    | {line}" for line in execution.output.splitlines()[-20:]]
    return "\n".join(lines) + "\n"


def summary(scores: list[Score], seconds: float) -> str:
    """The closing line: how many were graded, at full marks, at zero, flagged, stopped or failed, and the time."""
    statuses = Counter(score.status for score in scores)
    full = sum(1 for score in scores if score.max_score and score.score == score.max_score)
    zero = sum(1 for score in scores if score.score == 0)
    stopped = {status: count for status, count in statuses.items() if status not in ("graded", "flagged")}
    details = ", ".join(f"{count} {status}" for status, count in sorted(stopped.items())) or "none stopped or failed"
    rate = len(scores) / seconds * 60 if seconds else 0.0
    return (f"{len(scores)} submissions: {statuses.get('graded', 0)} graded, {full} at full marks, {zero} at zero, "
            f"{statuses.get('flagged', 0)} flagged; {details}; {seconds:.0f} s ({rate:.1f} per minute)")


def write_results(path: Path, scores: list[Score]) -> None:
    """results.json: every student's status, score and each test cell's points and outcome, for scripts."""
    path.write_text(json.dumps({
        score.student: {
            "score": score.score, "max_score": score.max_score, "status": score.status, "note": score.note,
            "seconds": round(score.seconds, 1), "repairs": score.repairs,
            "slowest_cell": [score.slowest_cell[0], round(score.slowest_cell[1], 1)],
            "tests": {test.grade_id: {"points": test.points, "max_points": test.max_points, "outcome": test.outcome}
                      for test in score.tests},
        } for score in scores
    }, indent=1))
