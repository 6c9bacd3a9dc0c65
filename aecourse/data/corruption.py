"""Corrupted copies of images for denoising: additive Gaussian noise and masking noise.

Both take images as a NumPy array (or anything ``numpy.asarray`` accepts) of
floats in [0, 1], of any shape, and return a new array of the same shape and
dtype, clipped to [0, 1]; the input is never modified. The same ``seed`` gives
the same corruption, different seeds give different ones.
"""

from __future__ import annotations

import math

import numpy as np


def check_images(images) -> np.ndarray:
    """``images`` as a NumPy array of floats, or a ValueError (integer pixels must be scaled to [0, 1] first)."""
    images = np.asarray(images)
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"expected images as floats in [0, 1]; found dtype {images.dtype} (divide uint8 pixels by 255 first)"
        )
    return images


def check_level(value, name: str, upper: float = math.inf) -> float:
    """``value`` as a float in [0, upper], or a ValueError that names ``name``, the bounds and the value found."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(  # noqa: TRY004 -- one exception type for every bad level, so callers catch one
            f"expected {name} to be a number; found {value!r} of type {type(value).__name__}"
        )
    if not (math.isfinite(value) and 0 <= value <= upper):
        bounds = f"between 0 and {upper:g}" if math.isfinite(upper) else "a finite number >= 0"
        raise ValueError(f"expected {name} {bounds}; found {value!r}")
    return float(value)


def add_gaussian_noise(images, noise_factor: float, seed: int) -> np.ndarray:
    """``images + noise_factor * N(0, 1)`` per pixel, clipped to [0, 1] (the keras.io denoising recipe)."""
    images = check_images(images)
    noise_factor = check_level(noise_factor, "noise_factor")
    noise = np.random.default_rng(seed).standard_normal(images.shape)
    return np.clip(images + noise_factor * noise, 0.0, 1.0).astype(images.dtype)


def add_masking_noise(images, fraction: float, seed: int) -> np.ndarray:
    """Set a random ``fraction`` of the pixels of each image to 0 (Vincent et al.'s masking noise)."""
    images = check_images(images)
    fraction = check_level(fraction, "fraction", upper=1.0)
    keep = np.random.default_rng(seed).random(images.shape) >= fraction
    return np.where(keep, images, 0).astype(images.dtype)
