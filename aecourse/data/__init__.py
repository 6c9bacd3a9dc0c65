"""The data sets of the course, read from the copy that comes with it, never from the network.

One module per data set; :mod:`aecourse.data.files` finds the folder (the
repository's ``data/``, or the copy inside an installed wheel) and checks every
file against its recorded size and SHA-256 before it is used.
"""

from aecourse.data.corruption import add_gaussian_noise, add_masking_noise
from aecourse.data.files import DATA_ENV_VAR, DataFileError, data_dir
from aecourse.data.mnist import (
    MNIST_ENV_VAR,
    MNIST_SHA256,
    MnistDataError,
    load_mnist,
    mnist_path,
    mnist_tensors,
    scale_pixels,
)

__all__ = [
    "DATA_ENV_VAR",
    "MNIST_ENV_VAR",
    "MNIST_SHA256",
    "DataFileError",
    "MnistDataError",
    "add_gaussian_noise",
    "add_masking_noise",
    "data_dir",
    "load_mnist",
    "mnist_path",
    "mnist_tensors",
    "scale_pixels",
]
