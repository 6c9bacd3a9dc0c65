"""The tests of every assignment, proven both ways: plausible mistakes lose their points, correct styles keep them.

Both are data: ``variants/<assignment>.toml`` lists mutants (one edit of the
solution, and the test cells that must then lose points) and alternatives
(correct answers written differently, which must keep full marks). Each
assignment's variants are graded together, as a class, by `make grade`'s
command (two notebooks at once, hidden tests included), and each is checked
against its row of results.json. Each mutant's feedback page is checked too:
it must name every check the mistake fails, say what that check found, and
quote no line of the hidden tests.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from pages import page_text, quoted_hidden_lines

from coursetools.grading.cells import grade_id, is_grade, source
from coursetools.grading.notebooks import answered_notebook, read_notebook
from coursetools.paths import REPO, assignments, notebook_name, solution_notebook

pytestmark = [pytest.mark.grading, pytest.mark.sandbox]

VARIANTS = Path(__file__).parent / "variants"


def table(assignment: str) -> dict:
    return tomllib.loads((VARIANTS / f"{assignment}.toml").read_text())


def variants_of(assignment: str) -> list:
    """The assignment's mutants and alternatives, as (kind, variant) parameters."""
    data = table(assignment)
    return [pytest.param("mutant", m, id=f"mutant:{m['name']}") for m in data["mutant"]] + [
        pytest.param("alternative", a, id=f"alternative:{a['name']}") for a in data.get("alternative", [])
    ]


def mutants_of(assignment: str) -> list:
    return [pytest.param(m, id=m["name"]) for m in table(assignment)["mutant"]]


def mutated(assignment: str, mutant: dict) -> dict:
    """The solution with the mutant's one edit; the edited text must occur exactly once in its cell."""
    notebook = answered_notebook(assignment)
    cell = next(cell for cell in notebook["cells"] if grade_id(cell) == mutant["cell"])
    count = cell["source"].count(mutant["old"])
    assert count == 1, (
        f"the mutant's text occurs {count} times in {assignment}:{mutant['cell']}, expected once:\n{mutant['old']}"
    )
    cell["source"] = cell["source"].replace(mutant["old"], mutant["new"])
    return notebook


@dataclass
class Graded:
    """An assignment's variants graded as a class: results.json, and the folder of the feedback pages."""

    results: dict
    feedback: Path


@pytest.fixture(scope="session")
def graded_variants(tmp_path_factory):
    """``graded_variants(assignment)`` → that assignment's variants, graded once as a class."""
    done = {}

    def graded(assignment: str) -> Graded:
        if assignment not in done:
            root = tmp_path_factory.mktemp(f"variants-{assignment}")
            data = table(assignment)
            # No solution among them: test_assignments.py grades it, and the alternatives are correct answers too.
            notebooks = {f"mutant-{m['name']}": mutated(assignment, m) for m in data["mutant"]}
            notebooks.update(
                {
                    f"alternative-{a['name']}": answered_notebook(assignment, a["cells"])
                    for a in data.get("alternative", [])
                }
            )
            for student, notebook in notebooks.items():
                folder = root / "submissions" / student / assignment
                folder.mkdir(parents=True)
                (folder / notebook_name(assignment)).write_text(json.dumps(notebook))
            command = [
                sys.executable,
                "-m",
                "coursetools.grade",
                assignment,
                str(root / "submissions"),
                "--out",
                str(root / "out"),
                "--workers",
                "2",
                "--no-gradebook",
            ]
            result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=1800)
            assert result.returncode == 0, f"grading failed:\n{result.stdout}\n{result.stderr[-3000:]}"
            done[assignment] = Graded(
                json.loads((root / "out" / "results.json").read_text()), root / "out" / "feedback"
            )
        return done[assignment]

    return graded


@pytest.mark.parametrize("assignment", assignments())
def test_every_assignment_has_mutants_and_three_alternatives(assignment):
    """Does every assignment have plausible mistakes and at least three correct alternatives in its table?"""
    data = table(assignment)
    assert data["mutant"] and len(data.get("alternative", [])) >= 3, (
        f"variants/{assignment}.toml has {len(data['mutant'])} mutants "
        f"and {len(data.get('alternative', []))} alternatives"
    )


def pytest_generate_tests(metafunc):
    """Give each assignment's class that assignment's variants."""
    assignment = getattr(metafunc.cls, "assignment", None)
    if assignment is None:
        return
    if "variant" in metafunc.fixturenames:
        metafunc.parametrize(("kind", "variant"), variants_of(assignment))
    elif "mutant" in metafunc.fixturenames:
        metafunc.parametrize("mutant", mutants_of(assignment))


class VariantsOfOneAssignment:
    """The checks of one assignment's variants, graded together as a class; a subclass per assignment follows.

    A class per assignment makes each assignment one unit of work for pytest-xdist (``--dist loadscope``), so
    that the two test processes share the assignments while each grades an assignment's class once.
    """

    assignment: str

    def test_variant_gets_the_points_it_deserves(self, kind, variant, graded_variants):
        """Does this mistake lose the points of the test cells that check it, or this correct style keep every point?"""
        assignment = self.assignment
        results = graded_variants(assignment).results
        row = results[f"{kind}-{variant['name']}"]
        lost = {grade_id for grade_id, test in row["tests"].items() if test["points"] < test["max_points"]}
        outcomes = {grade_id: row["tests"][grade_id]["outcome"] for grade_id in sorted(lost)}
        if kind == "alternative":
            assert row["status"] == "graded" and not lost, (
                f"{variant['about']}: lost {outcomes} ({row['status']}: {row['note']})"
            )
            return
        expected = set(variant["loses"])
        if variant.get("only", False):
            assert lost == expected, f"{variant['question']} Lost {sorted(lost)}; expected exactly {sorted(expected)}"
        else:
            assert expected <= lost, f"{variant['question']} Lost {sorted(lost)}; expected at least {sorted(expected)}"

    def test_mutants_feedback_names_each_failed_check_and_no_hidden_line(self, mutant, graded_variants):
        """Does this mistake's feedback page name each check it fails, with its question and what it found in words
        (not a bare exception name), and quote no line of the hidden tests?"""
        assignment = self.assignment
        graded = graded_variants(assignment)
        page = (graded.feedback / f"mutant-{mutant['name']}.html").read_text()
        questions = {
            grade_id(cell): source(cell).strip().splitlines()[0].strip('"').strip()
            for cell in read_notebook(solution_notebook(assignment))["cells"]
            if is_grade(cell)
        }
        for failed in mutant["loses"]:
            section = re.search(rf'<section class="failed" id="{failed}">(.*?)</section>', page, re.DOTALL)
            assert section, f"the feedback page of {mutant['name']} has no section for the failed check {failed}"
            found = page_text(section.group(1).split('class="found">', 1)[-1]).replace("What it found:", "").strip()
            assert html.escape(questions[failed]) in section.group(1), f"{failed}: its question is missing"
            assert found and not re.fullmatch(r"[A-Z]\w*", found), f"{failed}: the page says only {found!r}"
        leaked = quoted_hidden_lines(page, assignment)
        assert not leaked, f"the feedback page of {mutant['name']} quotes hidden test lines: {leaked}"


for _assignment in assignments():
    _name = f"TestVariants_{_assignment}"
    globals()[_name] = type(_name, (VariantsOfOneAssignment,), {"assignment": _assignment})
