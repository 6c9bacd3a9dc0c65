"""The dense autoencoder: Keras and PyTorch built from one description of its layer widths.

``sizes`` lists the widths from the input to the code, for example
``CLASSIC_SIZES = (784, 128, 32)``; the decoder mirrors them, so the whole model
is ``layer_widths(sizes) = (784, 128, 32, 128, 784)``. Every layer but the last
uses ReLU (the code layer too); the last uses a sigmoid, as the pixels lie in
[0, 1]. The architecture figure of :mod:`aecourse.figures.diagrams` draws the
same widths.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

CLASSIC_SIZES = (784, 128, 32)
"""Layer widths of the classic dense MNIST autoencoder, input to code."""


def check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    """Return ``sizes`` as a tuple of ints, or raise if it is not two or more positive integers."""
    sizes = tuple(sizes)
    if len(sizes) < 2 or not all(isinstance(size, (int, np.integer)) and size > 0 for size in sizes):
        raise ValueError(
            "expected layer widths from input to code, at least two positive integers such as (784, 128, 32); "
            f"found {sizes!r}"
        )
    return tuple(int(size) for size in sizes)


def layer_widths(sizes: Sequence[int]) -> tuple[int, ...]:
    """All layer widths of the autoencoder, input to output: ``(784, 128, 32)`` gives ``(784, 128, 32, 128, 784)``."""
    sizes = check_sizes(sizes)
    return sizes + sizes[-2::-1]


def keras_initialise(model: nn.Module, layer_types: tuple[type[nn.Module], ...] = (nn.Linear,)) -> None:
    """Start every layer of ``layer_types`` in ``model`` as Keras does: Glorot-uniform weights, zero biases.

    The weights are set in place.
    """
    for module in model.modules():
        if isinstance(module, layer_types):
            nn.init.xavier_uniform_(module.weight)  # Glorot uniform, Keras' default kernel initializer
            nn.init.zeros_(module.bias)  # Keras' default bias initializer


def glorot_limit(fan_in: int, fan_out: int) -> float:
    """Bound of Glorot's uniform initialisation: weights are drawn from U(-a, a), a = sqrt(6 / (fan_in + fan_out))."""
    return math.sqrt(6 / (fan_in + fan_out))


def build_dense_keras(sizes: Sequence[int] = CLASSIC_SIZES):
    """Return ``(autoencoder, encoder, decoder)``: three functional Keras models that share their ``Dense`` layers.

    The encoder is the autoencoder's first half; the decoder takes a code input of
    its own and runs it through the autoencoder's second-half layers, so both
    halves compute with the autoencoder's weights once it has been trained.
    """
    import keras

    widths = layer_widths(sizes)
    code_index = len(sizes) - 1
    names = [f"encoder_{n}" for n in range(1, code_index)] + ["code"]
    names += [f"decoder_{n}" for n in range(1, code_index)] + ["reconstruction"]
    layers = [
        keras.layers.Dense(width, activation="sigmoid" if name == "reconstruction" else "relu", name=name)
        for width, name in zip(widths[1:], names, strict=True)
    ]
    inputs = keras.Input(shape=(widths[0],), name="image")
    code = call_in_turn(layers[:code_index], inputs)
    autoencoder = keras.Model(inputs, call_in_turn(layers[code_index:], code), name="autoencoder")
    encoder = keras.Model(inputs, code, name="encoder")
    code_input = keras.Input(shape=(widths[code_index],), name="code_input")
    decoder = keras.Model(code_input, call_in_turn(layers[code_index:], code_input), name="decoder")
    return autoencoder, encoder, decoder


def call_in_turn(layers, tensor):
    """Call each Keras layer on the output of the one before, starting from ``tensor``."""
    for layer in layers:
        tensor = layer(tensor)
    return tensor


def linear_stack(widths: Sequence[int], last_activation: nn.Module) -> list[nn.Module]:
    """``nn.Linear`` layers through ``widths``, each followed by a ReLU except the last, followed by
    ``last_activation``."""
    modules: list[nn.Module] = []
    for width_in, width_out in itertools.pairwise(widths):
        modules += [nn.Linear(width_in, width_out), nn.ReLU()]
    modules[-1] = last_activation
    return modules


class DenseAutoencoder(nn.Module):
    """The dense autoencoder in PyTorch: ``encoder`` and ``decoder`` are ``nn.Sequential`` halves.

    With ``keras_init`` (the default) every ``nn.Linear`` starts as Keras starts a
    ``Dense`` layer: Glorot-uniform weights and zero biases. With ``image_shape``,
    say ``(1, 28, 28)``, the model takes and returns images of that shape and
    flattens them itself. With ``linear_code`` the code layer has no activation,
    so a code can take any real value (a 2-number code drawn on a plane, for example).
    """

    def __init__(
        self, sizes: Sequence[int] = CLASSIC_SIZES, keras_init: bool = True, image_shape=None, linear_code: bool = False
    ):
        super().__init__()
        widths = layer_widths(sizes)
        code_index = len(sizes) - 1
        self.encoder = nn.Sequential(
            *linear_stack(widths[: code_index + 1], nn.Identity() if linear_code else nn.ReLU())
        )
        self.decoder = nn.Sequential(*linear_stack(widths[code_index:], nn.Sigmoid()))
        if image_shape is not None:
            self.encoder.insert(0, nn.Flatten())
            self.decoder.append(nn.Unflatten(1, tuple(image_shape)))
        if keras_init:
            keras_initialise(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))
