"""Digits, reconstructions and other greyscale images, in rows and grids."""

from __future__ import annotations

import numpy as np

from aecourse.figures.style import ROW_COLOURS


def as_images(images) -> np.ndarray:
    """``images`` as an (n, h, w) array; accepts (n, h, w), (n, 1, h, w) and flattened square (n, h*w)."""
    array = np.asarray(images)
    if array.ndim == 2:
        side = round(np.sqrt(array.shape[1]))
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


def _frame(axis, colour: str) -> None:
    axis.set_xticks([])
    axis.set_yticks([])
    for spine in axis.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor(colour)
        spine.set_linewidth(2)


def show_digits(images, labels=None, ncols: int = 10, title: str | None = None):
    """Draw images in a grid, each with its label above it; return the figure."""
    import matplotlib.pyplot as plt

    images = as_images(images)
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


def show_rows(rows: dict[str, np.ndarray], n: int = 10, title: str | None = None, framed: bool = True):
    """Draw one row of ``n`` images per entry of ``rows``, labelled on the left; return the figure.

    With ``framed`` each row is framed and labelled in its own colour (blue, orange, vermillion, ...).
    Pixels are drawn on the fixed range [0, 1], so rows can be compared by eye.
    """
    import matplotlib.pyplot as plt

    labels = list(rows)
    if not labels:
        raise ValueError("expected at least one row of images; found none")
    if len(labels) > len(ROW_COLOURS):
        raise ValueError(f"expected at most {len(ROW_COLOURS)} rows; found {len(labels)}")
    batches = [as_images(rows[label])[:n] for label in labels]
    count = min(len(batch) for batch in batches)
    fig, axes = plt.subplots(len(labels), count, figsize=(count * 1.0, len(labels) * 1.15), squeeze=False)
    for row, (label, batch, colour) in enumerate(zip(labels, batches, ROW_COLOURS, strict=False)):
        for column in range(count):
            axes[row, column].imshow(batch[column], cmap="gray_r", vmin=0, vmax=1)
            _frame(axes[row, column], colour if framed else "none")
        axes[row, 0].set_ylabel(label, fontsize=9, color=colour if framed else "black")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_reconstructions(originals, reconstructions, n: int = 10, title: str | None = None):
    """Draw ``n`` originals in the top row above their reconstructions; return the figure."""
    originals = as_images(originals)[:n]
    reconstructions = as_images(reconstructions)[:n]
    if originals.shape != reconstructions.shape:
        raise ValueError(
            f"originals and reconstructions must have the same shape; found {originals.shape} "
            f"and {reconstructions.shape}"
        )
    return show_rows({"original": originals, "reconstruction": reconstructions}, n, title, framed=False)


def show_images(images: list[np.ndarray], titles: list[str], colours: list[str]):
    """Greyscale images of any size side by side, each titled and framed in its colour; return the figure."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(images), figsize=(2.6 * len(images), 2.9), squeeze=False)
    for axis, image, title, colour in zip(axes[0], images, titles, colours, strict=True):
        axis.imshow(image, cmap="gray_r")
        axis.set_title(title, fontsize=10, color=colour, fontweight="bold")
        _frame(axis, colour)
    figure.tight_layout()
    return figure
