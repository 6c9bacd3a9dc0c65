"""How many cores the course counts as usable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from aecourse import devices
from coursetools.paths import REPO


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="this platform has no CPU affinity")
def test_usable_cores_follow_the_affinity_mask():
    """Pinned to one core with taskset's mechanism, does a process count one usable core, whatever the machine has?"""
    code = (
        "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        "from aecourse import devices; print(devices.usable_cores())"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "1", f"usable cores when pinned to one: expected 1, found {found}"


def test_usable_cores_fall_back_to_the_machine_without_an_affinity_mask(monkeypatch):
    """Where the platform has no affinity mask (macOS), are the machine's cores counted?"""
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert devices.usable_cores() == 6, f"expected os.cpu_count() = 6, found {devices.usable_cores()}"


def test_demanding_cuda_without_it_says_so(monkeypatch):
    """Where PyTorch sees no CUDA device, does pick_device("cuda") raise, saying so and what PyTorch was built for?"""
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(
        RuntimeError, match=r"no CUDA device: torch\.cuda\.is_available\(\) is False \(torch .*, built for CUDA"
    ):
        devices.pick_device("cuda")
    assert devices.pick_device().type == "cpu"


def test_gpu_check_reports_the_same_error(monkeypatch):
    """Does the GPU check's require_cuda raise its own error type with pick_device's message, written once?"""
    torch = pytest.importorskip("torch")
    from coursetools import gpu_check

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(gpu_check.NoCudaError) as raised:
        gpu_check.require_cuda()
    with pytest.raises(RuntimeError) as direct:
        devices.pick_device("cuda")
    assert str(raised.value) == str(direct.value)
