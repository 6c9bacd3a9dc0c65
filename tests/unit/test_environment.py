"""What ``course.seed_everything`` leaves set in a fresh process."""

from __future__ import annotations

import subprocess
import sys

from coursetools.paths import REPO


def test_seeding_switches_pytorch_to_deterministic_algorithms_that_warn():
    """After seed_everything, does PyTorch pick deterministic algorithms, and only warn where an operation has none?"""
    code = (
        "import torch, aecourse as course; course.seed_everything(0); "
        "print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == ["True", "True"], f"deterministic algorithms enabled, warn only: expected True True, found {found}"
