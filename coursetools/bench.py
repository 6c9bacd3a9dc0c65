"""Measurements that print numbers: training speed of the convolutional autoencoder, and grading throughput.

    python -m coursetools.bench [training] [--epochs N] [--batch-size B] [--device cpu|cuda]
    python -m coursetools.bench grading [--assignment ID] [--copies N] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

from aecourse.data import mnist_tensors
from aecourse.devices import pick_device
from aecourse.models.conv import ConvAutoencoder
from aecourse.training import TrainingHistory, train_autoencoder
from coursetools.grading.notebooks import answered_notebook
from coursetools.paths import notebook_name


def benchmark(epochs: int = 2, batch_size: int = 256, device=None) -> TrainingHistory:
    """Train a fresh ConvAutoencoder on all 60,000 training images; print seconds per epoch and images per second."""
    device = device or pick_device()
    torch.manual_seed(0)
    x_train, _ = mnist_tensors()
    history = train_autoencoder(ConvAutoencoder(), x_train, epochs, device, batch_size=batch_size, verbose=False)
    for epoch, seconds in enumerate(history.epoch_seconds, start=1):
        print(f"epoch {epoch}: {seconds:.2f} s/epoch, {len(x_train) / seconds:,.0f} images/s on {history.device}")
    return history


def grading_throughput(assignment: str, copies: int, workers: list[int]) -> None:
    """Students per minute of `make grade` (sandboxed, into a scratch gradebook) and of plain `nbgrader autograde`."""
    from coursetools import grade
    from coursetools.nbgrader_course import ScratchCourse

    with tempfile.TemporaryDirectory(prefix="aecourse-bench-") as scratch:
        root = Path(scratch)
        for index in range(copies):
            folder = root / "submissions" / f"student{index:03d}" / assignment
            folder.mkdir(parents=True)
            (folder / notebook_name(assignment)).write_text(json.dumps(answered_notebook(assignment)))
        for count in workers:
            course = ScratchCourse(root / f"course{count}")
            start = time.monotonic()
            grade.main([assignment, str(root / "submissions"), "--out", str(root / f"out{count}"),
                        "--workers", str(count), "--course-root", str(course.root)])
            seconds = time.monotonic() - start
            results = json.loads((root / f"out{count}" / "results.json").read_text())
            cell, cell_seconds = max((row["slowest_cell"] for row in results.values()), key=lambda item: item[1])
            print(f"make grade, {count} worker(s): {copies} notebooks in {seconds:.0f} s, "
                  f"{copies / seconds * 60:.1f} students per minute, {seconds * count / copies:.1f} s per notebook; "
                  f"slowest cell {cell}, {cell_seconds:.1f} s")
        course = ScratchCourse(root / "plain")
        course.release(assignment)
        start = time.monotonic()
        for index in range(copies):
            course.grade(assignment, root / "submissions" / f"student{index:03d}" / assignment / notebook_name(assignment))
        seconds = time.monotonic() - start
        print(f"plain nbgrader autograde, one at a time: {copies / seconds * 60:.1f} students per minute, "
              f"{seconds / copies:.1f} s per notebook")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=["training", "grading"], default="training")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--device", choices=["cpu", "cuda"], default=None, help="default: CUDA when present")
    parser.add_argument("--assignment", default="ex01_mnist_data")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    arguments = parser.parse_args(argv)
    if arguments.what == "grading":
        grading_throughput(arguments.assignment, arguments.copies, arguments.workers)
    else:
        benchmark(arguments.epochs, arguments.batch_size, pick_device(arguments.device))
    return 0


if __name__ == "__main__":
    sys.exit(main())
