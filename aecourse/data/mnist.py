"""MNIST from the course's own copy (``data/mnist.npz`` of the repository, inside the package of a wheel), never from
the network."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from aecourse.data.files import DATA_ENV_VAR, DataFileError, data_dir, verify_file

MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
MNIST_BYTES = 11_490_519
MNIST_ENV_VAR = "AECOURSE_MNIST"
EXPECTED_ARRAYS = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}


KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
"""The checksum Keras' ``load_data`` expects of the file it downloads: a different file holding the same arrays."""
PUBLISHED_LABEL_COUNTS = {
    "train": (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949),
    "test": (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009),
}
"""How many images of each digit 0-9 the standard MNIST training and test sets hold."""
PUBLISHED_FIRST_LABELS = {"train": (5, 0, 4, 1, 9, 2, 1, 3, 1, 4), "test": (7, 2, 1, 0, 4, 1, 4, 9, 5, 9)}
"""The first ten labels of the standard training and test sets, in their standard order."""
PUBLISHED_PIXEL_STATS = (0.1307, 0.3081)
"""Mean and standard deviation of the training pixels scaled to [0, 1], the values MNIST tutorials normalise with."""


class MnistDataError(DataFileError):
    """The MNIST file exists but is not the file the course was written for."""


def mnist_path() -> Path:
    """Where ``load_mnist`` reads from: ``$AECOURSE_MNIST`` if set, else ``mnist.npz`` in the data folder."""
    override = os.environ.get(MNIST_ENV_VAR)
    return Path(override).expanduser().resolve() if override else data_dir() / "mnist.npz"


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return MNIST exactly as ``keras.datasets.mnist.load_data()`` does, offline.

    ``((x_train, y_train), (x_test, y_test))``: uint8 arrays of shapes
    (60000, 28, 28), (60000,), (10000, 28, 28) and (10000,). Pixels are 0..255,
    labels 0..9. The file's checksum is verified once per process.
    """
    path = mnist_path()
    verify_file(
        path,
        MNIST_BYTES,
        MNIST_SHA256,
        name="MNIST",
        error=MnistDataError,
        hint=f"Set {MNIST_ENV_VAR} to another copy of the course's data/mnist.npz, or {DATA_ENV_VAR} to its folder.",
    )
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in EXPECTED_ARRAYS}
    except (KeyError, OSError, ValueError, zipfile.BadZipFile) as error:
        raise MnistDataError(f"MNIST file {path} could not be read as the expected .npz: {error}") from error
    for name, (shape, dtype) in EXPECTED_ARRAYS.items():
        array = arrays[name]
        if array.shape != shape or array.dtype != dtype:
            raise MnistDataError(
                f"MNIST file {path}: expected {name} of shape {shape} and dtype {np.dtype(dtype).name}, "
                f"found shape {array.shape} and dtype {array.dtype.name}."
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


PIXEL_LAYOUTS = {"images": "(n, height, width)", "flat": "(n, height * width)", "channels": "(n, 1, height, width)"}
"""The shapes :func:`scale_pixels` gives: as loaded, one row per image for a dense model, with PyTorch's channel axis.

"""


def scale_pixels(images, layout: str = "images", dtype=np.float32) -> np.ndarray:
    """MNIST's uint8 pixels 0..255 as floats in [0, 1] (divided by 255), in the ``layout`` the model takes.

    ``images`` is a uint8 array of shape (n, height, width), as :func:`load_mnist`
    returns it. ``layout`` is "images" (the same shape), "flat" (one row of
    height * width pixels per image, read row by row: a dense model's input) or
    "channels" (PyTorch's (n, 1, height, width)). The result is a new float32
    array (``dtype`` for another float type); ``torch.from_numpy`` makes a tensor
    of it without a copy.
    """
    images = np.asarray(images)
    if layout not in PIXEL_LAYOUTS:
        raise ValueError(f"layout must be one of {sorted(PIXEL_LAYOUTS)}; found {layout!r}")
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            "expected uint8 images of shape (n, height, width) with pixels 0..255, as load_mnist returns them; "
            f"found dtype {images.dtype} and shape {images.shape}"
        )
    scaled = images.astype(dtype) / np.asarray(255, dtype=dtype)
    if layout == "flat":
        return scaled.reshape(len(scaled), -1)
    return scaled[:, None] if layout == "channels" else scaled


def mnist_tensors():
    """MNIST training and test images as float32 PyTorch tensors of shape (n, 1, 28, 28) in [0, 1], on the CPU."""
    import torch

    (x_train, _), (x_test, _) = load_mnist()
    return tuple(torch.from_numpy(scale_pixels(images, "channels")) for images in (x_train, x_test))
