"""MNIST from the copy vendored in ``data/mnist.npz``, never from the network."""

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
        path, MNIST_BYTES, MNIST_SHA256, name="MNIST", error=MnistDataError,
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


def mnist_tensors():
    """MNIST training and test images as float32 PyTorch tensors of shape (n, 1, 28, 28) in [0, 1], on the CPU."""
    import torch

    (x_train, _), (x_test, _) = load_mnist()
    return tuple(torch.from_numpy(images.astype(np.float32) / 255).unsqueeze(1) for images in (x_train, x_test))
