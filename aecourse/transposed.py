"""Transposed convolution: the figures of its chapter.

Layer sizes are measured on real layers by :mod:`aecourse.arithmetic`. The
figures use the conventions of :mod:`aecourse.animation`: input pixels in blue,
output in orange, padding zeros hatched ``///``, inserted zeros dotted, cropped
cells grey.
"""

from __future__ import annotations

import numpy as np

from aecourse.plotting import PALETTE

INPUT_FACE, INPUT_EDGE = PALETTE["sky"], PALETTE["blue"]
OUTPUT_FACE, OUTPUT_EDGE = PALETTE["orange"], PALETTE["vermillion"]
ZERO_EDGE = "#7F7F7F"


def _grid(axes, values: np.ndarray, kinds: np.ndarray, title: str, colour: str, note: str = "", height: int = 0) -> None:
    """Draw one labelled grid of numbers, top-aligned in ``height`` rows; ``kinds`` per cell: input, output, padding, inserted, cropped."""
    from matplotlib.patches import Rectangle

    styles = {
        "input": dict(facecolor=INPUT_FACE, edgecolor=INPUT_EDGE, linewidth=1),
        "output": dict(facecolor=OUTPUT_FACE, edgecolor=OUTPUT_EDGE, linewidth=1),
        "padding": dict(facecolor="white", edgecolor=ZERO_EDGE, hatch="///", linestyle="--", linewidth=0.8),
        "inserted": dict(facecolor="white", edgecolor=ZERO_EDGE, hatch="...", linestyle=":", linewidth=0.8),
        "cropped": dict(facecolor="#E6E6E6", edgecolor=ZERO_EDGE, hatch="xx", linewidth=0.5),
    }
    rows, columns = values.shape
    for row in range(rows):
        for column in range(columns):
            kind = kinds[row, column]
            axes.add_patch(Rectangle((column, row), 1, 1, **styles[kind]))
            if kind != "cropped":
                value = values[row, column]
                text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
                axes.text(column + 0.5, row + 0.5, text, ha="center", va="center", fontsize=8,
                          color="black" if kind in ("input", "output") else ZERO_EDGE)
    axes.set_xlim(-0.1, columns + 0.1)
    axes.set_ylim(max(rows, height) + 0.1, -0.1)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(title, fontsize=10, color=colour, fontweight="bold")
    if note:
        axes.text(columns / 2, rows + 0.3, note, ha="center", va="top", fontsize=8)


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
    start = max(-before, 0)
    end = len(axis_kind) - max(-after, 0)
    axis_kind[:start] = "cropped"
    axis_kind[end:] = "cropped"

    def combine(first, second):
        order = ["cropped", "padding", "inserted", "input"]
        return np.array([[next(k for k in order if k in (a, b)) for b in second] for a in first], dtype=object)

    return [
        (x, np.full(x.shape, "input", dtype=object)),
        (spread, combine(kind_1d, kind_1d)),
        (grown, combine(axis_kind, axis_kind)),
    ]


def draw_recipe(x: np.ndarray, kernel: np.ndarray, stride: int, padding: int, output_padding: int, result: np.ndarray):
    """The recipe as four panels: input, zeros inserted, border added, output; return the figure."""
    import matplotlib.pyplot as plt

    kernel_size = np.asarray(kernel).shape[0]
    grids = recipe_grids(x, kernel_size, stride, padding, output_padding)
    result = np.asarray(result, dtype=float)
    panels = grids + [(result, np.full(result.shape, "output", dtype=object))]
    widths = [values.shape[1] for values, _ in panels]
    figure, axes = plt.subplots(1, 4, figsize=(0.3 * sum(widths) + 2.2, 0.3 * max(widths) + 1.3),
                                gridspec_kw={"width_ratios": widths})
    border = kernel_size - padding - 1
    titles = [
        ("input", INPUT_EDGE, f"{x.shape[0]} × {x.shape[0]}"),
        (f"1. insert s - 1 = {stride - 1} zeros", INPUT_EDGE, "between pixels"),
        (f"2. border k - p - 1 = {border}", INPUT_EDGE,
         f"+ output_padding {output_padding} bottom/right" if output_padding else ""),
        ("3. output", OUTPUT_EDGE, "stride-1 conv, flipped kernel"),
    ]
    for axis, (values, kinds), (title, colour, note) in zip(axes, panels, titles):
        _grid(axis, values, kinds, title, colour, note, height=max(widths) + 1)
    figure.tight_layout()
    return figure


def draw_overlap_counts(cases: list[tuple[int, int, np.ndarray]], input_size: int):
    """Checkerboard figure: an all-ones input (blue) and, per (kernel_size, stride, counts) case, the output (orange)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LinearSegmentedColormap

    colours = LinearSegmentedColormap.from_list("output", ["#FFFFFF", OUTPUT_FACE, OUTPUT_EDGE])
    figure, axes = plt.subplots(1, len(cases) + 1, figsize=(3.0 * (len(cases) + 1), 3.3),
                                gridspec_kw={"width_ratios": [0.6] + [1] * len(cases)})
    ones = np.ones((input_size, input_size))
    _grid(axes[0], ones, np.full(ones.shape, "input", dtype=object), "input", INPUT_EDGE, "all ones")
    for axis, (kernel_size, stride, counts) in zip(axes[1:], cases):
        axis.imshow(counts, cmap=colours, vmin=0, vmax=counts.max())
        for (row, column), value in np.ndenumerate(counts):
            axis.text(column, row, f"{value:.0f}", ha="center", va="center", fontsize=7)
        axis.set_title(f"output, k = {kernel_size}, s = {stride}", fontsize=10, color=OUTPUT_EDGE, fontweight="bold")
        axis.set_xticks([])
        axis.set_yticks([])
    figure.tight_layout()
    return figure


def show_images(images: list[np.ndarray], titles: list[str], colours: list[str]):
    """Greyscale images side by side, each titled in its colour; return the figure."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(images), figsize=(2.6 * len(images), 2.9))
    for axis, image, title, colour in zip(axes, images, titles, colours):
        axis.imshow(image, cmap="gray_r")
        axis.set_title(title, fontsize=10, color=colour, fontweight="bold")
        axis.set_xticks([])
        axis.set_yticks([])
        for spine in axis.spines.values():
            spine.set_visible(True)
            spine.set_edgecolor(colour)
            spine.set_linewidth(2)
    figure.tight_layout()
    return figure
