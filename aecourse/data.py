"""MNIST from the copy vendored in ``data/``, never from the network."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np

MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
MNIST_BYTES = 11_490_519
MNIST_ENV_VAR = "AECOURSE_MNIST"
_DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "mnist.npz"
_EXPECTED_ARRAYS = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}
_verified: set[Path] = set()


class MnistDataError(ValueError):
    """The MNIST file exists but is not the file the course was written for."""


def mnist_path() -> Path:
    """Where ``load_mnist`` reads from: ``$AECOURSE_MNIST`` if set, else ``data/mnist.npz``."""
    override = os.environ.get(MNIST_ENV_VAR)
    return Path(override).expanduser().resolve() if override else _DEFAULT_PATH


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(path: Path) -> None:
    """Check size and sha256 of ``path`` once per process; raise with what was expected and found."""
    if path in _verified:
        return
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST file not found at {path}. Expected the course's data/mnist.npz "
            f"(sha256 {MNIST_SHA256}); set {MNIST_ENV_VAR} to point to another copy of it."
        )
    size = path.stat().st_size
    if size != MNIST_BYTES:
        raise MnistDataError(
            f"MNIST file {path} is truncated or not the course's file: "
            f"expected {MNIST_BYTES:,} bytes, found {size:,} bytes."
        )
    found = _sha256(path)
    if found != MNIST_SHA256:
        raise MnistDataError(
            f"MNIST file {path} is corrupt: sha256 checksum mismatch, "
            f"expected {MNIST_SHA256}, found {found}."
        )
    _verified.add(path)


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return MNIST exactly as ``keras.datasets.mnist.load_data()`` does, offline.

    ``((x_train, y_train), (x_test, y_test))``: uint8 arrays of shapes
    (60000, 28, 28), (60000,), (10000, 28, 28) and (10000,). Pixels are 0..255,
    labels 0..9. The file's checksum is verified once per process.
    """
    path = mnist_path()
    _verify(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in _EXPECTED_ARRAYS}
    except (KeyError, OSError, ValueError, zipfile.BadZipFile) as error:
        raise MnistDataError(f"MNIST file {path} could not be read as the expected .npz: {error}") from error
    for name, (shape, dtype) in _EXPECTED_ARRAYS.items():
        array = arrays[name]
        if array.shape != shape or array.dtype != dtype:
            raise MnistDataError(
                f"MNIST file {path}: expected {name} of shape {shape} and dtype {np.dtype(dtype).name}, "
                f"found shape {array.shape} and dtype {array.dtype.name}."
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
