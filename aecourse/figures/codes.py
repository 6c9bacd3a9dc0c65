"""The code space, drawn: 2-number codes coloured by class, and reconstruction error against code size."""

from __future__ import annotations

import numpy as np

from aecourse.figures.style import PALETTE

CLASS_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
    "#999999",
    "#8C564B",
]
"""One colour per digit: Okabe & Ito's eight, then grey and brown."""


def plot_codes(panels: dict[str, np.ndarray], labels: np.ndarray):
    """One scatter plot per entry of ``panels`` (title → (n, 2) codes), each point coloured by its label; return the
    figure."""
    import matplotlib.pyplot as plt

    labels = np.asarray(labels)
    fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels), 4.2), squeeze=False)
    for axis, (title, codes) in zip(axes[0], panels.items(), strict=True):
        codes = np.asarray(codes)
        if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) != len(labels):
            raise ValueError(f"expected ({len(labels)}, 2) codes for {title!r}; found shape {codes.shape}")
        for digit in np.unique(labels):
            chosen = labels == digit
            axis.scatter(
                codes[chosen, 0],
                codes[chosen, 1],
                s=3,
                alpha=0.5,
                color=CLASS_COLOURS[int(digit) % 10],
                label=str(digit),
                rasterized=True,
            )
        axis.set(title=title, xlabel="code number 1", ylabel="code number 2")
    axes[0, -1].legend(title="digit", markerscale=4, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return fig


def plot_error_by_code_size(code_sizes, errors: dict[str, list[float]]):
    """Test reconstruction error (log axis) against code size (log axis), one line per model; return the figure."""
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(5.6, 3.8))
    colours = [PALETTE[name] for name in ("black", "sky", "blue", "orange", "vermillion")]
    markers = ["o", "s", "^", "D", "v"]
    for (name, values), colour, marker in zip(errors.items(), colours, markers, strict=False):
        axis.plot(code_sizes, values, marker=marker, color=colour, label=name)
    axis.set(xscale="log", yscale="log", xlabel="code size (numbers per image)", ylabel="test MSE")
    axis.set_xticks(list(code_sizes), [str(size) for size in code_sizes])
    axis.set_xticks([], minor=True)  # the log axis's own minor ticks would print labels over the code sizes
    axis.legend(fontsize=8)
    fig.tight_layout()
    return fig
