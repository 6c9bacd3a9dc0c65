"""Fixtures of the student's-path tests: the course's wheel, a Python that sees it but not the repository, notebooks run
there."""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from coursetools.grading.limits import THREAD_VARIABLES
from coursetools.paths import REPO

HIDDEN_FROM_STUDENTS = ("AECOURSE_DATA", "AECOURSE_MNIST", "PYTHONPATH", "PYTEST_CURRENT_TEST")
"""Variables a student's computer does not set: the data's location, the repository on the path, and pytest's
marker (ipykernel stops capturing standard error when it sees it, and a student's kernel captures it)."""


@pytest.fixture(scope="session")
def wheel() -> Path:
    """The wheel that `make dist` builds (built now if missing or out of date)."""
    subprocess.run(["make", "--no-print-directory", "dist"], cwd=REPO, check=True, capture_output=True)
    wheels = sorted((REPO / "dist").glob("aecourse-*-py3-none-any.whl"))
    assert len(wheels) == 1, f"make dist should leave one wheel in dist/; found {[path.name for path in wheels]}"
    return wheels[0]


@pytest.fixture(scope="session")
def student_python(tmp_path_factory, wheel) -> Path:
    """A new venv's python with the wheel installed, that sees the course's libraries but not the repository.

    The venv's .pth file lists this environment's site-packages, whose own .pth files (the
    repository's editable install among them) Python does not process there.
    """
    prefix = tmp_path_factory.mktemp("student") / "venv"
    venv.create(prefix, with_pip=False)
    python = prefix / "bin" / "python"
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site_packages, "course-libraries.pth").write_text(sysconfig.get_path("purelib") + "\n")
    # --ignore-installed: the editable install it can see is not its own, and pip must not try to remove it
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--ignore-installed", str(wheel)],
        check=True,
        capture_output=True,
        env=student_environment(),
    )
    return python


def student_environment(**extra: str) -> dict[str, str]:
    """This process's environment without what only the course's machines set; one thread per library."""
    environment = {name: value for name, value in os.environ.items() if name not in HIDDEN_FROM_STUDENTS}
    for variable in THREAD_VARIABLES:
        environment.setdefault(variable, "1")
    return {**environment, **extra}


@pytest.fixture(scope="session")
def student_kernels(tmp_path_factory, student_python) -> Path:
    """A kernels folder holding the kernel a student's venv gets from ipykernel: its python, nothing added."""
    folder = tmp_path_factory.mktemp("kernels")
    (folder / "python3").mkdir()
    argv = [str(student_python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (folder / "python3" / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"})
    )
    return folder


@dataclass
class Run:
    """A notebook as a student's kernel left it, and the error that stopped it (None if it ran to its end)."""

    notebook: nbformat.NotebookNode
    stopped_by: Exception | None


@pytest.fixture
def run_as_student(student_kernels, tmp_path):
    """``run_as_student(notebook, stop_at_error)`` → a Run: the notebook copied alone into a folder outside the
    repository and run there, top to bottom, in the student's kernel, as Restart and Run All does."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    def run(source: Path, stop_at_error: bool) -> Run:
        folder = tmp_path / "Downloads"
        folder.mkdir(exist_ok=True)
        notebook = nbformat.read(source, as_version=4)
        nbformat.write(notebook, folder / source.name)
        manager = KernelManager(
            kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(student_kernels)])
        )
        client = NotebookClient(
            notebook,
            km=manager,
            timeout=600,
            allow_errors=not stop_at_error,
            resources={"metadata": {"path": str(folder)}},
        )
        try:
            client.execute(env=student_environment())
        except CellExecutionError as error:
            return Run(notebook, error)
        return Run(notebook, None)

    assert not str(tmp_path.resolve()).startswith(str(REPO)), f"the temporary folder {tmp_path} lies in the repository"
    return run


@pytest.fixture
def python_outside(student_python, tmp_path):
    """``python_outside(code, **variables)``: run ``code`` with the student's python in a folder outside the
    repository."""

    def run(code: str, **variables: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(student_python), "-c", code],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=student_environment(**variables),
            timeout=300,
        )

    return run
