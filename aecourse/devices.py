"""Choosing where PyTorch computes."""

from __future__ import annotations


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
            "A CUDA GPU was requested but torch.cuda.is_available() is False "
            f"(torch {torch.__version__}, built for CUDA {torch.version.cuda or 'none: a CPU-only build'})."
        )
    return torch.device("cpu")
