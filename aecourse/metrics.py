"""Numbers that say how good a reconstruction or a code is, on NumPy arrays.

Edge contrast (how sharp reconstructions are), dead code units, and the
principal angles between subspaces (how close an autoencoder's code space is to
PCA's). The mean squared error of a PyTorch model is
:func:`aecourse.training.reconstruction_mse`.
"""

from __future__ import annotations

import math

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
        raise ValueError(f"expected an n x k matrix with n >= k whose columns span a subspace; found shape {matrix.shape}")
    basis, _ = np.linalg.qr(matrix)
    return basis


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
