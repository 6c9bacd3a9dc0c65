"""Convolution arithmetic measured on the real layers of PyTorch and Keras.

Each ``*_output`` function builds one layer, runs zeros through it and returns
the side of the (square) output, so that a formula can be checked against what
the framework really does. Results are cached: a grid of checks builds each
layer once. PyTorch and Keras are imported on first use only.

Arguments come in the book's order: ``i``, ``k``, then the padding, then ``s``
and the rest. ``p`` is always the number of zeros added on **each** side
(PyTorch's ``padding``); Keras takes ``padding="valid"`` or ``"same"`` in that
place instead. :func:`measured_padding_sides` finds where ``"same"`` puts its
zeros on the real layer.
"""

from __future__ import annotations

import functools
import os
import warnings

import numpy as np

from aecourse.convolution.layout import ConvolutionLayout
from aecourse.convolution.sizes import same_padding


def _check_keras_padding(padding: str) -> str:
    if padding not in ("valid", "same"):
        raise ValueError(f'Keras padding must be "valid" or "same"; found {padding!r}')
    return padding


@functools.cache
def torch_layer(kind: str, k: int, p: int | str = 0, s: int | None = 1, output_padding: int = 0, d: int = 1):
    """One ``torch.nn`` layer with one channel: ``kind`` is ``"conv"``, ``"pool"`` or ``"transpose"``."""
    import torch

    if kind == "conv":
        return torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
    if kind == "pool":
        return torch.nn.MaxPool2d(k, stride=s, padding=p)
    if kind == "transpose":
        return torch.nn.ConvTranspose2d(
            1, 1, k, stride=s, padding=p, output_padding=output_padding, dilation=d, bias=False
        )
    raise ValueError(f'kind must be "conv", "pool" or "transpose"; found {kind!r}')


@functools.cache
def keras_layer(kind: str, k: int, padding: str | int = "valid", s: int | None = 1, output_padding=None, d: int = 1):
    """One ``keras.layers`` layer with one filter: ``kind`` is ``"conv"``, ``"pool"`` or ``"transpose"``.

    For ``"conv"``, an int ``padding`` p gives ``ZeroPadding2D(p)`` then a ``"valid"`` Conv2D.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    from keras import layers

    if kind == "conv":
        if isinstance(padding, int):  # p zeros on each side, then an unpadded convolution
            return keras.Sequential(
                [layers.ZeroPadding2D(padding), layers.Conv2D(1, k, strides=s, padding="valid", dilation_rate=d)]
            )
        return layers.Conv2D(1, k, strides=s, padding=padding, dilation_rate=d, use_bias=False)
    if kind == "pool":
        return layers.MaxPooling2D(k, strides=s, padding=padding)
    if kind == "transpose":
        return layers.Conv2DTranspose(
            1, k, strides=s, padding=padding, output_padding=output_padding, dilation_rate=d, use_bias=False
        )
    raise ValueError(f'kind must be "conv", "pool" or "transpose"; found {kind!r}')


def _torch_side(layer, i: int) -> int:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny layer runs many times faster on one thread than on several
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return int(layer(torch.zeros(1, 1, i, i)).shape[-1])
    finally:
        torch.set_num_threads(threads)


def _keras_side(layer, i: int) -> int:
    return int(layer(np.zeros((1, i, i, 1), dtype="float32")).shape[1])


# A layer's output size depends on its settings and the input size only, so each
# layer is built once per setting and run on every input size asked for.


@functools.cache
def torch_conv_output(i: int, k: int, p: int | str = 0, s: int = 1, d: int = 1) -> int:
    """Output side of ``torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)`` on an i × i input."""
    return _torch_side(torch_layer("conv", k, p, s, d=d), i)


@functools.cache
def keras_conv_output(i: int, k: int, padding: str | int = "valid", s: int = 1, d: int = 1) -> int:
    """Output side of ``keras.layers.Conv2D(1, k, strides=s, padding=padding, dilation_rate=d)`` on i × i.

    ``padding`` is ``"valid"``, ``"same"``, or an int ``p``: ``ZeroPadding2D(p)`` then a ``"valid"`` Conv2D.
    """
    if not isinstance(padding, int):
        padding = _check_keras_padding(padding)
    return _keras_side(keras_layer("conv", k, padding, s, d=d), i)


@functools.cache
def torch_pool_output(i: int, k: int, p: int = 0, s: int | None = None) -> int:
    """Output side of ``torch.nn.MaxPool2d(k, stride=s, padding=p)`` (floor mode) on an i × i input."""
    return _torch_side(torch_layer("pool", k, p, s), i)


@functools.cache
def keras_pool_output(i: int, k: int, padding: str = "valid", s: int | None = None) -> int:
    """Output side of ``keras.layers.MaxPooling2D(k, strides=s, padding=padding)`` on an i × i input."""
    return _keras_side(keras_layer("pool", k, _check_keras_padding(padding), s), i)


@functools.cache
def torch_conv_transpose_output(i: int, k: int, p: int = 0, s: int = 1, output_padding: int = 0, d: int = 1) -> int:
    """Output side of ``torch.nn.ConvTranspose2d(1, 1, k, s, p, output_padding, dilation=d)`` on i × i."""
    return _torch_side(torch_layer("transpose", k, p, s, output_padding, d), i)


@functools.cache
def keras_conv_transpose_output(
    i: int, k: int, padding: str = "valid", s: int = 1, output_padding: int | None = None, d: int = 1
) -> int:
    """Output side of ``keras.layers.Conv2DTranspose(1, k, s, padding, output_padding, dilation_rate=d)`` on i × i."""
    return _keras_side(keras_layer("transpose", k, _check_keras_padding(padding), s, output_padding, d), i)


def compare_conv(formula: int, i: int, k: int, p: int = 0, s: int = 1, d: int = 1, keras_padding=None) -> int:
    """Assert that torch.nn.Conv2d and keras.layers.Conv2D both give ``formula``; print the three sizes.

    PyTorch gets ``padding=p``; Keras gets ``keras_padding`` (default: ``"valid"`` when
    p = 0, else ``ZeroPadding2D(p)`` before a ``"valid"`` Conv2D). Returns the size.
    """
    if keras_padding is None:
        keras_padding = "valid" if p == 0 else p
    torch_size = torch_conv_output(i, k, p, s, d)
    keras_size = keras_conv_output(i, k, keras_padding, s, d)
    keras_name = (
        f"ZeroPadding2D({keras_padding}) + Conv2D"
        if isinstance(keras_padding, int)
        else f"Conv2D(padding={keras_padding!r})"
    )
    print(f"formula: {formula}   torch.nn.Conv2d(padding={p!r}): {torch_size}   keras {keras_name}: {keras_size}")
    if not formula == torch_size == keras_size:
        raise AssertionError(
            f"i={i}, k={k}, p={p}, s={s}, d={d}: formula {formula}, PyTorch {torch_size}, Keras {keras_size}"
        )
    return formula


def _keras_same_conv(values: np.ndarray, kernel: np.ndarray, s: int, d: int) -> np.ndarray:
    import keras

    k = kernel.shape[0]
    layer = keras.layers.Conv2D(1, k, strides=s, padding="same", dilation_rate=d, use_bias=False)
    layer.build((1, *values.shape, 1))
    layer.set_weights([kernel.reshape(k, k, 1, 1)])
    return np.asarray(layer(values[None, :, :, None].astype("float32")))[0, :, :, 0]


def _torch_same_conv(values: np.ndarray, kernel: np.ndarray, s: int, d: int) -> np.ndarray:
    import torch

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = torch.nn.functional.conv2d(
            torch.tensor(values[None, None], dtype=torch.float64),
            torch.tensor(kernel[None, None], dtype=torch.float64),
            stride=s,
            padding="same",
            dilation=d,
        )
    return result[0, 0].numpy()


def measured_padding_sides(
    framework: str, i: int, k: int, s: int = 1, d: int = 1, seed: int = 0
) -> list[tuple[int, int]]:
    """Splits (before, after) of the ``padding="same"`` zeros that reproduce the real layer's result.

    ``framework`` is ``"keras"`` (``Conv2D``) or ``"torch"`` (``F.conv2d``, stride 1 only).
    Random input and kernel values are convolved by the framework and by NumPy with
    every split of the total padding; the splits whose results match are returned.
    When the input is at least as large as the dilated kernel, exactly one split matches;
    on smaller inputs some zeros are never read and several splits can match.
    """
    run = {"keras": _keras_same_conv, "torch": _torch_same_conv}.get(framework)
    if run is None:
        raise ValueError(f'framework must be "keras" or "torch"; found {framework!r}')
    generator = np.random.default_rng(seed)
    values = generator.integers(1, 10, size=(i, i)).astype(float)
    kernel = generator.integers(1, 10, size=(k, k)).astype(float)
    found = run(values, kernel, s, d)
    total = sum(same_padding(i, k, s, d))
    matches = []
    for before in range(total + 1):
        layout = ConvolutionLayout(i, k, padding=(before, total - before), stride=s, dilation=d)
        expected = layout.output(values, kernel)
        if expected.shape == found.shape and np.allclose(expected, found):
            matches.append((before, total - before))
    return matches
