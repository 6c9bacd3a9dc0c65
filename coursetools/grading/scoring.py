"""Points, a status and a note for one submission, from what its cells did; nothing the student can print counts.

A test cell earns its points when the kernel replied, once, that it ran to its
end without raising. A displayed value never gives credit and output on
standard error never costs any. A submission the guard caught reaching into
the grading machinery is ``flagged``: 0 points, the reasons in the note, for
the instructor to review. A kernel stopped by a limit or a crash keeps the
points of the tests that passed before it stopped; the rest were not run.
"""

from __future__ import annotations

from coursetools.grading.cells import CellKind, split_hidden
from coursetools.grading.record import Status, Submission, TestResult
from coursetools.grading.runner import Run


def _test_outcome(execution) -> tuple[bool, str]:
    if execution is None:
        return False, "not run"
    if execution.replies != 1:
        return False, f"the kernel answered {execution.replies} times (a forged reply)"
    if execution.status == "ok":
        return True, "passed"
    return False, execution.error.strip() or f"the cell ended with status {execution.status!r}"


def _without_hidden_line(outcome: str, source: str) -> str:
    """The outcome, with the line that raised left out when it is a line of the cell's hidden tests only."""
    head, marker, rest = outcome.partition(" (raised by `")
    if not marker or not rest.endswith("`)"):
        return outcome
    line = rest[:-2].strip()
    visible, hidden = ({text.strip() for text in part} for part in split_hidden(source))
    if line in hidden and line not in visible:
        return f"{head} (raised by one of the hidden tests)"
    return outcome


def _test_results(run: Run) -> list[TestResult]:
    tests = []
    for cell in run.cells:
        if cell.step.kind != CellKind.TEST:
            continue
        passed, outcome = _test_outcome(cell.execution)
        outcome = _without_hidden_line(outcome, cell.step.source)
        if cell.execution is None and run.stopped:
            outcome = f"not run: the notebook stopped ({run.stopped})"
        tests.append(
            TestResult(
                cell.step.grade_id, cell.step.question, cell.step.points if passed else 0.0, cell.step.points, outcome
            )
        )
    return tests


def score(submission: Submission) -> Submission:
    """Fill in a finished (or stopped) run's status, points, note and test results; return the submission."""
    run = submission.run
    tests = _test_results(run)
    submission.max_score = sum(test.max_points for test in tests)
    forged = [test.grade_id for test in tests if "forged reply" in test.outcome]
    findings = run.findings + [f"test cell {grade_id} got more than one reply" for grade_id in forged]
    if findings:
        submission.status, submission.score = Status.FLAGGED, 0.0
        submission.note = "flagged for review, scored 0: " + "; ".join(findings)
        submission.tests = [
            TestResult(test.grade_id, test.question, 0.0, test.max_points, f"{test.outcome} (not counted: flagged)")
            for test in tests
        ]
        return submission
    submission.score, submission.tests = sum(test.points for test in tests), tests
    if run.stopped:
        submission.status = run.stopped
        submission.note = f"{run.stopped}: {run.stopped_detail}".rstrip(": ") + "; tests after it were not run"
        return submission
    failed = [test.grade_id for test in tests if not test.passed]
    submission.status = Status.GRADED
    submission.note = f"failed: {', '.join(failed)}" if failed else "all tests passed"
    return submission


def unscored(submission: Submission, max_score: float, status: Status, note: str) -> Submission:
    """A submission that could not run at all (not a notebook, missing, a grading error): 0 points, and why."""
    submission.status, submission.score, submission.max_score, submission.note = status, 0.0, max_score, note
    return submission
