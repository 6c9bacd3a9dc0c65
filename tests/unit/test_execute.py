"""Executing the chapters into the cache before the book build: which pages, in what company, and what is stored."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from coursetools import execute

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
{extra}---

# A page
"""


def page(folder, name, code, extra=""):
    """Write a MyST notebook page with one code cell (or none) into ``folder``."""
    cell = f"```{{code-cell}} ipython3\n{code}\n```\n" if code else ""
    (folder / f"{name}.md").write_text(HEADER.format(extra=textwrap.dedent(extra)) + cell)


@pytest.fixture
def book(tmp_path):
    """A small book: a plain chapter, one that runs alone, one executed on every read, and a markdown page."""
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - chapters:\n"
        "      - file: timed\n      - file: forced\n      - file: notes\n"
    )
    (tmp_path / "_config.yml").write_text("execute:\n  timeout: 42\n")
    page(tmp_path, "intro", "x = 1")
    page(tmp_path, "timed", "y = 2", "execution:\n  alone: true\n  minutes: 1.5\n")
    page(tmp_path, "forced", "z = 3", "mystnb:\n  execution_mode: force\n")
    (tmp_path / "notes.md").write_text("# Notes\n\nNo code here.\n")
    return tmp_path


def test_toc_pages_include_sections_in_book_order(book):
    """Are a chapter's sections in _toc.yml pages of the book too, right after their chapter?"""
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - chapters:\n"
        "      - file: timed\n        sections:\n          - file: forced\n      - file: notes\n"
    )
    assert execute.toc_files(book) == ["intro", "timed", "forced", "notes"]
    assert execute.toc_pages(book) == [book / f"{name}.md" for name in ("intro", "timed", "forced", "notes")]


def test_chapters_to_run_are_the_cached_notebooks_in_book_order(book):
    """Are the toc's notebook pages chosen in order, leaving out pages executed on every read and plain markdown?"""
    found = execute.chapters_to_run(book)
    assert [(chapter.path.name, chapter.alone, chapter.minutes) for chapter in found] == [
        ("intro.md", False, 0.0),
        ("timed.md", True, 1.5),
    ]


def test_long_chapters_start_first_and_timed_ones_run_alone():
    """Do chapters that time every core run alone, and the others start longest first, short ones in the book's
    order?"""
    chapters = [
        execute.Chapter(Path("a.md")),
        execute.Chapter(Path("timed.md"), alone=True),
        execute.Chapter(Path("long.md"), minutes=2),
        execute.Chapter(Path("b.md")),
        execute.Chapter(Path("longer.md"), minutes=3),
    ]
    alone, rest = execute.schedule(chapters)
    assert alone == [Path("timed.md")]
    assert rest == [Path("longer.md"), Path("long.md"), Path("a.md"), Path("b.md")]


@pytest.mark.parametrize(("cores", "jobs", "threads"), [(2, 2, "1"), (16, 4, "4"), (3, 2, "1"), (1, 4, "1")])
def test_chapters_side_by_side_share_the_cores(cores, jobs, threads):
    """Does each of the chapters running at once get its share of the cores as threads, and at least one?"""
    environment = execute.thread_environment(cores, jobs)
    assert environment["OMP_NUM_THREADS"] == threads and set(environment.values()) == {threads}


def test_the_cell_timeout_is_the_books_own(book):
    """Is the per-cell timeout read from _config.yml, the value Jupyter Book uses?"""
    assert execute.cell_timeout(book) == 42


def test_a_chapter_runs_once_and_is_then_served_from_the_cache(book):
    """Does a chapter run and get stored, and does a second call find it in the cache without running it?"""
    cache = book / "cache"
    _, seconds, error = execute.execute(book / "intro.md", 60, cache_path=cache)
    assert error is None and seconds > 0
    assert execute.execute(book / "intro.md", 60, cache_path=cache) == (book / "intro.md", 0.0, None)


def test_a_failing_chapter_reports_its_error_and_is_not_cached(book):
    """Does a chapter whose cell raises come back with the error and its traceback, and stay out of the cache?"""
    page(book, "broken", "raise ValueError('the data file is corrupt')")
    cache = book / "cache"
    _, _, error = execute.execute(book / "broken.md", 60, cache_path=cache)
    assert error is not None and "ValueError" in error and "the data file is corrupt" in error
    _, _, again = execute.execute(book / "broken.md", 60, cache_path=cache)
    assert again is not None


@pytest.mark.parametrize("chapter", execute.chapters_to_run(), ids=lambda chapter: chapter.path.stem)
def test_chapters_are_keyed_as_the_book_build_keys_them(chapter, tmp_path):
    """Does each chapter, as read here, get the cache key that myst-nb's reader gives it, so that the build finds it?"""
    from jupyter_cache import get_cache
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader

    text = chapter.path.read_text(encoding="utf-8")
    built = create_nb_reader(str(chapter.path), execute.markdown_config(), NbParserConfig(), text).read(text)
    cache = get_cache(str(tmp_path / "cache"))
    assert cache.create_hashed_notebook(execute.read(chapter.path))[1] == cache.create_hashed_notebook(built)[1]


def test_the_cache_database_exists_before_chapters_run_side_by_side(tmp_path):
    """Does create_cache make the database and its tables, so that parallel chapters never race to create them?"""
    import sqlite3

    execute.create_cache(tmp_path / "cache")
    tables = {
        row[0]
        for row in sqlite3.connect(tmp_path / "cache" / "global.db").execute(
            "select name from sqlite_master where type = 'table'"
        )
    }
    assert {"nbcache", "settings"} <= tables
