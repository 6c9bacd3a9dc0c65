"""Release and autograde assignments in a throw-away nbgrader course directory.

The tests use this to check that ``exercises/`` is what nbgrader makes of
``solutions/``, that solutions earn full marks and untouched exercises zero;
``make exercises`` uses it to regenerate ``exercises/``. Nothing is written to
the repository's own gradebook.

    python -m aecourse.nbgrading release [ASSIGNMENT ...]
    python -m aecourse.nbgrading grade ASSIGNMENT NOTEBOOK.ipynb
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
STUDENT = "student"


def assignments() -> list[str]:
    """Every assignment id, in order: the folders of ``solutions/``."""
    return sorted(path.name for path in SOLUTIONS.iterdir() if path.is_dir() and not path.name.startswith("."))


def notebook_name(assignment: str) -> str:
    """The one notebook of an assignment (``<assignment>.ipynb``)."""
    return f"{assignment}.ipynb"


@dataclass
class Grade:
    """What autograde gave one notebook."""

    score: float
    max_score: float
    cells: dict[str, tuple[float, float]] = field(default_factory=dict)
    log: str = ""

    def failed_cells(self) -> list[str]:
        return [name for name, (score, max_score) in self.cells.items() if score < max_score]


class CourseDirectory:
    """A temporary nbgrader course that reads the repository's ``nbgrader_config.py``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "solutions").mkdir(parents=True, exist_ok=True)
        (self.root / "nbgrader_config.py").write_text(
            f"c = get_config()\n"
            f"load_subconfig({str(REPO / 'nbgrader_config.py')!r})\n"
            f"c.CourseDirectory.root = {str(self.root)!r}\n"
        )
        self.env = dict(os.environ)
        bin_dir = str(Path(sys.executable).parent)
        self.env["PATH"] = bin_dir + os.pathsep + self.env.get("PATH", "")
        self.env["JUPYTER_CONFIG_DIR"] = str(self.root / ".jupyter")
        self.env.pop("NBGRADER_EXECUTION", None)
        # ipykernel stops capturing file descriptor 2 when it sees this variable; grading
        # under pytest must capture stderr exactly as a real grading run does.
        self.env.pop("PYTEST_CURRENT_TEST", None)

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


def autograde(assignment: str, notebook: Path, source: Path | None = None) -> Grade:
    """Release ``assignment`` (from ``source`` or ``solutions/``) and autograde ``notebook`` against it."""
    with tempfile.TemporaryDirectory(prefix="aecourse-grade-") as root:
        course = CourseDirectory(Path(root))
        course.release(assignment, source)
        return course.grade(assignment, Path(notebook))


def release_into_repository(assignment: str) -> Path:
    """Regenerate ``exercises/<assignment>`` from ``solutions/<assignment>``."""
    with tempfile.TemporaryDirectory(prefix="aecourse-release-") as root:
        released = CourseDirectory(Path(root)).release(assignment)
        target = EXERCISES / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(released, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aecourse.nbgrading", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="regenerate exercises/ from solutions/")
    release.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    grade = commands.add_parser("grade", help="autograde one notebook and print its score")
    grade.add_argument("assignment")
    grade.add_argument("notebook", type=Path)
    arguments = parser.parse_args(argv)
    if arguments.command == "release":
        for assignment in arguments.assignment or assignments():
            print(f"released {release_into_repository(assignment).relative_to(REPO)}")
        return 0
    result = autograde(arguments.assignment, arguments.notebook)
    for name, (score, max_score) in result.cells.items():
        print(f"{name:40s} {score:g} / {max_score:g}")
    print(f"{'total':40s} {result.score:g} / {result.max_score:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
