"""Fixtures of the grading tests: nbgrader courses in temporary folders, one per assignment, released once."""

from __future__ import annotations

import pytest

from coursetools.nbgrader_course import ScratchCourse


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """``released(assignment)`` → a scratch nbgrader course in which ``assignment`` is released (cached per session)."""
    courses: dict[str, ScratchCourse] = {}

    def release(assignment: str) -> ScratchCourse:
        if assignment not in courses:
            course = ScratchCourse(tmp_path_factory.mktemp(f"course-{assignment}"))
            course.release(assignment)
            courses[assignment] = course
        return courses[assignment]

    return release
