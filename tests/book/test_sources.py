"""Notebooks and MyST sources are committed without outputs."""

from __future__ import annotations

import nbformat
import pytest

from coursetools.paths import REPO

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
    """Does every backtick fence open without a backtick after it? CommonMark reads such a line as text, not a directive."""
    broken = [f"line {number}: {line.strip()}" for number, line in enumerate((REPO / path).read_text().splitlines(), 1)
              if line.lstrip().startswith("```") and "`" in line.lstrip().lstrip("`")]
    assert not broken, f"{path}: these fences are read as text, and what follows them as code; use :::{{directive}} instead:\n" + "\n".join(broken)
