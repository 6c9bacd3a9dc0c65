"""Small arrays drawn as grids of numbered cells: the steps of the transposed-convolution recipe and its overlaps.

Cells follow :mod:`aecourse.figures.style`: input pixels blue, output orange,
padding zeros hatched ``///``, inserted zeros dotted, cropped cells grey.
"""

from __future__ import annotations

import numpy as np

from aecourse.figures.style import (
    CELL_STYLES,
    INPUT_EDGE,
    OUTPUT_COLOUR,
    OUTPUT_EDGE,
    ZERO_EDGE,
    cell_kind,
    format_number,
)


def draw_grid(
    axes, values: np.ndarray, kinds: np.ndarray, title: str, colour: str, note: str = "", height: int = 0
) -> None:
    """Draw one labelled grid of numbers, top-aligned in ``height`` rows; ``kinds`` gives each cell's style name."""
    from matplotlib.patches import Rectangle

    rows, columns = values.shape
    for row in range(rows):
        for column in range(columns):
            kind = kinds[row, column]
            axes.add_patch(Rectangle((column, row), 1, 1, **CELL_STYLES[kind]))
            if kind != "cropped":
                axes.text(
                    column + 0.5,
                    row + 0.5,
                    format_number(values[row, column]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if kind in ("input", "output") else ZERO_EDGE,
                )
    axes.set_xlim(-0.1, columns + 0.1)
    axes.set_ylim(max(rows, height) + 0.1, -0.1)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(title, fontsize=10, color=colour, fontweight="bold")
    if note:
        axes.text(columns / 2, rows + 0.3, note, ha="center", va="top", fontsize=8)


def _kind_grid(row_kinds, column_kinds) -> np.ndarray:
    return np.array([[cell_kind(a, b) for b in column_kinds] for a in row_kinds], dtype=object)


def recipe_grids(x: np.ndarray, kernel_size: int, stride: int, padding: int, output_padding: int = 0):
    """The arrays of the recipe's first steps, each with a per-cell kind for drawing.

    Returns ``[(values, kinds), ...]`` for: the input, the input with stride - 1
    zeros inserted, and that array with output_padding zeros at the bottom/right
    and a border of kernel_size - padding - 1 (cells a negative border crops are
    kept and marked 'cropped').
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[0] != x.shape[1]:
        raise ValueError(f"x must be a square 2-D array; found shape {x.shape}")
    size = x.shape[0]
    spread_size = (size - 1) * stride + 1
    spread = np.zeros((spread_size, spread_size))
    spread[::stride, ::stride] = x
    kind_1d = np.array(["inserted"] * spread_size, dtype=object)
    kind_1d[::stride] = "input"
    border = kernel_size - padding - 1
    before, after = border, border + output_padding
    grown = np.pad(spread, (max(before, 0), max(after, 0)))
    axis_kind = np.array(["padding"] * max(before, 0) + list(kind_1d) + ["padding"] * max(after, 0), dtype=object)
    axis_kind[: max(-before, 0)] = "cropped"
    axis_kind[len(axis_kind) - max(-after, 0) :] = "cropped"
    return [
        (x, np.full(x.shape, "input", dtype=object)),
        (spread, _kind_grid(kind_1d, kind_1d)),
        (grown, _kind_grid(axis_kind, axis_kind)),
    ]


def draw_recipe(x: np.ndarray, kernel: np.ndarray, stride: int, padding: int, output_padding: int, result: np.ndarray):
    """The recipe as four panels: input, zeros inserted, border added, output; return the figure."""
    import matplotlib.pyplot as plt

    kernel_size = np.asarray(kernel).shape[0]
    grids = recipe_grids(x, kernel_size, stride, padding, output_padding)
    result = np.asarray(result, dtype=float)
    panels = grids + [(result, np.full(result.shape, "output", dtype=object))]
    widths = [values.shape[1] for values, _ in panels]
    figure, axes = plt.subplots(
        1, 4, figsize=(0.3 * sum(widths) + 2.2, 0.3 * max(widths) + 1.3), gridspec_kw={"width_ratios": widths}
    )
    border = kernel_size - padding - 1
    titles = [
        ("input", INPUT_EDGE, f"{x.shape[0]} × {x.shape[0]}"),
        (f"1. insert s - 1 = {stride - 1} zeros", INPUT_EDGE, "between pixels"),
        (
            f"2. border k - p - 1 = {border}",
            INPUT_EDGE,
            f"+ output_padding {output_padding} bottom/right" if output_padding else "",
        ),
        ("3. output", OUTPUT_EDGE, "stride-1 conv, flipped kernel"),
    ]
    for axis, (values, kinds), (title, colour, note) in zip(axes, panels, titles, strict=True):
        draw_grid(axis, values, kinds, title, colour, note, height=max(widths) + 1)
    figure.tight_layout()
    return figure


def draw_overlap_counts(cases: list[tuple[int, int, np.ndarray]], input_size: int):
    """Checkerboard figure: an all-ones input (blue) and, per (kernel_size, stride, counts) case, the output
    (orange)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LinearSegmentedColormap

    colours = LinearSegmentedColormap.from_list("output", ["#FFFFFF", OUTPUT_COLOUR, OUTPUT_EDGE])
    figure, axes = plt.subplots(
        1, len(cases) + 1, figsize=(3.0 * (len(cases) + 1), 3.3), gridspec_kw={"width_ratios": [0.6] + [1] * len(cases)}
    )
    ones = np.ones((input_size, input_size))
    draw_grid(axes[0], ones, np.full(ones.shape, "input", dtype=object), "input", INPUT_EDGE, "all ones")
    for axis, (kernel_size, stride, counts) in zip(axes[1:], cases, strict=True):
        axis.imshow(counts, cmap=colours, vmin=0, vmax=counts.max())
        for (row, column), value in np.ndenumerate(counts):
            axis.text(column, row, f"{value:.0f}", ha="center", va="center", fontsize=7)
        axis.set_title(f"output, k = {kernel_size}, s = {stride}", fontsize=10, color=OUTPUT_EDGE, fontweight="bold")
        axis.set_xticks([])
        axis.set_yticks([])
    figure.tight_layout()
    return figure
