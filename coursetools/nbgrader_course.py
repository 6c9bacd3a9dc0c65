"""A throw-away nbgrader course directory that reads the repository's ``nbgrader_config.py``.

The tests use it to check that ``exercises/`` is what nbgrader makes of
``solutions/``, that solutions earn full marks and untouched exercises zero;
``make exercises`` uses it to regenerate ``exercises/``. Nothing is written to
the repository's own gradebook.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from coursetools.grading.limits import THREAD_VARIABLES
from coursetools.paths import DATA, NBGRADER_CONFIG, SOLUTIONS, notebook_name

STUDENT = "student"


@dataclass
class Grade:
    """What autograde gave one notebook: the total, and (score, max score) per graded cell."""

    score: float
    max_score: float
    cells: dict[str, tuple[float, float]] = field(default_factory=dict)
    log: str = ""

    def failed_cells(self) -> list[str]:
        return [name for name, (score, max_score) in self.cells.items() if score < max_score]


class ScratchCourse:
    """An nbgrader course in a folder of its own, with the repository's settings and data.

    With ``db_url`` it releases into another course's gradebook (to register an assignment there
    without writing that course's release folder).
    """

    def __init__(self, root: Path, db_url: str = ""):
        self.root = Path(root)
        (self.root / "solutions").mkdir(parents=True, exist_ok=True)
        (self.root / "nbgrader_config.py").write_text(
            f"c = get_config()\n"
            f"load_subconfig({str(NBGRADER_CONFIG)!r})\n"
            f"c.CourseDirectory.root = {str(self.root)!r}\n"
            + (f"c.CourseDirectory.db_url = {db_url!r}\n" if db_url else "")
        )
        self.env = dict(os.environ)
        bin_dir = str(Path(sys.executable).parent)
        self.env["PATH"] = bin_dir + os.pathsep + self.env.get("PATH", "")
        self.env["JUPYTER_CONFIG_DIR"] = str(self.root / ".jupyter")
        self.env["AECOURSE_DATA"] = str(DATA)  # notebooks run here, outside the repository
        self.env.pop("NBGRADER_EXECUTION", None)
        # ipykernel stops capturing file descriptor 2 when it sees this variable; grading
        # under pytest must capture stderr exactly as a real grading run does.
        self.env.pop("PYTEST_CURRENT_TEST", None)
        # One thread per notebook, as `make grade` runs them (Limits.threads), unless the caller set it: on a
        # machine that is grading other notebooks too, kernels that each start a thread per core wait on each other.
        for variable in THREAD_VARIABLES:
            self.env.setdefault(variable, "1")

    def nbgrader(self, *arguments: str) -> str:
        """Run one nbgrader command in the course; raise with its log if it fails."""
        result = subprocess.run(
            [str(Path(sys.executable).parent / "nbgrader"), *arguments],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def release(self, assignment: str, source: Path | None = None) -> Path:
        """Generate the student version of ``assignment``; return its folder."""
        source = source or SOLUTIONS / assignment
        target = self.root / "solutions" / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
        self.nbgrader("generate_assignment", assignment, "--force")
        return self.root / "exercises" / assignment

    def grade(self, assignment: str, notebook: Path) -> Grade:
        """Autograde ``notebook`` as the one submission of ``assignment``."""
        submitted = self.root / "submitted" / STUDENT / assignment
        if submitted.exists():
            shutil.rmtree(submitted)
        submitted.mkdir(parents=True)
        shutil.copy(notebook, submitted / notebook_name(assignment))
        log = self.nbgrader("autograde", assignment, "--force")
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gradebook:
            submission = gradebook.find_submission(assignment, STUDENT)
            cells = {
                grade.name: (grade.score, grade.max_score)
                for notebook_record in submission.notebooks
                for grade in notebook_record.grades
            }
            return Grade(submission.score, submission.max_score, cells, log)
