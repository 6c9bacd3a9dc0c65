"""The Korean build of the book (make book: _build/html/ko/) and the language switch on every page."""

from __future__ import annotations

import html as html_text
import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from coursetools.execute import toc_pages
from coursetools.paths import REPO

HTML = REPO / "_build" / "html"
LANGUAGE = "ko"
CATALOGUES = REPO / "locales" / LANGUAGE / "LC_MESSAGES"

PAGES = [path.relative_to(REPO).with_suffix("").as_posix() for path in toc_pages()]

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def html():
    """The built English and Korean books' folder; fails (not skips) when the Korean book has not been built."""
    assert (HTML / LANGUAGE / "index.html").is_file(), (
        f"no Korean book at {HTML / LANGUAGE}: run `make book` before `make test`"
    )
    return HTML


def switch_target(page: Path, language: str) -> Path:
    """The file the page's language switch links to for ``language``, resolved against the page's folder."""
    text = page.read_text(encoding="utf-8")
    switch = re.search(r'<nav class="language-switch".*?</nav>', text, flags=re.DOTALL)
    assert switch, f"{page.relative_to(HTML)} has no language switch"
    link = re.search(rf'<a [^>]*href="([^"]+)" hreflang="{language}"', switch.group(0))
    assert link, f"the language switch of {page.relative_to(HTML)} has no link to {language!r}:\n{switch.group(0)}"
    return Path(os.path.normpath(page.parent / html_text.unescape(link.group(1))))


@pytest.mark.parametrize("page", PAGES)
def test_every_toc_page_is_built_in_korean(html, page):
    """Does every page of _toc.yml have a Korean page, declared as Korean?"""
    built = html / LANGUAGE / f"{page}.html"
    assert built.is_file(), f"{page} is in _toc.yml but {built.relative_to(html)} was not built"
    assert re.search(rf'<html[^>]* lang="{LANGUAGE}"', built.read_text(encoding="utf-8")), (
        f"{built} is not marked lang={LANGUAGE!r}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_korean_page_shows_its_translated_title(html, page):
    """Does the Korean page show the catalogue's translation of the page's title (the catalogue was applied)?"""
    with (CATALOGUES / f"{page}.po").open("rb") as file:
        title = next(message for message in read_po(file) if message.id)
    if not title.string or title.string == title.id:
        pytest.fail(f"the title of {page} ({title.id!r}) has no Korean translation in {page}.po")
    text = (html / LANGUAGE / f"{page}.html").read_text(encoding="utf-8")
    assert html_text.escape(title.string, quote=False) in text, (
        f"the Korean {page}.html lacks its title {title.string!r}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_language_switch_leads_to_the_same_page_and_back(html, page):
    """Does the English page's switch lead to the same Korean page, and that page's switch back to it?"""
    english = html / f"{page}.html"
    korean = switch_target(english, LANGUAGE)
    assert korean == html / LANGUAGE / f"{page}.html" and korean.is_file(), f"{page}.html's switch leads to {korean}"
    back = switch_target(korean, "en")
    assert back == english, f"the Korean {page}.html's switch leads to {back}, not back to {english}"
