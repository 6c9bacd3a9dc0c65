"""Measurements that print numbers: training speed against the hardware's floor, grading time, and build time.

    python -m coursetools.bench                 # machine, matrix-product rate, training speed, autograde per assignment
    python -m coursetools.bench --book          # also the environment's creation, a clean and an incremental book
                                                # build, and make test (long)
    python -m coursetools.bench training [--epochs N] [--batch-size B] [--device cpu|cuda]
    python -m coursetools.bench grading [--assignment ID] [--copies N] [--workers 1 2]

The default run writes ``benchmarks/results.json`` (each section with the
machine and the date it ran on) and prints the table the book's Performance
page shows. Nothing here asserts a time: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import torch

from aecourse.data import mnist_tensors
from aecourse.devices import pick_device, usable_cores
from aecourse.models.conv import ConvAutoencoder
from aecourse.models.dense import DenseAutoencoder
from aecourse.speed import matmul_rate, training_flop_per_image
from aecourse.training import TrainingHistory, train_autoencoder
from coursetools.grading.notebooks import answered_notebook
from coursetools.paths import REPO, assignments, notebook_name, solution_notebook

RESULTS = REPO / "benchmarks" / "results.json"
LIBRARIES = ("torch", "keras", "tensorflow", "numpy", "jupyter-book", "nbgrader")


def machine() -> dict:
    """What the numbers ran on: CPU model and cores, GPU, library versions, and the date."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    versions = {}
    for library in LIBRARIES:
        try:
            versions[library] = metadata.version(library)
        except metadata.PackageNotFoundError:
            versions[library] = None
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": usable_cores(),  # the cores this process could use (its affinity mask), not the whole machine's
        "torch_threads": torch.get_num_threads(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "versions": versions,
    }


MODELS = {
    "dense 784-128-32-128-784": (lambda: DenseAutoencoder(image_shape=(1, 28, 28)), 32),
    "convolutional (code 64)": (ConvAutoencoder, 256),
}
"""The models timed, with the batch size their chapter trains them with."""


def training_speed(device, rate: float, epochs: int = 2) -> list[dict]:
    """Seconds per epoch (the median of ``epochs``), images per second, and the FLOP floor of each model on
    ``device``."""
    x_train, _ = mnist_tensors()
    rows = []
    for name, (build, batch_size) in MODELS.items():
        torch.manual_seed(0)
        flop = training_flop_per_image(build(), (1, 28, 28)) * len(x_train)
        history = train_autoencoder(build(), x_train, epochs, device, batch_size=batch_size, verbose=False)
        seconds = statistics.median(history.epoch_seconds)
        rows.append(
            {
                "model": name,
                "device": history.device,
                "batch_size": batch_size,
                "seconds_per_epoch": seconds,
                "images_per_second": len(x_train) / seconds,
                "flop_per_epoch": flop,
                "floor_seconds": flop / rate,
                "share_of_floor": flop / rate / seconds,
            }
        )
    return rows


def autograde_times(runs: int = 2) -> list[dict]:
    """Seconds to autograde each assignment's solution as `make grade` does (sandboxed where bwrap exists).

    Each is graded ``runs`` times and the fastest run counts: the first can include reading the
    libraries from disk, which a class of many students pays only once.
    """
    rows = []
    for assignment in assignments():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "coursetools.autograde", assignment, str(solution_notebook(assignment))],
                cwd=REPO,
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - start)
        total = [line for line in result.stdout.splitlines() if line.startswith("total")]
        rows.append(
            {"assignment": assignment, "seconds": min(times), "result": total[-1] if total else result.stderr[-200:]}
        )
    return rows


def timed(command: list[str]) -> float:
    """Seconds that a command run in the repository takes; raises if it fails."""
    return timed_with_output(command)[0]


def timed_with_output(command: list[str]) -> tuple[float, str]:
    """Seconds that a command run in the repository takes, and what it printed; raises if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.PIPE, text=True)
    return time.perf_counter() - start, done.stdout


def execution_seconds(build_output: str) -> float | None:
    """The seconds `python -m coursetools.execute` reported for running the chapters, from `make book`'s output."""
    found = re.findall(r"^executed the chapters in (\d+) s", build_output, flags=re.MULTILINE)
    return float(found[-1]) if found else None


def environment_seconds() -> float:
    """Seconds to create the course's environment as `make` does: a new virtual environment, requirements.txt, the
    package.

    It is made in a temporary folder, so the environment this runs in stays; pip's download cache is used as found.
    """
    with tempfile.TemporaryDirectory() as folder:
        python = Path(folder) / "env" / "bin" / "python"
        start = time.perf_counter()
        subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
        for arguments in (["--upgrade", "pip"], ["-r", "requirements.txt", "-e", "."]):
            done = subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", *arguments], cwd=REPO, capture_output=True, text=True
            )
            if done.returncode:
                raise RuntimeError(
                    f"pip install {' '.join(arguments)} failed (exit {done.returncode}): {done.stderr[-2000:]}"
                )
        return time.perf_counter() - start


def book_times() -> dict:
    """The environment's creation, a clean `make book` (environment kept), a rebuild after a one-word prose edit, and
    `make test`."""
    environment = environment_seconds()
    shutil.rmtree(REPO / "_build", ignore_errors=True)
    clean, output = timed_with_output(["make", "--no-print-directory", "book"])
    page = REPO / "book" / "intro.md"
    original = page.read_text()
    try:
        page.write_text(original.replace("This course builds one", "This course builds one carefully", 1))
        incremental = timed(["make", "--no-print-directory", "book"])
    finally:
        page.write_text(original)
    timed(["make", "--no-print-directory", "book"])
    return {
        "environment_seconds": environment,
        "chapter_execution_seconds": execution_seconds(output),
        "clean_book_seconds": clean,
        "clean_book_with_environment_seconds": environment + clean,
        "incremental_book_seconds": incremental,
        "make_test_fast_seconds": timed(["make", "--no-print-directory", "test-fast"]),
        "make_test_seconds": timed(["make", "--no-print-directory", "test"]),
    }


TEST_TIMES = REPO / "_build" / "test-times.json"
"""Where tests/conftest.py writes the last test run's time per group of tests."""


def test_group_times() -> list[dict]:
    """The last `make test`'s time per group (summed over its tests), largest first; empty when there is none."""
    if not TEST_TIMES.exists():
        return []
    return [{"group": group, "seconds": seconds} for group, seconds in json.loads(TEST_TIMES.read_text()).items()]


def benchmark(epochs: int = 2, batch_size: int = 256, device=None) -> TrainingHistory:
    """Train a fresh ConvAutoencoder on all 60,000 training images; print seconds per epoch and images per second."""
    device = device or pick_device()
    torch.manual_seed(0)
    x_train, _ = mnist_tensors()
    history = train_autoencoder(ConvAutoencoder(), x_train, epochs, device, batch_size=batch_size, verbose=False)
    for epoch, seconds in enumerate(history.epoch_seconds, start=1):
        print(f"epoch {epoch}: {seconds:.2f} s/epoch, {len(x_train) / seconds:,.0f} images/s on {history.device}")
    return history


def grading_throughput(assignment: str, copies: int, workers: list[int]) -> list[dict]:
    """Students per minute of `make grade` (sandboxed, into a scratch gradebook) and of plain `nbgrader autograde`."""
    from coursetools import grade
    from coursetools.nbgrader_course import ScratchCourse

    rows = []
    with tempfile.TemporaryDirectory(prefix="aecourse-bench-") as scratch:
        root = Path(scratch)
        for index in range(copies):
            folder = root / "submissions" / f"student{index:03d}" / assignment
            folder.mkdir(parents=True)
            (folder / notebook_name(assignment)).write_text(json.dumps(answered_notebook(assignment)))
        for count in workers:
            course = ScratchCourse(root / f"course{count}")
            start = time.monotonic()
            grade.main(
                [
                    assignment,
                    str(root / "submissions"),
                    "--out",
                    str(root / f"out{count}"),
                    "--workers",
                    str(count),
                    "--course-root",
                    str(course.root),
                ]
            )
            seconds = time.monotonic() - start
            results = json.loads((root / f"out{count}" / "results.json").read_text())
            cell, cell_seconds = max((row["slowest_cell"] for row in results.values()), key=lambda item: item[1])
            print(
                f"make grade, {count} worker(s): {copies} notebooks in {seconds:.0f} s, "
                f"{copies / seconds * 60:.1f} students per minute, {seconds * count / copies:.1f} s per notebook; "
                f"slowest cell {cell}, {cell_seconds:.1f} s"
            )
            rows.append({"what": f"make grade, {count} worker(s)", "students_per_minute": copies / seconds * 60})
        course = ScratchCourse(root / "plain")
        course.release(assignment)
        start = time.monotonic()
        for index in range(copies):
            course.grade(
                assignment, root / "submissions" / f"student{index:03d}" / assignment / notebook_name(assignment)
            )
        seconds = time.monotonic() - start
        print(
            f"plain nbgrader autograde, one at a time: {copies / seconds * 60:.1f} students per minute, "
            f"{seconds / copies:.1f} s per notebook"
        )
        rows.append({"what": "plain nbgrader autograde", "students_per_minute": copies / seconds * 60})
    return rows


def table(results: dict) -> str:
    """The results as Markdown, one line per figure."""
    lines = ["| measurement | value |", "|---|---|"]
    about = results["machine"]
    lines.append(
        f"| machine | {about['cpu']}, {about['cores']} cores; GPU: {about['gpu'] or 'none'}; {about['date']} |"
    )
    lines.append(f"| fp32 matrix products (CPU) | {results['matmul_flop_per_second'] / 1e9:,.0f} GFLOP/s |")
    for row in results["training"]:
        lines.append(
            f"| {row['model']}, {row['device']}, batch {row['batch_size']} | "
            f"{row['seconds_per_epoch']:.2f} s per epoch, "
            f"{row['images_per_second']:,.0f} images/s; {row['flop_per_epoch'] / 1e9:,.1f} GFLOP per epoch, "
            f"floor {row['floor_seconds']:.2f} s ({row['share_of_floor']:.0%} of it reached) |"
        )
    for row in results.get("autograde", []):
        lines.append(f"| autograde {row['assignment']} (solution) | {row['seconds']:.1f} s: {row['result']} |")
    for row in results.get("grading", []):
        lines.append(f"| {row['what']} | {row['students_per_minute']:.1f} students per minute |")
    for key, value in results.get("book", {}).items():
        lines.append(f"| {key.replace('_', ' ')} | {'not reported' if value is None else f'{value:,.0f} s'} |")
    for row in results.get("test_groups", []):
        lines.append(f"| make test: {row['group']} | {row['seconds']:,.0f} s of test time |")
    return "\n".join(lines)


def run_all(book: bool, grading_copies: int) -> dict:
    """Every measurement this machine can make; written to benchmarks/results.json and returned."""
    results = {"machine": machine()}
    results["matmul_flop_per_second"] = matmul_rate()
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    results["training"] = []
    for device in devices:
        rate = results["matmul_flop_per_second"] if device == "cpu" else matmul_rate(device="cuda")
        results["training"] += training_speed(torch.device(device), rate)
    results["autograde"] = autograde_times()
    if grading_copies:
        results["grading"] = grading_throughput("ex01_mnist_data", grading_copies, [1, 2])
    if book:
        results["book"] = book_times()
        results["test_groups"] = test_group_times()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=["all", "training", "grading"], default="all")
    parser.add_argument(
        "--book",
        action="store_true",
        help="also time the environment's creation, a clean and an incremental book build and make test",
    )
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--device", choices=["cpu", "cuda"], default=None, help="default: CUDA when present")
    parser.add_argument("--assignment", default="ex01_mnist_data")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    arguments = parser.parse_args(argv)
    if arguments.what == "grading":
        grading_throughput(arguments.assignment, arguments.copies, arguments.workers)
    elif arguments.what == "training":
        benchmark(arguments.epochs, arguments.batch_size, pick_device(arguments.device))
    else:
        results = run_all(arguments.book, arguments.copies)
        print(table(results))
        print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
