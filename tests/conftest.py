"""Fixtures shared by the test suite: nbgrader course directories and assignment lists."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from aecourse import nbgrading

ASSIGNMENTS = nbgrading.assignments()


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """``released(assignment)`` → a temp nbgrader course in which ``assignment`` is released (cached)."""
    courses: dict[str, nbgrading.CourseDirectory] = {}

    def release(assignment: str) -> nbgrading.CourseDirectory:
        if assignment not in courses:
            course = nbgrading.CourseDirectory(tmp_path_factory.mktemp(f"course-{assignment}"))
            course.release(assignment)
            courses[assignment] = course
        return courses[assignment]

    return release


@pytest.fixture
def grade_mutant(released, tmp_path):
    """``grade_mutant(assignment, grade_id, old, new)`` → the Grade of the solution with one edit.

    The edit replaces ``old`` (which must occur exactly once) with ``new`` in the
    cell whose nbgrader ``grade_id`` is ``grade_id``, so a mutant that no longer
    applies fails loudly instead of silently grading the unchanged solution.
    """

    def grade(assignment: str, grade_id: str, old: str, new: str) -> nbgrading.Grade:
        source = nbgrading.SOLUTIONS / assignment / nbgrading.notebook_name(assignment)
        notebook = nbformat.read(source, as_version=4)
        cells = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
        assert len(cells) == 1, f"{assignment} has no single cell with grade_id {grade_id!r}"
        count = cells[0].source.count(old)
        assert count == 1, f"the mutant's text occurs {count} times in {assignment}:{grade_id}, expected once:\n{old}"
        cells[0].source = cells[0].source.replace(old, new)
        mutant = Path(tmp_path) / nbgrading.notebook_name(assignment)
        nbformat.write(notebook, mutant)
        return released(assignment).grade(assignment, mutant)

    return grade
