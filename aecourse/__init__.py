"""Helpers shared by the chapters, exercises and tests of the autoencoder course.

Import it once at the top of a notebook::

    import aecourse as course
    course.setup()

The names below are the ones every chapter needs. The rest is organised by job,
each in its own module: ``data`` (the data sets), ``models`` (the autoencoders,
Keras and PyTorch side by side), ``training`` (the training loop),
``inspection`` (layer tables and parameter counts), ``probing`` (what an answer
did: its devices, batches, calls and the names it read), ``metrics``,
``convolution`` (size formulas, geometry, sizes measured on real layers) and
``figures``. Importing this package loads neither TensorFlow nor PyTorch: a
chapter pays for the framework it uses, and only when it uses it.
"""

from aecourse.data import MNIST_SHA256, MnistDataError, load_mnist, mnist_path
from aecourse.devices import device_name, pick_device
from aecourse.environment import seed_everything, setup
from aecourse.figures.digits import show_digits, show_reconstructions
from aecourse.figures.style import PALETTE
from aecourse.inspection import check_shape

__all__ = [
    "MNIST_SHA256",
    "MnistDataError",
    "PALETTE",
    "check_shape",
    "device_name",
    "load_mnist",
    "mnist_path",
    "pick_device",
    "seed_everything",
    "setup",
    "show_digits",
    "show_reconstructions",
]
