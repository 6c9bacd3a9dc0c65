"""The architecture of an autoencoder: drawn as a figure, and built in Keras and PyTorch.

The figure and the models share one description, a tuple of layer widths from
the input to the code, such as ``(784, 128, 32)``; the decoder mirrors it.
Nothing here imports TensorFlow or PyTorch until a model is built.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aecourse.plotting import PALETTE

CLASSIC_SIZES = (784, 128, 32)
"""Layer widths of the classic dense MNIST autoencoder, input to code."""

_ENCODER_FILL = "#DCEAF5"
_DECODER_FILL = "#FBE3D2"
_HIDDEN_COLOUR = "#999999"


def _check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    """Return ``sizes`` as a tuple, or raise if it is not two or more positive integers."""
    sizes = tuple(sizes)
    if len(sizes) < 2 or not all(isinstance(size, (int, np.integer)) and size > 0 for size in sizes):
        raise ValueError(
            "expected layer widths from input to code, at least two positive integers such as (784, 128, 32); "
            f"found {sizes!r}"
        )
    return tuple(int(size) for size in sizes)


def mirrored(sizes: Sequence[int]) -> tuple[int, ...]:
    """All layer widths of the autoencoder, input to output: ``(784, 128, 32)`` gives ``(784, 128, 32, 128, 784)``."""
    sizes = _check_sizes(sizes)
    return sizes + sizes[-2::-1]


def draw_autoencoder(axis, sizes: Sequence[int], title: str | None = None, reference_size: int = 784) -> None:
    """Draw one autoencoder, its layers as bars whose area grows with their width, on ``axis``.

    ``sizes`` lists the widths from the input to the code; the decoder mirrors
    them. The input is blue, the code green, the output vermillion, the hidden
    layers grey; the encoder and the decoder are shaded and labelled.
    """
    import matplotlib.patches as patches

    widths = mirrored(sizes)
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

    for index, (width, height, colour) in enumerate(zip(widths, heights, colours)):
        axis.add_patch(
            patches.Rectangle(
                (index - bar_width / 2, -height / 2), bar_width, height, facecolor=colour, edgecolor="black", zorder=2
            )
        )
        axis.text(index, -height / 2 - 0.12, f"{width:,}", ha="center", va="top", fontsize=9)

    top = max(heights) / 2
    label_y = top + 0.25
    axis.text(code_index / 2, label_y, "encoder $f$", ha="center", va="bottom", fontsize=11, color=PALETTE["blue"])
    axis.text(
        (code_index + len(widths) - 1) / 2,
        label_y,
        "decoder $g$",
        ha="center",
        va="bottom",
        fontsize=11,
        color=PALETTE["vermillion"],
    )
    name_y = -top - 0.55
    last = len(widths) - 1
    for index, text, colour in [
        (0, "input\n$x$", PALETTE["blue"]),
        (code_index, "code\n$h = f(x)$", PALETTE["green"]),
        (last, "output\n$r = g(f(x))$", PALETTE["vermillion"]),
    ]:
        axis.text(index, name_y, text, ha="center", va="top", fontsize=11, color=colour, linespacing=1.4)

    axis.set_xlim(-0.6, last + 0.6)
    axis.set_ylim(-top - 1.4, top + 0.7)
    axis.axis("off")
    if title:
        axis.set_title(title, fontsize=11)


def architecture_figure(panels: Sequence[tuple[Sequence[int], str]], reference_size: int = 784):
    """One row of autoencoder drawings, one per ``(sizes, title)`` pair, on a common scale; return the figure."""
    import matplotlib.pyplot as plt

    if not panels:
        raise ValueError("expected at least one (sizes, title) pair; found none")
    columns = [len(mirrored(sizes)) for sizes, _ in panels]
    figure, axes = plt.subplots(
        1, len(panels), figsize=(1.25 * sum(columns), 4.0), gridspec_kw={"width_ratios": columns}, squeeze=False
    )
    for axis, (sizes, title) in zip(axes[0], panels):
        draw_autoencoder(axis, sizes, title=title, reference_size=reference_size)
    figure.tight_layout()
    return figure


def build_dense_autoencoder_keras(sizes: Sequence[int] = CLASSIC_SIZES):
    """Dense Keras autoencoder with ReLU hidden layers and a sigmoid output; return ``(autoencoder, encoder, decoder)``."""
    import keras

    sizes = _check_sizes(sizes)
    encoder = keras.Sequential(
        [keras.Input(shape=(sizes[0],))] + [keras.layers.Dense(width, activation="relu") for width in sizes[1:]],
        name="encoder",
    )
    decoder = keras.Sequential(
        [keras.Input(shape=(sizes[-1],))]
        + [keras.layers.Dense(width, activation="relu") for width in sizes[-2:0:-1]]
        + [keras.layers.Dense(sizes[0], activation="sigmoid")],
        name="decoder",
    )
    inputs = keras.Input(shape=(sizes[0],))
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    return autoencoder, encoder, decoder


def build_dense_autoencoder_torch(sizes: Sequence[int] = CLASSIC_SIZES):
    """Dense PyTorch autoencoder with ReLU hidden layers and a sigmoid output; return ``(autoencoder, encoder, decoder)``."""
    from torch import nn

    sizes = _check_sizes(sizes)
    encoder_layers, decoder_layers = [], []
    for width_in, width_out in zip(sizes[:-1], sizes[1:]):
        encoder_layers += [nn.Linear(width_in, width_out), nn.ReLU()]
    backwards = sizes[::-1]
    for width_in, width_out in zip(backwards[:-1], backwards[1:]):
        decoder_layers += [nn.Linear(width_in, width_out), nn.ReLU()]
    decoder_layers[-1] = nn.Sigmoid()
    encoder, decoder = nn.Sequential(*encoder_layers), nn.Sequential(*decoder_layers)
    return nn.Sequential(encoder, decoder), encoder, decoder
