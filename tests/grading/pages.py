"""Reading feedback pages in the tests: their text without markup, and the hidden test lines they must never quote."""

from __future__ import annotations

import html
import re

from coursetools.grading.cells import is_grade, source
from coursetools.grading.notebooks import read_notebook
from coursetools.paths import exercise_notebook, solution_notebook


def page_text(page: str) -> str:
    """A page's text without its markup (code on nbgrader's pages is highlighted token by token)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def hidden_lines(assignment: str) -> set[str]:
    """Every line of the assignment's hidden tests that the released notebook does not show anyway."""
    visible = {
        line.strip()
        for cell in read_notebook(exercise_notebook(assignment))["cells"]
        for line in source(cell).splitlines()
    }
    hidden = set()
    for cell in read_notebook(solution_notebook(assignment))["cells"]:
        inside = False
        for line in source(cell).splitlines() if is_grade(cell) else []:
            inside = (inside or "### BEGIN HIDDEN TESTS" in line) and "### END HIDDEN TESTS" not in line
            if inside and "HIDDEN TESTS" not in line and line.strip() and line.strip() not in visible:
                hidden.add(line.strip())
    return hidden


def quoted_hidden_lines(page: str, assignment: str) -> list[str]:
    """The hidden test lines that ``page`` quotes (each matched as a whole, not inside a longer word)."""
    text = page_text(page)
    return sorted(line for line in hidden_lines(assignment) if re.search(rf"(?<!\w){re.escape(line)}(?!\w)", text))
