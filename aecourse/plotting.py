"""Figures of digits and reconstructions in one consistent, colour-blind-safe style."""

from __future__ import annotations

import numpy as np

# Okabe & Ito's colour-blind-safe palette.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}


def apply_style() -> None:
    """Set matplotlib defaults used by every figure in the course."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "image.cmap": "gray",
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _as_images(images) -> np.ndarray:
    array = np.asarray(images)
    if array.ndim == 2:
        side = int(round(np.sqrt(array.shape[1])))
        if side * side != array.shape[1]:
            raise ValueError(
                f"expected images of shape (n, h, w) or flattened square images (n, h*w); found {array.shape}"
            )
        array = array.reshape(-1, side, side)
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 3:
        raise ValueError(f"expected images of shape (n, h, w), (n, 1, h, w) or (n, h*w); found {array.shape}")
    return array


def show_digits(images, labels=None, ncols: int = 10, title: str | None = None):
    """Draw images in a grid, each with its label above it; return the figure."""
    import matplotlib.pyplot as plt

    images = _as_images(images)
    count = len(images)
    nrows = max(1, -(-count // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * 1.0, nrows * 1.15), squeeze=False)
    for index, axis in enumerate(axes.flat):
        axis.axis("off")
        if index < count:
            axis.imshow(images[index], cmap="gray_r")
            if labels is not None:
                axis.set_title(str(labels[index]), fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_reconstructions(originals, reconstructions, n: int = 10, title: str | None = None):
    """Draw ``n`` originals in the top row above their reconstructions; return the figure."""
    import matplotlib.pyplot as plt

    originals = _as_images(originals)[:n]
    reconstructions = _as_images(reconstructions)[:n]
    if originals.shape != reconstructions.shape:
        raise ValueError(
            f"originals and reconstructions must have the same shape; found {originals.shape} "
            f"and {reconstructions.shape}"
        )
    count = len(originals)
    fig, axes = plt.subplots(2, count, figsize=(count * 1.0, 2.3), squeeze=False)
    for column in range(count):
        for row, batch in enumerate((originals, reconstructions)):
            axis = axes[row, column]
            axis.imshow(batch[column], cmap="gray_r", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
    axes[0, 0].set_ylabel("original", fontsize=9)
    axes[1, 0].set_ylabel("reconstruction", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
