"""Measuring speed: the arithmetic a training step costs, the rate the hardware multiplies matrices at, time to a
target.

A training loop can be judged against a floor: the floating-point operations
an epoch needs (as PyTorch counts them) divided by the rate at which the same
device multiplies large matrices. The gap between the floor and the measured
epoch is time spent outside the arithmetic: Python, the optimiser, memory
traffic, small matrices.
"""

from __future__ import annotations

import itertools
import time

import torch

from aecourse.devices import synchronize


def training_flop_per_image(model: torch.nn.Module, input_shape: tuple[int, ...], batch_size: int = 64) -> float:
    """FLOP of one training step per image (forward and backward of the squared error), counted by PyTorch."""
    from torch.utils.flop_counter import FlopCounterMode

    batch = torch.rand(batch_size, *input_shape)
    with FlopCounterMode(display=False) as counter:
        loss = ((model(batch).reshape(batch.shape) - batch) ** 2).mean()
        loss.backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops() / batch_size


def matmul_rate(device="cpu", size: int = 2048, repeats: int = 20) -> float:
    """The device's fp32 matrix-product rate in FLOP/s: the best of ``repeats`` products of two size x size matrices."""
    device = torch.device(device)
    a, b = torch.randn(size, size, device=device), torch.randn(size, size, device=device)
    best = float("inf")
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        a @ b
        synchronize(device)
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best


def seconds_to_target(epoch_seconds, errors, target: float) -> float | None:
    """Training seconds until the first epoch whose error is at most ``target``; ``None`` if none reaches it."""
    if len(epoch_seconds) != len(errors):
        raise ValueError(
            f"expected one error per epoch; found {len(epoch_seconds)} epoch times and {len(errors)} errors"
        )
    for elapsed, error in zip(itertools.accumulate(epoch_seconds), errors, strict=True):
        if error <= target:
            return elapsed
    return None
