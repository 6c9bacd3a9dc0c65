"""The hostile corpus as data, and the helpers that build its submissions and grade a folder of them."""

from __future__ import annotations

import copy
import csv
import functools
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from coursetools.grading.cells import grade_id, is_grade, is_solution
from coursetools.grading.notebooks import answered_notebook, read_notebook
from coursetools.paths import REPO, exercise_notebook, notebook_name

CORPUS = Path(__file__).parent / "hostile"
ESCAPES = [
    Path("/tmp/aecourse-escape"),
    Path.home() / "aecourse-escape",
    REPO / "aecourse-escape",
    Path("/root/aecourse-escape"),
    Path("/tmp/aecourse-leak.txt"),
]


@functools.cache
def corpus(assignment: str) -> dict:
    """One assignment's corpus file, parsed once."""
    return tomllib.loads((CORPUS / f"{assignment}.toml").read_text())


def cases(assignment: str) -> list[dict]:
    return corpus(assignment)["case"]


# The limits the corpus is graded with, smaller than the grader's defaults (data, which the grading page quotes).
LIMITS = tomllib.loads((Path(__file__).parent / "corpus_limits.toml").read_text())


def cell_timeout(assignment: str) -> float:
    """Seconds a cell of this corpus may run: the file's ``cell_timeout``, or the corpus-wide one when it sets none."""
    return corpus(assignment).get("cell_timeout", LIMITS["cell_timeout"])


def limits(assignment: str) -> list[str]:
    """The grading command's options that set this corpus's limits."""
    return [
        "--cell-timeout",
        f"{cell_timeout(assignment):g}",
        "--memory",
        f"{LIMITS['memory_gib']:g}",
        "--processes",
        f"{LIMITS['processes']}",
    ]


def all_cases() -> list:
    return [
        pytest.param(path.stem, case, id=f"{path.stem}:{case['name']}")
        for path in sorted(CORPUS.glob("*.toml"))
        for case in cases(path.stem)
    ]


def build(assignment: str, case: dict) -> dict[str, str]:
    """The files of one hostile submission, built from the released notebook as the case says."""
    files = dict(case.get("files", {}))
    if "raw" in case:
        return {**files, notebook_name(assignment): case["raw"]}
    if case.get("no_notebook"):
        return files
    notebook = (
        answered_notebook(assignment) if case["base"] == "answered" else read_notebook(exercise_notebook(assignment))
    )
    cells = notebook["cells"]
    tests = [cell for cell in cells if is_grade(cell)]
    if "append" in case:
        target = next(cell for cell in cells if grade_id(cell) == case["append"]["cell"])
        target["source"] = "".join(target["source"]) + "\n" + case["append"]["code"]
    if "duplicate" in case:
        original = next(cell for cell in cells if grade_id(cell) == case["duplicate"])
        cells.insert(cells.index(original) + 1, copy.deepcopy(original))
    if case.get("empty_tests"):
        for cell in tests:
            cell["source"] = "pass"
    if case.get("delete_tests"):
        notebook["cells"] = [cell for cell in cells if cell not in tests]
    if "metadata" in case:
        fields = dict(case["metadata"])
        name = fields.pop("cell")
        target = next(cell for cell in cells if grade_id(cell) == name)
        target["metadata"]["nbgrader"].update(fields)
    if "kernel" in case:
        notebook["metadata"]["kernelspec"] = {"name": case["kernel"], "display_name": case["kernel"]}
    if case.get("move_answers_to_end"):
        answers_cells = [cell for cell in cells if is_solution(cell)]
        notebook["cells"] = [cell for cell in cells if cell not in answers_cells] + answers_cells
    return {**files, case.get("notebook_name", notebook_name(assignment)): json.dumps(notebook)}


def grade(submissions: Path, assignment: str, out: Path, course: Path, workers: int, *extra: str) -> dict[str, dict]:
    """Run the grading command over ``submissions``; return grades.csv's rows by student."""
    command = [
        sys.executable,
        "-m",
        "coursetools.grade",
        assignment,
        str(submissions),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--course-root",
        str(course),
        *extra,
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"grading exited with {result.returncode}:\n{result.stdout}\n{result.stderr[-3000:]}"
    with (out / "grades.csv").open() as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def write_submissions(folder: Path, assignment: str, chosen: list[dict]) -> Path:
    """Write each case's submission into ``folder`` in nbgrader's layout, ``<case>/<assignment>/``; return
    ``folder``."""
    for case in chosen:
        target = folder / case["name"] / assignment
        target.mkdir(parents=True)
        for name, content in build(assignment, case).items():
            (target / name).write_text(content)
    return folder
