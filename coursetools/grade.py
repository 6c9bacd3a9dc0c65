"""Grade a class's submissions, each in its own sandbox (``make grade``).

    python -m coursetools.grade ASSIGNMENT SUBMISSIONS [--out DIR] [--workers N] [--sandbox bwrap|none]
                                [--scheduler tcp://HOST:8786] [--no-gradebook] [--cell-timeout S] ...

SUBMISSIONS is in nbgrader's layout, ``<student>/<assignment>/<assignment>.ipynb``
(other files allowed). OUT (default ``grades/<assignment>``) receives
grades.csv, results.json (every test cell's points and outcome),
``feedback/<student>.html`` and ``logs/<student>.log``; the scores also go into
the course's gradebook. The exit status is 0 whenever grading ran, whatever
the students scored; 2 when grading could not start, and 1 when the grades
were written to OUT but the gradebook could not be updated.
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
from coursetools.grading.sandbox import SandboxUnavailable, check_sandbox
from coursetools.grading.submissions import find_submissions, grade_submission, read_submission
from coursetools.paths import REPO, assignments, exercise_notebook


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m coursetools.grade", description=__doc__.splitlines()[0])
    parser.add_argument("assignment", choices=assignments())
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="default: grades/<assignment>")
    parser.add_argument("--workers", type=int, default=usable_cores(), help="kernels at once (default: the cores it may use, here %(default)s)")
    parser.add_argument("--sandbox", choices=["bwrap", "none"], default="bwrap", help="default: %(default)s")
    parser.add_argument("--scheduler", default="", help="a Dask scheduler's address: grade on its cluster")
    parser.add_argument("--no-gradebook", action="store_true", help="do not record the scores in gradebook.db")
    parser.add_argument("--course-root", type=Path, default=REPO, help=argparse.SUPPRESS)
    defaults = Limits()
    parser.add_argument("--cell-timeout", type=float, default=defaults.cell_seconds, help="seconds per cell (default: %(default)s)")
    parser.add_argument("--notebook-timeout", type=float, default=defaults.notebook_seconds, help="seconds per notebook (default: %(default)s)")
    parser.add_argument("--memory", type=float, default=defaults.memory_bytes / 2**30, help="GiB of memory per notebook (default: %(default)s)")
    parser.add_argument("--processes", type=int, default=defaults.processes, help="processes per notebook (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=defaults.threads, help="threads per kernel (default: %(default)s)")
    return parser.parse_args(argv)


def grade_all(arguments, students: list[str]) -> list:
    """Every student's (score, cells run), graded by a thread pool here or by a Dask cluster, with a progress bar."""
    from tqdm import tqdm

    limits = Limits(arguments.cell_timeout, arguments.notebook_timeout, int(arguments.memory * 2**30),
                    arguments.processes, threads=arguments.threads)
    submissions = [read_submission(arguments.submissions, student, arguments.assignment) for student in students]
    results = {}
    with tqdm(total=len(submissions), desc=f"grading {arguments.assignment}", unit="notebook", file=sys.stderr) as bar:
        if arguments.scheduler:
            from distributed import Client, as_completed as dask_completed

            with Client(arguments.scheduler) as client:
                futures = {client.submit(grade_submission, arguments.assignment, submission, limits, arguments.sandbox,
                                         pure=False): submission.student for submission in submissions}
                for future in dask_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update()
        else:
            with ThreadPoolExecutor(max(1, arguments.workers)) as pool:
                futures = {pool.submit(grade_submission, arguments.assignment, submission, limits, arguments.sandbox):
                           submission.student for submission in submissions}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.set_postfix_str(f"{futures[future]}: {results[futures[future]][0].status}")
                    bar.update()
    return [(results[student], submissions[index]) for index, student in enumerate(students)]


def write_outputs(out: Path, assignment: str, graded: list, rows: dict | None) -> None:
    """grades.csv, results.json, and a feedback page and a log per student, into ``out``."""
    scores = [score for (score, _), _ in graded]
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(parents=True, exist_ok=True)
    for (score, ran), _ in graded:
        (out / "feedback" / f"{score.student}.html").write_text(reports.feedback_page(assignment, score))
        (out / "logs" / f"{score.student}.log").write_text(reports.log_text(assignment, score, ran and ran["cells"]))
    reports.write_csv(out / "grades.csv", assignment, scores, rows)
    reports.write_results(out / "results.json", scores)


def record_in_gradebook(arguments, graded: list) -> dict:
    """Record the scores in the course's gradebook; return nbgrader's export fields by student."""
    from coursetools.grading import gradebook
    from coursetools.grading.notebooks import read_notebook

    timestamps = {submission.student: submission.files["timestamp.txt"].decode(errors="replace").strip()
                  for _, submission in graded if "timestamp.txt" in submission.files}
    return gradebook.record(arguments.course_root, arguments.assignment, [result for result, _ in graded],
                            read_notebook(exercise_notebook(arguments.assignment)), timestamps)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if not arguments.submissions.is_dir():
        print(f"grading could not start: {arguments.submissions} is not a folder", file=sys.stderr)
        return 2
    graded_copies = (arguments.course_root / "submitted").resolve()
    if graded_copies in (arguments.submissions.resolve(), *arguments.submissions.resolve().parents):
        print(f"grading could not start: the grader writes each graded notebook into {graded_copies}, for nbgrader's "
              f"gradebook, and would replace the originals in {arguments.submissions}. Grade a copy kept elsewhere, "
              f"for example: cp -r {arguments.submissions} collected && make grade ... SUBMISSIONS=collected", file=sys.stderr)
        return 2
    try:
        check_sandbox(arguments.sandbox)
    except SandboxUnavailable as error:
        print(f"grading could not start: {error}", file=sys.stderr)
        return 2
    out = arguments.out or REPO / "grades" / arguments.assignment
    start = time.monotonic()
    graded = grade_all(arguments, find_submissions(arguments.submissions))
    seconds = time.monotonic() - start
    write_outputs(out, arguments.assignment, graded, None)
    status = 0
    if not arguments.no_gradebook:
        try:
            write_outputs(out, arguments.assignment, graded, record_in_gradebook(arguments, graded))
        except Exception as error:  # the grades are safe in OUT; say plainly that the gradebook is not
            print(f"the scores are in {out / 'grades.csv'}, but the gradebook could not be updated: {error}",
                  file=sys.stderr)
            status = 1
    print(reports.summary([score for (score, _), _ in graded], seconds))
    print(f"grades: {out / 'grades.csv'}; feedback pages: {out / 'feedback'}; logs: {out / 'logs'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
