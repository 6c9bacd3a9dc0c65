"""What every test folder shares: how pytest-xdist's processes share the suite, and the browser tests' fixtures.

The suite runs with ``--dist loadscope``: each test file is one unit of work, run whole by one process (a
file's graded classes and corpora are session fixtures, built once, and the hostile corpora must not run beside
each other), and so is each test class. test_variants.py has a class per assignment, so that both processes
share the heaviest file. The units that grade notebooks or drive a browser go first, largest first, so that the
last unit to start is a short one; the time of each unit is printed at the end.

It also holds the browser tests' fixtures: Debian's chromium driven by Playwright, and the folder where they
leave their screenshots (CI keeps it as an artefact).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from coursetools.paths import REPO

HEAVY_MARKERS = ("grading", "wheel", "browser")
"""Markers of the tests that start kernels or browsers: their groups are scheduled first."""

TIMES = Path(__file__).resolve().parent.parent / "_build" / "test-times.json"
"""Where the last run's time per group is written, for ``make bench``."""


def group_of(item: pytest.Item) -> str:
    """The item's unit of work under ``--dist loadscope``: its file, or its file and class."""
    path = item.nodeid.split("::", 1)[0]
    return f"{path}::{item.cls.__name__}" if item.cls is not None else path


@pytest.hookimpl(hookwrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the units: heavy ones first, largest first, then the rest (pytest-xdist keeps this order with
    ``--no-loadscope-reorder``)."""
    members: dict[str, list[pytest.Item]] = defaultdict(list)
    for item in items:
        members[group_of(item)].append(item)

    def weight(group: str) -> tuple[bool, int]:
        heavy = any(item.get_closest_marker(marker) for item in members[group] for marker in HEAVY_MARKERS)
        return (not heavy, -len(members[group]))

    items[:] = [item for group in sorted(members, key=weight) for item in members[group]]
    yield


_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add each phase's duration to its unit's time."""
    path, _, rest = report.nodeid.partition("::")
    name = rest.split("::", 1)[0]
    _seconds[f"{path}::{name}" if "::" in rest else path] += report.duration


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the time per group (summed over its tests: the work one process did for it), and keep it for make bench."""
    if not _seconds or hasattr(config, "workerinput"):
        return
    ranked = sorted(_seconds.items(), key=lambda entry: -entry[1])
    terminalreporter.write_sep("=", "time per group (seconds of test time, summed)")
    for group, seconds in ranked:
        if seconds >= 1:
            terminalreporter.write_line(f"{seconds:8.1f}  {group}")
    terminalreporter.write_line(f"{sum(_seconds.values()):8.1f}  in all")
    TIMES.parent.mkdir(exist_ok=True)
    TIMES.write_text(json.dumps({group: round(seconds, 1) for group, seconds in ranked}, indent=1) + "\n")


# --- The browser tests' fixtures ---

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
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
