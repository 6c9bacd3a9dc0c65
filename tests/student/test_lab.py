"""The student's path in a real browser: `make lab`, an exercise run, answered, run again and validated in JupyterLab.

Debian's chromium (/usr/bin/chromium; `make chromium` installs it) is driven by
Playwright, which downloads no browser of its own here (tests/conftest.py: the
browser and the screenshots folder, shared with the book's browser tests). Each
step leaves a screenshot in _build/screenshots/ (kept by CI), and a failure adds
the page as it was and the server's log.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import is_grade, is_solution

from coursetools.paths import REPO, exercise_notebook, solution_notebook

pytestmark = pytest.mark.browser

ASSIGNMENT = "ex01_mnist_data"
"""The exercise whose notebook runs fastest: no framework is imported, nothing is trained."""
TOKEN = "student-path-test"
ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
"""An output that JupyterLab shows on red: a traceback, or text on standard error."""
SECONDS = 180_000  # Playwright's waits are in milliseconds: a kernel start or a run on a busy 2-core machine


@dataclass
class Lab:
    """A running `make lab`: its address, the folder it serves and its log."""

    url: str
    folder: Path
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Lab:
    """`make lab` serving a temporary folder that holds a copy of the exercise, on a free port of 127.0.0.1, with a
    token.

    Jupyter's configuration, data and settings folders are temporary too, so that nothing personal leaks in. The
    copy lies outside the clone, so the data folder is named (AECOURSE_DATA), as the grader names it.
    """
    root = tmp_path_factory.mktemp("lab")
    folder = root / "notebooks" / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy(exercise_notebook(ASSIGNMENT), folder)
    environment = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}
    environment.update(
        {f"JUPYTER_{name}": str(root / name.lower()) for name in ("CONFIG_DIR", "DATA_DIR", "RUNTIME_DIR")}
    )
    environment.update(
        JUPYTERLAB_SETTINGS_DIR=str(root / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(root / "workspaces"),
        AECOURSE_DATA=str(REPO / "data"),
    )
    port = free_port()
    arguments = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={TOKEN}"
    arguments += " --allow-root" if os.geteuid() == 0 else ""
    log = root / "lab.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                "make",
                "--no-print-directory",
                "lab",
                f"LAB_DIR={root / 'notebooks'}",
                f"PORT={port}",
                f"LAB_ARGS={arguments}",
            ],
            cwd=REPO,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, server, log)
        yield Lab(url, folder, log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_for_server(url: str, server: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    """Return once the Jupyter server answers; fail with the end of its log if it exits or does not answer in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make lab exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5):
                return
        except OSError:
            time.sleep(1)
    pytest.fail(f"make lab did not answer at {url} within {seconds:g} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def page(browser, lab, request, screenshots):
    """A browser tab; when the test fails, the page as it was and the server's log are kept beside the screenshots."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield tab
    if getattr(request.node, "failed", False):
        tab.screenshot(path=screenshots / "student-lab-failure.png", full_page=True)
        shutil.copy(lab.log, screenshots / "student-lab-server.log")
    tab.close()


def answers(assignment: str) -> dict[int, str]:
    """The solution's answer cells by index, as a student would type them (without nbgrader's markers)."""
    markers = {"### BEGIN SOLUTION", "### END SOLUTION"}
    return {
        index: "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)
        for index, cell in enumerate(nbformat.read(solution_notebook(assignment), as_version=4).cells)
        if is_solution(cell)
    }


def restart_and_run_all(page) -> None:
    """The notebook toolbar's "Restart the kernel and run all cells", confirmed in its dialog."""
    page.locator(".jp-NotebookPanel-toolbar [data-command='notebook:restart-run-all']").click()
    page.locator(".jp-Dialog .jp-mod-accept").click()


def validate(page, outcome: str) -> str:
    """Press nbgrader's Validate button; wait for its result (class ``validation-<outcome>``); return its text."""
    page.locator(".validate-button").click()
    message = page.locator("#validation-message")
    message.wait_for(timeout=SECONDS)
    text = message.inner_text()
    assert f"validation-{outcome}" in (message.get_attribute("class") or ""), f"Validate said: {text}"
    return text


def prompt(cell) -> str:
    cell.scroll_into_view_if_needed()
    return cell.locator(".jp-InputPrompt").inner_text().strip()


def test_make_lab_serves_the_course_kernel(lab):
    """Does `make lab` offer the course's python3 kernel: this environment's Python, C-level logs kept off the
    notebook?"""
    with urllib.request.urlopen(f"{lab.url}/api/kernelspecs?token={TOKEN}", timeout=30) as response:
        specs = json.load(response)
    argv = specs["kernelspecs"][specs["default"]]["spec"]["argv"]
    assert specs["default"] == "python3" and argv[0] == str(REPO / ".venv" / "bin" / "python"), argv
    assert "--IPKernelApp.capture_fd_output=False" in argv, argv


def test_student_runs_answers_and_validates_an_exercise(lab, page, screenshots):
    """In JupyterLab, does the untouched exercise stop at its first answer's NotImplementedError, and with the
    solution's answers typed in, does every visible test cell run and nbgrader's Validate report success?"""
    notebook = nbformat.read(exercise_notebook(ASSIGNMENT), as_version=4)
    first_answer = next(index for index, cell in enumerate(notebook.cells) if is_solution(cell))
    tests = [index for index, cell in enumerate(notebook.cells) if is_grade(cell) and not is_solution(cell)]
    page.goto(f"{lab.url}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?token={TOKEN}")
    page.get_by_text("Python 3 | Idle").wait_for(timeout=SECONDS)
    cells = page.locator(".jp-Notebook .jp-Cell")
    assert cells.count() == len(notebook.cells)

    restart_and_run_all(page)
    error = page.locator(ERROR_OUTPUT).first
    error.wait_for(timeout=SECONDS)
    page.screenshot(path=screenshots / "student-lab-1-untouched-run-all.png")
    stopped_at = next(index for index in range(len(notebook.cells)) if cells.nth(index).locator(ERROR_OUTPUT).count())
    assert stopped_at >= first_answer and "NotImplementedError" in error.inner_text(), (
        f"the untouched notebook stopped in cell {stopped_at} (first answer: {first_answer}): "
        f"{error.inner_text()[:500]}"
    )
    assert all(
        re.fullmatch(r"\[\d+\]:", prompt(cells.nth(index)))
        for index in range(stopped_at)
        if notebook.cells[index].cell_type == "code"
    ), "the set-up did not run"
    validate(page, "failed")
    page.screenshot(path=screenshots / "student-lab-2-untouched-validate.png")
    page.locator(".jp-Dialog .jp-mod-accept").click()

    typed = answers(ASSIGNMENT)
    for index, source in typed.items():
        cells.nth(index).scroll_into_view_if_needed()
        cells.nth(index).locator(".cm-content").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(source)
        page.keyboard.press("Escape")
    restart_and_run_all(page)
    last = cells.nth(len(notebook.cells) - 1)
    last.scroll_into_view_if_needed()
    last.locator(".jp-InputPrompt").filter(has_text=re.compile(r"\[\d+\]")).wait_for(timeout=SECONDS)
    page.screenshot(path=screenshots / "student-lab-3-answered-run-all.png")
    not_run = [index for index in tests if not re.fullmatch(r"\[\d+\]:", prompt(cells.nth(index)))]
    assert not not_run, f"visible test cells {not_run} did not run"
    errors = page.locator(ERROR_OUTPUT)
    assert errors.count() == 0, f"the answered notebook shows errors: {errors.first.inner_text()[:500]}"

    assert "Success! Your notebook passes all the tests." in validate(page, "success")
    page.screenshot(path=screenshots / "student-lab-4-answered-validate.png")
    saved = nbformat.read(lab.folder / f"{ASSIGNMENT}.ipynb", as_version=4)  # Validate saves the notebook first
    assert {index: saved.cells[index].source for index in typed} == typed, "the answers typed are not what was saved"
