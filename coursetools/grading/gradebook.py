"""The scores, into the course's nbgrader gradebook and ``autograded/``, as ``nbgrader autograde`` would put them.

Each graded notebook (the released notebook with the student's answers and the
cells they added) is written, with the other files of the submission
(nbgrader's ``timestamp.txt`` and ``submission_secret.txt`` among them), to a
scratch folder that nbgrader's own ``Autograde`` reads in place of
``submitted/``. Its kernel is replaced by ``ReplayResults``: instead of
executing anything again, it gives each test cell the result the sandbox
produced (nothing for a pass, one error for a failure), nbgrader's
``SaveAutoGrades`` records exactly the grader's score, and nbgrader writes
``autograded/<student>/<assignment>/``, with the hidden tests taken out of
its test cells, so that the pages ``generate_feedback`` makes from it do not
show them (nbgrader's own autograder leaves them in). The students' originals in
``submitted/`` are never written to, so ``nbgrader export``,
``generate_feedback``, ``release_feedback`` (which finds each student by the
secret of the original submission) and formgrader keep working, and no
submission ever runs outside the sandbox.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from coursetools.grading.cells import CellKind, grade_id, is_grade, source, split_hidden
from coursetools.grading.record import Submission
from coursetools.nbgrader_course import ScratchCourse
from coursetools.paths import notebook_name


class ReplayResults(NbGraderPreprocessor):
    """Give every test cell the outputs the sandboxed run decided: none when it passed, one error when it did not."""

    results_file = Unicode("", help="JSON file: {student: {grade_id: error text or null}}").tag(config=True)

    def preprocess(self, nb, resources):
        results = json.loads(Path(self.results_file).read_text())[resources["nbgrader"]["student"]]
        for cell in nb.cells:
            if cell.cell_type == "code" and grade_id(cell) in results:
                error = results[grade_id(cell)]
                cell.outputs = (
                    []
                    if error is None
                    else [nbformat.v4.new_output("error", ename="NotPassed", evalue=error, traceback=[error])]
                )
        return nb, resources


class HideHiddenTests(NbGraderPreprocessor):
    """Take the hidden tests out of every test cell, so that the pages ``generate_feedback`` makes do not show them.

    Only the test cells, which are the instructor's (nbgrader restored them, hidden tests included, to
    grade): unlike nbgrader's ClearHiddenTests, a student's cell that names the markers cannot make it
    fail, and with it the gradebook of the whole class.
    """

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type == "code" and is_grade(cell):
                cell.source = "\n".join(split_hidden(source(cell))[0])
        return nb, resources


def graded_notebook(release: dict, submission: Submission) -> dict:
    """The released notebook with the student's answers and own cells, as nbgrader stores a submission."""
    notebook = copy.deepcopy(release)
    if submission.plan is None:
        return notebook
    steps = submission.plan.steps
    answers = {step.grade_id: step.source for step in steps if step.kind == CellKind.ANSWER}
    following: dict[str, list[str]] = {}
    anchor = ""
    for step in steps:
        if step.kind == CellKind.STUDENT:
            following.setdefault(anchor, []).append(step.source)
        else:
            anchor = step.grade_id
    cells = [_own_cell(code) for code in following.get("", [])]
    for cell in notebook["cells"]:
        identifier = grade_id(cell)
        if identifier in answers:
            cell["source"] = answers[identifier]
        cells.append(cell)
        cells += [_own_cell(code) for code in following.get(identifier, [])] if identifier else []
    notebook["cells"] = cells
    return notebook


def _own_cell(code: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": code}


def record(course_root: Path, assignment: str, submissions: list[Submission], release: dict) -> None:
    """Record every score in the gradebook of the course at ``course_root`` and write its ``autograded/`` folders;
    fill in each submission's export fields."""
    course_root = Path(course_root)
    environment_bin = str(Path(sys.executable).parent)  # nbgrader runs `alembic` by name when it opens a gradebook
    if environment_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = environment_bin + os.pathsep + os.environ.get("PATH", "")
    database = f"sqlite:///{course_root / 'gradebook.db'}"
    _register(database, assignment)
    with tempfile.TemporaryDirectory(prefix="aecourse-graded-") as scratch:
        graded, results_file = Path(scratch) / "graded", Path(scratch) / "results.json"
        results_file.write_text(json.dumps(_outcomes(submissions, release)))
        for s in submissions:
            _write_graded_copy(graded / s.student / assignment, release, s)
        api = _nbgrader_api(course_root, graded, results_file)
        warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy's session warnings from nbgrader's own code
        for s in submissions:
            outcome = api.autograde(assignment, s.student, force=True, create=True)
            if not outcome["success"]:
                raise RuntimeError(f"nbgrader could not record {s.student}: {outcome.get('error', '')}")
    rows = export_rows(database, assignment, [s.student for s in submissions])
    for s in submissions:
        s.export = rows[s.student]


def _register(database: str, assignment: str) -> None:
    """Add the assignment to the gradebook, as ``nbgrader generate_assignment`` would, when it is not there."""
    from nbgrader.api import Gradebook

    with Gradebook(database) as gradebook:
        registered = assignment in {known.name for known in gradebook.assignments}
    if not registered:
        with tempfile.TemporaryDirectory(prefix="aecourse-register-") as scratch:
            ScratchCourse(Path(scratch), db_url=database).release(assignment)


def _outcomes(submissions: list[Submission], release: dict) -> dict[str, dict]:
    """{student: {grade_id: None for a pass, else what the student is told}}; a submission that never ran fails every
    test."""
    outcomes = {
        s.student: {test.grade_id: None if test.passed else test.outcome for test in s.tests} for s in submissions
    }
    for s in submissions:
        outcomes[s.student] = outcomes[s.student] or {
            grade_id(cell): f"{s.status}: {s.note}" for cell in release["cells"] if is_grade(cell)
        }
    return outcomes


def _write_graded_copy(folder: Path, release: dict, submission: Submission) -> None:
    """The graded notebook and the submission's other files (not its notebooks), as nbgrader's autograder reads them."""
    folder.mkdir(parents=True)
    for relative, content in submission.files.items():
        if not relative.endswith(".ipynb"):
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(content)
    (folder / notebook_name(submission.assignment)).write_text(
        json.dumps(graded_notebook(release, submission), indent=1)
    )


def _nbgrader_api(course_root: Path, graded: Path, results_file: Path):
    """nbgrader's API on the course, reading submissions from ``graded`` and replaying the sandbox's results."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", str(course_root)).load_config()
    config.merge(
        Config(
            {
                "CourseDirectory": {"root": str(course_root), "submitted_directory": str(graded)},
                "ReplayResults": {"results_file": str(results_file)},
                # HideHiddenTests last: nbgrader restores the hidden tests to grade,
                # and generate_feedback would show them
                "Autograde": {
                    "autograde_preprocessors": [
                        ReplayResults,
                        "nbgrader.preprocessors.LimitOutput",
                        "nbgrader.preprocessors.SaveAutoGrades",
                        "nbgrader.preprocessors.AssignLatePenalties",
                        "nbgrader.preprocessors.CheckCellMetadata",
                        HideHiddenTests,
                    ]
                },
            }
        )
    )
    return NbGraderAPI(config=config)


def export_rows(database: str, assignment: str, students: list[str]) -> dict[str, dict]:
    """nbgrader's export fields of each student's submission, read back from the gradebook."""
    from nbgrader.api import Gradebook

    rows = {}
    with Gradebook(database) as gradebook:
        for student_id in students:
            submission = gradebook.find_submission(assignment, student_id)
            student = submission.student
            rows[student_id] = {
                "duedate": submission.duedate or "",
                "timestamp": submission.timestamp or "",
                "last_name": student.last_name or "",
                "first_name": student.first_name or "",
                "email": student.email or "",
                "raw_score": f"{submission.score:g}",  # as `nbgrader export` computes them
                "late_submission_penalty": f"{submission.late_submission_penalty:g}",
                "score": f"{max(0.0, submission.score - submission.late_submission_penalty):g}",
                "max_score": f"{submission.max_score:g}",
            }
    return rows
