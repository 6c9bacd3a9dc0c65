"""Printing the book: two chapters printed by chromium as a reader prints them (the header's PDF button prints
the page).

Each chapter is laid out for print at the width of an A4 page, checked (no
navigation, every figure shown, no line of code cut off), then printed to
_build/screenshots/print-<chapter>.pdf, which CI keeps for a person to look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.book.reader import IMAGES_SCRIPT, Reader

pytestmark = [pytest.mark.book, pytest.mark.browser]

CHAPTERS = ("book/convolution_arithmetic", "book/keras_mnist_autoencoder")
"""The chapter with the most animations and formulas, and the one with the longest code and the widest tables."""
PRINTABLE_WIDTH = 718
"""CSS pixels across an A4 page (210 mm) inside chromium's default margins of 1 cm: 190 mm at 96 pixels per inch."""
LAYOUT_SCRIPT = """() => {
    const visible = element => { const box = element.getBoundingClientRect();
                                 return box.width > 0 && box.height > 0
                                     && getComputedStyle(element).visibility !== "hidden"; };
    const chrome = [".bd-header", ".bd-sidebar-primary", ".bd-sidebar-secondary", ".prev-next-area", ".bd-footer"];
    const width = document.documentElement.clientWidth;
    return {
        chrome: chrome.filter(selector => [...document.querySelectorAll(selector)].some(visible)),
        images: document.querySelectorAll("article img").length,
        hidden_images: [...document.querySelectorAll("article img")].filter(image => !visible(image) &&
            !image.closest("details:not([open]), .toggle-hidden, .cell.tag_hide-input .cell_input"))
            .map(image => image.getAttribute("alt") || image.getAttribute("src")),
        wide_images: [...document.querySelectorAll("article img")]
            .filter(image => image.getBoundingClientRect().right > width + 1)
            .map(image => image.getAttribute("src")),
        cut_code: [...document.querySelectorAll("article pre")].filter(visible)
            .filter(pre => pre.scrollWidth > pre.clientWidth + 1).map(pre => pre.textContent.slice(0, 80)),
        cut_tables: [...document.querySelectorAll("article table")].filter(visible)
            .filter(table => table.getBoundingClientRect().right > width + 1)
            .map(table => table.textContent.slice(0, 80)),
    };
}"""


@dataclass
class Printed:
    """A chapter laid out for print, and its PDF's number of pages."""

    chrome: list[str]
    images: int
    hidden_images: list[str]
    wide_images: list[str]
    cut_code: list[str]
    cut_tables: list[str]
    pages: int = 0


@pytest.fixture(scope="module")
def printed(browser, book_url, screenshots) -> dict[str, Printed]:
    reader = Reader(browser, book_url, screenshots)
    chapters = {}
    try:
        for chapter in CHAPTERS:
            tab = reader.open("light", f"{chapter}.html")
            tab.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 1000})
            tab.emulate_media(media="print")
            tab.evaluate(IMAGES_SCRIPT)
            chapters[chapter] = Printed(**tab.evaluate(LAYOUT_SCRIPT))
            pdf = tab.pdf(
                path=screenshots / f"print-{chapter.split('/')[-1]}.pdf",
                format="A4",
                margin={side: "1cm" for side in ("top", "bottom", "left", "right")},
            )
            chapters[chapter].pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
            tab.close()
    finally:
        reader.close()
    return chapters


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_print_leaves_out_the_navigation(printed, chapter):
    """Does the printed chapter leave out the header, the sidebars and the links to the next page?"""
    assert not printed[chapter].chrome, f"{chapter} prints {printed[chapter].chrome}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_print_shows_every_figure_within_the_page(printed, chapter):
    """Does the printed chapter show every figure and animation (not those in folded cells), each within the page?"""
    result = printed[chapter]
    assert result.images > 0 and not result.hidden_images and not result.wide_images, result


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_print_cuts_no_code_and_no_table(printed, chapter):
    """Does every line of code, output and table of the printed chapter fit across the page?"""
    result = printed[chapter]
    assert not result.cut_code, f"{chapter}: code cut off at the page's edge: {result.cut_code}"
    assert not result.cut_tables, f"{chapter}: tables wider than the page: {result.cut_tables}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_prints_to_a_pdf(printed, chapter):
    """Does chromium print the chapter to a PDF of several pages?"""
    assert printed[chapter].pages > 2, f"{chapter} printed to {printed[chapter].pages} pages"
