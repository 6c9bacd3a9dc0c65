"""Notebooks and MyST sources are committed without outputs; the chapters lead students to the page on doing the
exercises."""

from __future__ import annotations

import re
import tomllib

import nbformat
import pytest

from coursetools.paths import REPO, assignments

NOTEBOOKS = sorted(
    path.relative_to(REPO) for folder in ("book", "solutions", "exercises") for path in (REPO / folder).rglob("*.ipynb")
)
MYST_SOURCES = sorted(path.relative_to(REPO) for path in (REPO / "book").glob("*.md"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=str)
def test_notebook_has_no_outputs(path):
    """Is every code cell of this notebook free of outputs and execution counts?"""
    notebook = nbformat.read(REPO / path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path} cell {index} has committed outputs"
            assert cell.execution_count is None, f"{path} cell {index} has execution count {cell.execution_count}"


@pytest.mark.parametrize("path", MYST_SOURCES, ids=str)
def test_myst_source_is_a_notebook_without_outputs(path):
    """Is this chapter a jupytext MyST notebook, and does it read back with no outputs?"""
    import jupytext

    text = (REPO / path).read_text()
    assert text.startswith("---\njupytext:"), f"{path} should start with a jupytext header"
    notebook = jupytext.reads(text, fmt="md:myst")
    assert any(cell.cell_type == "code" for cell in notebook.cells), f"{path} has no code cells"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs"), f"{path} carries outputs"


@pytest.mark.parametrize("path", MYST_SOURCES, ids=str)
def test_no_backtick_fence_has_a_backtick_in_its_title(path):
    """Does every backtick fence open without a backtick after it? CommonMark reads such a line as text, not a
    directive."""
    broken = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate((REPO / path).read_text().splitlines(), 1)
        if line.lstrip().startswith("```") and "`" in line.lstrip().lstrip("`")
    ]
    assert not broken, (
        f"{path}: these fences are read as text, and what follows them as code; use :::{{directive}} instead:\n"
        + "\n".join(broken)
    )


STUDENTS_PAGE = REPO / "book" / "doing_exercises.md"
WITH_EXERCISES = [
    path for path in MYST_SOURCES if "\n## Exercises\n" in (REPO / path).read_text() and REPO / path != STUDENTS_PAGE
]


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=str)
def test_exercises_section_links_to_the_students_page(path):
    """Does this chapter's Exercises section link to "Doing the exercises", with words of its own?"""
    section = (REPO / path).read_text().split("\n## Exercises\n", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"\{ref\}`[^`<]+<doing-exercises>`", section), (
        f"{path}: the Exercises section should link to the student's page, "
        "as {ref}`Doing the exercises <doing-exercises>`"
    )


def test_students_page_offers_every_notebook_and_the_wheel():
    """Does the student's page offer every released notebook, the wheel that `make dist` builds, and
    requirements.txt?"""
    text = STUDENTS_PAGE.read_text()
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    wanted = [f"../exercises/{assignment}/{assignment}.ipynb" for assignment in assignments()]
    wanted += [f"../dist/aecourse-{version}-py3-none-any.whl", "../requirements.txt"]
    missing = [target for target in wanted if not re.search(rf"\{{download\}}`[^`<]*<{re.escape(target)}>`", text)]
    assert not missing, f"book/doing_exercises.md offers no download of {missing}"
