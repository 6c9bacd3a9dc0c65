"""A submission read and compared with the instructor's notebook by ``grade_id``, into the list of cells that will run.

What runs is the instructor's notebook with the student's answers in it:
every instructor cell (setup, training, tests with their hidden cases) comes
from the source, whatever the student did to it; every answer cell comes from
the submission, matched by ``grade_id``; cells the student added run where the
student put them. Each repair (an edited, deleted, duplicated or renamed cell,
changed metadata, another kernel, a new order) is named, for the feedback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from coursetools.paths import exercise_notebook, solution_notebook


class SubmissionError(ValueError):
    """The submitted file cannot be graded as a notebook; the message says why."""


@dataclass(frozen=True)
class Step:
    """One cell to run: ``kind`` is "instructor", "answer", "test" or "student"; tests carry their points."""

    kind: str
    source: str
    grade_id: str = ""
    points: float = 0.0
    question: str = ""


@dataclass
class Plan:
    """The cells to run, in order, and the repairs made to the submission to get them."""

    steps: list[Step]
    repairs: list[str] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        return sum(step.points for step in self.steps if step.kind == "test")


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_metadata(cell: dict) -> dict:
    """A cell's nbgrader metadata, or an empty dict when it has none (or something that is not a dict)."""
    metadata = cell.get("metadata")
    grading = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return grading if isinstance(grading, dict) else {}


def read_notebook(path: Path) -> dict:
    """The submitted notebook as JSON, or ``SubmissionError`` saying what it is instead."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SubmissionError(f"{Path(path).name} is not a notebook: it is not UTF-8 text") from None
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise SubmissionError(f"{Path(path).name} is not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise SubmissionError(f"{Path(path).name} is JSON but not a notebook: it has no list of cells")
    if not all(isinstance(cell, dict) for cell in notebook["cells"]):
        raise SubmissionError(f"{Path(path).name} is not a notebook: some of its cells are not objects")
    return notebook


def _question(source: str) -> str:
    first = source.strip().splitlines()[0] if source.strip() else ""
    return first.strip().strip('"').strip() if first.startswith('"""') else ""


def _student_cells(submission: dict, known: set[str]) -> tuple[dict, dict, list[str], list[str]]:
    """The submission's cells by grade_id, its own cells by the known cell they follow, their order, and repairs."""
    answers, extra, repairs, seen, order = {}, {}, [], set(), []
    anchor = ""
    for cell in submission["cells"]:
        grade_id = str(nbgrader_metadata(cell).get("grade_id", ""))
        if grade_id in known:
            if grade_id in seen:
                repairs.append(f"cell {grade_id!r} appeared more than once; only its first copy was used")
                continue
            seen.add(grade_id)
            answers[grade_id] = cell
            order.append(grade_id)
            anchor = grade_id
        elif cell.get("cell_type") == "code" and _source(cell).strip():
            if grade_id:
                repairs.append(f"a cell with the unknown grade_id {grade_id!r} ran as your own code, for no points")
            extra.setdefault(anchor, []).append(_source(cell))
    return answers, extra, order, repairs


def _grade_id(cell: dict) -> str:
    return str(nbgrader_metadata(cell).get("grade_id", ""))


def plan(source: dict, release: dict, submission: dict) -> Plan:
    """The cells to run for ``submission``: ``source`` gives instructor cells and tests, ``release`` what students saw."""
    released = {_grade_id(cell): cell for cell in release["cells"] if _grade_id(cell)}
    known = {_grade_id(cell) for cell in source["cells"] if _grade_id(cell)}
    answers, own_cells, order, repairs = _student_cells(submission, known)
    repairs += _order_and_kernel_repairs(source, order, submission) + _edit_repairs(source, released, answers)
    steps = [Step("student", code) for code in own_cells.get("", [])]
    for cell in source["cells"]:
        grade_id = _grade_id(cell)
        if cell.get("cell_type") == "code":
            steps.append(_step(cell, answers.get(grade_id), released.get(grade_id), repairs))
        steps += [Step("student", code) for code in own_cells.get(grade_id, [])] if grade_id else []
    return Plan(steps, repairs)


def _step(cell: dict, student: dict | None, released: dict | None, repairs: list[str]) -> Step:
    """The step for one code cell of the source: the student's answer, or the instructor's cell."""
    grading, grade_id = nbgrader_metadata(cell), _grade_id(cell)
    if grading.get("solution") and not grading.get("grade"):
        if student is None:
            repairs.append(f"the answer cell {grade_id!r} was missing; the released (unanswered) cell ran instead")
            return Step("answer", _source(released or cell), grade_id)
        return Step("answer", _source(student), grade_id)
    if grading.get("grade"):
        if student is None:
            repairs.append(f"the test cell {grade_id!r} was missing; the instructor's version ran")
        return Step("test", _source(cell), grade_id, float(grading.get("points", 0)), _question(_source(cell)))
    return Step("instructor", _source(cell), grade_id)


def _order_and_kernel_repairs(source: dict, order: list[str], submission: dict) -> list[str]:
    """Repairs for cells in another order than the released one, and for another kernel named in the metadata."""
    repairs = []
    if order != [grade_id for grade_id in map(_grade_id, source["cells"]) if grade_id in order]:
        repairs.append("cells were moved; they ran in the order of the released notebook")
    metadata = submission.get("metadata") if isinstance(submission.get("metadata"), dict) else {}
    kernel = metadata.get("kernelspec") if isinstance(metadata.get("kernelspec"), dict) else {}
    if kernel.get("name", "python3") != "python3":
        repairs.append(f"the notebook asked for the kernel {kernel.get('name')!r}; it ran in the course's Python kernel")
    return repairs


def _edit_repairs(source: dict, released: dict, answers: dict) -> list[str]:
    """Repairs for instructor and test cells whose text or grading metadata the submission changed."""
    repairs = []
    for cell in source["cells"]:
        grading, grade_id = nbgrader_metadata(cell), _grade_id(cell)
        student = answers.get(grade_id)
        if student is None or (grading.get("solution") and not grading.get("grade")):
            continue
        original = released.get(grade_id, cell)
        what = "test" if grading.get("grade") else "locked" if cell.get("cell_type") == "code" else "locked text"
        if _source(student) != _source(original):
            repairs.append(f"the {what} cell {grade_id!r} was edited; the instructor's version was used")
        if _without_schema(nbgrader_metadata(student)) != _without_schema(nbgrader_metadata(original)):
            repairs.append(f"the grading metadata of cell {grade_id!r} was changed; the instructor's was used")
    return repairs


def _without_schema(grading: dict) -> dict:
    return {key: value for key, value in grading.items() if key != "schema_version"}


def answered_notebook(assignment: str, replaced: dict[str, str] | None = None) -> dict:
    """The released notebook with the reference answers filled in (or the ``replaced`` sources, by grade_id).

    What a student who solved the assignment hands in; the tests and the benchmark build on it.
    """
    answers = {_grade_id(cell): _source(cell) for cell in read_notebook(solution_notebook(assignment))["cells"]
               if nbgrader_metadata(cell).get("solution")}
    answers.update(replaced or {})
    notebook = read_notebook(exercise_notebook(assignment))
    for cell in notebook["cells"]:
        if _grade_id(cell) in answers:
            cell["source"] = answers[_grade_id(cell)].strip("\n")
    return notebook
