"""The grader's parts on their own: reading submissions, planning what runs, comparing snapshots, scoring."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from coursetools.grading import guard, notebooks, scoring
from coursetools.grading.cells import grade_id
from coursetools.grading.notebooks import Sources, Step
from coursetools.grading.record import Submission
from coursetools.grading.runner import CellRun, Run
from coursetools.grading.sandbox import Execution
from coursetools.paths import exercise_notebook, solution_notebook

ASSIGNMENT = "ex01_mnist_data"


@pytest.fixture
def notebooks_of_ex01():
    """The source and the released notebook of ex01, as JSON."""
    return (
        notebooks.read_notebook(solution_notebook(ASSIGNMENT)),
        notebooks.read_notebook(exercise_notebook(ASSIGNMENT)),
    )


def score_run(student: str, run: Run) -> Submission:
    """A submission of ex01 whose notebook ran as ``run``, scored."""
    return scoring.score(Submission(ASSIGNMENT, student, run=run))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe", "not UTF-8"),
        ("{oops", "not valid JSON"),
        ('{"cells": 3}', "no list of cells"),
        ('{"cells": [3]}', "not objects"),
    ],
)
def test_unreadable_files_are_named_for_what_they_are(tmp_path, content, words):
    """Does a file that is not a notebook raise SubmissionError saying what it is instead?"""
    path = tmp_path / "x.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(notebooks.SubmissionError, match=words):
        notebooks.read_notebook(path)


def test_the_plan_runs_the_source_tests_with_the_students_answers(notebooks_of_ex01):
    """Does the released notebook plan into the source's test cells (hidden cases included) and its own answers?"""
    source, release = notebooks_of_ex01
    plan = notebooks.plan(Sources(source, release), release)
    tests = [step for step in plan.steps if step.kind == "test"]
    solution = json.loads(solution_notebook("ex01_mnist_data").read_text())
    assert plan.repairs == [] and plan.max_score == sum(
        cell["metadata"]["nbgrader"].get("points", 0) for cell in solution["cells"]
    )
    assert all("BEGIN HIDDEN TESTS" in step.source for step in tests if step.grade_id == "test_preprocess_values")
    answer = next(step for step in plan.steps if step.grade_id == "preprocess")
    assert "NotImplementedError" in answer.source


def test_own_cells_run_where_the_student_put_them(notebooks_of_ex01):
    """Does a cell the student added run right after the cell it followed, as student code?"""
    source, release = notebooks_of_ex01
    submission = json.loads(json.dumps(release))
    index = next(i for i, c in enumerate(submission["cells"]) if grade_id(c) == "preprocess")
    submission["cells"].insert(index + 1, {"cell_type": "code", "metadata": {}, "source": "helper = 1", "outputs": []})
    steps = notebooks.plan(Sources(source, release), submission).steps
    position = [step.grade_id for step in steps].index("preprocess")
    assert steps[position + 1] == Step("student", "helper = 1")


def test_watched_modules_follow_the_setup_cell():
    """Are the frameworks and course modules the setup cell imports added to the watched ones?"""
    watched = guard.modules_to_watch("import torch\nfrom aecourse.convolution import measured\nimport numpy as np")
    assert "torch" in watched and "aecourse.convolution.measured" in watched and "keras" not in watched


def test_findings_name_what_the_submission_changed():
    """Are a function replaced by student code, a hook added and a rebound name findings, and a library's own rewrap
    not?"""
    student_file = "/tmp/ipykernel_1/123.py"
    snapshot = {
        "numpy.allclose": [1, "library", [1], "numpy"],
        "torch.manual_seed": [4, "library", [4], "torch"],
        "ipython.events.pre_run_cell": [],
    }
    current = {
        "numpy.allclose": [2, student_file, [2], ""],
        "torch.manual_seed": [5, "library", [5, 4], "torch"],
        "ipython.events.pre_run_cell": [[7, student_file]],
        "modules from the submission": ["numpy"],
        "names": {"x_train": 9},
    }
    found = guard.findings(snapshot, current, {"x_train": 8})
    assert any(item.startswith("numpy.allclose was replaced (by code from /tmp/ipykernel_1") for item in found)
    assert any("pre_run_cell: the submission added its own hook" in item for item in found)
    assert any("from the submission: numpy" in item for item in found) and any("'x_train'" in item for item in found)
    assert not any("manual_seed" in item for item in found) and snapshot["torch.manual_seed"][0] == 5


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        ([2, "builtin:_operator", [2], ""], "numpy.allclose was replaced (by code from builtin:_operator)"),
        (
            [2, "library", [2, 9], "numpy"],
            "numpy.allclose was replaced (by another function of numpy, which does not wrap it)",
        ),
        (
            [2, "library", [2, 1], "contextlib"],
            "numpy.allclose was replaced (by code from contextlib, not numpy's own)",
        ),
    ],
    ids=["compiled code of another module", "another numpy function", "a wrapper from the standard library"],
)
def test_a_replacement_that_is_not_the_librarys_own_wrapper_is_a_finding(replacement, expected):
    """Is numpy.allclose replaced by anything but numpy's own wrapper of it a finding that says what replaced it?"""
    found = guard.findings({"numpy.allclose": [1, "library", [1, 3], "numpy"]}, {"numpy.allclose": replacement}, {})
    assert found == [expected]


@pytest.mark.parametrize(
    ("line", "shown"),
    [("result = preprocess(small)", False), ("result = preprocess(x)", True)],
    ids=["hidden line", "visible line"],
)
def test_feedback_names_a_raising_line_only_when_it_is_visible(line, shown):
    """Does a failed test's outcome quote the line that raised when the student can see it, and never a hidden test's
    line?"""
    source = "result = preprocess(x)\n### BEGIN HIDDEN TESTS\nresult = preprocess(small)\n### END HIDDEN TESTS\n"
    error = f"ValueError: cannot reshape (raised by `{line}`)"
    score = score_run("student", Run([CellRun(Step("test", source, "test_a", 1.0), Execution("error", error))]))
    expected = error if shown else "ValueError: cannot reshape (raised by one of the hidden tests)"
    assert score.tests[0].outcome == expected


def test_scoring_ignores_output_and_counts_clean_replies():
    """Does a test earn its points from an 'ok' reply alone, lose them on an error or a second reply?"""
    steps = [Step("test", "a", "test_a", 2.0), Step("test", "b", "test_b", 1.0), Step("test", "c", "test_c", 3.0)]
    run = Run(
        [
            CellRun(steps[0], Execution("ok", output="8\nWARNING on stderr")),
            CellRun(steps[1], Execution("error", "AssertionError: expected 3, found 4")),
            CellRun(steps[2], Execution("ok", replies=1)),
        ]
    )
    score = score_run("student", run)
    assert (score.score, score.max_score, score.status) == (5.0, 6.0, "graded")
    assert score.tests[1].outcome == "AssertionError: expected 3, found 4"
    run.cells[2].execution.replies = 2
    assert score_run("student", run).status == "flagged"


@pytest.mark.parametrize("path", sorted(Path(guard.__file__).parent.glob("*.py")), ids=lambda path: path.name)
def test_the_graders_functions_and_classes_are_short(path):
    """Is every function of the grading package at most 60 lines long and every class at most 150, as in the course
    package?"""
    for node in ast.walk(ast.parse(path.read_text())):
        length = getattr(node, "end_lineno", 0) - getattr(node, "lineno", 0) + 1
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert length <= 60, f"{path.name}: {node.name} is {length} lines long"
        elif isinstance(node, ast.ClassDef):
            assert length <= 150, f"{path.name}: {node.name} is {length} lines long"


def test_hidden_tests_are_taken_out_of_test_cells_only():
    """Before nbgrader's feedback, are the hidden tests taken out of a test cell, and a student's cell that names the
    markers (without closing them) left as it is instead of stopping the gradebook?"""
    import nbformat

    from coursetools.grading.gradebook import HideHiddenTests

    test = nbformat.v4.new_code_cell(
        "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS\n",
        metadata={"nbgrader": {"grade": True, "grade_id": "test_f", "points": 1}},
    )
    own = nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nprint('mine')")
    notebook, _ = HideHiddenTests().preprocess(nbformat.v4.new_notebook(cells=[test, own]), {})
    assert [cell.source for cell in notebook.cells] == ["assert f(1) == 1", "### BEGIN HIDDEN TESTS\nprint('mine')"]
