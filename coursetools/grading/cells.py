"""The one place that reads a notebook cell's nbgrader metadata, as nbgrader's own ``utils.is_grade`` does.

A submitted notebook is student data: its metadata may be missing, or be a
string, a list or a number where nbgrader writes a dict. Everything here
reads such a cell as a cell without grading metadata, never raising.
"""

from __future__ import annotations

from enum import StrEnum


class CellKind(StrEnum):
    """What a cell is to the grader: the instructor's, an answer, a test, or a cell the student added."""

    INSTRUCTOR = "instructor"
    ANSWER = "answer"
    TEST = "test"
    STUDENT = "student"


def nbgrader_metadata(cell: dict) -> dict:
    """A cell's nbgrader metadata, or an empty dict when it has none (or something that is not a dict)."""
    metadata = cell.get("metadata")
    grading = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return grading if isinstance(grading, dict) else {}


def grade_id(cell: dict) -> str:
    """The cell's ``grade_id``, as text; "" when it has none."""
    return str(nbgrader_metadata(cell).get("grade_id", ""))


def is_grade(cell: dict) -> bool:
    """Whether the cell is graded (a test cell, or a manually graded answer): nbgrader's ``grade``."""
    return bool(nbgrader_metadata(cell).get("grade"))


def is_solution(cell: dict) -> bool:
    """Whether the cell holds the student's answer: nbgrader's ``solution``."""
    return bool(nbgrader_metadata(cell).get("solution"))


def points(cell: dict) -> float:
    """The points a graded cell is worth (0 for any other cell)."""
    return float(nbgrader_metadata(cell).get("points", 0)) if is_grade(cell) else 0.0


def source(cell: dict) -> str:
    """The cell's text, whether the notebook stores it as one string or as a list of lines."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def kind(cell: dict) -> CellKind:
    """What an instructor's code cell is: an answer (solution, not graded), a test (graded), or the instructor's own."""
    if is_solution(cell) and not is_grade(cell):
        return CellKind.ANSWER
    if is_grade(cell):
        return CellKind.TEST
    return CellKind.INSTRUCTOR


def max_score(notebook: dict) -> float:
    """The points of every graded code cell of a notebook: what a submission of it can earn."""
    return sum(points(cell) for cell in notebook["cells"] if cell.get("cell_type") == "code")


def split_hidden(text: str) -> tuple[list[str], list[str]]:
    """A test cell's lines outside and inside its hidden tests (``### BEGIN HIDDEN TESTS`` to ``### END HIDDEN TESTS``,
    or to the end when a region is not closed); the marker lines are in neither."""
    visible, hidden, inside = [], [], False
    for line in text.splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END HIDDEN TESTS" in line:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    return visible, hidden
