"""One record per submission, filled in by each stage of grading in turn, and the statuses it can end with."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coursetools.grading.notebooks import Plan
    from coursetools.grading.runner import Run


class Status(StrEnum):
    """How a submission's grading ended: the ``status`` column of grades.csv."""

    GRADED = "graded"
    FLAGGED = "flagged"
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out of memory"
    TOO_MANY_PROCESSES = "too many processes"
    TOO_MUCH_OUTPUT = "too much output"
    CRASHED = "crashed"
    NOT_A_NOTEBOOK = "not a notebook"
    NO_SUBMISSION = "no submission"
    ERROR = "error"


@dataclass
class TestResult:
    """One test cell: its question, its points out of its maximum, and what happened, in words."""

    __test__ = False  # a result, not a test class for pytest to collect

    grade_id: str
    question: str
    points: float
    max_points: float
    outcome: str

    @property
    def passed(self) -> bool:
        return self.points == self.max_points


@dataclass
class Submission:
    """One student's submission of one assignment, from the files read to the row in the gradebook.

    Each stage fills in its own fields and no later stage changes them: reading gives
    ``files`` and ``skipped``; planning ``plan`` and ``repairs`` (or a status when there is
    nothing to run); running ``run``; scoring ``status``, ``score``, ``max_score``, ``note``
    and ``tests``; the gradebook ``export``, nbgrader's export fields.
    """

    assignment: str
    student: str
    files: dict[str, bytes] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    plan: Plan | None = None
    repairs: list[str] = field(default_factory=list)
    run: Run | None = None
    status: Status | None = None
    score: float = 0.0
    max_score: float = 0.0
    note: str = ""
    tests: list[TestResult] = field(default_factory=list)
    export: dict[str, str] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        """How long its notebook ran (0 when it never ran)."""
        return self.run.seconds if self.run is not None else 0.0

    @property
    def slowest_cell(self) -> tuple[str, float]:
        """The cell that ran longest (its grade_id, or "a cell of your own") and its seconds."""
        if self.run is None:
            return ("", 0.0)
        timed = [
            (cell.step.grade_id or "a cell of your own", cell.execution.seconds)
            for cell in self.run.cells
            if cell.execution
        ]
        return max(timed, key=lambda item: item[1], default=("", 0.0))
