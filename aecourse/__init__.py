"""Helpers shared by the chapters, exercises and tests of the autoencoder course.

Import it once at the top of a notebook::

    import aecourse as course
    course.setup()

Nothing here imports TensorFlow or PyTorch at import time: a chapter pays for
the framework it uses, and only when it uses it.
"""

from aecourse.data import MNIST_SHA256, MnistDataError, load_mnist, mnist_path
from aecourse.environment import seed_everything, setup
from aecourse.devices import pick_device
from aecourse.plotting import PALETTE, show_digits, show_reconstructions
from aecourse.shapes import check_shape

__all__ = [
    "MNIST_SHA256",
    "MnistDataError",
    "PALETTE",
    "check_shape",
    "load_mnist",
    "mnist_path",
    "pick_device",
    "seed_everything",
    "setup",
    "show_digits",
    "show_reconstructions",
]
