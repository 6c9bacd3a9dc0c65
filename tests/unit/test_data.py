"""load_mnist and the data folder: the vendored data set, offline, checked before use."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import aecourse
from aecourse.data import add_gaussian_noise, add_masking_noise, files, mnist
from coursetools.paths import REPO


@pytest.fixture
def fresh_checks(monkeypatch):
    """Forget which files this process has already verified, so the next load checks again."""
    monkeypatch.setattr(files, "_verified", set())


@pytest.fixture
def mnist_copy(tmp_path, monkeypatch, fresh_checks):
    """A private copy of data/mnist.npz that AECOURSE_MNIST points to, for tampering with."""
    copy = tmp_path / "mnist.npz"
    shutil.copy(mnist.mnist_path(), copy)
    monkeypatch.setenv(mnist.MNIST_ENV_VAR, str(copy))
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


def test_tensors_are_scaled_images_with_a_channel_axis():
    """Does mnist_tensors give float32 (n, 1, 28, 28) tensors in [0, 1] that are the images divided by 255?"""
    x_train, x_test = aecourse.data.mnist_tensors()
    (train_images, _), _ = aecourse.load_mnist()
    assert tuple(x_train.shape) == (60000, 1, 28, 28) and tuple(x_test.shape) == (10000, 1, 28, 28)
    assert str(x_train.dtype) == "torch.float32"
    assert np.allclose(x_train[:5, 0].numpy(), train_images[:5] / 255)


@pytest.mark.parametrize(
    ("layout", "shape"), [("images", (3, 28, 28)), ("flat", (3, 784)), ("channels", (3, 1, 28, 28))]
)
def test_scaled_pixels_are_divided_by_255_in_each_layout(layout, shape):
    """Does scale_pixels give float32 pixels divided by 255, in [0, 1], in the shape of each layout, row by row?"""
    (images, _), _ = aecourse.load_mnist()
    scaled = aecourse.scale_pixels(images[:3], layout)
    assert scaled.shape == shape and scaled.dtype == np.float32
    assert scaled.min() == 0.0 and scaled.max() == 1.0
    assert np.array_equal(scaled.reshape(3, 28, 28) * np.float32(255), images[:3].astype(np.float32))
    assert images[:3].dtype == np.uint8, "scale_pixels changed its input"


def test_scaled_pixels_in_another_float_type():
    """Does scale_pixels give float64 when asked, equal to dividing by 255 in float64?"""
    pixels = np.array([[[0, 1], [128, 255]]], dtype=np.uint8)
    scaled = aecourse.scale_pixels(pixels, "flat", dtype=np.float64)
    assert scaled.dtype == np.float64 and np.array_equal(scaled, pixels.reshape(1, 4) / 255)


@pytest.mark.parametrize(
    ("images", "layout", "words"),
    [
        (np.zeros((2, 28, 28), np.float32), "images", "found dtype float32"),
        (np.zeros((28, 28), np.uint8), "images", "found dtype uint8 and shape (28, 28)"),
        (np.zeros((2, 28, 28), np.uint8), "nchw", "layout must be one of ['channels', 'flat', 'images']; found 'nchw'"),
    ],
    ids=["floats", "one image", "unknown layout"],
)
def test_scale_pixels_refuses_what_is_not_loaded_mnist(images, layout, words):
    """Does scale_pixels refuse pixels that are not uint8 (n, h, w), or an unknown layout, saying what it found?"""
    with pytest.raises(ValueError) as raised:
        aecourse.scale_pixels(images, layout)
    assert words in str(raised.value)


def test_environment_variable_selects_the_file(mnist_copy):
    """Does AECOURSE_MNIST point load_mnist at another copy of the file?"""
    assert aecourse.mnist_path() == mnist_copy.resolve()
    (x_train, _), _ = aecourse.load_mnist()
    assert x_train.shape == (60000, 28, 28)


def test_data_folder_is_found_from_a_subfolder(monkeypatch, tmp_path):
    """Is the course's data/ folder found from a folder below the repository, as chapters and exercises run?"""
    repository = tmp_path / "course"
    (repository / "data").mkdir(parents=True)
    (repository / "data" / files.MARKER).write_bytes(b"")
    (repository / "exercises" / "ex01").mkdir(parents=True)
    monkeypatch.delenv(files.DATA_ENV_VAR, raising=False)
    monkeypatch.chdir(repository / "exercises" / "ex01")
    assert files.data_dir() == (repository / "data").resolve()


@pytest.fixture
def installed_copy(monkeypatch, tmp_path):
    """An installed package's data folder, as a wheel lays it out (aecourse/data/ holding mnist.npz), outside any
    clone."""
    folder = tmp_path / "site-packages" / "aecourse" / "data"
    folder.mkdir(parents=True)
    (folder / files.MARKER).write_bytes(b"")
    monkeypatch.setattr(files, "package_folder", lambda: folder)
    monkeypatch.delenv(files.DATA_ENV_VAR, raising=False)
    return folder


def test_installed_package_uses_its_own_copy_from_any_folder(installed_copy, monkeypatch, tmp_path):
    """Does an installed wheel read the data it carries, from a folder with no data/ anywhere above it?"""
    elsewhere = tmp_path / "Downloads"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert files.data_dir() == installed_copy
    assert mnist.mnist_path() == installed_copy / "mnist.npz"


def test_the_repository_keeps_one_copy_of_the_data():
    """Is data/mnist.npz the repository's only copy, none inside the package's source (the wheel gets one when
    built)?"""
    assert (REPO / "data" / files.MARKER).is_file()
    assert not (REPO / "aecourse" / "data" / files.MARKER).exists(), (
        "the package's source holds a second copy of the data"
    )


def test_data_folder_environment_variable_wins(installed_copy, monkeypatch, tmp_path):
    """Does AECOURSE_DATA name the data folder, wherever the code runs, even where the package carries a copy?"""
    monkeypatch.setenv(files.DATA_ENV_VAR, str(tmp_path))
    assert files.data_dir() == tmp_path.resolve()
    assert mnist.mnist_path() == tmp_path.resolve() / "mnist.npz"


def test_missing_data_folder_says_where_it_looked(monkeypatch, tmp_path):
    """Outside the repository, without a wheel, does the error name where it looked and each way to provide the data?"""
    monkeypatch.delenv(files.DATA_ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as error:
        files.data_dir()
    message = str(error.value)
    assert str(tmp_path.resolve()) in message and str(files.package_folder()) in message
    assert "wheel" in message and files.DATA_ENV_VAR in message


def test_checksum_is_verified_once_per_process(mnist_copy, monkeypatch):
    """Is the sha256 computed on the first load only?"""
    calls = []
    original = files.sha256
    monkeypatch.setattr(files, "sha256", lambda path: calls.append(path) or original(path))
    aecourse.load_mnist()
    aecourse.load_mnist()
    assert calls == [mnist_copy.resolve()]


def test_missing_file_names_the_path(tmp_path, monkeypatch):
    """Does a missing file raise FileNotFoundError naming the path and the expected checksum?"""
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv(mnist.MNIST_ENV_VAR, str(missing))
    with pytest.raises(FileNotFoundError) as error:
        aecourse.load_mnist()
    assert str(missing) in str(error.value) and mnist.MNIST_SHA256 in str(error.value)


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
    assert mnist.MNIST_SHA256 in message and files.sha256(mnist_copy) in message


def test_never_touches_the_network(monkeypatch, fresh_checks):
    """Does load_mnist work with every socket connection refused?"""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("load_mnist tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    (x_train, _), _ = aecourse.load_mnist()
    assert x_train.shape == (60000, 28, 28)


@pytest.mark.parametrize("corrupt", [add_gaussian_noise, add_masking_noise])
def test_corruption_is_reproducible_and_leaves_its_input(corrupt):
    """Does a corruption keep shape and dtype, stay in [0, 1], repeat for a seed, differ across seeds, and copy?"""
    images = np.full((3, 1, 28, 28), 0.5, dtype=np.float32)
    first = corrupt(images, 0.5, seed=1)
    assert first.shape == images.shape and first.dtype == np.float32
    assert first.min() >= 0 and first.max() <= 1
    assert np.array_equal(first, corrupt(images, 0.5, seed=1))
    assert not np.array_equal(first, corrupt(images, 0.5, seed=2))
    assert np.all(images == 0.5)


def test_masking_noise_erases_the_fraction_asked_for():
    """Does masking noise at 0.3 set about 30% of the pixels to 0 and keep the others?"""
    masked = add_masking_noise(np.ones((100, 100)), 0.3, seed=0)
    assert 0.28 < (masked == 0).mean() < 0.32 and set(np.unique(masked)) == {0.0, 1.0}


@pytest.mark.parametrize(
    ("corrupt", "level", "words"),
    [
        (add_gaussian_noise, -0.1, "noise_factor"),
        (add_gaussian_noise, float("nan"), "nan"),
        (add_masking_noise, 1.5, "between 0 and 1"),
    ],
)
def test_corruption_refuses_impossible_levels(corrupt, level, words):
    """Does a negative, NaN or too-large level raise a ValueError naming what was expected?"""
    with pytest.raises(ValueError, match=words):
        corrupt(np.zeros((2, 2)), level, seed=0)


def test_corruption_refuses_integer_pixels():
    """Are uint8 images refused, with a hint to scale them first?"""
    with pytest.raises(ValueError, match="divide uint8 pixels by 255"):
        add_gaussian_noise(np.zeros((2, 2), dtype=np.uint8), 0.1, seed=0)
