"""What a reader's browser shows of one page of the built book, recorded once per page and theme for the tests.

A :class:`Reader` holds one browser context per colour theme (light, dark: the
system setting that pydata's theme follows until the reader picks one), opens
each page once in each, and records a :class:`Visit`: console errors, requests
to other hosts and failed ones, the math MathJax rendered, the images that did
not load, the theme shown, axe-core's violations of the WCAG 2.1 A and AA rules,
and a screenshot of the page's first screen.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

THEMES = ("light", "dark")
WCAG_RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
"""axe-core's options: the rules of WCAG 2.0 and 2.1, levels A and AA; only violations are reported."""
VIEWPORT = {"width": 1280, "height": 900}
SECONDS = 60_000  # Playwright's waits are in milliseconds

MATH_SCRIPT = """async () => {
    const sources = [...document.querySelectorAll("article .math")];
    if (sources.length === 0) return {sources: 0, rendered: 0, errors: []};
    for (let waited = 0; !(window.MathJax && MathJax.startup && MathJax.startup.promise); waited += 50) {
        if (waited > 30000) return {sources: sources.length, rendered: 0, errors: ["MathJax never started"]};
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    await MathJax.startup.promise;
    const rendered = sources.filter(element => element.querySelector("mjx-container")).length;
    const errors = [...document.querySelectorAll("article mjx-merror, article [data-mjx-error]")]
        .map(element => element.getAttribute("data-mjx-error") || element.textContent);
    return {sources: sources.length, rendered: rendered, errors: errors};
}"""
"""Waits for MathJax, then counts the page's math (Sphinx marks it ``.math``), what MathJax rendered, its errors."""

IMAGES_SCRIPT = """async () => {
    const images = [...document.querySelectorAll("article img")];
    images.forEach(image => { image.loading = "eager"; });
    await Promise.all(images.map(image => image.decode().catch(() => null)));
    return images.filter(image => !(image.complete && image.naturalWidth > 0)).map(image => image.getAttribute("src"));
}"""
"""Loads every image of the article, lazy ones included, and returns the sources of those that did not load."""


@dataclass(frozen=True)
class Violation:
    """One axe-core rule that failed on a page, and the elements it failed on."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}, {len(self.targets)} elements: {', '.join(self.targets[:3])}): {self.help}"


@dataclass
class Math:
    sources: int
    rendered: int
    errors: list[str]


@dataclass
class Visit:
    """One page as the browser showed it in one theme."""

    page: str
    theme: str
    theme_shown: str = ""
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    math: Math | None = None
    broken_images: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)


def axe_violations(page, context: dict | None = None) -> list[Violation]:
    """axe-core's violations of the WCAG 2.1 A and AA rules on the page as it is now (in ``context``, if given)."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, context=context, options=WCAG_RULES).response
    return [
        Violation(
            item["id"],
            item["impact"] or "",
            item["help"],
            tuple(
                " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                for node in item["nodes"]
            ),
        )
        for item in response["violations"]
    ]


class Reader:
    """A reader's browser on the book: one context per theme; each page visited once per theme."""

    def __init__(self, browser, url: str, screenshots: Path):
        self.browser = browser
        self.url = url
        self.screenshots = screenshots
        self.contexts = {theme: self.new_context(theme) for theme in THEMES}
        self.visits: dict[tuple[str, str], Visit] = {}

    def new_context(self, theme: str, **options):
        """A browser context (its own storage) in the theme, whose requests to other hosts are refused."""
        context = self.browser.new_context(viewport=VIEWPORT, color_scheme=theme, **options)
        context.set_default_timeout(SECONDS)
        local = re.escape(self.url)
        context.route(re.compile(rf"^(?!{local}/)(?!data:)(?!blob:)"), lambda route: route.abort())
        return context

    @contextmanager
    def fresh_tab(self, theme: str, path: str, **options):
        """A tab on ``path`` in a context of its own, for a test that leaves choices in the browser's storage."""
        context = self.new_context(theme, **options)
        try:
            tab = context.new_page()
            tab.goto(f"{self.url}/{path}", wait_until="load")
            yield tab
        finally:
            context.close()

    def open(self, theme: str, path: str, visit: Visit | None = None):
        """A new tab of the theme's shared context on ``path``, loaded, recording errors and requests into ``visit``."""
        tab = self.contexts[theme].new_page()
        if visit is not None:
            tab.on("console", lambda message: message.type == "error" and visit.console_errors.append(message.text))
            tab.on("pageerror", lambda error: visit.console_errors.append(str(error)))
            tab.on(
                "request", lambda request: self.is_outside(request.url) and visit.outside_requests.append(request.url)
            )
            tab.on(
                "requestfailed",
                lambda request: (
                    not self.is_outside(request.url)
                    and visit.failed_requests.append(f"{request.url}: {request.failure}")
                ),
            )
            tab.on(
                "response",
                lambda response: (
                    response.status >= 400 and visit.failed_requests.append(f"{response.url}: HTTP {response.status}")
                ),
            )
        tab.goto(f"{self.url}/{path}", wait_until="load")
        return tab

    def is_outside(self, url: str) -> bool:
        return not url.startswith((f"{self.url}/", "data:", "blob:"))

    def visit(self, page: str, theme: str) -> Visit:
        """The page's record in the theme, made on first request: loaded, its math and images waited for, audited."""
        if (page, theme) not in self.visits:
            visit = Visit(page, theme)
            tab = self.open(theme, f"{page}.html", visit)
            try:
                visit.math = Math(**tab.evaluate(MATH_SCRIPT))
                visit.broken_images = tab.evaluate(IMAGES_SCRIPT)
                visit.theme_shown = tab.evaluate("document.documentElement.dataset.theme")
                tab.screenshot(path=self.screenshots / f"book-{page.replace('/', '-')}-{theme}.png")
                # What the page did is recorded; axe-core's own requests (it fetches the stylesheets again, and
                # resolves the theme's relative @import against the page, not the sheet) are not the page's.
                recorded = list(visit.console_errors), list(visit.outside_requests), list(visit.failed_requests)
                visit.violations = axe_violations(tab)
                visit.console_errors, visit.outside_requests, visit.failed_requests = recorded
            finally:
                tab.close()
            self.visits[page, theme] = visit
        return self.visits[page, theme]

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()
