"""nbgrader settings: library log lines on stderr must not cost a correct answer its points; one thread per notebook."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from coursetools.grading.limits import THREAD_VARIABLES
from coursetools.nbgrader_course import ScratchCourse

pytestmark = pytest.mark.grading


def test_c_level_stderr_does_not_zero_a_passing_test_cell(tmp_path):
    """Does a test cell that passes keep its points when C code writes to file descriptor 2?"""
    cell = new_code_cell(
        'import os\nos.write(2, b"I0000 a C++ log line, as TensorFlow writes\\n")\n'
        "import time\ntime.sleep(1)\nassert True"
    )
    cell.metadata = {
        "nbgrader": {
            "grade": True,
            "grade_id": "test_with_log_line",
            "locked": True,
            "points": 1,
            "schema_version": 3,
            "solution": False,
            "task": False,
        }
    }
    notebook = new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    source = tmp_path / "source" / "stderr_check"
    source.mkdir(parents=True)
    nbformat.write(notebook, source / "stderr_check.ipynb")
    course = ScratchCourse(tmp_path / "course")
    released = course.release("stderr_check", source)
    grade = course.grade("stderr_check", released / "stderr_check.ipynb")
    assert grade.score == 1, f"a passing cell that wrote to fd 2 scored {grade.score}/1"


def test_plain_nbgrader_runs_notebooks_on_one_thread_unless_told_otherwise(tmp_path, monkeypatch):
    """Does a scratch course give its notebooks one thread, as `make grade` does, and keep a count the caller set?"""
    for variable in THREAD_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    env = ScratchCourse(tmp_path / "course").env
    assert env["OMP_NUM_THREADS"] == "3"
    assert all(env[variable] == "1" for variable in THREAD_VARIABLES if variable != "OMP_NUM_THREADS"), env
