"""Numbers that say how good a reconstruction, a code or a detector is, on NumPy arrays.

Per-image squared error and PSNR (how close a denoised image is to the clean
one), edge contrast (how sharp reconstructions are), dead code units, the
principal angles between subspaces (how close an autoencoder's code space is to
PCA's), and what an anomaly score is worth: ROC curve, its area, a threshold
from the training errors and the counts of a detector at that threshold. The mean squared error of a PyTorch model is
:func:`aecourse.training.reconstruction_mse`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def gradient_magnitude(images) -> np.ndarray:
    """Per-pixel size of the brightness gradient, sqrt(d_row^2 + d_col^2), of (n, h, w) or flattened square images.

    Derivatives are central differences (one-sided at the border), as ``numpy.gradient`` takes them.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"expected flattened square images (n, side*side); found shape {images.shape}")
        images = images.reshape(-1, side, side)
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (n, h, w) or (n, h*w); found shape {images.shape}")
    rows, columns = np.gradient(images, axis=(1, 2))
    return np.hypot(rows, columns)


def edge_contrast(originals, reconstructions, threshold: float = 0.25) -> float:
    """Share of the originals' edge steepness that the reconstructions keep (1 = as sharp, less = blurred).

    Edge pixels are those where the original's gradient magnitude exceeds ``threshold``;
    the result is the sum of the reconstructions' gradient magnitude over those pixels
    divided by the originals' sum there.
    """
    original_gradient = gradient_magnitude(originals)
    reconstructed_gradient = gradient_magnitude(reconstructions)
    if original_gradient.shape != reconstructed_gradient.shape:
        raise ValueError(
            f"originals and reconstructions must have the same shape; found {original_gradient.shape} "
            f"and {reconstructed_gradient.shape}"
        )
    edges = original_gradient > threshold
    if not edges.any():
        raise ValueError(f"no pixel of the originals has a gradient magnitude above {threshold}")
    return float(reconstructed_gradient[edges].sum() / original_gradient[edges].sum())


def dead_units(codes) -> int:
    """How many code units are zero for every input: ReLU units that no longer pass any signal."""
    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise ValueError(f"expected codes of shape (n, code_size); found shape {codes.shape}")
    return int((codes.max(axis=0) <= 0).sum())


def orthonormal_basis(matrix) -> np.ndarray:
    """An orthonormal basis of the column space of a full-rank n x k matrix (n >= k), from a QR decomposition."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] < matrix.shape[1]:
        raise ValueError(
            f"expected an n x k matrix with n >= k whose columns span a subspace; found shape {matrix.shape}"
        )
    basis, _ = np.linalg.qr(matrix)
    return basis


def pca_subspace(x, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(mean, basis)``: the mean of the rows of x (n_samples x n_features) and an n_features x k orthonormal basis of
    its top-k principal subspace."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or not 1 <= k <= min(x.shape):
        raise ValueError(
            f"expected an (n_samples, n_features) array and 1 <= k <= {min(x.shape) if x.ndim == 2 else '?'}; "
            f"found shape {x.shape} and k={k}"
        )
    mean = x.mean(axis=0)
    _, _, right_vectors = np.linalg.svd(x - mean, full_matrices=False)
    return mean, right_vectors[:k].T


def pca_reconstruction(x, mean: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """The rows of x projected onto the affine subspace ``mean + span(basis)`` and back: PCA's reconstruction."""
    centred = np.asarray(x, dtype=np.float64) - mean
    return mean + centred @ basis @ basis.T


def principal_angles(a, b) -> np.ndarray:
    """Principal angles, in radians and increasing, between the column spaces of a and b (both n x k)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(f"expected two n x k matrices of the same shape; found shapes {a.shape} and {b.shape}")
    cosines = np.linalg.svd(orthonormal_basis(a).T @ orthonormal_basis(b), compute_uv=False)
    return np.arccos(np.clip(cosines, -1.0, 1.0))  # singular values come largest first: angles increase


def projection_distance(a, b) -> float:
    """Spectral norm of the difference of the orthogonal projections onto the column spaces of a and b."""
    qa, qb = orthonormal_basis(a), orthonormal_basis(b)
    return float(np.linalg.norm(qa @ qa.T - qb @ qb.T, ord=2))


def _same_shape_images(references, images) -> tuple[np.ndarray, np.ndarray]:
    references, images = np.asarray(references, dtype=np.float64), np.asarray(images, dtype=np.float64)
    if references.shape != images.shape or references.ndim < 2:
        raise ValueError(
            f"expected two stacks of images of the same shape (n, ...); found {references.shape} and {images.shape}"
        )
    return references.reshape(len(references), -1), images.reshape(len(images), -1)


def image_mse(references, images) -> np.ndarray:
    """Mean squared error of each image against its reference, over its pixels: one number per image."""
    references, images = _same_shape_images(references, images)
    return ((images - references) ** 2).mean(axis=1)


def psnr(references, images, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB, 10 log10(peak^2 / MSE), of each image against its reference, averaged.

    An image equal to its reference has an infinite PSNR; such images are counted
    at 100 dB (an MSE of 1e-10 with pixels in [0, 1]), so that the average stays finite.
    """
    errors = np.maximum(image_mse(references, images), peak**2 * 1e-10)
    return float(np.mean(10 * np.log10(peak**2 / errors)))


def check_scores_and_labels(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    """Scores as finite floats and labels as booleans (True: anomaly), or a ValueError that says what is wrong."""
    scores, labels = np.asarray(scores, dtype=np.float64).ravel(), np.asarray(labels).ravel()
    if len(scores) != len(labels):
        raise ValueError(f"expected one label per score; found {len(scores)} scores and {len(labels)} labels")
    if not np.isfinite(scores).all():
        raise ValueError(f"expected finite scores; found {int((~np.isfinite(scores)).sum())} NaN or infinite")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(f"expected labels 0 (normal) and 1 (anomaly); found values {np.unique(labels)[:5]}")
    labels = labels.astype(bool)
    if labels.all() or not labels.any():
        raise ValueError(
            f"expected both normal (0) and anomalous (1) examples; all {len(labels)} labels are {int(labels[0])}"
        )
    return scores, labels


def roc_auc(scores, labels) -> float:
    """Area under the ROC curve: the chance that an anomaly (label 1) scores higher than a normal example (label 0).

    Ties count one half, as in the Mann-Whitney U statistic: AUC = U / (n_anomalies * n_normal),
    computed from the mid-ranks of all the scores.
    """
    scores, labels = check_scores_and_labels(scores, labels)
    order = np.argsort(scores, kind="stable")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores))
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], len(scores)]
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2  # mid-rank of a run of ties, ranks counted from 1
    positives, negatives = int(labels.sum()), int((~labels).sum())
    u_statistic = ranks[labels].sum() - positives * (positives + 1) / 2
    return float(u_statistic / (positives * negatives))


def roc_curve(scores, labels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(false_positive_rate, true_positive_rate, thresholds)``: flagging every score >= a threshold, for each distinct
    score.

    The curve starts at (0, 0) (threshold +inf) and ends at (1, 1).
    """
    scores, labels = check_scores_and_labels(scores, labels)
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_labels = scores[order], labels[order]
    last_of_each_score = np.r_[np.flatnonzero(sorted_scores[1:] != sorted_scores[:-1]), len(scores) - 1]
    true_positives = np.r_[0, np.cumsum(sorted_labels)[last_of_each_score]]
    false_positives = np.r_[0, np.cumsum(~sorted_labels)[last_of_each_score]]
    thresholds = np.r_[np.inf, sorted_scores[last_of_each_score]]
    return false_positives / (~labels).sum(), true_positives / labels.sum(), thresholds


def percentile_threshold(errors, percentile: float) -> float:
    """The threshold below which ``percentile`` percent of the (training) errors lie, interpolated as NumPy does."""
    errors = np.asarray(errors, dtype=np.float64).ravel()
    if errors.size == 0 or not np.isfinite(errors).all():
        raise ValueError(f"expected a non-empty set of finite errors; found {errors.size} values, some NaN or infinite")
    if not 0 <= percentile <= 100:
        raise ValueError(f"expected a percentile between 0 and 100; found {percentile!r}")
    return float(np.percentile(errors, percentile))


@dataclass(frozen=True)
class DetectionCounts:
    """A detector's confusion matrix at one threshold: anomalies flagged (tp) or missed (fn), normals flagged (fp) or
    kept (tn)."""

    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        """Of the flagged examples, the fraction that are anomalies (NaN when nothing is flagged)."""
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else math.nan

    @property
    def recall(self) -> float:
        """Of the anomalies, the fraction flagged."""
        return self.true_positives / (self.true_positives + self.false_negatives)

    @property
    def false_positive_rate(self) -> float:
        """Of the normal examples, the fraction flagged."""
        return self.false_positives / (self.false_positives + self.true_negatives)

    def matrix(self) -> np.ndarray:
        """Rows: true class (normal, anomaly); columns: decision (kept, flagged)."""
        return np.array([[self.true_negatives, self.false_positives], [self.false_negatives, self.true_positives]])


def detection_counts(scores, labels, threshold: float) -> DetectionCounts:
    """Flag every example whose score is above ``threshold`` and count the four outcomes against ``labels``."""
    scores, labels = check_scores_and_labels(scores, labels)
    flagged = scores > threshold
    return DetectionCounts(
        true_positives=int((flagged & labels).sum()),
        false_positives=int((flagged & ~labels).sum()),
        false_negatives=int((~flagged & labels).sum()),
        true_negatives=int((~flagged & ~labels).sum()),
    )


def rmse(predictions, targets) -> float:
    """Root mean squared error between predicted and true ratings (two arrays of the same length)."""
    predictions, targets = np.asarray(predictions, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    if predictions.shape != targets.shape or predictions.size == 0:
        raise ValueError(
            f"expected two non-empty arrays of the same shape; found {predictions.shape} and {targets.shape}"
        )
    return float(np.sqrt(np.mean((predictions - targets) ** 2)))
