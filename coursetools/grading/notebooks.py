"""A submission read and compared with the instructor's notebook by ``grade_id``, into the list of cells that will run.

What runs is the instructor's notebook with the student's answers in it:
every instructor cell (setup, training, tests with their hidden cases) comes
from the source, whatever the student did to it; every answer cell comes from
the submission, matched by ``grade_id``; cells the student added run where the
student put them. Each repair (an edited, deleted, duplicated or renamed cell,
changed metadata, another kernel, a new order) is named, for the feedback.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from coursetools.grading.cells import (
    CellKind,
    grade_id,
    is_solution,
    kind,
    max_score,
    nbgrader_metadata,
    points,
    source,
)
from coursetools.paths import exercise_notebook, solution_notebook


class SubmissionError(ValueError):
    """The submitted file cannot be graded as a notebook; the message says why."""


@dataclass(frozen=True)
class Step:
    """One cell to run, of one ``kind``; tests carry their points and question."""

    kind: CellKind
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
        return sum(step.points for step in self.steps if step.kind == CellKind.TEST)


@dataclass(frozen=True)
class Sources:
    """What a submission is graded against: the instructor's ``source`` (tests, hidden cases) and the ``release``."""

    source: dict
    release: dict

    @property
    def max_score(self) -> float:
        return max_score(self.source)


@functools.cache
def sources(assignment: str, visible_only: bool = False) -> Sources:
    """The assignment's notebooks, read once; with ``visible_only`` the tests are the release's (``make check``)."""
    release = read_notebook(exercise_notebook(assignment))
    return Sources(release if visible_only else read_notebook(solution_notebook(assignment)), release)


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


def _question(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first.strip().strip('"').strip() if first.startswith('"""') else ""


def _student_cells(submission: dict, known: set[str]) -> tuple[dict, dict, list[str], list[str]]:
    """The submission's cells by grade_id, its own cells by the known cell they follow, their order, and repairs."""
    answers, extra, repairs, seen, order = {}, {}, [], set(), []
    anchor = ""
    for cell in submission["cells"]:
        identifier = grade_id(cell)
        if identifier in known:
            if identifier in seen:
                repairs.append(f"cell {identifier!r} appeared more than once; only its first copy was used")
                continue
            seen.add(identifier)
            answers[identifier] = cell
            order.append(identifier)
            anchor = identifier
        elif cell.get("cell_type") == "code" and source(cell).strip():
            if identifier:
                repairs.append(f"a cell with the unknown grade_id {identifier!r} ran as your own code, for no points")
            extra.setdefault(anchor, []).append(source(cell))
    return answers, extra, order, repairs


def plan(sources: Sources, submission: dict) -> Plan:
    """The cells to run for ``submission``: the source gives instructor cells and tests, the release what students
    saw."""
    original, release = sources.source, sources.release
    released = {grade_id(cell): cell for cell in release["cells"] if grade_id(cell)}
    known = {grade_id(cell) for cell in original["cells"] if grade_id(cell)}
    answers, own_cells, order, repairs = _student_cells(submission, known)
    repairs += _order_and_kernel_repairs(original, order, submission) + _edit_repairs(original, released, answers)
    steps = [Step(CellKind.STUDENT, code) for code in own_cells.get("", [])]
    for cell in original["cells"]:
        identifier = grade_id(cell)
        if cell.get("cell_type") == "code":
            steps.append(_step(cell, answers.get(identifier), released.get(identifier), repairs))
        steps += [Step(CellKind.STUDENT, code) for code in own_cells.get(identifier, [])] if identifier else []
    return Plan(steps, repairs)


def _step(cell: dict, student: dict | None, released: dict | None, repairs: list[str]) -> Step:
    """The step for one code cell of the source: the student's answer, or the instructor's cell."""
    identifier, what = grade_id(cell), kind(cell)
    if what == CellKind.ANSWER:
        if student is None:
            repairs.append(f"the answer cell {identifier!r} was missing; the released (unanswered) cell ran instead")
            return Step(what, source(released or cell), identifier)
        return Step(what, source(student), identifier)
    if what == CellKind.TEST:
        if student is None:
            repairs.append(f"the test cell {identifier!r} was missing; the instructor's version ran")
        return Step(what, source(cell), identifier, points(cell), _question(source(cell)))
    return Step(what, source(cell), identifier)


def _order_and_kernel_repairs(original: dict, order: list[str], submission: dict) -> list[str]:
    """Repairs for cells in another order than the released one, and for another kernel named in the metadata."""
    repairs = []
    if order != [identifier for identifier in map(grade_id, original["cells"]) if identifier in order]:
        repairs.append("cells were moved; they ran in the order of the released notebook")
    metadata = submission.get("metadata") if isinstance(submission.get("metadata"), dict) else {}
    kernel = metadata.get("kernelspec") if isinstance(metadata.get("kernelspec"), dict) else {}
    if kernel.get("name", "python3") != "python3":
        repairs.append(
            f"the notebook asked for the kernel {kernel.get('name')!r}; it ran in the course's Python kernel"
        )
    return repairs


def _edit_repairs(original: dict, released: dict, answers: dict) -> list[str]:
    """Repairs for instructor and test cells whose text or grading metadata the submission changed."""
    repairs = []
    for cell in original["cells"]:
        identifier = grade_id(cell)
        student = answers.get(identifier)
        if student is None or kind(cell) == CellKind.ANSWER:
            continue
        before = released.get(identifier, cell)
        what = "test" if kind(cell) == CellKind.TEST else "locked" if cell.get("cell_type") == "code" else "locked text"
        if source(student) != source(before):
            repairs.append(f"the {what} cell {identifier!r} was edited; the instructor's version was used")
        if _without_schema(nbgrader_metadata(student)) != _without_schema(nbgrader_metadata(before)):
            repairs.append(f"the grading metadata of cell {identifier!r} was changed; the instructor's was used")
    return repairs


def _without_schema(grading: dict) -> dict:
    return {key: value for key, value in grading.items() if key != "schema_version"}


def answered_notebook(assignment: str, replaced: dict[str, str] | None = None) -> dict:
    """The released notebook with the reference answers filled in (or the ``replaced`` sources, by grade_id).

    What a student who solved the assignment hands in; the tests and the benchmark build on it.
    """
    answers = {
        grade_id(cell): source(cell)
        for cell in read_notebook(solution_notebook(assignment))["cells"]
        if is_solution(cell)
    }
    answers.update(replaced or {})
    notebook = read_notebook(exercise_notebook(assignment))
    for cell in notebook["cells"]:
        if grade_id(cell) in answers:
            cell["source"] = answers[grade_id(cell)].strip("\n")
    return notebook
