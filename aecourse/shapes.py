"""Shape checks that run a real layer, so that a formula is tested against the framework."""

from __future__ import annotations


def _is_torch_module(layer) -> bool:
    import sys

    if "torch" not in sys.modules:
        return False
    import torch

    return isinstance(layer, torch.nn.Module)


def output_shape(layer, input_shape: tuple[int, ...]) -> tuple[int, ...]:
    """Shape of ``layer`` applied to zeros of ``input_shape`` (a PyTorch module or a Keras layer)."""
    if _is_torch_module(layer):
        import torch

        with torch.no_grad():
            return tuple(layer(torch.zeros(input_shape)).shape)
    import numpy as np

    return tuple(int(size) for size in layer(np.zeros(input_shape, dtype="float32")).shape)


def check_shape(layer, input_shape: tuple[int, ...], expected: tuple[int, ...]) -> tuple[int, ...]:
    """Run ``layer`` on zeros of ``input_shape``; raise ``AssertionError`` unless the output is ``expected``.

    Returns the output shape, so a chapter cell shows it.
    """
    found = output_shape(layer, input_shape)
    if found != tuple(expected):
        raise AssertionError(
            f"{type(layer).__name__} on input {tuple(input_shape)}: expected output {tuple(expected)}, found {found}"
        )
    return found
