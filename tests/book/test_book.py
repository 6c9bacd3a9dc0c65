"""The built HTML book: every page of the table of contents, readable offline."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser

import pytest

from coursetools.execute import toc_files

pytestmark = pytest.mark.book


PAGES = toc_files()


@pytest.mark.parametrize("page", PAGES)
def test_every_toc_page_is_built(html, page):
    """Does every page listed in _toc.yml have an HTML file?"""
    assert (html / f"{page}.html").is_file(), f"{page} is in _toc.yml but {page}.html was not built"


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_nothing_from_the_network(html, page):
    """Does the page load its scripts and styles, MathJax included, from the built site only?"""
    text = (html / f"{page}.html").read_text()
    remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', text)
    assert not remote, f"{page}.html loads {remote} from the network"


def test_mathjax_is_served_locally(html):
    """Is MathJax part of the built site?"""
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()


@pytest.mark.parametrize("page", PAGES)
def test_page_shows_no_error_or_stderr_output(html, page):
    """Did every cell of the page run without an error or a stderr box?"""
    text = (html / f"{page}.html").read_text()
    assert "output stderr" not in text and "output traceback" not in text, f"{page}.html shows stderr or a traceback"


@pytest.mark.parametrize("page", PAGES)
def test_results_tables_render_as_tables(html, page):
    """Does every Markdown table a cell prints render as an HTML table, not as a paragraph of pipes?"""
    text = (html / f"{page}.html").read_text()
    assert "<p>| " not in text, f"{page}.html shows a results table as raw Markdown"


def test_students_page_offers_the_wheel_from_the_built_site(html):
    """Does "Doing the exercises" link the course's wheel, and is that file, whole, part of the built site?"""
    page = html / "book" / "doing_exercises.html"
    links = re.findall(r'href="([^"]*_downloads/[^"]+/aecourse-[^"/]+-py3-none-any\.whl)"', page.read_text())
    assert links, "book/doing_exercises.html links no wheel"
    for link in links:
        served = (page.parent / link).resolve()
        assert served.is_file() and zipfile.is_zipfile(served), f"{link} is not a wheel of the built site"
        assert "aecourse/data/mnist.npz" in zipfile.ZipFile(served).namelist(), f"{link} carries no MNIST"


class Figures(HTMLParser):
    """The images of a page's article: each one's source and alt text, and the caption of the figure around it."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []
        self.depth = {"article": 0, "figure": 0, "figcaption": 0}
        self.figure_images: list[dict] = []

    def handle_starttag(self, tag, attributes):
        if tag in self.depth:
            self.depth[tag] += 1
            if tag == "figure":
                self.figure_images = []
        if tag == "img" and self.depth["article"]:
            image = {**dict(attributes), "caption": None}
            self.images.append(image)
            if self.depth["figure"]:
                self.figure_images.append(image)

    def handle_endtag(self, tag):
        if tag in self.depth:
            self.depth[tag] -= 1

    def handle_data(self, data):
        if self.depth["figcaption"]:
            for image in self.figure_images:
                image["caption"] = (image["caption"] or "") + data


def words(text: str | None) -> int:
    return len(re.findall(r"[A-Za-z]{2,}", text or ""))


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_says_what_it_shows(html, page):
    """Does every image and animation have alt text that describes it (some words, not a file name) and a caption?"""
    figures = Figures()
    figures.feed((html / f"{page}.html").read_text())
    for image in figures.images:
        alt, source = image.get("alt") or "", image.get("src", "")
        assert words(alt) >= 8 and not re.search(r"\.(png|gif|jpe?g|svg)\b", alt), (
            f"{page}: the image {source} has the alt text {alt!r}: say what it shows"
        )
        assert words(image["caption"]) >= 4, f"{page}: the image {source} ({alt[:60]}...) has no caption"
