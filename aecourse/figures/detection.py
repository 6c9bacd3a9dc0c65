"""What an anomaly score is worth, drawn: the ROC curve and the two distributions of errors."""

from __future__ import annotations

import numpy as np

from aecourse.figures.style import PALETTE


def plot_roc(curves: dict[str, tuple[np.ndarray, np.ndarray]], marker: tuple[float, float, str] | None = None):
    """One ROC curve per entry of ``curves`` (label → (false positive rates, true positive rates)); return the figure.

    ``marker`` = (false positive rate, true positive rate, label) marks one operating point, such as a chosen threshold.
    """
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(4.6, 4.2))
    colours = [PALETTE[name] for name in ("blue", "orange", "green", "purple")]
    for (label, (false_positive_rate, true_positive_rate)), colour in zip(curves.items(), colours, strict=False):
        axis.plot(false_positive_rate, true_positive_rate, color=colour, label=label)
    axis.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance")
    if marker is not None:
        axis.plot(marker[0], marker[1], "o", color=PALETTE["vermillion"], label=marker[2])
    axis.set(
        xlabel="false positive rate (normal images flagged)",
        ylabel="true positive rate (anomalies flagged)",
        xlim=(0, 1),
        ylim=(0, 1.01),
    )
    axis.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_error_histograms(normal: np.ndarray, anomalous: np.ndarray, threshold: float | None = None, bins: int = 60):
    """Histograms of the errors of normal and anomalous images on a log axis, each as fractions of its images."""
    import matplotlib.pyplot as plt

    normal, anomalous = np.asarray(normal), np.asarray(anomalous)
    low, high = min(normal.min(), anomalous.min()), max(normal.max(), anomalous.max())
    edges = np.geomspace(max(low, 1e-6), high, bins + 1)
    fig, axis = plt.subplots(figsize=(6.4, 3.2))
    for errors, colour, label in [
        (normal, "blue", "normal (the trained digit)"),
        (anomalous, "orange", "anomalies (other digits)"),
    ]:
        axis.hist(
            errors,
            bins=edges,
            weights=np.full(len(errors), 1 / len(errors)),
            alpha=0.6,
            color=PALETTE[colour],
            label=label,
        )
    if threshold is not None:
        axis.axvline(threshold, color=PALETTE["vermillion"], linestyle="--", label="threshold")
    axis.set(xscale="log", xlabel="reconstruction error (MSE per image)", ylabel="fraction of the images")
    axis.legend(fontsize=8)
    fig.tight_layout()
    return fig
