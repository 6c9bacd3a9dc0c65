"""`make grade` on a corpus of hostile submissions: no credit for tricks, no harm to the grader or other students.

The corpus is data: ``hostile/<assignment>.toml`` lists each submission (how it is
built from the released notebook) and the score, status and words of the note
it must get. Each assignment's corpus is graded once, in one `make grade` run
(through ``python -m coursetools.grade``, the command the Makefile runs) with
two workers, into a scratch course whose gradebook starts empty.
"""

from __future__ import annotations

import subprocess

import pytest
from corpus import CORPUS, ESCAPES, all_cases, cases, grade, limits, write_submissions

from coursetools.nbgrader_course import ScratchCourse

pytestmark = [pytest.mark.grading, pytest.mark.sandbox]


@pytest.fixture(scope="session")
def graded_corpus(tmp_path_factory):
    """``graded_corpus(assignment)`` → (grades.csv rows, output folder) of that assignment's corpus, graded once."""
    done = {}

    def graded(assignment: str):
        if assignment not in done:
            for escape in ESCAPES:
                escape.unlink(missing_ok=True)
            root = tmp_path_factory.mktemp(f"hostile-{assignment}")
            write_submissions(root / "submissions", assignment, cases(assignment))
            course = ScratchCourse(root / "course").root
            rows = grade(root / "submissions", assignment, root / "out", course, 2, *limits(assignment))
            done[assignment] = (rows, root)
        return done[assignment]

    return graded


@pytest.mark.parametrize(("assignment", "case"), all_cases())
def test_hostile_submission_gets_its_expected_outcome(assignment, case, graded_corpus):
    """Does this submission get exactly the score and status it should, with a note that says why?"""
    rows, root = graded_corpus(assignment)
    row = rows[case["name"]]
    found = (float(row["score"]), row["status"])
    assert found == (float(case["score"]), case["status"]), (
        f"{case['about']}: expected {case['score']} points and status {case['status']!r}; "
        f"got {row['score']} and {row['status']!r} ({row['note']})"
    )
    for words in case["note"]:
        assert words in row["note"], f"{case['about']}: the note {row['note']!r} should mention {words!r}"
    feedback = (root / "out" / "feedback" / f"{case['name']}.html").read_text()
    for words in case.get("repairs", []):
        assert words in feedback, f"{case['about']}: the feedback page should name the repair {words!r}"


@pytest.mark.parametrize("assignment", sorted(path.stem for path in CORPUS.glob("*.toml")))
def test_nothing_escaped_the_sandbox(assignment, graded_corpus):
    """After grading, is there no file a submission wrote outside its sandbox, and no process it left behind?"""
    graded_corpus(assignment)
    escaped = [str(path) for path in ESCAPES if path.exists()]
    assert not escaped, f"submissions wrote outside their sandbox: {escaped}"
    leftover = subprocess.run(["pgrep", "-f", "sleep 987"], capture_output=True, text=True).stdout.split()
    assert not leftover, f"processes left running after grading: {leftover}"


@pytest.mark.parametrize("assignment", sorted(path.stem for path in CORPUS.glob("*.toml")))
def test_gradebook_holds_the_same_scores(assignment, graded_corpus):
    """Did the scores go into the course's gradebook as grades.csv shows them, for nbgrader export?"""
    from nbgrader.api import Gradebook

    rows, root = graded_corpus(assignment)
    with Gradebook(f"sqlite:///{root / 'course' / 'gradebook.db'}") as gradebook:
        for student, row in rows.items():
            assert gradebook.find_submission(assignment, student).score == float(row["score"]), student
