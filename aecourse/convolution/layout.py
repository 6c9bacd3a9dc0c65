"""The geometry of one square 2-D convolution, per axis: which cells the kernel reads and what it writes.

Pure arithmetic on NumPy arrays: the animations of
:mod:`aecourse.figures.animation` draw a layout, and
:func:`aecourse.convolution.measured.measured_padding_sides` uses one to compute
reference results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _pair(padding: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(padding, (int, np.integer)):
        return int(padding), int(padding)
    try:
        before, after = padding
    except (TypeError, ValueError):
        raise ValueError(f"padding must be an int or a pair (before, after) of ints; found {padding!r}") from None
    return int(before), int(after)


@dataclass(frozen=True)
class ConvolutionLayout:
    """Geometry of a square 2-D convolution, per axis (height and width are the same).

    input_size: pixels of the real input per side (i); kernel_size: k; padding:
    zeros added on each side (p), or ``(before, after)`` for top/left and
    bottom/right, a negative number cropping that many cells instead (the
    transposed-convolution recipe needs this when p > k - 1); stride: s of the
    sliding window; dilation: d; zeros_between: zeros inserted between
    neighbouring input pixels (s - 1 in the transposed-convolution recipe, whose
    sliding convolution then has stride 1).
    """

    input_size: int
    kernel_size: int
    padding: int | tuple[int, int] = 0
    stride: int = 1
    dilation: int = 1
    zeros_between: int = 0
    _pad: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("input_size", "kernel_size", "stride", "dilation"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer; found {value!r}")
        if not isinstance(self.zeros_between, (int, np.integer)) or self.zeros_between < 0:
            raise ValueError(f"zeros_between must be a non-negative integer; found {self.zeros_between!r}")
        object.__setattr__(self, "_pad", _pair(self.padding))
        if self.active_size < 1:
            raise ValueError(
                f"padding {self.padding!r} crops away the whole input of {self.expanded_size} cells per side"
            )
        if self.output_size < 1:
            raise ValueError(
                f"the dilated kernel spans {self.kernel_extent} cells but the padded input has only "
                f"{self.active_size} per side (input_size={self.input_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding!r}, zeros_between={self.zeros_between})"
            )

    @property
    def padding_sides(self) -> tuple[int, int]:
        """Zeros added (before, after) per axis; a negative number crops that many cells."""
        return self._pad

    @property
    def expanded_size(self) -> int:
        """Input pixels plus the zeros inserted between them, per side."""
        return (self.input_size - 1) * (self.zeros_between + 1) + 1

    @property
    def drawn_size(self) -> int:
        """Cells drawn per side: the expanded input plus any (positive) padding."""
        before, after = self._pad
        return max(before, 0) + self.expanded_size + max(after, 0)

    @property
    def active_start(self) -> int:
        """Drawn index of the first cell the kernel can cover (past any cropped cells)."""
        return max(-self._pad[0], 0)

    @property
    def active_size(self) -> int:
        """Cells per side the kernel slides over: expanded input plus padding (minus cropping)."""
        return self.expanded_size + self._pad[0] + self._pad[1]

    @property
    def kernel_extent(self) -> int:
        """Cells spanned by the dilated kernel: d(k - 1) + 1."""
        return self.dilation * (self.kernel_size - 1) + 1

    @property
    def output_size(self) -> int:
        """Side of the output: floor((active_size - kernel_extent) / stride) + 1."""
        return (self.active_size - self.kernel_extent) // self.stride + 1

    def cell_kind(self, index: int) -> str:
        """What drawn cell ``index`` (along one axis) is: 'input', 'padding', 'inserted' or 'cropped'."""
        before, after = self._pad
        position = index - max(before, 0)
        if position < 0 or position >= self.expanded_size:
            return "padding"
        if position < -before or position >= self.expanded_size + min(after, 0):
            return "cropped"
        return "input" if position % (self.zeros_between + 1) == 0 else "inserted"

    def input_pixel(self, index: int) -> int | None:
        """Which real input pixel drawn cell ``index`` shows along one axis, or None for a zero."""
        position = index - max(self._pad[0], 0)
        if 0 <= position < self.expanded_size and position % (self.zeros_between + 1) == 0:
            return position // (self.zeros_between + 1)
        return None

    def footprint(self, row: int, column: int) -> list[tuple[int, int]]:
        """Drawn (row, column) cells the kernel reads for output cell (row, column)."""
        top = self.active_start + row * self.stride
        left = self.active_start + column * self.stride
        taps = [tap * self.dilation for tap in range(self.kernel_size)]
        return [(top + down, left + across) for down in taps for across in taps]

    def padded_input(self, values) -> np.ndarray:
        """The grid the kernel slides over: ``values`` with zeros inserted, padded or cropped."""
        values = np.asarray(values, dtype=float)
        if values.shape != (self.input_size, self.input_size):
            raise ValueError(
                f"input_values must have shape ({self.input_size}, {self.input_size}); found {values.shape}"
            )
        step = self.zeros_between + 1
        expanded = np.zeros((self.expanded_size, self.expanded_size))
        expanded[::step, ::step] = values
        before, after = self._pad
        grown = np.pad(expanded, [(max(before, 0), max(after, 0))] * 2)
        start = self.active_start
        return grown[start : start + self.active_size, start : start + self.active_size]

    def output(self, values, kernel) -> np.ndarray:
        """Cross-correlation (no kernel flip) of the padded input with ``kernel``, as the layers compute it."""
        kernel = np.asarray(kernel, dtype=float)
        if kernel.shape != (self.kernel_size, self.kernel_size):
            raise ValueError(f"kernel must have shape ({self.kernel_size}, {self.kernel_size}); found {kernel.shape}")
        grid = self.padded_input(values)
        size = self.output_size
        result = np.zeros((size, size))
        for row in range(size):
            for column in range(size):
                window = grid[
                    row * self.stride : row * self.stride + self.kernel_extent : self.dilation,
                    column * self.stride : column * self.stride + self.kernel_extent : self.dilation,
                ]
                result[row, column] = float((window * kernel).sum())
        return result
