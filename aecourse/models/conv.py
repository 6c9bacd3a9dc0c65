"""The convolutional autoencoder for MNIST in PyTorch and its Keras twin, and the keras.io denoiser with its PyTorch
twin.

The PyTorch model runs on whatever device it is moved to; training is
:func:`aecourse.training.train_autoencoder`. Keras is imported only by the
functions that build Keras models.
"""

from __future__ import annotations

import torch
from torch import nn

from aecourse.models.dense import keras_initialise

IMAGE_SHAPE = (1, 28, 28)
"""One MNIST image as PyTorch's convolutions take it: (channels, height, width)."""


class ConvAutoencoder(nn.Module):
    """28x28 images → a code of ``code_size`` numbers (code_size x 1 x 1; 64 by default) → 28x28 images in [0, 1].

    The encoder halves the image twice with stride-2 convolutions (28 → 14 → 7),
    then a 7x7 convolution without padding reads the whole 7x7 map into one
    1x1 pixel of ``code_size`` channels: the code. The decoder mirrors it with
    transposed convolutions (1 → 7 → 14 → 28) and ends with a sigmoid, as the
    pixels do in [0, 1]. The weights are stored channels-last, the layout the
    CPU's convolution kernels are fastest with; inputs may come in either layout.
    """

    def __init__(self, code_size: int = 64) -> None:
        super().__init__()
        self.code_shape = (code_size, 1, 1)
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),  # 28x28 → 14x14
            nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1),  # 14x14 → 7x7
            nn.ReLU(),
            nn.Conv2d(32, code_size, kernel_size=7),  # 7x7 → 1x1: the code
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(code_size, 32, kernel_size=7),  # 1x1 → 7x7
            nn.ReLU(),
            nn.ConvTranspose2d(32, 16, kernel_size=3, stride=2, padding=1, output_padding=1),  # 7 → 14
            nn.ReLU(),
            nn.ConvTranspose2d(16, 1, kernel_size=3, stride=2, padding=1, output_padding=1),  # 14 → 28
            nn.Sigmoid(),
        )
        self.to(memory_format=torch.channels_last)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(images))


def build_conv_keras(code_size: int = 64):
    """The same model in Keras (channels last): same layers, output shapes and parameter count."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(inputs)  # 14x14x16
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)  # 7x7x32
    code = layers.Conv2D(code_size, 7, padding="valid", name="code")(x)  # 1x1 x code_size
    x = layers.Conv2DTranspose(32, 7, padding="valid", activation="relu")(code)  # 7x7x32
    x = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(x)  # 14x14x16
    outputs = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(x)  # 28x28x1
    return keras.Model(inputs, outputs, name="conv_autoencoder")


class DenoisingAutoencoder(nn.Module):
    """The PyTorch twin of :func:`build_keras_tutorial_autoencoder`: the keras.io denoiser, layer for layer.

    Two 3x3 convolutions with 2x2 max pooling give a 32x7x7 code (1,568 numbers,
    twice the 784 pixels); two stride-2 transposed convolutions and a 3x3
    convolution with a sigmoid give the image back. Weights start as Keras
    starts them (Glorot-uniform, zero biases), and are stored channels-last,
    the layout the CPU's convolution kernels are fastest with.
    """

    code_shape = (32, 7, 7)

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 32x14x14
            nn.Conv2d(32, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 32x7x7: the code
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(32, 32, kernel_size=3, stride=2, padding=1, output_padding=1),
            nn.ReLU(),  # 32x14x14
            nn.ConvTranspose2d(32, 32, kernel_size=3, stride=2, padding=1, output_padding=1),
            nn.ReLU(),  # 32x28x28
            nn.Conv2d(32, 1, kernel_size=3, padding=1),
            nn.Sigmoid(),  # 1x28x28
        )
        keras_initialise(self, (nn.Conv2d, nn.ConvTranspose2d))
        self.to(memory_format=torch.channels_last)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(images))


def build_keras_tutorial_autoencoder():
    """The convolutional denoising autoencoder of the keras.io examples (28,353 parameters).

    Its code, the output of the second pooling layer (named ``"code"`` here),
    is a 7x7x32 map: 1,568 numbers for a 784-pixel image.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(x)
    x = layers.MaxPooling2D(2, padding="same", name="code")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same")(x)
    outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
    return keras.Model(inputs, outputs, name="keras_tutorial_autoencoder")
