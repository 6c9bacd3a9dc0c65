"""Seconds per epoch and images per second of the convolutional autoencoder on this machine (``make bench``).

    python -m coursetools.bench [--epochs N] [--batch-size B] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import sys

import torch

from aecourse.data import mnist_tensors
from aecourse.devices import pick_device
from aecourse.models.conv import ConvAutoencoder
from aecourse.training import TrainingHistory, train_autoencoder


def benchmark(epochs: int = 2, batch_size: int = 256, device=None) -> TrainingHistory:
    """Train a fresh ConvAutoencoder on all 60,000 training images; print seconds per epoch and images per second."""
    device = device or pick_device()
    torch.manual_seed(0)
    x_train, _ = mnist_tensors()
    history = train_autoencoder(ConvAutoencoder(), x_train, epochs, device, batch_size=batch_size, verbose=False)
    for epoch, seconds in enumerate(history.epoch_seconds, start=1):
        print(f"epoch {epoch}: {seconds:.2f} s/epoch, {len(x_train) / seconds:,.0f} images/s on {history.device}")
    return history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--device", choices=["cpu", "cuda"], default=None, help="default: CUDA when present")
    arguments = parser.parse_args(argv)
    benchmark(arguments.epochs, arguments.batch_size, pick_device(arguments.device))
    return 0


if __name__ == "__main__":
    sys.exit(main())
