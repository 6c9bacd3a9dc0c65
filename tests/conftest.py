"""Fixtures shared by the browser tests of every folder: Debian's chromium driven by Playwright, and the folder
where they leave their screenshots (CI keeps it as an artefact)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coursetools.paths import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"]
"""Headless, and without the background requests chromium otherwise makes to outside hosts."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Record on the test item whether its call failed, for fixtures that keep evidence when it did (screenshots)."""
    outcome = yield
    if call.when == "call" and outcome.get_result().failed:
        item.failed = True


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium; a browser test is skipped without it, except in CI, where .ci/run installs it."""
    if not CHROMIUM.is_file():
        why = f"Debian's chromium is not installed at {CHROMIUM}: `make chromium` (as root) installs it"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; .ci/run should have done so")
        pytest.skip(why)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    """One chromium for the whole test session (one per pytest-xdist worker), driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """_build/screenshots/, where browser tests leave what they saw."""
    folder = REPO / "_build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
