"""What the course's Python environment weighs on disk, as the book reports it to readers who install it."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass(frozen=True)
class Footprint:
    """The bytes of an environment's files, and whether PyTorch brought NVIDIA's CUDA libraries into it."""

    bytes: int
    cuda_libraries: bool

    @property
    def gigabytes(self) -> float:
        return self.bytes / 1e9


def environment_footprint(prefix: str | Path = sys.prefix) -> Footprint:
    """The footprint of the environment at ``prefix`` (default: the running one); links are not counted twice."""
    size = sum(path.stat().st_size for path in Path(prefix).rglob("*") if path.is_file() and not path.is_symlink())
    cuda = any((dist.metadata["Name"] or "").lower().startswith("nvidia-") for dist in metadata.distributions())
    return Footprint(size, cuda)
