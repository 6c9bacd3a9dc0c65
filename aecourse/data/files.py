"""Where the course's data files are, and the one check every file passes before it is read.

The repository keeps the data in its ``data/`` folder, and the wheel that
``make dist`` builds carries a copy of it inside the package
(``aecourse/data/``). The folder is found without asking where this package's
source lies: ``$AECOURSE_DATA`` names it; else an installed wheel uses its own
copy, wherever it runs; else (a clone, whose editable install has no copy) the
nearest ``data/`` folder holding the course's files in the current directory or
one above it (chapters run in ``book/``, exercises in ``exercises/<id>/``,
tests at the root).
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path

DATA_ENV_VAR = "AECOURSE_DATA"
MARKER = "mnist.npz"
"""A file every copy of the course's data folder holds; it tells that folder from any other ``data/``."""

_verified: set[tuple[Path, str]] = set()


class DataFileError(ValueError):
    """A data file exists but is not the file the course was written for."""


def package_folder() -> Path:
    """The folder of ``aecourse.data`` as installed: where a wheel keeps its copy of the data."""
    return Path(str(resources.files("aecourse.data")))


def data_dir(start: Path | None = None) -> Path:
    """The course's data folder: ``$AECOURSE_DATA``, the installed package's copy, or the nearest ``data/`` above
    ``start``.

    ``start`` defaults to the current directory. Raises ``FileNotFoundError``
    that lists the folders looked in and the ways to provide the data.
    """
    override = os.environ.get(DATA_ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    packaged = package_folder()
    if (packaged / MARKER).is_file():
        return packaged
    here = Path(start or Path.cwd()).resolve()
    looked = []
    for folder in (here, *here.parents):
        candidate = folder / "data"
        looked.append(str(candidate))
        if (candidate / MARKER).is_file():
            return candidate
    raise FileNotFoundError(
        f"the course's data ({MARKER}) was not found: the installed aecourse package carries no copy (looked in "
        f"{packaged}), and no data/ folder holding it is in {here} or any folder above it (looked in "
        f"{', '.join(looked[:4])}{', ...' if len(looked) > 4 else ''}). Install the course's wheel (the book's page "
        f"'Doing the exercises' offers it; `make dist` builds it in a clone), run inside the course repository, or "
        f"set {DATA_ENV_VAR} to a folder holding {MARKER}."
    )


def sha256(path: Path) -> str:
    """Hex SHA-256 digest of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(
    path: Path, size: int, digest: str, *, name: str = "data", error: type[Exception] = DataFileError, hint: str = ""
) -> None:
    """Check that ``path`` exists and has ``size`` bytes and SHA-256 ``digest``; once per process and file.

    Raises ``FileNotFoundError`` for a missing file and ``error`` (a subclass of
    ``DataFileError`` per data set) for a truncated or corrupt one; each message
    names the data set (``name``), the path, what was expected and what was
    found. ``hint`` ends the missing-file message (how to point at another copy).
    """
    path = Path(path)
    if (path, digest) in _verified:
        return
    if not path.is_file():
        raise FileNotFoundError(
            f"{name} file not found at {path}. Expected a file with sha256 {digest}. {hint}".strip()
        )
    found_size = path.stat().st_size
    if found_size != size:
        raise error(
            f"{name} file {path} is truncated or not the course's file: "
            f"expected {size:,} bytes, found {found_size:,} bytes."
        )
    found = sha256(path)
    if found != digest:
        raise error(f"{name} file {path} is corrupt: sha256 checksum mismatch, expected {digest}, found {found}.")
    _verified.add((path, digest))
