"""Training on a CUDA GPU: the chapter's model and the ex05 solution run there, and the check fails clearly without one."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from aecourse import gpu_check

requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device: torch.cuda.is_available() is False"
)


@pytest.mark.gpu
@requires_cuda
def test_chapter_model_trains_on_cuda():
    """Does the chapter's ConvAutoencoder train on cuda, with every parameter and batch there, below the loss threshold?"""
    run = gpu_check.check_chapter_model()
    assert run.batches > 0 and run.test_mse < run.threshold
    print(f"{run.device_name}: epoch seconds {run.epoch_seconds}, test MSE {run.test_mse:.5f}")


@pytest.mark.gpu
@requires_cuda
def test_exercise_solution_trains_on_cuda():
    """Does the ex05 solution's training loop train on cuda, with every parameter and batch there, below its threshold?"""
    run = gpu_check.check_exercise_solution()
    assert run.batches > 0 and run.test_mse < run.threshold
    print(f"{run.device_name}: epoch seconds {run.epoch_seconds}, test MSE {run.test_mse:.5f}")


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is present")
def test_gpu_check_fails_clearly_without_cuda():
    """Without CUDA, does `python -m aecourse.gpu_check` exit non-zero and say that there is no CUDA device?"""
    result = subprocess.run([sys.executable, "-m", "aecourse.gpu_check"], capture_output=True, text=True)
    assert result.returncode == 1, f"expected exit status 1, got {result.returncode}:\n{result.stdout}{result.stderr}"
    assert "no CUDA device: torch.cuda.is_available() is False" in result.stderr, result.stderr
