"""Points, a status and a note for one submission, from what its cells did; nothing the student can print counts.

A test cell earns its points when the kernel replied, once, that it ran to its
end without raising. A displayed value never gives credit and output on
standard error never costs any. A submission the guard caught reaching into
the grading machinery is ``flagged``: 0 points, the reasons in the note, for
the instructor to review. A kernel stopped by a limit or a crash keeps the
points of the tests that passed before it stopped; the rest were not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coursetools.grading.runner import Run


@dataclass
class TestResult:
    """One test cell: its question, its points out of its maximum, and what happened, in words."""

    grade_id: str
    question: str
    points: float
    max_points: float
    outcome: str


@dataclass
class Score:
    """A submission's result: what a row of grades.csv and a feedback page show."""

    student: str
    score: float
    max_score: float
    status: str
    note: str
    tests: list[TestResult] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    slowest_cell: tuple[str, float] = ("", 0.0)


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
    hidden, visible, inside = set(), set(), False
    for text in source.splitlines():
        if text.strip().startswith("### BEGIN HIDDEN TESTS"):
            inside = True
        elif text.strip().startswith("### END HIDDEN TESTS"):
            inside = False
        else:
            (hidden if inside else visible).add(text.strip())
    if line in hidden and line not in visible:
        return f"{head} (raised by one of the hidden tests)"
    return outcome


def score_run(student: str, run: Run, repairs: list[str]) -> Score:
    """Score a finished (or stopped) run."""
    score = _score(student, run, repairs)
    timed = [(cell.step.grade_id or "a cell of your own", cell.execution.seconds) for cell in run.cells if cell.execution]
    score.slowest_cell = max(timed, key=lambda item: item[1], default=("", 0.0))
    return score


def _score(student: str, run: Run, repairs: list[str]) -> Score:
    tests = []
    for cell in run.cells:
        if cell.step.kind != "test":
            continue
        passed, outcome = _test_outcome(cell.execution)
        outcome = _without_hidden_line(outcome, cell.step.source)
        if cell.execution is None and run.stopped:
            outcome = f"not run: the notebook stopped ({run.stopped})"
        tests.append(TestResult(cell.step.grade_id, cell.step.question, cell.step.points if passed else 0.0,
                                cell.step.points, outcome))
    max_score = sum(test.max_points for test in tests)
    forged = [test.grade_id for test in tests if "forged reply" in test.outcome]
    findings = run.findings + [f"test cell {grade_id} got more than one reply" for grade_id in forged]
    if findings:
        note = "flagged for review, scored 0: " + "; ".join(findings)
        tests = [TestResult(test.grade_id, test.question, 0.0, test.max_points, f"{test.outcome} (not counted: flagged)")
                 for test in tests]
        return Score(student, 0.0, max_score, "flagged", note, tests, repairs, run.seconds)
    score = sum(test.points for test in tests)
    if run.stopped:
        note = f"{run.stopped}: {run.stopped_detail}".rstrip(": ") + "; tests after it were not run"
        return Score(student, score, max_score, run.stopped, note, tests, repairs, run.seconds)
    failed = [test.grade_id for test in tests if test.points < test.max_points]
    note = f"failed: {', '.join(failed)}" if failed else "all tests passed"
    return Score(student, score, max_score, "graded", note, tests, repairs, run.seconds)


def unscored(student: str, max_score: float, status: str, note: str) -> Score:
    """A row for a submission that could not run at all (not a notebook, missing, a grading error)."""
    return Score(student, 0.0, max_score, status, note)
