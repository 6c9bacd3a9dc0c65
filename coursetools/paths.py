"""Where things are in the course repository, which holds this folder."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
DATA = REPO / "data"
NBGRADER_CONFIG = REPO / "nbgrader_config.py"


def assignments() -> list[str]:
    """Every assignment id, in order: the folders of ``solutions/``."""
    return sorted(path.name for path in SOLUTIONS.iterdir() if path.is_dir() and not path.name.startswith("."))


def notebook_name(assignment: str) -> str:
    """The one notebook of an assignment (``<assignment>.ipynb``)."""
    return f"{assignment}.ipynb"


def solution_notebook(assignment: str) -> Path:
    """The instructor's source notebook of ``assignment``."""
    return SOLUTIONS / assignment / notebook_name(assignment)


def exercise_notebook(assignment: str) -> Path:
    """The released student notebook of ``assignment``."""
    return EXERCISES / assignment / notebook_name(assignment)
