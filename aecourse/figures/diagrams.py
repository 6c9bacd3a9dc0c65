"""Autoencoder architectures drawn as bars, one bar per layer, its height growing with the square root of the layer's
width.

The widths are those of :mod:`aecourse.models.dense`: ``sizes`` from the input
to the code, mirrored by the decoder, so a figure drawn from the same ``sizes``
shows the model that the chapter builds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aecourse.figures.style import PALETTE
from aecourse.models.dense import layer_widths

_ENCODER_FILL = "#DCEAF5"
_DECODER_FILL = "#FBE3D2"
_HIDDEN_COLOUR = "#999999"


def draw_autoencoder(
    axis, sizes: Sequence[int], title: str | None = None, reference_size: int = 784, tallest: float | None = None
) -> None:
    """Draw one autoencoder on ``axis``, its layers as bars of one width whose height grows with the square root of
    their width.

    ``sizes`` lists the widths from the input to the code; the decoder mirrors
    them. The input is blue, the code green, the output vermillion, the hidden
    layers grey; the encoder and the decoder are shaded and labelled. A layer of
    ``reference_size`` units is 3 units tall; ``tallest``, the height of the
    tallest bar of every panel drawn beside this one, sets the vertical range,
    so that panels drawn with the same one share a scale.
    """
    from matplotlib import patches

    widths = layer_widths(sizes)
    code_index = len(sizes) - 1
    heights = [3.0 * np.sqrt(width / reference_size) for width in widths]
    bar_width = 0.22
    colours = [PALETTE["blue"]] + [_HIDDEN_COLOUR] * (len(widths) - 2) + [PALETTE["vermillion"]]
    colours[code_index] = PALETTE["green"]

    for index in range(len(widths) - 1):
        left, right = index + bar_width / 2, index + 1 - bar_width / 2
        corners = [
            (left, -heights[index] / 2),
            (right, -heights[index + 1] / 2),
            (right, heights[index + 1] / 2),
            (left, heights[index] / 2),
        ]
        fill = _ENCODER_FILL if index < code_index else _DECODER_FILL
        axis.add_patch(patches.Polygon(corners, closed=True, facecolor=fill, edgecolor="none", zorder=1))

    for index, (width, height, colour) in enumerate(zip(widths, heights, colours, strict=True)):
        axis.add_patch(
            patches.Rectangle(
                (index - bar_width / 2, -height / 2), bar_width, height, facecolor=colour, edgecolor="black", zorder=2
            )
        )
        axis.text(index, -height / 2 - 0.12, f"{width:,}", ha="center", va="top", fontsize=9)

    top, last = (max(heights) if tallest is None else tallest) / 2, len(widths) - 1
    _label_parts(axis, last, code_index, top)
    axis.set_xlim(-0.6, last + 0.6)
    axis.set_ylim(-top - 1.4, top + 0.7)
    axis.axis("off")
    if title:
        axis.set_title(title, fontsize=11)


def _label_parts(axis, last: int, code_index: int, top: float) -> None:
    """Name the encoder and decoder above the bars, and the input, code and output below them."""
    label_y = top + 0.25
    for x, text, colour in [
        (code_index / 2, "encoder $f$", PALETTE["blue"]),
        ((code_index + last) / 2, "decoder $g$", PALETTE["vermillion"]),
    ]:
        axis.text(x, label_y, text, ha="center", va="bottom", fontsize=11, color=colour)
    for index, text, colour in [
        (0, "input\n$x$", PALETTE["blue"]),
        (code_index, "code\n$z = f(x)$", PALETTE["green"]),
        (last, "reconstruction\n$\\hat{x} = g(f(x))$", PALETTE["vermillion"]),
    ]:
        axis.text(index, -top - 0.55, text, ha="center", va="top", fontsize=11, color=colour, linespacing=1.4)


def architecture_figure(panels: Sequence[tuple[Sequence[int], str]], reference_size: int = 784):
    """One row of autoencoder drawings, one per ``(sizes, title)`` pair, on one vertical scale; return the figure."""
    import matplotlib.pyplot as plt

    if not panels:
        raise ValueError("expected at least one (sizes, title) pair; found none")
    columns = [len(layer_widths(sizes)) for sizes, _ in panels]
    figure, axes = plt.subplots(
        1, len(panels), figsize=(1.25 * sum(columns), 4.0), gridspec_kw={"width_ratios": columns}, squeeze=False
    )
    tallest = 3.0 * np.sqrt(max(max(layer_widths(sizes)) for sizes, _ in panels) / reference_size)
    for axis, (sizes, title) in zip(axes[0], panels, strict=True):
        draw_autoencoder(axis, sizes, title=title, reference_size=reference_size, tallest=tallest)
    figure.tight_layout()
    return figure
