"""The course's models: the dense twins from one description of their widths, the convolutional twins, the linear
autoencoder."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aecourse import inspection
from aecourse.models import conv, dense, linear


@pytest.mark.parametrize("sizes", [dense.CLASSIC_SIZES, (100, 50, 20, 10)])
def test_dense_twins_have_the_same_layers(sizes):
    """Do the Keras and PyTorch dense autoencoders have the same widths and parameter count, given the same sizes?"""
    keras_model, _, _ = dense.build_dense_keras(sizes)
    torch_model = dense.DenseAutoencoder(sizes)
    widths = dense.layer_widths(sizes)
    keras_widths = [row.output_shape[-1] for row in inspection.keras_layer_table(keras_model)]
    torch_widths = [
        row.output_shape[-1] for row in inspection.torch_layer_table(torch_model, (2, sizes[0])) if row.parameters
    ]
    assert tuple(keras_widths) == widths and (sizes[0], *torch_widths) == widths
    count = inspection.dense_parameter_count(widths)
    assert inspection.count_parameters(keras_model) == inspection.count_parameters(torch_model) == count


def test_keras_halves_share_the_autoencoders_layers():
    """Is decoder(encoder(x)) exactly autoencoder(x), and does the encoder end at the code?"""
    autoencoder, encoder, decoder = dense.build_dense_keras((20, 8, 3))
    x = np.random.default_rng(0).random((4, 20), dtype=np.float32)
    codes = np.asarray(encoder(x))
    assert codes.shape == (4, 3)
    assert np.allclose(np.asarray(decoder(codes)), np.asarray(autoencoder(x)), atol=1e-6)
    assert autoencoder.count_params() == encoder.count_params() + decoder.count_params()


def test_torch_twin_is_initialised_as_keras():
    """Does keras_init give Glorot-bounded weights and zero biases, and keras_init=False PyTorch's own?"""
    twin, default = dense.DenseAutoencoder(), dense.DenseAutoencoder(keras_init=False)
    for glorot, own in zip(
        [m for m in twin.modules() if isinstance(m, torch.nn.Linear)],
        [m for m in default.modules() if isinstance(m, torch.nn.Linear)],
        strict=True,
    ):
        limit = dense.glorot_limit(glorot.in_features, glorot.out_features)
        assert glorot.weight.abs().max() <= limit and not glorot.bias.any()
        assert own.bias.abs().max() > 0


def test_dense_model_on_images_flattens_itself():
    """With image_shape, does the dense model take and return image batches?"""
    model = dense.DenseAutoencoder((784, 64, 16), image_shape=conv.IMAGE_SHAPE)
    with torch.no_grad():
        assert tuple(model(torch.zeros(3, *conv.IMAGE_SHAPE)).shape) == (3, *conv.IMAGE_SHAPE)
        assert tuple(model.encoder(torch.zeros(3, *conv.IMAGE_SHAPE)).shape) == (3, 16)


def test_bad_widths_are_refused():
    """Do widths that are not two or more positive integers raise a ValueError naming them?"""
    with pytest.raises(ValueError, match=r"found \(784,\)"):
        dense.layer_widths((784,))
    with pytest.raises(ValueError, match="found"):
        dense.DenseAutoencoder((784, 0, 32))


def test_conv_twins_agree_layer_by_layer():
    """Do the PyTorch ConvAutoencoder and its Keras twin give the same shapes and parameters, 210,369 in all?"""
    model = conv.ConvAutoencoder()
    rows = inspection.compare_torch_keras(model, conv.build_conv_keras(), (1, *conv.IMAGE_SHAPE))
    assert [shape for _, _, shape in rows][2] == (None, *model.code_shape)
    assert inspection.count_parameters(model) == 210_369


def test_tutorial_model_keeps_a_code_larger_than_its_input():
    """Is the keras.io tutorial's code 7 x 7 x 32 = 1,568 numbers?"""
    model = conv.build_keras_tutorial_autoencoder()
    assert tuple(model.get_layer("code").output.shape[1:]) == (7, 7, 32)


def test_denoiser_twins_agree_layer_by_layer():
    """Do the PyTorch DenoisingAutoencoder and the keras.io model give the same shapes and 28,353 parameters?"""
    model = conv.DenoisingAutoencoder()
    inspection.compare_torch_keras(model, conv.build_keras_tutorial_autoencoder(), (1, *conv.IMAGE_SHAPE))
    assert inspection.count_parameters(model) == 28_353
    assert tuple(model.encoder(torch.zeros(2, *conv.IMAGE_SHAPE)).shape[1:]) == model.code_shape


def test_linear_gradients_match_autograd():
    """Do the linear autoencoder's loss and gradients equal PyTorch autograd of the per-example MSE?"""
    rng = np.random.default_rng(0)
    data = rng.normal(size=(50, 6))
    data -= data.mean(axis=0)
    covariance = data.T @ data / len(data)
    encoder, decoder = rng.normal(size=(2, 6)), rng.normal(size=(6, 2))
    e, d = torch.tensor(encoder, requires_grad=True), torch.tensor(decoder, requires_grad=True)
    x = torch.from_numpy(data)
    loss = torch.nn.functional.mse_loss(x @ e.T @ d.T, x)
    loss.backward()
    encoder_gradient, decoder_gradient = linear.linear_autoencoder_gradients(covariance, encoder, decoder)
    assert np.isclose(linear.linear_autoencoder_loss(covariance, encoder, decoder), loss.item())
    assert np.allclose(encoder_gradient, e.grad.numpy()) and np.allclose(decoder_gradient, d.grad.numpy())


def test_code_sizes_are_chosen_by_argument():
    """Do the dense, convolutional and linear models give codes of the size asked for, the dense one linear on
    request?"""
    images = torch.rand(3, 1, 28, 28)
    assert conv.ConvAutoencoder(code_size=8).encoder(images).shape == (3, 8, 1, 1)
    dense_model = dense.DenseAutoencoder((784, 64, 2), linear_code=True)
    assert not isinstance(dense_model.encoder[-1], torch.nn.ReLU)
    assert dense_model.encoder(images.view(3, 784)).shape == (3, 2)
    linear_model = linear.LinearAutoencoder(5)
    assert linear_model(images.view(3, 784)).shape == (3, 784) and linear_model.encoder.out_features == 5
