"""The output-size formulas of convolution, transposed convolution and ``padding="same"``, for one axis.

Arguments in the book's order: ``i`` input size, ``k`` kernel size, ``p`` zeros
on each side, ``s`` stride, ``d`` dilation. :mod:`aecourse.convolution.measured`
checks them against real layers. A setting that no layer accepts raises
:class:`ImpossibleSetting` (a ``ValueError``), whose ``refusal`` says why in
the book's words, as ex03 asks its functions to do.
"""

from __future__ import annotations

import enum
import math


class Refusal(enum.Enum):
    """Why a setting is impossible; each value is the phrase the chapters use for it."""

    NOT_POSITIVE = "must be a positive integer"
    NEGATIVE = "must be a non-negative integer"
    KERNEL_LARGER_THAN_INPUT = "the kernel is larger than the padded input"
    OUTPUT_PADDING_TOO_LARGE = "output_padding must be smaller than either the stride or the dilation"
    NO_OUTPUT = "the output size is not positive"


class ImpossibleSetting(ValueError):
    """A setting that the layers refuse: ``refusal`` says why, the message names the values at fault."""

    def __init__(self, refusal: Refusal, message: str):
        super().__init__(message)
        self.refusal = refusal


def require_positive(**values: int) -> None:
    """Raise ``ImpossibleSetting`` naming the first of ``values`` (name=value) that is not a positive integer."""
    for name, value in values.items():
        if value < 1:
            raise ImpossibleSetting(Refusal.NOT_POSITIVE, f"{name} {Refusal.NOT_POSITIVE.value}; found {name}={value}")


def require_non_negative(**values: int) -> None:
    """Raise ``ImpossibleSetting`` naming the first of ``values`` (name=value) that is negative."""
    for name, value in values.items():
        if value < 0:
            raise ImpossibleSetting(Refusal.NEGATIVE, f"{name} {Refusal.NEGATIVE.value}; found {name}={value}")


def conv_output_size(i: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> int:
    """o = floor((i + 2p - d(k - 1) - 1) / s) + 1, the side of a convolution's output."""
    require_positive(i=i, k=k, s=s, d=d)
    require_non_negative(p=p)
    extent = d * (k - 1) + 1
    if i + 2 * p < extent:
        raise ImpossibleSetting(
            Refusal.KERNEL_LARGER_THAN_INPUT,
            f"{Refusal.KERNEL_LARGER_THAN_INPUT.value}: kernel size {k} (dilation {d}) spans {extent} pixels, "
            f"the padded input {i + 2 * p} (i={i}, p={p})",
        )
    return (i + 2 * p - extent) // s + 1


def conv_transpose_output_size(i: int, k: int, p: int = 0, s: int = 1, output_padding: int = 0, d: int = 1) -> int:
    """o = (i - 1)s - 2p + d(k - 1) + output_padding + 1, the side of a transposed convolution's output."""
    require_positive(i=i, k=k, s=s, d=d)
    require_non_negative(p=p, output_padding=output_padding)
    if output_padding >= s and output_padding >= d:
        raise ImpossibleSetting(
            Refusal.OUTPUT_PADDING_TOO_LARGE,
            f"{Refusal.OUTPUT_PADDING_TOO_LARGE.value}; found output_padding={output_padding}, s={s}, d={d}",
        )
    size = (i - 1) * s - 2 * p + d * (k - 1) + output_padding + 1
    if size < 1:
        raise ImpossibleSetting(
            Refusal.NO_OUTPUT,
            f"{Refusal.NO_OUTPUT.value}: it would be {size} "
            f"(i={i}, k={k}, p={p}, s={s}, output_padding={output_padding}, d={d})",
        )
    return size


def same_padding(i: int, k: int, s: int = 1, d: int = 1) -> tuple[int, int]:
    """Zeros that ``padding="same"`` adds before (top/left) and after (bottom/right), as TensorFlow does.

    The output has ``ceil(i / s)`` cells; the total padding is
    ``max((ceil(i / s) - 1) * s + d * (k - 1) + 1 - i, 0)``, and an odd total puts
    the extra zero after (bottom/right).
    """
    require_positive(i=i, k=k, s=s, d=d)
    total = max((math.ceil(i / s) - 1) * s + d * (k - 1) + 1 - i, 0)
    return total // 2, total - total // 2
