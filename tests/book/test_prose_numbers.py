"""The prose of the book types no measured number: every decimal in it is glued from the cell that computed it."""

from __future__ import annotations

import re

import pytest

from coursetools.paths import REPO

MYST_SOURCES = sorted(path.relative_to(REPO) for path in (REPO / "book").glob("*.md"))

ALLOWED = {
    "0.001": "Adam's default learning rate, a setting rather than a result",
    "0.5": "the AUC of a ranking by chance, a definition",
    "3.11": "the Python version the course requires",
    "0.831": "I-AutoRec's RMSE on MovieLens 1M as published by Sedhain et al. (2015), quoted and cited",
    "0.845": (
        "biased matrix factorisation's RMSE on MovieLens 1M as published by Sedhain et al. (2015), quoted and cited"
    ),
    "23.10": "the first Ubuntu release that restricts unprivileged user namespaces, a release number",
    "23.04": "the last Ubuntu release before that restriction, a release number",
    "5.14": "the first Linux release that counts RLIMIT_NPROC per user namespace, a release number",
}
"""Decimals that may be typed: constants, settings and cited figures, each with the reason."""

PROSE_DIRECTIVES = (
    "{dropdown}",
    "{admonition}",
    "{note}",
    "{warning}",
    "{tip}",
    "{glossary}",
    "{tab-item}",
    "{tab-set}",
)
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?!\w|\.\d)")


def prose(markdown: str) -> str:
    """The text a reader reads as prose: no code, no math, no roles (glue, cite, ref), no directive options."""
    kept, fence = [], None
    for line in markdown.splitlines():
        opening = re.match(r"^\s*(`{3,}|:{3,})(.*)$", line)
        if fence is None and opening:
            fence = (opening.group(1), opening.group(2).strip().startswith(PROSE_DIRECTIVES))
            if fence[1]:
                kept.append(opening.group(2))  # a dropdown's title is prose
            continue
        if fence is not None and re.match(rf"^\s*{re.escape(fence[0])}\s*$", line):
            fence = None
            continue
        if fence is None or (fence[1] and not re.match(r"^\s*:[\w-]+:", line)):
            kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def typed_decimals(markdown: str) -> list[str]:
    return [match.group() for match in DECIMAL.finditer(prose(markdown)) if match.group() not in ALLOWED]


def test_the_scanner_finds_typed_numbers_and_skips_glued_ones():
    """Does the scanner flag a typed decimal in prose and a dropdown, and skip code, math, glue and inline code?"""
    page = """Training took 171.3 s, and the loss fell to {glue:text}`loss` (not `0.75`), $\\lambda = 0.25$.

```{code-cell} ipython3
rate = 0.002
```

```{dropdown} Why 2.5?
:open:
Because of 0.125 and Adam's 0.001.
```
"""
    assert typed_decimals(page) == ["171.3", "2.5", "0.125"]


@pytest.mark.parametrize("path", MYST_SOURCES, ids=str)
def test_prose_types_no_measured_number(path):
    """Is every decimal number in this chapter's prose glued, or a listed constant?"""
    import jupytext

    notebook = jupytext.reads((REPO / path).read_text(), fmt="md:myst")
    found = [
        number for cell in notebook.cells if cell.cell_type == "markdown" for number in typed_decimals(cell.source)
    ]
    assert not found, (
        f"{path} types the numbers {found} in its prose; glue each from the cell that computes it "
        "(myst_nb.glue and {glue:text}), or, for a constant or a cited figure, add it to ALLOWED with the reason"
    )
