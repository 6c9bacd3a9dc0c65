"""Cross-references read as sentences: each carries its own words, so no page title lands mid-sentence."""

from __future__ import annotations

import re

import pytest

from coursetools.paths import REPO

MYST_SOURCES = sorted(path.relative_to(REPO) for path in (REPO / "book").glob("*.md"))

REFERENCE = re.compile(r"\{(ref|numref)\}`([^`]*)`")


def bare_references(markdown: str) -> list[str]:
    """The {ref} and {numref} roles of a page that name only a label, without link text of their own."""
    return [
        match.group(0)
        for match in REFERENCE.finditer(markdown)
        if not re.search(r"\S\s*<[^<>]+>\s*$", match.group(2), flags=re.DOTALL)
    ]


def test_the_scanner_finds_bare_references_and_accepts_worded_ones():
    """Does the scanner flag {ref}`label` and {numref}`label`, and accept link text, also across a line break?"""
    page = """As {ref}`the primer <training-basics>` shows, and {ref}`mnist-data` does, and
{numref}`Figure %s <fig-a>` draws; {ref}`the sizes of a
convolution <convolution-arithmetic>` and {numref}`fig-b`, and {ref}`<empty-text>`."""
    assert bare_references(page) == ["{ref}`mnist-data`", "{numref}`fig-b`", "{ref}`<empty-text>`"]


@pytest.mark.parametrize("path", MYST_SOURCES, ids=str)
def test_every_cross_reference_carries_its_own_words(path):
    """Does every {ref} and {numref} on this page give its own link text?"""
    bare = bare_references((REPO / path).read_text())
    assert not bare, (
        f"{path} has cross-references without link text, so the target's whole title lands in the sentence: {bare}; "
        "write them as {ref}`words that fit the sentence <label>`"
    )
