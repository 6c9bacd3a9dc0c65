"""The limits, held by the watchdog: the hostile corpus's runaway cases graded by an ordinary user, who gets no cgroups.

As root, ``test_hostile.py`` grades these cases under cgroups. An ordinary
user (every instructor on a shared machine or a JupyterHub, and GitHub's
runner) cannot create cgroups, so a thread polling ``/proc`` enforces memory
and processes instead. ``.ci/run`` runs this file as such a user
(``accounts.py``), on a copy of the repository with that user's own environment.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from corpus import ESCAPES, cases, grade, limits, write_submissions

from coursetools.grading.limits import CgroupLimits
from coursetools.nbgrader_course import ScratchCourse

pytestmark = [
    pytest.mark.grading,
    pytest.mark.sandbox,
    pytest.mark.skipif(
        os.geteuid() == 0,
        reason="as root these cases run under cgroups in test_hostile.py; "
        ".ci/run runs this file as an ordinary user, whose limits the watchdog enforces",
    ),
]

ASSIGNMENT = "ex01_mnist_data"
WATCHED = [path for path in ESCAPES if os.access(path.parent, os.X_OK)]  # this user cannot even look into /root

LIMIT_CASES = (
    "00_control_first",
    "infinite_loop",
    "memory_bomb",
    "fork_bomb",
    "flood_of_output",
    "detached_child",
    "zz_control_last",
)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """grades.csv's rows of the limit cases, graded as one class with the corpus's limits, two at a time."""
    for escape in WATCHED:
        escape.unlink(missing_ok=True)
    root = tmp_path_factory.mktemp("limits")
    chosen = [case for case in cases(ASSIGNMENT) if case["name"] in LIMIT_CASES]
    assert sorted(case["name"] for case in chosen) == sorted(LIMIT_CASES), "a limit case is missing from the corpus"
    write_submissions(root / "submissions", ASSIGNMENT, chosen)
    course = ScratchCourse(root / "course").root
    return grade(root / "submissions", ASSIGNMENT, root / "out", course, 2, *limits(ASSIGNMENT))


def test_the_watchdog_enforces_the_limits_here():
    """Is this the path under test: no cgroups for this user, so the watchdog enforces memory and processes?"""
    assert not CgroupLimits.available()


@pytest.mark.parametrize(
    "case", [case for case in cases(ASSIGNMENT) if case["name"] in LIMIT_CASES], ids=lambda c: c["name"]
)
def test_limit_case_gets_the_same_outcome_as_under_cgroups(case, graded):
    """Does this case get the score and status the corpus expects (as under cgroups), with a note that says why?"""
    row = graded[case["name"]]
    assert (float(row["score"]), row["status"]) == (float(case["score"]), case["status"]), (
        f"{case['about']}: expected {case['score']} points and {case['status']!r}; got {row['score']} and "
        f"{row['status']!r} ({row['note']})"
    )
    assert all(words in row["note"] for words in case["note"]), row["note"]


def test_nothing_is_left_running_and_nothing_escaped(graded):
    """After grading, is no process of a sandbox still running (the detached child, the fork bomb's), and no file
    outside?"""
    leftover = subprocess.run(
        ["pgrep", "-u", str(os.getuid()), "-f", "sleep 987|aecourse-grading-"], capture_output=True, text=True
    ).stdout.split()
    assert not leftover, f"processes left running after grading: {leftover}"
    assert not [str(path) for path in WATCHED if path.exists()]
