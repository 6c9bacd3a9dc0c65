"""The output-size formulas of convolution, transposed convolution and ``padding="same"``, for one axis.

Arguments in the book's order: ``i`` input size, ``k`` kernel size, ``p`` zeros
on each side, ``s`` stride, ``d`` dilation. :mod:`aecourse.convolution.measured`
checks them against real layers.
"""

from __future__ import annotations

import math


def require_positive(**values: int) -> None:
    """Raise ``ValueError`` naming the first of ``values`` (name=value) that is not a positive integer."""
    for name, value in values.items():
        if value < 1:
            raise ValueError(f"{name} must be a positive integer; found {name}={value}")


def conv_output_size(i: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> int:
    """o = floor((i + 2p - d(k - 1) - 1) / s) + 1, the side of a convolution's output."""
    require_positive(i=i, k=k, s=s, d=d)
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def conv_transpose_output_size(i: int, k: int, p: int = 0, s: int = 1, output_padding: int = 0, d: int = 1) -> int:
    """o = (i - 1)s - 2p + d(k - 1) + output_padding + 1, the side of a transposed convolution's output."""
    require_positive(i=i, k=k, s=s, d=d)
    return (i - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


def same_padding(i: int, k: int, s: int = 1, d: int = 1) -> tuple[int, int]:
    """Zeros that ``padding="same"`` adds before (top/left) and after (bottom/right), as TensorFlow does.

    The output has ``ceil(i / s)`` cells; the total padding is
    ``max((ceil(i / s) - 1) * s + d * (k - 1) + 1 - i, 0)``, and an odd total puts
    the extra zero after (bottom/right).
    """
    require_positive(i=i, k=k, s=s, d=d)
    total = max((math.ceil(i / s) - 1) * s + d * (k - 1) + 1 - i, 0)
    return total // 2, total - total // 2
