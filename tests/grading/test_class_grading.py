"""Grading a class: the same grades whatever the workers or the cluster, regrades that replace, clear refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from corpus import cases, grade, write_submissions
from pages import quoted_hidden_lines

from coursetools.nbgrader_course import ScratchCourse
from coursetools.paths import REPO, solution_notebook

pytestmark = [pytest.mark.grading, pytest.mark.sandbox]

ASSIGNMENT = "ex01_mnist_data"
CHOSEN = ("00_control_first", "untouched", "patched_allclose", "not_json")
FULL_MARKS = sum(
    cell["metadata"]["nbgrader"].get("points", 0)
    for cell in json.loads(solution_notebook(ASSIGNMENT).read_text())["cells"]
)


@pytest.fixture
def class_folder(tmp_path):
    """Four ex01 submissions (a correct one, an untouched one, a flagged one, a broken file) and a scratch course."""
    chosen = [case for case in cases(ASSIGNMENT) if case["name"] in CHOSEN]
    return write_submissions(tmp_path / "submissions", ASSIGNMENT, chosen), ScratchCourse(tmp_path / "course").root


def outcomes(rows: dict) -> dict:
    return {student: (row["score"], row["status"]) for student, row in rows.items()}


def test_grades_do_not_depend_on_workers_or_a_cluster(class_folder, tmp_path):
    """Do one worker, two workers and a Dask cluster of two give every student the same score and status?"""
    from distributed import LocalCluster

    submissions, course = class_folder
    one = outcomes(grade(submissions, ASSIGNMENT, tmp_path / "one", course, 1))
    two = outcomes(grade(submissions, ASSIGNMENT, tmp_path / "two", course, 2))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        clustered = outcomes(
            grade(submissions, ASSIGNMENT, tmp_path / "cluster", course, 1, "--scheduler", cluster.scheduler_address)
        )
    assert one == two == clustered, f"1 worker: {one}\n2 workers: {two}\ncluster: {clustered}"
    assert one["00_control_first"] == (str(FULL_MARKS), "graded") and one["patched_allclose"] == ("0", "flagged")


def test_a_failed_regrade_leaves_no_older_higher_grade(class_folder, tmp_path):
    """When a student's full-marks notebook is replaced by a broken file and regraded, do grades.csv and the gradebook
    both say 0?"""
    from nbgrader.api import Gradebook

    submissions, course = class_folder
    assert grade(submissions, ASSIGNMENT, tmp_path / "first", course, 2)["00_control_first"]["score"] == str(FULL_MARKS)
    (submissions / "00_control_first" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("{broken")
    row = grade(submissions, ASSIGNMENT, tmp_path / "second", course, 2)["00_control_first"]
    assert (row["score"], row["status"]) == ("0", "not a notebook")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "00_control_first").score == 0


def test_grading_refuses_to_start_without_bubblewrap(class_folder, tmp_path):
    """Without bwrap on the PATH, does grading stop before running anything, exit 2 and say how to get it?"""
    submissions, course = class_folder
    environment = {**os.environ, "PATH": os.path.dirname(sys.executable)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coursetools.grade",
            ASSIGNMENT,
            str(submissions),
            "--out",
            str(tmp_path / "out"),
            "--course-root",
            str(course),
        ],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "apt-get install bubblewrap" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture
def collected(class_folder):
    """The class as `nbgrader collect` leaves it in the course's submitted/ (with timestamp.txt), and every file's bytes
    and times."""
    submissions, course = class_folder
    for number, student in enumerate(sorted(path.name for path in submissions.iterdir())):
        (submissions / student / ASSIGNMENT / "timestamp.txt").write_text(f"2026-12-0{number + 1} 09:30:00.000000 UTC")
    submissions.rename(course / "submitted")
    files = sorted(path for path in (course / "submitted").rglob("*") if path.is_file())
    return course, {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}


def test_grading_reads_nbgraders_submitted_folder_as_it_is(collected, tmp_path):
    """Graded from the course's submitted/ by default, are the originals unchanged (bytes and times), autograded/
    written, the timestamps in the gradebook, and does nbgrader's generate_feedback work on the result, hiding the
    hidden tests?"""
    from nbgrader.api import Gradebook

    course, before = collected
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coursetools.grade",
            ASSIGNMENT,
            "--out",
            str(tmp_path / "out"),
            "--course-root",
            str(course),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in before} == before
    students = sorted(path.name for path in (course / "submitted").iterdir())
    assert all((course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file() for student in students)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert str(gradebook.find_submission(ASSIGNMENT, "untouched").timestamp).startswith("2026-12-0")
    ScratchCourse(course).nbgrader("generate_feedback", ASSIGNMENT)
    pages = {student: course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html" for student in students}
    assert all(page.is_file() for page in pages.values())
    assert not {
        student: quoted_hidden_lines(page.read_text(), ASSIGNMENT)
        for student, page in pages.items()
        if quoted_hidden_lines(page.read_text(), ASSIGNMENT)
    }, "nbgrader's feedback shows hidden tests"


def test_grading_refuses_submissions_inside_autograded(class_folder, tmp_path):
    """Does grading a folder inside the course's autograded/, which grading writes, stop with exit 2 and leave it as it
    was?"""
    submissions, course = class_folder
    inside = course / "autograded"
    submissions.rename(inside)
    before = {path: path.read_bytes() for path in inside.rglob("*") if path.is_file()}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coursetools.grade",
            ASSIGNMENT,
            str(inside),
            "--out",
            str(tmp_path / "out"),
            "--course-root",
            str(course),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "would replace" in result.stderr, result.stderr
    assert {path: path.read_bytes() for path in inside.rglob("*") if path.is_file()} == before


@pytest.fixture
def broken_bwrap(tmp_path):
    """A PATH whose bwrap fails as it does where unprivileged user namespaces are turned off."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "bwrap").write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    (folder / "bwrap").chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize("command", ["grade", "autograde"])
def test_grading_refuses_to_start_when_bubblewrap_cannot_run(command, class_folder, broken_bwrap, tmp_path):
    """With a bwrap that is installed but cannot create a sandbox, do grade and autograde stop, exit 2 and say why?"""
    submissions, course = class_folder
    arguments = {
        "grade": [str(submissions), "--out", str(tmp_path / "out"), "--course-root", str(course)],
        "autograde": [str(submissions / "00_control_first" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")],
    }[command]
    result = subprocess.run(
        [sys.executable, "-m", f"coursetools.{command}", ASSIGNMENT, *arguments],
        cwd=REPO,
        env=broken_bwrap,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "cannot create a sandbox" in result.stderr, result.stderr
    assert "uid map: Permission denied" in result.stderr and not (tmp_path / "out").exists()


def test_check_runs_without_a_sandbox_when_bubblewrap_cannot_run(class_folder, broken_bwrap):
    """With a bwrap that cannot create a sandbox, does a student's check still score the notebook, and say why it is
    unsandboxed?"""
    submissions, _ = class_folder
    notebook = submissions / "00_control_first" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "coursetools.check", str(notebook)],
        cwd=REPO,
        env=broken_bwrap,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and f"total {FULL_MARKS} / {FULL_MARKS}" in result.stdout, result.stderr
    assert "running without a sandbox (bubblewrap is installed but cannot create a sandbox" in result.stderr, (
        result.stderr
    )


def test_grading_without_a_sandbox_warns(class_folder, tmp_path):
    """With --sandbox none, does grading say loudly that submissions run with the grader's rights, and still grade?"""
    submissions, course = class_folder
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coursetools.grade",
            ASSIGNMENT,
            str(submissions),
            "--out",
            str(tmp_path / "out"),
            "--course-root",
            str(course),
            "--sandbox",
            "none",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "WITHOUT a sandbox" in result.stderr, result.stderr
    assert "4 submissions" in result.stdout


def test_check_prints_each_visible_test_and_its_points(class_folder):
    """Does `make check`'s command print every visible test cell with its points, and the total?"""
    submissions, _ = class_folder
    notebook = submissions / "00_control_first" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "coursetools.check", str(notebook)], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "ok   test_preprocess_values" in result.stdout and f"total {FULL_MARKS} / {FULL_MARKS}" in result.stdout
    assert "the visible tests only" in result.stdout
