"""Each page has a core a beginner reads in one sitting; expert material sits in marked "Going further" sections.

A page's core is its prose outside code, outputs, math and the optional sections. An optional section is a
second-level heading of exactly the form ``## Going further (optional): <what it covers>`` that opens with a
note of class ``going-further``; it runs to the next second-level heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from coursetools.paths import REPO

MYST_SOURCES = sorted(path.relative_to(REPO) for path in (REPO / "book").glob("*.md"))

CORE_WORD_LIMIT = 2000
"""At most this many prose words in a page's core."""

GOING_FURTHER = re.compile(r"^## Going further \(optional\): \S")
"""The one heading form of an optional section."""

GOING_FURTHER_NOTE = ":class: going-further"
"""The option of the note an optional section opens with."""

PROSE_DIRECTIVES = ("dropdown", "admonition", "note", "warning", "tip", "important", "glossary", "tab-set", "tab-item")
"""Directives whose body is prose (their other contents, such as a literalinclude, are still code)."""

FENCE = re.compile(r"^\s*(`{3,}|:{3,})\s*(\{[\w:-]+\})?(.*)$")
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
WORD = re.compile(r"[^\W_]+(?:['’.,-][^\W_]+)*")


@dataclass(frozen=True)
class PageWords:
    """The prose words of one page: in its core, and in its optional sections."""

    core: int
    optional: int


def _role_text(match: re.Match) -> str:
    """What a reader sees of a role: a link's own words, a term, or one word for a glued value or a citation."""
    role, content = match.groups()
    explicit = re.match(r"^(.*?)\s*<[^<>]*>\s*$", content, flags=re.DOTALL)
    if explicit and role in ("ref", "numref", "term", "doc", "download"):
        return explicit.group(1)
    if role in ("term", "download"):
        return content
    return "X"  # a glued number, a citation or a bare reference: one word


def _words(text: str) -> int:
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$\n]+\$", " X ", text)  # an inline formula reads as a word
    text = ROLE.sub(_role_text, text)
    text = re.sub(r"`[^`\n]*`", " X ", text)  # so does an inline name from the code
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    return len(WORD.findall(text))


def _strip_front_matter(markdown: str) -> str:
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[end + 5 :]
    return markdown


def _closes(line: str, marker: str) -> bool:
    """Whether a line closes a fence opened with marker: the same character, at least as many, nothing else."""
    return re.match(rf"^\s*{re.escape(marker[0])}{{{len(marker)},}}\s*$", line) is not None


def page_words(markdown: str) -> PageWords:
    """Count the prose words of a MyST page in its core and in its "Going further (optional)" sections."""
    counts: dict[bool, list[str]] = {True: [], False: []}
    optional = False
    stack: list[tuple[str, bool]] = []  # the open fences: (marker, whether their body is prose)
    in_options = False
    for line in _strip_front_matter(markdown).splitlines():
        if stack and _closes(line, stack[-1][0]):
            stack.pop()
            in_options = False
            continue
        opening = FENCE.match(line)
        if opening and (not stack or stack[-1][1]):
            prose = (opening.group(2) or "").strip("{}") in PROSE_DIRECTIVES
            stack.append((opening.group(1), prose))
            in_options = prose
            if prose:
                counts[optional].append(opening.group(3))  # a dropdown's or an admonition's title is prose
            continue
        if stack and not stack[-1][1]:
            continue  # code, outputs, math blocks, bibliographies
        if in_options and re.match(r"^\s*:[\w-]+:", line):
            continue  # a directive's options
        in_options = False
        if not stack and line.startswith("## "):
            optional = GOING_FURTHER.match(line) is not None
        elif not stack and line.startswith("# "):
            optional = False
        if re.match(r"^\([\w-]+\)=\s*$", line):
            continue  # a label
        counts[optional].append(line)
    return PageWords(core=_words("\n".join(counts[False])), optional=_words("\n".join(counts[True])))


def outside_fences(markdown: str) -> list[str]:
    """The page's lines, with every line inside a fenced block (code, directives) replaced by an empty one."""
    kept, fence = [], None
    for line in _strip_front_matter(markdown).splitlines():
        if fence is not None:
            fence = None if _closes(line, fence) else fence
            kept.append("")
        elif FENCE.match(line):
            fence = FENCE.match(line).group(1)
            kept.append("")
        else:
            kept.append(line)
    return kept


def going_further_sections(markdown: str) -> list[tuple[str, str]]:
    """Each optional section's heading and its text, up to the next second-level heading outside code."""
    lines = _strip_front_matter(markdown).splitlines()
    headings = [number for number, line in enumerate(outside_fences(markdown)) if line.startswith("## ")]
    return [
        (lines[start], "\n".join(lines[start + 1 : end]))
        for start, end in zip(headings, headings[1:] + [len(lines)], strict=True)
        if GOING_FURTHER.match(lines[start])
    ]


def read(path) -> str:
    return (REPO / path).read_text()


SAMPLE = """---
jupytext:
  text_representation:
    extension: .md
---

(sample)=
# A sample page

## Overview
Five words of plain prose, {ref}`then a link <sample>`, a {term}`batch` and $x^2$ math.

```{code-cell} ipython3
# a comment that looks like a heading
words = "in code do not count"
```

```{dropdown} A question of six words?
:open:
An answer with {glue:text}`value` in it.
```

::::{tab-set}
:::{tab-item} Keras
:sync: keras
```{literalinclude} ../aecourse/models/dense.py
:pyobject: build_dense_keras
```
:::
::::

## Going further (optional): the long part

```{admonition} Going further
:class: going-further
Skip this.
```

Expert words here, three more.

```{code-cell} ipython3
print("not prose")
```

## Questions
Back in the core.
"""


def test_the_counter_separates_core_optional_and_code():
    """Does the counter count prose, titles, link words and glued values, and skip code, math and options?"""
    words = page_words(SAMPLE)
    # core: "A sample page" 3, "Overview" 1, the Overview line 13 (the formula is one word, the link its own three
    # words), the question 5, its answer 6 (the glued value is one word), "Keras" 1, "Questions" 1,
    # "Back in the core." 4
    assert words.core == 3 + 1 + 13 + 5 + 6 + 1 + 1 + 4
    # optional: the heading 6, the note's title "Going further" 2 and body 2, "Expert words here, three more." 5
    assert words.optional == 6 + 2 + 2 + 5


def test_the_counter_sees_a_long_core_and_a_long_optional_section():
    """Does a page of 2,001 core words count as over the limit, and moving 500 of them into a Going further section
    bring it under?"""
    long_page = "# Title\n\n" + "word " * (CORE_WORD_LIMIT)
    assert page_words(long_page).core == CORE_WORD_LIMIT + 1
    split_page = (
        "# Title\n\n"
        + "word " * (CORE_WORD_LIMIT - 500)
        + "\n\n## Going further (optional): more\n\n"
        + "word " * 500
        + "\n\n## Exercises\nword\n"
    )
    counted = page_words(split_page)
    assert counted.core <= CORE_WORD_LIMIT and counted.optional >= 500


def test_a_heading_of_another_form_stays_in_the_core():
    """Do "Optional: ...", "### Going further ..." and "## Going further: ..." headings count as core, not optional?"""
    for heading in ("## Optional: more", "### Going further (optional): more", "## Going further: more"):
        assert page_words(f"# T\n\n{heading}\n\nsome words\n").optional == 0, heading


@pytest.mark.parametrize("path", MYST_SOURCES, ids=str)
def test_core_is_readable_in_one_sitting(path):
    """Does this page's core, outside code, outputs and Going further sections, stay within the word limit?"""
    words = page_words(read(path))
    assert words.core <= CORE_WORD_LIMIT, (
        f"{path} has {words.core} prose words in its core (limit {CORE_WORD_LIMIT}); move expert material into a "
        f"section headed '## Going further (optional): ...' that opens with a note of class going-further"
    )


@pytest.mark.parametrize("path", MYST_SOURCES, ids=str)
def test_optional_sections_use_the_one_form(path):
    """Does every heading that calls itself optional or "going further" use the one form the counter recognises?"""
    headings = [
        line
        for line in outside_fences(read(path))
        if re.match(r"^#{1,6} ", line) and re.search(r"optional|going further", line, flags=re.IGNORECASE)
    ]
    wrong = [heading for heading in headings if not GOING_FURTHER.match(heading)]
    assert not wrong, f"{path}: these headings mark optional material in another form: {wrong}"


@pytest.mark.parametrize("path", MYST_SOURCES, ids=str)
def test_every_going_further_section_opens_with_its_note(path):
    """Does every Going further section start with the note that says what it covers and that it may be skipped?"""
    for heading, body in going_further_sections(read(path)):
        first = body.strip().splitlines()[:2]
        assert (
            len(first) == 2 and first[0].startswith("```{admonition} Going further") and first[1] == GOING_FURTHER_NOTE
        ), f"{path}: '{heading}' should open with\n```{{admonition}} Going further\n{GOING_FURTHER_NOTE}\n...\n```"
