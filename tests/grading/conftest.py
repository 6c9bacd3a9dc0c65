"""Fixtures of the grading tests: a scratch nbgrader course in a temporary folder, each assignment released in it
once."""

from __future__ import annotations

import pytest

from coursetools.nbgrader_course import ScratchCourse


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """``released(assignment)`` → the session's scratch nbgrader course, with ``assignment`` released in it (once).

    One course holds every assignment, as an instructor's does, so nbgrader sets up its gradebook once.
    """
    course = ScratchCourse(tmp_path_factory.mktemp("course"))
    done: set[str] = set()

    def release(assignment: str) -> ScratchCourse:
        if assignment not in done:
            course.release(assignment)
            done.add(assignment)
        return course

    return release
