"""The course's wheel, installed where a student works: no clone, no variable, a folder outside the repository."""

from __future__ import annotations

import hashlib
import re
import zipfile

import pytest
from nbgrader.utils import determine_grade, is_grade, is_solution

from aecourse.data.mnist import MNIST_SHA256
from coursetools.paths import assignments, exercise_notebook, solution_notebook

pytestmark = pytest.mark.wheel

ASSIGNMENTS = assignments()


def test_wheel_carries_the_data_and_its_licence(wheel):
    """Does the wheel hold MNIST, byte for byte the course's file, and the README that says where it comes from?"""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"aecourse/data/mnist.npz", "aecourse/data/README.md"} <= names, f"{wheel.name} holds {sorted(names)}"
        assert hashlib.sha256(archive.read("aecourse/data/mnist.npz")).hexdigest() == MNIST_SHA256
        assert "CC BY-SA 3.0" in archive.read("aecourse/data/README.md").decode()


def test_installed_wheel_loads_mnist_from_any_folder(python_outside, student_python):
    """Outside the repository, with no variable set, does the installed package load MNIST from its own copy?"""
    code = (
        "import aecourse; (x, y), _ = aecourse.load_mnist(); "
        "print(aecourse.__file__); print(aecourse.mnist_path()); print(x.shape, y[:3].tolist())"
    )
    result = python_outside(code)
    assert result.returncode == 0, result.stderr
    module, data, arrays = result.stdout.splitlines()
    venv = str(student_python.parent.parent)
    assert module.startswith(venv) and data.startswith(venv), f"aecourse came from {module}, its data from {data}"
    assert arrays == "(60000, 28, 28) [5, 0, 4]"


def test_variable_still_overrides_the_wheels_copy(python_outside, tmp_path):
    """Does AECOURSE_MNIST, set to a missing file, win over the wheel's copy, with an error naming that file?"""
    missing = tmp_path / "elsewhere" / "mnist.npz"
    result = python_outside("import aecourse; aecourse.load_mnist()", AECOURSE_MNIST=str(missing))
    assert result.returncode != 0 and "FileNotFoundError" in result.stderr and str(missing) in result.stderr


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_earns_full_marks_outside_the_repository(assignment, run_as_student):
    """Run from a folder of its own with only the wheel installed, does the solution pass every test cell, hidden ones
    included, as nbgrader scores them (no error, nothing on standard error)?"""
    run = run_as_student(solution_notebook(assignment), stop_at_error=False)
    graded = [
        cell for cell in run.notebook.cells if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)
    ]
    assert graded, f"{assignment} has no test cells"
    lost = {
        cell.metadata.nbgrader["grade_id"]: [
            output.get("ename") or output.get("text", "")[:300] for output in cell.outputs
        ]
        for cell in graded
        if determine_grade(cell)[0] != determine_grade(cell)[1]
    }
    first_error = next(
        (
            f"{output.ename}: {output.evalue}"
            for cell in run.notebook.cells
            for output in cell.get("outputs", [])
            if output.output_type == "error"
        ),
        "none",
    )
    assert not lost, (
        f"the solution of {assignment}, run outside the repository, lost points in {lost}; "
        f"the first error it raised: {first_error}"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_stops_at_its_first_answer(assignment, run_as_student):
    """Run untouched from a folder of its own, does the released notebook get through its set-up and stop at its first
    answer's NotImplementedError (raised by the answer cell itself, or by the first cell that calls it)?"""
    run = run_as_student(exercise_notebook(assignment), stop_at_error=True)
    code = [cell for cell in run.notebook.cells if cell.cell_type == "code"]
    first_answer = next(index for index, cell in enumerate(code) if is_solution(cell))
    errors = [
        (index, output)
        for index, cell in enumerate(code)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert run.stopped_by is not None and errors, f"the untouched {assignment} ran to its end"
    index, error = errors[0]
    assert index >= first_answer, (
        f"the untouched {assignment} stopped before its first answer, in code cell {index} "
        f"({code[index].metadata.get('nbgrader', {}).get('grade_id', 'no grade_id')}): {error.ename}: {error.evalue}"
    )
    assert re.search(r"\bNotImplementedError\b", f"{error.ename}: {error.evalue}"), (
        f"the untouched {assignment} stopped in code cell {index} with {error.ename}: {error.evalue}; "
        "expected the NotImplementedError of its first answer"
    )
