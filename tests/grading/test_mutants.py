"""Plausible mistakes lose the points of the test cells that should catch them.

The mistakes are data: ``mutants/<assignment>.toml`` lists, per assignment, the
solution cell to edit, the text replaced and the test cells that must then lose
points. One test grades each of them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import nbformat
import pytest

from coursetools.paths import notebook_name, solution_notebook

pytestmark = pytest.mark.grading

MUTANTS = Path(__file__).parent / "mutants"


def mutants() -> list:
    cases = []
    for table in sorted(MUTANTS.glob("*.toml")):
        for mutant in tomllib.loads(table.read_text())["mutant"]:
            cases.append(pytest.param(table.stem, mutant, id=f"{table.stem}:{mutant['name']}"))
    return cases


def apply_mutant(assignment: str, mutant: dict, folder: Path) -> Path:
    """Write the solution with the mutant's one edit into ``folder``; the edited text must occur exactly once."""
    notebook = nbformat.read(solution_notebook(assignment), as_version=4)
    cells = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == mutant["cell"]]
    assert len(cells) == 1, f"{assignment} has no single cell with grade_id {mutant['cell']!r}"
    count = cells[0].source.count(mutant["old"])
    assert count == 1, f"the mutant's text occurs {count} times in {assignment}:{mutant['cell']}, expected once:\n{mutant['old']}"
    cells[0].source = cells[0].source.replace(mutant["old"], mutant["new"])
    path = folder / notebook_name(assignment)
    nbformat.write(notebook, path)
    return path


def test_every_assignment_has_mutants():
    """Does every assignment have a table of plausible mistakes?"""
    from coursetools.paths import assignments

    missing = [assignment for assignment in assignments() if not (MUTANTS / f"{assignment}.toml").is_file()]
    assert not missing, f"no mutants/<assignment>.toml for {missing}"


@pytest.mark.parametrize(("assignment", "mutant"), mutants())
def test_mutant_loses_points(assignment, mutant, released, tmp_path):
    """Does the solution with this one mistake lose the points of the test cells that check it (and only those, where stated)?"""
    grade = released(assignment).grade(assignment, apply_mutant(assignment, mutant, tmp_path))
    lost = set(grade.failed_cells())
    expected = set(mutant["loses"])
    assert expected and grade.score < grade.max_score, f"{mutant['question']} It scored {grade.score}/{grade.max_score}"
    if mutant.get("only", False):
        assert lost == expected, f"{mutant['question']} Cells that lost points: {sorted(lost)}; expected exactly {sorted(expected)}"
    else:
        assert expected <= lost, f"{mutant['question']} Cells that lost points: {sorted(lost)}; expected at least {sorted(expected)}"
