"""Choosing where PyTorch computes, naming it, and waiting for it."""

from __future__ import annotations

import os
import platform


def pick_device(prefer: str | None = None):
    """Return a ``torch.device``: CUDA when present, else the CPU.

    ``prefer="cuda"`` demands a GPU and raises ``RuntimeError`` when there is none;
    ``prefer="cpu"`` always gives the CPU.
    """
    import torch

    if prefer not in (None, "cpu", "cuda"):
        raise ValueError(f"prefer must be None, 'cpu' or 'cuda'; found {prefer!r}")
    if prefer == "cpu":
        return torch.device("cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if prefer == "cuda":
        raise RuntimeError(
            "no CUDA device: torch.cuda.is_available() is False "
            f"(torch {torch.__version__}, built for CUDA {torch.version.cuda or 'none: a CPU-only build'}), "
            "and a CUDA GPU was requested (prefer='cuda')"
        )
    return torch.device("cpu")


def device_name(device) -> str:
    """A readable name of a ``torch.device``: the GPU's model, or the CPU and its thread count."""
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    threads = torch.get_num_threads()
    return f"CPU ({platform.machine()}, {threads} thread{'' if threads == 1 else 's'})"


def usable_cores() -> int:
    """The CPU cores this process may run on.

    On Linux that is its affinity mask, which ``taskset`` or a container's CPU set
    can make smaller than ``os.cpu_count()``, the cores of the whole machine.
    Elsewhere (macOS, Windows) there is no mask to read, and it is ``os.cpu_count()``.
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def synchronize(device) -> None:
    """Wait until the GPU has finished the work queued on ``device``; nothing to wait for on a CPU."""
    import torch

    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)
