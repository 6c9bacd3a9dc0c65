"""The built book as a reader's browser shows it: every page of _toc.yml in Debian's chromium, in both themes.

The book is served from 127.0.0.1 and opened with Playwright; any request to
another host is recorded and refused. Each page is visited once per theme
(tests/book/reader.py) and leaves a full-page screenshot in _build/screenshots/
(kept by CI). Accessibility is axe-core's audit of the WCAG 2.1 A and AA rules,
with no rule switched off.
"""

from __future__ import annotations

import re

import pytest

from coursetools.execute import toc_pages
from coursetools.paths import REPO
from tests.book.reader import IMAGES_SCRIPT, THEMES, Reader

pytestmark = [pytest.mark.book, pytest.mark.browser]

PAGES = [str(path.relative_to(REPO).with_suffix("")) for path in toc_pages()]
GLOSSARY_TERM = "overcomplete"
"""A term that only the glossary defines (book/glossary.md), for the search test."""
TABBED_PAGES = ("book/keras_mnist_autoencoder", "book/convolution_arithmetic")
"""Two pages whose Keras/PyTorch tabs share the sync group "framework"."""


@pytest.fixture(scope="module")
def reader(browser, book_url, screenshots):
    reader = Reader(browser, book_url, screenshots)
    yield reader
    reader.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_console_errors(reader, page, theme):
    """Does the page load with nothing written to the console as an error, and no script error?"""
    visit = reader.visit(page, theme)
    assert not visit.console_errors, f"{page} ({theme}): {visit.console_errors}"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_page_requests_nothing_from_another_host(reader, page, theme):
    """Does the page load everything from the book's own server, and every file it asks for exist there?"""
    visit = reader.visit(page, theme)
    assert not visit.outside_requests, f"{page} ({theme}) asked other hosts for {visit.outside_requests}"
    assert not visit.failed_requests, f"{page} ({theme}): {visit.failed_requests}"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_math_renders(reader, page, theme):
    """Does MathJax render every formula of the page, without an error?"""
    math = reader.visit(page, theme).math
    if math.sources == 0:
        pytest.skip(f"{page} has no math")
    assert math.rendered == math.sources and not math.errors, (
        f"{page} ({theme}): MathJax rendered {math.rendered} of {math.sources} formulas; errors: {math.errors}"
    )


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_images_and_animations_load(reader, page, theme):
    """Does every image and animation (GIF) of the page load?"""
    visit = reader.visit(page, theme)
    assert not visit.broken_images, f"{page} ({theme}): these images did not load: {visit.broken_images}"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_wcag_violation(reader, page, theme):
    """Does axe-core find no violation of the WCAG 2.1 A and AA rules on the page, in this theme?"""
    visit = reader.visit(page, theme)
    assert visit.theme_shown == theme, f"{page} was shown in the {visit.theme_shown!r} theme, not {theme!r}"
    assert not visit.violations, f"{page} ({theme}):\n" + "\n".join(map(str, visit.violations))


def test_theme_button_switches_and_is_remembered(reader, screenshots):
    """Does the header's theme button switch the page to the dark theme, and does the next page open dark too?"""
    with reader.fresh_tab("light", "book/intro.html") as tab:
        html = tab.locator("html")
        assert html.get_attribute("data-theme") == "light"
        button = tab.locator("button.theme-switch-button").first
        for _ in range(3):  # the button cycles through light, dark and the system's setting
            if html.get_attribute("data-theme") == "dark":
                break
            button.click()
        assert html.get_attribute("data-theme") == "dark", "the theme button never switched to the dark theme"
        tab.goto(f"{reader.url}/book/glossary.html")
        assert tab.locator("html").get_attribute("data-theme") == "dark", "the next page forgot the reader's theme"
        tab.screenshot(path=screenshots / "book-theme-switched-to-dark.png")


def test_framework_tabs_stay_in_sync_across_pages(reader):
    """Choosing PyTorch in one chapter's tabs: are PyTorch tabs shown on every tab set of that page and of another
    chapter, and does choosing Keras there bring Keras back on the first?"""
    first, second = TABBED_PAGES
    with reader.fresh_tab("light", f"{first}.html") as tab:
        tab.locator(".sd-tab-set label", has_text="PyTorch").first.click()
        assert selected_tabs(tab) == {"PyTorch"}, f"{first} shows {selected_tabs(tab)} after choosing PyTorch"
        tab.goto(f"{reader.url}/{second}.html")
        assert selected_tabs(tab) == {"PyTorch"}, (
            f"{second} shows {selected_tabs(tab)} after PyTorch was chosen on {first}"
        )
        tab.locator(".sd-tab-set label", has_text="Keras").first.click()
        tab.goto(f"{reader.url}/{first}.html")
        assert selected_tabs(tab) == {"Keras"}, f"{first} shows {selected_tabs(tab)} after Keras was chosen on {second}"


def selected_tabs(tab) -> set[str]:
    """The labels of the selected tab in every Keras/PyTorch tab set of the page."""
    labels = tab.evaluate("""() => [...document.querySelectorAll(".sd-tab-set")]
        .filter(set => [...set.querySelectorAll(":scope > label")]
            .some(label => /Keras|PyTorch/.test(label.textContent)))
        .map(set => set.querySelector(":scope > input:checked + label").textContent.trim())""")
    assert labels, "the page has no Keras/PyTorch tab set"
    return set(labels)


def test_search_finds_a_glossary_term(reader):
    """Does the search page, given a term the glossary defines, list the glossary among its results?"""
    tab = reader.open("light", f"search.html?q={GLOSSARY_TERM}")
    try:
        results = tab.locator("#search-results ul.search li a")
        results.first.wait_for()
        tab.wait_for_function("() => !document.querySelector('#search-results h2')?.textContent.includes('Searching')")
        links = [link.get_attribute("href") for link in results.all()]
        assert any(re.search(r"(^|/)glossary\.html", link or "") for link in links), (
            f"searching for {GLOSSARY_TERM!r} found {links}"
        )
    finally:
        tab.close()


def test_animations_pause_and_play(reader, screenshots):
    """Does an animation's pause button stop it on one frame, and its play button start it again?"""
    tab = reader.open("light", "book/convolution_arithmetic.html")
    try:
        figure = tab.locator("figure", has=tab.locator("img[src$='.gif']")).first
        figure.scroll_into_view_if_needed()
        figure.locator("img").evaluate("image => image.decode()")
        assert changes(tab, figure), "the animation does not move before it is paused"
        button = figure.locator("button.animation-toggle")  # its name changes when pressed: found by its class
        assert button.inner_text() == "Pause animation" and button.get_attribute("aria-pressed") == "false"
        button.click()
        assert button.get_attribute("aria-pressed") == "true" and button.inner_text() == "Play animation"
        assert not changes(tab, figure), "the animation still moves after the pause button was pressed"
        figure.screenshot(path=screenshots / "book-animation-paused.png")
        button.click()
        assert changes(tab, figure), "the animation does not move again after the play button was pressed"
    finally:
        tab.close()


def changes(tab, figure, seconds: float = 1.5) -> bool:
    """Does the figure look different after ``seconds`` (each frame of the course's animations lasts 0.6 s)?"""
    before = figure.screenshot()
    tab.wait_for_timeout(seconds * 1000)
    return figure.screenshot() != before


def test_reduced_motion_starts_animations_paused(reader):
    """For a reader whose system asks for reduced motion, does every animation start paused?"""
    with reader.fresh_tab("light", "book/convolution_arithmetic.html", reduced_motion="reduce") as tab:
        from playwright.sync_api import expect

        tab.evaluate(IMAGES_SCRIPT)
        buttons = tab.locator("button.animation-toggle")
        assert buttons.count() == tab.locator("article img[src$='.gif']").count() > 0
        for button in buttons.all():
            expect(button).to_have_attribute("aria-pressed", "true")
