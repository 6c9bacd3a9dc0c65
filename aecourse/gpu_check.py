"""Train on a CUDA GPU and check that the work really ran there.

    python -m aecourse.gpu_check

Trains the chapter's ConvAutoencoder and the ex05 solution's training loop on
``cuda`` for a bounded number of epochs, records with forward hooks where every
batch and every parameter was, and checks the test reconstruction error. Prints
the GPU's name, the epoch times and the test MSEs; exits with status 1 and a
clear message when there is no CUDA device. Needs only PyTorch (and NumPy).
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from aecourse import conv

EXERCISE = Path(__file__).resolve().parent.parent / "solutions" / "ex05_conv_autoencoder" / "ex05_conv_autoencoder.ipynb"
# The chapter's model reaches about 0.003 test MSE after 10 epochs at batch 256 on a CPU;
# a GPU run differs in rounding only, so 0.004 leaves room without letting a broken run pass.
CHAPTER_EPOCHS = 10
CHAPTER_MSE_THRESHOLD = 0.004


class NoCudaError(RuntimeError):
    """Raised when the GPU check is asked for on a machine where PyTorch sees no CUDA device."""


@dataclass
class GpuRun:
    """What one training run on the GPU measured."""

    name: str
    device_name: str
    epoch_seconds: list[float]
    test_mse: float
    threshold: float
    batches: int


def require_cuda() -> torch.device:
    """The CUDA device, or ``NoCudaError`` saying why there is none."""
    if not torch.cuda.is_available():
        raise NoCudaError(
            "no CUDA device: torch.cuda.is_available() is False "
            f"(torch {torch.__version__}, built for CUDA {torch.version.cuda or 'none: a CPU-only build'})"
        )
    return torch.device("cuda")


class _DeviceRecorder:
    """Forward pre-hook on a module that records the device type of every batch reaching it."""

    def __init__(self, module: torch.nn.Module):
        self.devices: list[str] = []
        self.handle = module.register_forward_pre_hook(lambda _, inputs: self.devices.append(inputs[0].device.type))

    def remove(self) -> None:
        self.handle.remove()


def _assert_on_cuda(name: str, model: torch.nn.Module, batch_devices: list[str]) -> None:
    parameter_devices = {parameter.device.type for parameter in model.parameters()}
    if parameter_devices != {"cuda"}:
        raise AssertionError(f"{name}: after training on cuda the parameters were on {sorted(parameter_devices)}")
    if not batch_devices or set(batch_devices) != {"cuda"}:
        raise AssertionError(f"{name}: with device=cuda the batches reached the model on {sorted(set(batch_devices))}")


def check_chapter_model(epochs: int = CHAPTER_EPOCHS, threshold: float = CHAPTER_MSE_THRESHOLD) -> GpuRun:
    """Train the chapter's ConvAutoencoder on cuda as the chapter does; check devices and the test MSE."""
    device = require_cuda()
    torch.manual_seed(0)
    x_train, x_test = conv.mnist_tensors()
    model = conv.ConvAutoencoder()
    recorder = _DeviceRecorder(model.encoder)
    try:
        history = conv.train_autoencoder(model, conv.make_loader(x_train, 256), epochs, device, progress=False, verbose=False)
    finally:
        recorder.remove()
    _assert_on_cuda("chapter model", model, recorder.devices)
    mse = conv.reconstruction_mse(model, x_test, device)
    if not math.isfinite(mse) or mse >= threshold:
        raise AssertionError(f"chapter model: test MSE {mse} after {epochs} epochs on cuda; expected below {threshold}")
    return GpuRun("chapter ConvAutoencoder", history.device, history.epoch_seconds, mse, threshold, len(recorder.devices))


def exercise_namespace() -> dict:
    """Run the ex05 solution notebook's setup and answer cells; return their names (needs only json)."""
    notebook = json.loads(EXERCISE.read_text())
    namespace: dict = {}
    for cell in notebook["cells"]:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and (grading.get("grade_id") == "setup" or grading.get("solution")):
            exec("".join(cell["source"]), namespace)
    threshold = re.search(r"test_mse < ([0-9.]+)", _test_source(notebook, "test_loss_below_threshold"))
    namespace["LOSS_THRESHOLD"] = float(threshold.group(1))
    return namespace


def _test_source(notebook: dict, grade_id: str) -> str:
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(cell["source"])
    raise KeyError(f"{EXERCISE} has no cell with grade_id {grade_id!r}")


def check_exercise_solution() -> GpuRun:
    """Train the ex05 solution's model with its own loop on cuda, as the notebook's bounded run does."""
    device = require_cuda()
    namespace = exercise_namespace()
    namespace["course"].seed_everything(namespace["SEED"])
    model = namespace["ConvAutoencoder"]()
    recorder = _DeviceRecorder(model.encoder)
    epoch_seconds = []
    try:
        for _ in range(namespace["EPOCHS"]):
            torch.cuda.synchronize()
            start = time.perf_counter()
            namespace["train_autoencoder"](model, namespace["make_loader"](namespace["x_train"]), 1, device)
            torch.cuda.synchronize()
            epoch_seconds.append(time.perf_counter() - start)
    finally:
        recorder.remove()
    _assert_on_cuda("ex05 solution", model, recorder.devices)
    mse = namespace["reconstruction_mse"](model, namespace["x_test"], device)
    threshold = namespace["LOSS_THRESHOLD"]
    if not math.isfinite(mse) or mse >= threshold:
        raise AssertionError(f"ex05 solution: test MSE {mse} on cuda; the notebook's threshold is {threshold}")
    return GpuRun("ex05 solution", conv.device_name(device), epoch_seconds, mse, threshold, len(recorder.devices))


def main() -> int:
    try:
        device = require_cuda()
    except NoCudaError as error:
        print(f"GPU check failed: {error}", file=sys.stderr)
        return 1
    print(f"GPU: {conv.device_name(device)} (torch {torch.__version__}, CUDA {torch.version.cuda})")
    for check in (check_chapter_model, check_exercise_solution):
        run = check()
        times = ", ".join(f"{seconds:.2f}" for seconds in run.epoch_seconds)
        print(
            f"{run.name}: {run.batches} batches, all on cuda; epoch seconds [{times}]; "
            f"test MSE {run.test_mse:.5f} (threshold {run.threshold})"
        )
    print("GPU check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
