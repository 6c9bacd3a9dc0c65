"""nbgrader's whole cycle through its exchange, with real Unix users: release, fetch, submit, collect, make grade,
feedback.

An instructor (``accounts.INSTRUCTOR``, with a copy of the repository as the
course and an environment of their own) and three students, each an ordinary
user with a private home, share an exchange folder, as on a shared machine or
a JupyterHub. The students work in their homes, outside the repository, with
a Python that has the course's libraries (hard links to the instructor's,
standing in for the hub's shared environment) and the course package
installed from the wheel that ``make dist`` builds. One answers correctly, one
with a plausible mistake (from the variants table), one with a trick (from the
hostile corpus). The cycle runs once; each test checks one thing about it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from accounts import INSTRUCTOR, SYSTEM_PYTHON, course, delete_user, ensure_user, run_as, write_as
from corpus import build, cases
from pages import page_text, quoted_hidden_lines

from coursetools.grading.cells import grade_id
from coursetools.grading.notebooks import answered_notebook
from coursetools.paths import REPO, notebook_name

pytestmark = [
    pytest.mark.grading,
    pytest.mark.sandbox,
    pytest.mark.skipif(
        os.geteuid() != 0,
        reason="creates Unix users for an instructor and three students: runs as root, as .ci/run does",
    ),
]

ASSIGNMENT = "ex01_mnist_data"
COURSE_ID = "aecourse"
STUDENTS = {"aecourse-student1": "correct", "aecourse-student2": "mistake", "aecourse-student3": "trick"}
HUB = Path("/var/tmp/aecourse-hub")  # the students' shared environment, kept between runs (see students_python)
SCORE_COLUMNS = ["raw_score", "late_submission_penalty", "score", "max_score"]


def nbgrader_config(exchange: Path) -> str:
    """The nbgrader settings every user of the course shares: its id, the exchange, the course's cell timeout."""
    return (
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n"
        "c.Execute.timeout = 180\n"
    )


def answer(kind: str) -> dict:
    """The notebook a student hands in: the reference answers, the first mistake of the variants table, or a trick."""
    if kind == "correct":
        return answered_notebook(ASSIGNMENT)
    if kind == "mistake":
        mutant = tomllib.loads((Path(__file__).parent / "variants" / f"{ASSIGNMENT}.toml").read_text())["mutant"][0]
        notebook = answered_notebook(ASSIGNMENT)
        cell = next(cell for cell in notebook["cells"] if grade_id(cell) == mutant["cell"])
        cell["source"] = cell["source"].replace(mutant["old"], mutant["new"])
        return notebook
    trick = next(case for case in cases(ASSIGNMENT) if case["name"] == "patched_allclose")
    return json.loads(build(ASSIGNMENT, trick)[notebook_name(ASSIGNMENT)])


@dataclass
class Student:
    """One student's account, what they handed in, and what they saw."""

    name: str
    kind: str
    validate: str = ""
    feedback: dict[str, str] = field(default_factory=dict)  # fetched feedback pages, by path under the assignment


@dataclass
class Cycle:
    """What the whole cycle left: the students, the instructor's course, the exchange, and each step's seconds."""

    course: Path
    exchange: Path
    students: list[Student]
    seconds: dict[str, float] = field(default_factory=dict)
    submitted: dict[Path, tuple[bytes, int]] = field(default_factory=dict)  # collected files before make grade
    grade_output: str = ""


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """A folder every account can read (pytest's own temporary folders are root's alone), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="aecourse-cycle-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def exchange(shared) -> Path:
    """nbgrader's exchange folder, writable by all as nbgrader's documentation sets it up."""
    folder = shared / "exchange"
    folder.mkdir()
    folder.chmod(0o777)
    return folder


@pytest.fixture(scope="module")
def instructor(exchange):
    """The instructor: their account and course (a fresh copy of the repository, its own environment), private to
    them."""
    user, folder = course(INSTRUCTOR)
    Path(user.pw_dir).chmod(0o700)
    write_as(user, Path(user.pw_dir) / ".jupyter" / "nbgrader_config.py", nbgrader_config(exchange))
    return user, folder


@pytest.fixture(scope="module")
def students_python(instructor) -> Path:
    """The students' Python, installed as a hub's shared environment would be, where all students can read it:
    Debian's python3 in a venv that sees the course's libraries (hard links to the instructor's), and the course
    package installed from the wheel that `make dist` builds, with MNIST inside; no repository, no AECOURSE_DATA.

    It is kept in HUB and made again only when the instructor's environment or the wheel changed.
    """
    subprocess.run(["make", "--no-print-directory", "dist"], cwd=REPO, check=True, capture_output=True)
    wheel = next((REPO / "dist").glob("aecourse-*-py3-none-any.whl"))
    site = next((instructor[1] / ".venv" / "lib").glob("python3*/site-packages"))
    installed = (instructor[1] / ".venv" / ".installed").stat().st_mtime_ns
    key = f"{installed} {hashlib.sha256(wheel.read_bytes()).hexdigest()}"
    python = HUB / "venv" / "bin" / "python"
    if python.exists() and (HUB / "key").is_file() and (HUB / "key").read_text() == key:
        return python
    subprocess.run(["rm", "-rf", str(HUB)], check=True)
    HUB.mkdir(mode=0o755)
    if subprocess.run(["cp", "-al", str(site), str(HUB / "libraries")], capture_output=True).returncode != 0:
        shutil.copytree(site, HUB / "libraries", symlinks=True)  # another file system: copy instead
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(HUB / "venv")], check=True)
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "course-libraries.pth").write_text(f"{HUB / 'libraries'}\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--ignore-installed", str(wheel)],
        check=True,
        capture_output=True,
    )
    (HUB / "key").write_text(key)
    return python


@pytest.fixture(scope="module")
def students(exchange):
    """Three student accounts, new for this run, each home private, each with the course's nbgrader settings."""
    made = []
    for name, kind in STUDENTS.items():
        delete_user(name)
        user = ensure_user(name)
        Path(user.pw_dir).chmod(0o700)
        write_as(user, Path(user.pw_dir) / ".jupyter" / "nbgrader_config.py", nbgrader_config(exchange))
        made.append(Student(name, kind))
    yield made
    for name in STUDENTS:
        delete_user(name)


def instructor_runs(instructor, *command: str) -> subprocess.CompletedProcess:
    """``command`` as the instructor, in the course, with its environment first on the PATH (as when it is
    activated)."""
    user, folder = instructor
    result = run_as(user, list(command), folder, PATH=f"{folder / '.venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin")
    assert result.returncode == 0, (
        f"{' '.join(command)} failed for the instructor:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def student_runs(student: Student, python: Path, *arguments: str) -> subprocess.CompletedProcess:
    """``python -m nbgrader ARGUMENTS`` (or another module) as the student, in their home."""
    user = ensure_user(student.name)
    result = run_as(user, [str(python), "-m", *arguments], Path(user.pw_dir), OMP_NUM_THREADS="1")
    assert result.returncode == 0, (
        f"{' '.join(arguments)} failed for {student.name}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def each_student(students: list[Student], step) -> None:
    """Run ``step(student)`` for every student at once, as a class does."""
    with ThreadPoolExecutor(len(students)) as pool:
        list(pool.map(step, students))


def work(student: Student, python: Path) -> None:
    """Answer the fetched notebook in the student's home, and check it there with nbgrader's validate."""
    user = ensure_user(student.name)
    fetched = Path(user.pw_dir) / ASSIGNMENT / notebook_name(ASSIGNMENT)
    write_as(user, fetched, json.dumps(answer(student.kind)))
    student.validate = student_runs(
        student, python, "nbgrader", "validate", str(fetched.relative_to(user.pw_dir))
    ).stdout


def timed(cycle: Cycle, step: str, action) -> None:
    start = time.monotonic()
    action()
    cycle.seconds[step] = round(time.monotonic() - start, 1)


@pytest.fixture(scope="module")
def cycle(instructor, students, students_python, exchange) -> Cycle:
    """The whole cycle, once, with the seconds of each step."""
    python, folder = students_python, instructor[1]
    result = Cycle(folder, exchange, students)
    start = time.monotonic()
    timed(
        result, "release_assignment", lambda: instructor_runs(instructor, "nbgrader", "release_assignment", ASSIGNMENT)
    )
    timed(
        result,
        "fetch_assignment",
        lambda: each_student(students, lambda s: student_runs(s, python, "nbgrader", "fetch_assignment", ASSIGNMENT)),
    )
    timed(result, "answer and validate", lambda: each_student(students, lambda s: work(s, python)))
    timed(
        result,
        "submit",
        lambda: each_student(students, lambda s: student_runs(s, python, "nbgrader", "submit", ASSIGNMENT)),
    )
    timed(result, "collect", lambda: instructor_runs(instructor, "nbgrader", "collect", ASSIGNMENT))
    result.submitted = {
        path: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in (folder / "submitted").rglob("*")
        if path.is_file()
    }
    timed(
        result,
        "make grade",
        lambda: setattr(
            result,
            "grade_output",
            instructor_runs(
                instructor, "make", "--no-print-directory", "grade", f"ASSIGNMENT={ASSIGNMENT}", "WORKERS=2"
            ).stdout,
        ),
    )
    timed(result, "generate_feedback", lambda: instructor_runs(instructor, "nbgrader", "generate_feedback", ASSIGNMENT))
    timed(result, "release_feedback", lambda: instructor_runs(instructor, "nbgrader", "release_feedback", ASSIGNMENT))
    timed(
        result,
        "fetch_feedback",
        lambda: each_student(students, lambda s: student_runs(s, python, "nbgrader", "fetch_feedback", ASSIGNMENT)),
    )
    result.seconds["release to feedback"] = round(time.monotonic() - start, 1)
    for student in students:
        home = Path(ensure_user(student.name).pw_dir) / ASSIGNMENT / "feedback"
        student.feedback = {str(path.relative_to(home)): path.read_text() for path in home.rglob("*.html")}
    print(f"\nthe cycle's seconds, {len(students)} students: {json.dumps(result.seconds)}")
    return result


def rows(path: Path) -> dict[str, dict]:
    with path.open() as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_each_student_fetches_one_feedback_page(cycle):
    """Does every student get exactly one feedback page for their submission, through the exchange?"""
    assert {student.name: len(student.feedback) for student in cycle.students} == {name: 1 for name in STUDENTS}


def test_a_students_feedback_is_their_own(cycle):
    """Does each fetched page show that student's own total (as make grade gave it) and their own answers, no one
    else's?"""
    grades = rows(cycle.course / "grades" / ASSIGNMENT / "grades.csv")
    mutant = tomllib.loads((Path(__file__).parent / "variants" / f"{ASSIGNMENT}.toml").read_text())["mutant"][0]
    own = {"mistake": mutant["new"].strip().splitlines()[0], "trick": "numpy.allclose = lambda *args, **kwargs: True"}
    for student in cycle.students:
        text = page_text(next(iter(student.feedback.values())))
        row = grades[student.name]
        total = f"{ASSIGNMENT} (Score: {round(float(row['score']), 2)} / {round(float(row['max_score']), 2)})"
        assert total in text, f"{student.name}'s page does not say {total!r}"
        assert {kind: line in text for kind, line in own.items()} == {kind: kind == student.kind for kind in own}, (
            student.name
        )


def test_fetched_feedback_quotes_no_hidden_test(cycle):
    """Does the page nbgrader's exchange hands each student quote no line of the hidden tests?"""
    for student in cycle.students:
        page = next(iter(student.feedback.values()))
        assert not quoted_hidden_lines(page, ASSIGNMENT), f"{student.name}: {quoted_hidden_lines(page, ASSIGNMENT)}"


def test_a_student_cannot_reach_other_students_feedback(cycle, students_python):
    """Can a student neither list the exchange's feedback folder nor read the instructor's feedback/ or another's
    home?"""
    student = ensure_user(cycle.students[0].name)
    other = Path(ensure_user(cycle.students[1].name).pw_dir) / ASSIGNMENT / "feedback"
    for target in (cycle.exchange / COURSE_ID / "feedback", cycle.course / "feedback", other):
        listed = run_as(student, ["ls", str(target)], Path(student.pw_dir))
        assert listed.returncode != 0 and "Permission denied" in listed.stderr, f"{student.pw_name} could list {target}"


def test_students_notebooks_run_from_their_homes_with_the_wheel(cycle, students_python):
    """Did the correct notebook pass nbgrader's validate in its student's home, with aecourse and MNIST from the
    wheel?"""
    correct = next(student for student in cycle.students if student.kind == "correct")
    assert "Success! Your notebook passes all the tests." in correct.validate, correct.validate
    user = ensure_user(correct.name)
    found = run_as(
        user,
        [str(students_python), "-c", "import aecourse; print(aecourse.__file__); print(aecourse.mnist_path())"],
        Path(user.pw_dir),
    ).stdout.split()
    assert all(path.startswith(str(students_python.parent.parent)) for path in found), found


def test_the_collected_originals_are_left_as_they_were(cycle):
    """After make grade, are the collected submissions in submitted/ byte for byte as collected, times included?"""
    now = {
        path: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in (cycle.course / "submitted").rglob("*")
        if path.is_file()
    }
    assert now == cycle.submitted and any(path.name == "timestamp.txt" for path in now)


def test_each_answer_gets_the_grade_it_deserves(cycle):
    """Does the correct answer earn full marks, the mistake lose the cells that check it, the trick get flagged?"""
    grades = rows(cycle.course / "grades" / ASSIGNMENT / "grades.csv")
    outcome = {
        kind: (grades[name]["score"], grades[name]["max_score"], grades[name]["status"])
        for name, kind in STUDENTS.items()
    }
    assert outcome["correct"][0] == outcome["correct"][1] and outcome["correct"][2] == "graded", outcome
    assert float(outcome["mistake"][0]) < float(outcome["mistake"][1]) and outcome["mistake"][2] == "graded", outcome
    assert outcome["trick"][0] == "0" and outcome["trick"][2] == "flagged", outcome


def test_nbgrader_export_and_the_gradebook_agree_with_grades_csv(cycle, instructor):
    """Do `nbgrader export` and the gradebook give every student the score, maximum, penalty and timestamp of
    grades.csv?"""
    from nbgrader.api import Gradebook

    instructor_runs(instructor, "nbgrader", "export", "--to", "nbgrader-export.csv")
    exported = rows(cycle.course / "nbgrader-export.csv")
    graded = rows(cycle.course / "grades" / ASSIGNMENT / "grades.csv")
    assert set(exported) == set(graded) == set(STUDENTS)
    for student in STUDENTS:
        assert exported[student]["timestamp"] == graded[student]["timestamp"] != "", student
        assert {column: float(exported[student][column]) for column in SCORE_COLUMNS} == {
            column: float(graded[student][column]) for column in SCORE_COLUMNS
        }, student
    with Gradebook(f"sqlite:///{cycle.course / 'gradebook.db'}") as gradebook:
        assert {s: gradebook.find_submission(ASSIGNMENT, s).score for s in STUDENTS} == {
            s: float(graded[s]["score"]) for s in STUDENTS
        }
