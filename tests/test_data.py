"""load_mnist: the vendored data set, offline, checked before use."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import aecourse
from aecourse import data


@pytest.fixture
def mnist_copy(tmp_path, monkeypatch):
    """A private copy of data/mnist.npz that AECOURSE_MNIST points to, for tampering with."""
    copy = tmp_path / "mnist.npz"
    shutil.copy(data._DEFAULT_PATH, copy)
    monkeypatch.setenv(data.MNIST_ENV_VAR, str(copy))
    monkeypatch.setattr(data, "_verified", set())
    return copy


def test_returns_what_keras_returns():
    """Does load_mnist return ((x_train, y_train), (x_test, y_test)) with Keras' shapes and dtypes?"""
    (x_train, y_train), (x_test, y_test) = aecourse.load_mnist()
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (60000, 28, 28),
        (60000,),
        (10000, 28, 28),
        (10000,),
    )
    assert {array.dtype for array in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}


def test_is_the_real_mnist():
    """Are the label counts and first labels those of the published MNIST?"""
    (_, y_train), (_, y_test) = aecourse.load_mnist()
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_environment_variable_selects_the_file(mnist_copy):
    """Does AECOURSE_MNIST point load_mnist at another copy of the file?"""
    assert aecourse.mnist_path() == mnist_copy.resolve()
    (x_train, _), _ = aecourse.load_mnist()
    assert x_train.shape == (60000, 28, 28)


def test_checksum_is_verified_once_per_process(mnist_copy, monkeypatch):
    """Is the sha256 computed on the first load only?"""
    calls = []
    original = data._sha256
    monkeypatch.setattr(data, "_sha256", lambda path: calls.append(path) or original(path))
    aecourse.load_mnist()
    aecourse.load_mnist()
    assert calls == [mnist_copy.resolve()]


def test_missing_file_names_the_path(tmp_path, monkeypatch):
    """Does a missing file raise FileNotFoundError naming the path and the expected checksum?"""
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv(data.MNIST_ENV_VAR, str(missing))
    with pytest.raises(FileNotFoundError) as error:
        aecourse.load_mnist()
    assert str(missing) in str(error.value) and data.MNIST_SHA256 in str(error.value)


def test_truncated_file_is_refused(mnist_copy):
    """Does a truncated file raise MnistDataError naming the path, the expected and the found size?"""
    mnist_copy.write_bytes(mnist_copy.read_bytes()[:1000])
    with pytest.raises(aecourse.MnistDataError) as error:
        aecourse.load_mnist()
    message = str(error.value)
    assert str(mnist_copy.resolve()) in message and "11,490,519" in message and "1,000" in message


def test_corrupt_file_fails_the_checksum(mnist_copy):
    """Does a file of the right size with one flipped byte raise a checksum mismatch naming both hashes?"""
    content = bytearray(mnist_copy.read_bytes())
    content[len(content) // 2] ^= 0xFF
    mnist_copy.write_bytes(bytes(content))
    with pytest.raises(aecourse.MnistDataError) as error:
        aecourse.load_mnist()
    message = str(error.value)
    assert str(mnist_copy.resolve()) in message and "checksum mismatch" in message
    assert data.MNIST_SHA256 in message and data._sha256(mnist_copy) in message


def test_never_touches_the_network(monkeypatch):
    """Does load_mnist work with every socket connection refused?"""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("load_mnist tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(data, "_verified", set())
    (x_train, _), _ = aecourse.load_mnist()
    assert x_train.shape == (60000, 28, 28)
