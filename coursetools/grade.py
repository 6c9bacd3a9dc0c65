"""Grade a class's submissions, each in its own sandbox (``make grade``).

    python -m coursetools.grade ASSIGNMENT [SUBMISSIONS] [--out DIR] [--workers N] [--sandbox bwrap|none]
                                [--scheduler tcp://HOST:8786] [--no-gradebook] [--cell-timeout S] ...

SUBMISSIONS is in nbgrader's layout, ``<student>/<assignment>/<assignment>.ipynb``
(other files allowed); by default the course's ``submitted/``, where
``nbgrader collect`` puts them. It is only read, never written to. OUT
(default ``grades/<assignment>``) receives grades.csv, results.json (every
test cell's points and outcome), ``feedback/<student>.html`` and
``logs/<student>.log``; the scores also go into the course's gradebook, and
the graded notebooks into its ``autograded/``, as ``nbgrader autograde`` would
put them. The exit status is 0 whenever grading ran, whatever the students
scored; 2 when grading could not start, and 1 when the grades were written to
OUT but the gradebook could not be updated.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from aecourse.devices import usable_cores
from coursetools.grading import reports
from coursetools.grading.limits import Limits
from coursetools.grading.record import Submission
from coursetools.grading.sandbox import SandboxUnavailable, check_sandbox
from coursetools.grading.submissions import find_students, grade_submission, read_submission
from coursetools.paths import REPO, assignments, exercise_notebook


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m coursetools.grade", description=__doc__.splitlines()[0])
    parser.add_argument("assignment", choices=assignments())
    parser.add_argument(
        "submissions",
        type=Path,
        nargs="?",
        default=None,
        help="folder of <student>/<assignment>/ (default: the course's submitted/)",
    )
    parser.add_argument("--out", type=Path, default=None, help="default: grades/<assignment>")
    parser.add_argument(
        "--workers",
        type=int,
        default=usable_cores(),
        help="kernels at once (default: the cores it may use, here %(default)s)",
    )
    parser.add_argument("--sandbox", choices=["bwrap", "none"], default="bwrap", help="default: %(default)s")
    parser.add_argument("--scheduler", default="", help="a Dask scheduler's address: grade on its cluster")
    parser.add_argument("--no-gradebook", action="store_true", help="do not record the scores in gradebook.db")
    parser.add_argument("--course-root", type=Path, default=REPO, help=argparse.SUPPRESS)
    defaults = Limits()
    parser.add_argument(
        "--cell-timeout", type=float, default=defaults.cell_seconds, help="seconds per cell (default: %(default)s)"
    )
    parser.add_argument(
        "--notebook-timeout",
        type=float,
        default=defaults.notebook_seconds,
        help="seconds per notebook (default: %(default)s)",
    )
    parser.add_argument(
        "--memory",
        type=float,
        default=defaults.memory_bytes / 2**30,
        help="GiB of memory per notebook (default: %(default)s)",
    )
    parser.add_argument(
        "--processes", type=int, default=defaults.processes, help="processes per notebook (default: %(default)s)"
    )
    parser.add_argument(
        "--threads", type=int, default=defaults.threads, help="threads per kernel (default: %(default)s)"
    )
    arguments = parser.parse_args(argv)
    arguments.submissions = arguments.submissions or arguments.course_root / "submitted"
    arguments.out = arguments.out or REPO / "grades" / arguments.assignment
    return arguments


def grade_all(arguments, submissions: list[Submission]) -> list[Submission]:
    """Every submission planned, run and scored, by a thread pool here or by a Dask cluster, with a progress bar; in
    order."""
    from tqdm import tqdm

    limits = Limits(
        arguments.cell_timeout,
        arguments.notebook_timeout,
        int(arguments.memory * 2**30),
        arguments.processes,
        threads=arguments.threads,
    )
    graded: dict[str, Submission] = {}
    with tqdm(total=len(submissions), desc=f"grading {arguments.assignment}", unit="notebook", file=sys.stderr) as bar:
        if arguments.scheduler:
            from distributed import Client
            from distributed import as_completed as dask_completed

            with Client(arguments.scheduler) as client:
                futures = [
                    client.submit(grade_submission, submission, limits, arguments.sandbox, pure=False)
                    for submission in submissions
                ]
                for future in dask_completed(futures):
                    done = future.result()
                    graded[done.student] = done
                    bar.update()
        else:
            with ThreadPoolExecutor(max(1, arguments.workers)) as pool:
                futures = [
                    pool.submit(grade_submission, submission, limits, arguments.sandbox) for submission in submissions
                ]
                for future in as_completed(futures):
                    done = future.result()
                    graded[done.student] = done
                    bar.set_postfix_str(f"{done.student}: {done.status}")
                    bar.update()
    return [graded[submission.student] for submission in submissions]


def record_in_gradebook(arguments, graded: list[Submission]) -> bool:
    """Record the scores in the course's gradebook (filling in each submission's export fields); whether it worked."""
    from coursetools.grading import gradebook
    from coursetools.grading.notebooks import read_notebook

    try:
        gradebook.record(
            arguments.course_root, arguments.assignment, graded, read_notebook(exercise_notebook(arguments.assignment))
        )
    except Exception as error:  # the grades are safe in OUT; say plainly that the gradebook is not
        print(
            f"the scores are in {arguments.out / 'grades.csv'}, but the gradebook could not be updated: {error}",
            file=sys.stderr,
        )
        return False
    return True


def submissions_refusal(arguments) -> str:
    """Why the submissions folder cannot be graded (missing, or where the grader writes), or "" when it can be."""
    if arguments.submissions == arguments.course_root / "submitted" and not arguments.submissions.is_dir():
        return (
            f"there is no {arguments.submissions} (nbgrader collect puts a class there): collect the class with "
            f"`nbgrader collect {arguments.assignment}`, or name the folder with SUBMISSIONS=<folder>"
        )
    if not arguments.submissions.is_dir():
        return f"{arguments.submissions} is not a folder"
    written = (arguments.course_root / "autograded").resolve()
    if not arguments.no_gradebook and written in (
        arguments.submissions.resolve(),
        *arguments.submissions.resolve().parents,
    ):
        return (
            f"the grader writes each graded notebook into {written}, as nbgrader autograde does, and would replace "
            f"the files in {arguments.submissions}. Grade the students' originals (nbgrader's submitted/) instead"
        )
    return ""


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    refusal = submissions_refusal(arguments)
    if refusal:
        print(f"grading could not start: {refusal}", file=sys.stderr)
        return 2
    try:
        check_sandbox(arguments.sandbox)
    except SandboxUnavailable as error:
        print(f"grading could not start: {error}", file=sys.stderr)
        return 2
    start = time.monotonic()
    submissions = [
        read_submission(arguments.submissions, student, arguments.assignment)
        for student in find_students(arguments.submissions)
    ]
    graded = grade_all(arguments, submissions)
    seconds = time.monotonic() - start
    reports.write_student_files(arguments.out, graded)
    recorded = arguments.no_gradebook or record_in_gradebook(arguments, graded)
    reports.write_csv(arguments.out / "grades.csv", graded)
    print(reports.summary(graded, seconds))
    print(
        f"grades: {arguments.out / 'grades.csv'}; feedback pages: {arguments.out / 'feedback'}; "
        f"logs: {arguments.out / 'logs'}"
    )
    return 0 if recorded else 1


if __name__ == "__main__":
    sys.exit(main())
