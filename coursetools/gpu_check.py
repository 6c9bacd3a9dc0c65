"""Train on a CUDA GPU and check that the work really ran there (``make gpu-check``).

    python -m coursetools.gpu_check

Trains the chapter's ConvAutoencoder on ``cuda`` as the chapter does, records
with a forward hook where every batch was and checks where the parameters ended
and the test reconstruction error; then runs the ex05 and ex06 solution
notebooks' cells from top to bottom, whose own test cells train on ``cuda`` and
check devices and loss there. Prints the GPU's name, epoch times and test MSEs; exits with
status 1 and a clear message when there is no CUDA device. Needs PyTorch,
NumPy, matplotlib and tqdm only (no nbgrader, no TensorFlow).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass

import torch

from aecourse.data import mnist_tensors
from aecourse.devices import device_name, pick_device
from aecourse.models.conv import ConvAutoencoder
from aecourse.training import reconstruction_mse, train_autoencoder
from coursetools.grading import cells
from coursetools.paths import solution_notebook

# The chapter trains 10 epochs at batch 256 and learning rate 0.002 and reaches a test
# MSE of about 0.003 on a CPU; a GPU run differs in rounding only, so 0.004 leaves
# room without letting a broken run pass.
CHAPTER_EPOCHS = 10
CHAPTER_LEARNING_RATE = 2e-3
CHAPTER_MSE_THRESHOLD = 0.004
EXERCISES = {"ex05_conv_autoencoder": "test_mse", "ex06_denoising": "denoised_mse", "ex09_recommender": "heldout_rmse"}
"""The solutions that train on the device they are given, and the name of the test error each computes."""


class NoCudaError(RuntimeError):
    """Raised when the GPU check is asked for on a machine where PyTorch sees no CUDA device."""


@dataclass
class CheckRun:
    """What one check measured, and what it checked."""

    name: str
    device_name: str
    epoch_seconds: list[float]
    test_mse: float
    checked: str
    metric: str = "test MSE"


def require_cuda() -> torch.device:
    """The CUDA device, or ``NoCudaError`` saying why there is none."""
    try:
        return pick_device("cuda")
    except RuntimeError as error:
        raise NoCudaError(str(error)) from None


def check_chapter_model(
    device, epochs: int = CHAPTER_EPOCHS, threshold: float = CHAPTER_MSE_THRESHOLD, train_images: int | None = None
) -> CheckRun:
    """Train the chapter's ConvAutoencoder on ``device`` as the chapter does; check devices and the test MSE.

    ``train_images`` keeps only the first that many training images (all 60,000 by default).
    """
    device = torch.device(device)
    torch.manual_seed(0)
    x_train, x_test = mnist_tensors()
    x_train = x_train[:train_images]
    model = ConvAutoencoder()
    batch_devices: list[str] = []
    handle = model.encoder.register_forward_pre_hook(lambda _, inputs: batch_devices.append(inputs[0].device.type))
    try:
        history = train_autoencoder(
            model, x_train, epochs, device, batch_size=256, learning_rate=CHAPTER_LEARNING_RATE, verbose=False
        )
    finally:
        handle.remove()
    parameter_devices = {parameter.device.type for parameter in model.parameters()}
    if parameter_devices != {device.type} or set(batch_devices) != {device.type}:
        raise AssertionError(
            f"chapter model: trained with device={device}, the parameters ended on {sorted(parameter_devices)} "
            f"and the batches reached the model on {sorted(set(batch_devices))}"
        )
    mse = reconstruction_mse(model, x_test, device)
    if not math.isfinite(mse) or mse >= threshold:
        raise AssertionError(
            f"chapter model: test MSE {mse} after {epochs} epochs on {device}; expected below {threshold}"
        )
    return CheckRun(
        "chapter ConvAutoencoder",
        history.device,
        history.epoch_seconds,
        mse,
        f"{len(batch_devices)} batches and every parameter on {device.type}; threshold {threshold}",
    )


def run_notebook_cells(path) -> tuple[dict, dict[str, float]]:
    """Execute every code cell of a notebook in order, in one namespace; return it and each cell's seconds by
    grade_id."""
    notebook = json.loads(path.read_text())
    namespace: dict = {"__name__": "__main__"}
    seconds: dict[str, float] = {}
    for number, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        name = cells.grade_id(cell) or f"cell {number}"
        start = time.perf_counter()
        try:
            code = compile(cells.source(cell), f"{path.name}:{name}", "exec")
            exec(code, namespace)  # noqa: S102 -- a cell of the course's own notebook
        except Exception as error:
            raise AssertionError(f"{path.name}, cell {name!r} failed: {type(error).__name__}: {error}") from error
        seconds[name] = time.perf_counter() - start
    return namespace, seconds


def check_exercise_solution(assignment: str = "ex05_conv_autoencoder") -> CheckRun:
    """Run a solution notebook on the CUDA machine; its test cells train on cuda and check devices and loss."""
    device = require_cuda()
    path = solution_notebook(assignment)
    namespace, seconds = run_notebook_cells(path)
    if namespace["device"].type != device.type:
        raise AssertionError(f"{path.name} picked {namespace['device']} although CUDA is available")
    epochs = namespace["EPOCHS"]
    tests = [name for name in seconds if name.startswith("test_")]
    return CheckRun(
        f"{assignment} solution",
        device_name(device),
        [seconds["train_run"] / epochs] * epochs,
        namespace[EXERCISES[assignment]],
        f"all {len(tests)} test cells passed on {device.type}",
        EXERCISES[assignment].replace("_", " "),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.gpu_check", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    try:
        device = require_cuda()
    except NoCudaError as error:
        print(f"GPU check failed: {error}", file=sys.stderr)
        return 1
    print(f"GPU: {device_name(device)} (torch {torch.__version__}, CUDA {torch.version.cuda})")
    for run in (check_chapter_model(device), *(check_exercise_solution(assignment) for assignment in EXERCISES)):
        times = ", ".join(f"{seconds:.2f}" for seconds in run.epoch_seconds)
        print(f"{run.name}: epoch seconds [{times}]; {run.metric} {run.test_mse:.5f}; {run.checked}")
    print("GPU check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
