"""Execute the book's chapters into the execution cache, several at a time, before Sphinx reads them.

Jupyter Book runs one chapter after another, each in its own kernel. Most
chapters train small models that gain little from a second thread, so on a
machine with several cores it is faster to run several chapters at once, each
on its share of the cores (one thread each on two cores). This command fills the same cache (``_build/.jupyter_cache``)
that ``jupyter-book build`` then reads: a chapter already there, with the same
code cells, is not run again.

A chapter whose front matter says ``execution: {alone: true}`` measures speed on
every core; it runs first, by itself, with the thread settings of the caller.
The others start longest first, so that no core waits idle at the end while
one long chapter finishes: ``execution: {minutes: 2}`` says roughly how long a
chapter runs (chapters without it are short, and keep the book's order).
Pages that myst-nb executes on every read (``mystnb: {execution_mode: force}``)
are left to the build.

    python -m coursetools.execute [--jobs N]
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml

from coursetools.grading.limits import THREAD_VARIABLES
from coursetools.paths import REPO

CACHE = REPO / "_build" / ".jupyter_cache"
MAX_JOBS = 4  # each chapter's kernel holds MNIST and a framework: a few GB of memory


def thread_environment(cores: int, jobs: int) -> dict[str, str]:
    """The thread settings of each of ``jobs`` chapters running side by side on ``cores`` cores: a share each.

    Without them every chapter's thread pools would take every core, and the chapters would fight over them.
    """
    return {name: str(max(1, cores // jobs)) for name in THREAD_VARIABLES}


@dataclass(frozen=True)
class Chapter:
    path: Path
    alone: bool = False
    minutes: float = 0.0  # roughly how long it runs; only the order in which chapters start depends on it


def toc_files(root: Path = REPO) -> list[str]:
    """Every page of ``_toc.yml``, chapters and their sections, in the book's order, as the toc names them.

    The names have no suffix.
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            files.append(chapter["file"])
            files.extend(section["file"] for section in chapter.get("sections", []))
    return files


def toc_pages(root: Path = REPO) -> list[Path]:
    """The source file of every page in ``_toc.yml``, in the book's order."""
    return [root / f"{name}.md" for name in toc_files(root)]


@functools.cache
def book_config(root: Path = REPO) -> dict:
    """The book's ``_config.yml``, read once."""
    return yaml.safe_load((root / "_config.yml").read_text())


def markdown_config(root: Path = REPO):
    """The MyST parser settings the book builds with (its extensions), which decide where code cells are."""
    from myst_parser.config.main import MdParserConfig

    return MdParserConfig(enable_extensions=set(book_config(root).get("parse", {}).get("myst_enable_extensions", [])))


def read(path: Path):
    """The notebook myst-nb makes of a MyST markdown file, or None for a page that is not a notebook."""
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    text = path.read_text(encoding="utf-8")
    if not is_myst_markdown_notebook(text):
        return None
    root = next((folder for folder in path.parents if (folder / "_config.yml").is_file()), REPO)
    return read_myst_markdown_notebook(text, config=markdown_config(root), add_source_map=True, path=path)


def chapters_to_run(root: Path = REPO) -> list[Chapter]:
    """The notebook pages executed through the cache, in the book's order."""
    found = []
    for path in toc_pages(root):
        notebook = read(path)
        if notebook is None or notebook.metadata.get("mystnb", {}).get("execution_mode", "cache") != "cache":
            continue
        hints = notebook.metadata.get("execution", {})
        found.append(Chapter(path, bool(hints.get("alone", False)), float(hints.get("minutes", 0))))
    return found


def schedule(chapters: list[Chapter]) -> tuple[list[Path], list[Path]]:
    """The chapters to run alone, in the book's order, and the others, longest first."""
    alone = [chapter.path for chapter in chapters if chapter.alone]
    rest = sorted((chapter for chapter in chapters if not chapter.alone), key=lambda chapter: -chapter.minutes)
    return alone, [chapter.path for chapter in rest]


def cell_timeout(root: Path = REPO) -> int:
    """The per-cell timeout the book's configuration gives Jupyter Book."""
    return int(book_config(root)["execute"]["timeout"])


def create_cache(cache_path: Path = CACHE) -> None:
    """Create the cache folder and its database once, before chapters run side by side.

    Each chapter's process opens the same database; were it missing, two of them
    would race to create its tables, and the second would fail.
    """
    from jupyter_cache import get_cache

    cache_path.mkdir(parents=True, exist_ok=True)
    _ = get_cache(str(cache_path)).db  # the property creates the database and its tables


def execute(
    path: Path, timeout: int, environment: dict[str, str] | None = None, cache_path: Path = CACHE
) -> tuple[Path, float, str | None]:
    """Run one chapter and store it in the cache unless it is there already: (path, seconds or 0 if cached, error)."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    if environment:
        os.environ.update(environment)  # the kernel inherits it
    cache = get_cache(str(cache_path))
    notebook = read(path)
    try:
        cache.match_cache_notebook(notebook)
        return path, 0.0, None
    except KeyError:
        pass
    result = single_nb_execution(
        notebook, cwd=str(path.parent), timeout=timeout, allow_errors=False, meta_override=True
    )
    if result.err is not None:
        return path, result.time, f"{result.err.__class__.__name__}\n{result.exc_string}"
    cache.cache_notebook_bundle(
        CacheBundleIn(notebook, str(path), data={"execution_seconds": result.time}),
        check_validity=False,
        overwrite=True,
    )
    return path, result.time, None


def report(path: Path, seconds: float, error: str | None) -> bool:
    """Print one chapter's line: its seconds, "cached", or the error with its traceback; True when it did not fail."""
    name = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    if error:
        print(f"FAILED   {name} after {seconds:.0f} s: {error}", flush=True)
    else:
        print(f"{'cached' if seconds == 0 else f'{seconds:5.0f} s':>8} {name}", flush=True)
    return error is None


def main(argv: list[str] | None = None) -> int:
    from aecourse.devices import usable_cores

    parser = argparse.ArgumentParser(prog="python -m coursetools.execute", description=__doc__.splitlines()[0])
    cores = usable_cores()
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(cores, MAX_JOBS),
        help=f"chapters run at once, sharing the cores (default: one per core, at most {MAX_JOBS}: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    create_cache()
    timeout, (alone, rest) = cell_timeout(), schedule(chapters_to_run())
    start, ok = time.perf_counter(), True
    for path in alone:
        ok &= report(*execute(path, timeout))
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        environment = thread_environment(cores, args.jobs) if args.jobs > 1 else None
        futures = [pool.submit(execute, path, timeout, environment) for path in rest]
        for future in as_completed(futures):
            ok &= report(*future.result())
    print(f"executed the chapters in {time.perf_counter() - start:.0f} s ({args.jobs} at a time)", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
