"""Every assignment: released as nbgrader makes it, full marks as a solution, zero untouched."""

from __future__ import annotations

import filecmp

import pytest

from coursetools.paths import EXERCISES, assignments, exercise_notebook, solution_notebook

pytestmark = pytest.mark.grading

ASSIGNMENTS = assignments()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_up_to_date(assignment, released):
    """Is exercises/<assignment> byte-identical to a fresh nbgrader release of solutions/<assignment>?"""
    fresh = released(assignment).root / "exercises" / assignment
    committed = EXERCISES / assignment
    comparison = filecmp.dircmp(fresh, committed)
    assert not comparison.left_only and not comparison.right_only, (
        f"exercises/{assignment} differs in files from a fresh release: only in the fresh release "
        f"{comparison.left_only}, only in exercises/ {comparison.right_only}. Run `make exercises`."
    )
    for name in comparison.common_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), (
            f"exercises/{assignment}/{name} is not what nbgrader generates from solutions/; run `make exercises`"
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_earns_full_marks(assignment, released):
    """Does the instructor's solution notebook earn every point?"""
    grade = released(assignment).grade(assignment, solution_notebook(assignment))
    assert grade.max_score > 0, f"{assignment} has no graded cells"
    assert grade.score == grade.max_score, (
        f"the solution of {assignment} scored {grade.score}/{grade.max_score}; "
        f"cells that lost points: {grade.failed_cells()}\n{grade.log}"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_exercise_earns_zero(assignment, released):
    """Does the released notebook, handed in untouched, earn zero points in every test cell?"""
    grade = released(assignment).grade(assignment, exercise_notebook(assignment))
    scoring = {name: score for name, (score, _) in grade.cells.items() if score > 0}
    assert grade.score == 0 and not scoring, f"untouched {assignment} scored {grade.score}: {scoring}"
