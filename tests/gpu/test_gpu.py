"""Training on a CUDA GPU: the chapter's model and the ex05 and ex06 solutions run there, and the check fails clearly
without one."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from coursetools import gpu_check
from coursetools.paths import REPO, exercise_notebook, solution_notebook

requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device: torch.cuda.is_available() is False"
)


@pytest.mark.gpu
@requires_cuda
def test_chapter_model_trains_on_cuda():
    """Does the chapter's ConvAutoencoder train on cuda, with every parameter and batch there, below the loss
    threshold?"""
    run = gpu_check.check_chapter_model(torch.device("cuda"))
    assert run.test_mse < gpu_check.CHAPTER_MSE_THRESHOLD
    print(f"{run.device_name}: epoch seconds {run.epoch_seconds}, {run.metric} {run.test_mse:.5f}; {run.checked}")


@pytest.mark.gpu
@requires_cuda
@pytest.mark.parametrize("assignment", sorted(gpu_check.EXERCISES))
def test_exercise_solution_trains_on_cuda(assignment):
    """Do the solution's test cells, run with CUDA present, pass on cuda?"""
    run = gpu_check.check_exercise_solution(assignment)
    print(f"{run.device_name}: epoch seconds {run.epoch_seconds}, {run.metric} {run.test_mse:.5f}; {run.checked}")


def test_chapter_check_records_devices_and_loss_on_the_cpu():
    """Does the chapter check record devices and pass a trained model, run for one short epoch on the CPU?

    An untrained model scores a test MSE near 0.2; one epoch on 4,096 images gets below 0.1.
    """
    run = gpu_check.check_chapter_model(torch.device("cpu"), epochs=1, threshold=0.1, train_images=4096)
    assert run.test_mse < 0.1 and "16 batches and every parameter on cpu" in run.checked, run


def test_chapter_check_fails_when_the_loss_is_too_high():
    """Does the chapter check fail, naming the loss and the threshold, when the test MSE is above it?"""
    with pytest.raises(AssertionError, match="expected below 1e-06"):
        gpu_check.check_chapter_model(torch.device("cpu"), epochs=1, threshold=1e-6, train_images=256)


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is present")
def test_gpu_check_fails_clearly_without_cuda():
    """Without CUDA, does `python -m coursetools.gpu_check` exit non-zero and say that there is no CUDA device?"""
    result = subprocess.run([sys.executable, "-m", "coursetools.gpu_check"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1, f"expected exit status 1, got {result.returncode}:\n{result.stdout}{result.stderr}"
    assert "no CUDA device: torch.cuda.is_available() is False" in result.stderr, result.stderr


def test_notebook_runner_runs_every_cell_and_times_it():
    """Does the check's notebook runner run a solution's cells in order, timing each by its grade_id?"""
    namespace, seconds = gpu_check.run_notebook_cells(solution_notebook("ex01_mnist_data"))
    assert "preprocess" in namespace and "test_to_images_rejects_wrong_size" in seconds


def test_notebook_runner_names_the_cell_that_failed():
    """Does the runner stop at the first failing cell and name it (here: the first test of an untouched exercise)?"""
    with pytest.raises(AssertionError, match="cell 'test_preprocess_shape_and_dtype' failed: NotImplementedError"):
        gpu_check.run_notebook_cells(exercise_notebook("ex01_mnist_data"))
