"""The convolution explorer of the convolution-arithmetic and transposed-convolution pages, driven in chromium.

Its oracle is the one ex03 is graded against: the course package's size
formulas (aecourse.convolution.sizes), whose answers for a list of settings,
impossible ones included, the book's Sphinx extension writes to
_static/convolution-sizes.json when the book is built. Each setting is typed
into the explorer's fields; what the page then shows (the output size, the
formula's value, or why the setting is impossible) must be what the formulas say.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tests.book.reader import THEMES, Reader, axe_violations

pytestmark = [pytest.mark.book, pytest.mark.browser]

PAGES = {"convolution": "book/convolution_arithmetic", "transposed": "book/transposed_convolution"}
ANCHOR = "convolution-arithmetic-explorer"
"""The label of the explorer's section in book/convolution_arithmetic.md."""
FIELDS = {"i": "i", "k": "k", "p": "p", "s": "s", "d": "d", "output_padding": "a"}
"""The oracle's names of the settings, and the explorer's fields that hold them."""
MAX_KILOBYTES = 100


@dataclass
class Shown:
    """What the explorer shows after a setting: its output line, its problem line, its formula's last line."""

    output: str
    problem: str
    formula: str


@pytest.fixture(scope="module")
def oracle(html) -> list[dict]:
    path = html / "_static" / "convolution-sizes.json"
    assert path.is_file(), (
        f"{path} is missing: the book's extension (book/_ext/coursebook) writes it when the book is built"
    )
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def reader(browser, book_url, screenshots):
    reader = Reader(browser, book_url, screenshots)
    yield reader
    reader.close()


def explorer_shows(explorer, setting: dict) -> Shown:
    """Type the setting into the explorer's fields and read what it shows."""
    for name, field in FIELDS.items():
        if name in setting:
            explorer.locator(f"input[name='{field}']").fill(str(setting[name]))
    return Shown(
        *(explorer.locator(selector).inner_text().strip() for selector in (".cx-output", ".cx-problem", ".cx-formula"))
    )


def mismatch(setting: dict, shown: Shown) -> str | None:
    """Why what the explorer shows disagrees with the oracle's entry; None if it agrees."""
    o = setting["output"]
    if o is not None:
        if shown.output != f"Output: {o} × {o}" or not shown.formula.endswith(f"= {o}") or shown.problem:
            return f"expected output {o}: {shown}"
        return None
    expected = [setting["reason"]]
    if setting["refusal"] in ("NOT_POSITIVE", "NEGATIVE"):
        expected.append(setting["message"].split(";")[0])  # names the setting at fault: "s must be a positive integer"
    if shown.output != "Output: none" or not all(words in shown.problem for words in expected):
        return f"expected the refusal {expected}: {shown}"
    return None


@pytest.mark.parametrize("mode", PAGES)
def test_explorer_shows_what_the_course_formulas_give(reader, oracle, mode):
    """Set on its page, does every setting of the oracle show the package's output size, with the formula's terms
    filled in to the same value, or say why it is impossible in the package's (the chapters') words?"""
    settings = [setting for setting in oracle if setting["mode"] == mode]
    tab = reader.open("light", f"{PAGES[mode]}.html")
    try:
        explorer = tab.locator(".conv-explorer").first
        explorer.locator(f"input[type=radio][value={mode}]").check()
        wrong = [
            f"{setting}: {problem}"
            for setting in settings
            if (problem := mismatch(setting, explorer_shows(explorer, setting)))
        ]
    finally:
        tab.close()
    assert not wrong, f"{len(wrong)} of {len(settings)} settings are shown wrongly:\n" + "\n".join(wrong[:10])


def test_oracle_has_enough_settings_of_every_kind(oracle):
    """Does the oracle hold at least 50 settings, of both layers, with every kind of impossible setting?"""
    from aecourse.convolution.sizes import Refusal

    assert len(oracle) >= 50
    assert {setting["mode"] for setting in oracle if setting["output"] is not None} == set(PAGES)
    assert {setting["refusal"] for setting in oracle} - {None} == {refusal.name for refusal in Refusal}


def test_transposed_page_starts_as_a_transposed_convolution(reader):
    """Does the transposed-convolution page's explorer start in transposed mode, with its output_padding field?"""
    tab = reader.open("light", f"{PAGES['transposed']}.html")
    try:
        explorer = tab.locator(".conv-explorer").first
        assert explorer.locator("input[type=radio][value=transposed]").is_checked()
        assert explorer.get_by_label("output_padding").is_visible()
        assert (
            explorer.locator(".cx-formula").inner_text().startswith("o = (i − 1)s − 2p + d(k − 1) + 1 + output_padding")
        )
    finally:
        tab.close()


def test_explorer_works_with_the_keyboard_alone(reader, screenshots):
    """From a link to its section, can a reader reach every control with Tab, change the layer with the arrow keys,
    step and type values, and move the kernel, with the focus always visible and the page answering each change?"""
    tab = reader.open("light", f"{PAGES['convolution']}.html#{ANCHOR}")
    try:
        explorer = tab.locator(".conv-explorer").first
        for _ in range(12):  # the heading's link and the paragraph's links come first
            tab.keyboard.press("Tab")
            if explorer.evaluate("root => root.contains(document.activeElement)"):
                break
        assert focused(tab) == ("radio", "convolution"), f"Tab did not reach the explorer: focus is on {focused(tab)}"
        assert focus_is_visible(tab)
        tab.keyboard.press("ArrowDown")
        assert explorer.locator("input[name=a]").is_visible(), "the arrow key did not switch to the transposed layer"
        tab.keyboard.press("ArrowUp")
        assert not explorer.locator("input[name=a]").is_visible()

        tab.keyboard.press("Tab")
        assert focused(tab) == ("number", "i") and focus_is_visible(tab)
        tab.keyboard.press("ArrowUp")  # i = 6, k = 3, p = 1, s = 2, d = 1
        assert explorer.locator(".cx-output").inner_text() == "Output: 3 × 3"
        tab.keyboard.press("Tab")
        assert focused(tab) == ("number", "k")
        tab.keyboard.press("Control+A")
        tab.keyboard.type("9")  # a kernel of 9 on 6 + 2 padded pixels
        assert "the kernel is larger than the padded input" in explorer.locator(".cx-problem").inner_text()
        tab.screenshot(path=screenshots / "book-explorer-keyboard-impossible.png", full_page=False)
        tab.keyboard.press("Control+A")
        tab.keyboard.type("3")
        for name in ("p", "s", "d"):
            tab.keyboard.press("Tab")
            assert focused(tab) == ("number", name) and focus_is_visible(tab)
        tab.keyboard.press("Control+A")
        tab.keyboard.type("0")  # the arrow keys stop at the smallest sensible value; typing does not
        assert "d must be a positive integer" in explorer.locator(".cx-problem").inner_text()
        tab.keyboard.press("Control+A")
        tab.keyboard.type("1")
        tab.keyboard.press("Tab")  # output_padding is hidden for a convolution: the kernel's position comes next
        assert focused(tab) == ("range", "") and focus_is_visible(tab)
        before = explorer.locator(".cx-position-text").inner_text()
        tab.keyboard.press("ArrowRight")
        assert explorer.locator(".cx-position-text").inner_text() != before
        assert explorer.locator(".cx-position-text").inner_text().startswith("2 of 9")
        tab.keyboard.press("Tab")
        assert not explorer.evaluate("root => root.contains(document.activeElement)"), "Tab does not leave the explorer"
    finally:
        tab.close()


def focused(tab) -> tuple[str, str]:
    """The type and name of the focused input (the value, for a radio button)."""
    return tuple(
        tab.evaluate("""() => { const e = document.activeElement;
        return [e.type || e.tagName, e.type === "radio" ? e.value : (e.name || "")]; }""")
    )


def focus_is_visible(tab) -> bool:
    """Does the focused element show an outline or a ring (a box shadow)?"""
    return tab.evaluate("""() => { const style = getComputedStyle(document.activeElement);
        return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== "none"; }""")


@pytest.mark.parametrize("theme", THEMES)
def test_axe_finds_nothing_in_the_explorer_in_any_state(reader, theme):
    """In both layers and with an impossible setting, does axe-core find no WCAG 2.1 A/AA violation in the explorer?"""
    tab = reader.open(theme, f"{PAGES['transposed']}.html")
    try:
        explorer = tab.locator(".conv-explorer").first
        found = {"transposed": axe_violations(tab, ".conv-explorer")}
        explorer.locator("input[name=a]").fill("3")
        found["transposed, impossible"] = axe_violations(tab, ".conv-explorer")
        explorer.locator("input[type=radio][value=convolution]").check()
        explorer_shows(explorer, {"i": 3, "k": 5, "p": 0, "s": 1, "d": 1})
        found["convolution, kernel too large"] = axe_violations(tab, ".conv-explorer")
    finally:
        tab.close()
    found = {state: violations for state, violations in found.items() if violations}
    assert not found, "\n".join(f"{state}: {', '.join(map(str, violations))}" for state, violations in found.items())


def test_explorer_works_from_a_file(browser, html):
    """Opened from the disk (file://), as the README suggests, does the explorer work, with no server at all?"""
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto((html / f"{PAGES['convolution']}.html").as_uri())
        explorer = tab.locator(".conv-explorer").first
        assert explorer_shows(explorer, {"i": 28, "k": 3, "p": 1, "s": 2, "d": 1}).output == "Output: 14 × 14"
    finally:
        context.close()


def test_explorer_is_small(html):
    """Is the explorer (its script and the book's stylesheet, which styles it) under 100 KB, with no library?"""
    files = [html / "_static" / "convolution-explorer.js", html / "_static" / "coursebook.css"]
    kilobytes = sum(path.stat().st_size for path in files) / 1024
    assert kilobytes < MAX_KILOBYTES, f"the explorer weighs {kilobytes:.1f} KB"
