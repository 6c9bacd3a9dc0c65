"""Convolution arithmetic: the formulas, the geometry and the measured sizes agree, and take one argument order."""

from __future__ import annotations

import inspect
import itertools

import numpy as np
import pytest

from aecourse.convolution import ConvolutionLayout, layout, measured, sizes

SIZE_FUNCTIONS = [
    sizes.conv_output_size,
    sizes.conv_transpose_output_size,
    sizes.same_padding,
    measured.torch_conv_output,
    measured.keras_conv_output,
    measured.torch_pool_output,
    measured.keras_pool_output,
    measured.torch_conv_transpose_output,
    measured.keras_conv_transpose_output,
    measured.compare_conv,
]
BOOK_ORDER = ["i", "k", "p", "padding", "s", "output_padding", "d"]


@pytest.mark.parametrize("function", SIZE_FUNCTIONS, ids=lambda function: function.__name__)
def test_size_function_takes_the_book_order(function):
    """Does every size function take i, k, then the padding, then s, then d (the order the book and ex03 teach)?"""
    names = [name for name in inspect.signature(function).parameters if name in BOOK_ORDER]
    assert names[:2] == ["i", "k"], f"{function.__name__}{inspect.signature(function)} should start with (i, k)"
    positions = [BOOK_ORDER.index(name) for name in names]
    assert positions == sorted(positions), (
        f"{function.__name__}{inspect.signature(function)}: expected the order {BOOK_ORDER}"
    )


def test_layout_and_layer_builders_take_padding_before_stride():
    """Do ConvolutionLayout and the layer builders put padding before stride too?"""
    for function in (ConvolutionLayout, measured.torch_layer, measured.keras_layer):
        names = list(inspect.signature(function).parameters)
        padding = "p" if "p" in names else "padding"
        stride = "s" if "s" in names else "stride"
        assert names.index(padding) < names.index(stride), f"{function.__name__}{inspect.signature(function)}"


def torch_refuses(measure, *settings) -> bool:
    """Does PyTorch refuse to build or run the layer (RuntimeError or ValueError), or give an empty output?

    An empty output (side 0) is refused by the course's formulas, as ex03 asks: it has fewer than one pixel.
    """
    try:
        return measure(*settings) < 1
    except (RuntimeError, ValueError):
        return True


def test_conv_formula_matches_pytorch():
    """Does conv_output_size give torch.nn.Conv2d's output side, and refuse exactly the settings Conv2d refuses?"""
    for i, k, p, s, d in itertools.product((3, 7, 10), (1, 2, 3, 5), (0, 1, 2), (1, 2, 3), (1, 2, 3)):
        if torch_refuses(measured.torch_conv_output, i, k, p, s, d):
            with pytest.raises(sizes.ImpossibleSetting) as refused:
                sizes.conv_output_size(i, k, p, s, d)
            assert refused.value.refusal is sizes.Refusal.KERNEL_LARGER_THAN_INPUT, (i, k, p, s, d)
        else:
            assert sizes.conv_output_size(i, k, p, s, d) == measured.torch_conv_output(i, k, p, s, d), (i, k, p, s, d)


def test_transpose_formula_matches_pytorch():
    """Does conv_transpose_output_size give torch.nn.ConvTranspose2d's output side, and refuse what it refuses?"""
    for i, k, p, s, d in itertools.product((1, 4), (1, 3, 4), (0, 1, 3), (1, 2, 3), (1, 2)):
        for a in range(max(s, d) + 1):
            if torch_refuses(measured.torch_conv_transpose_output, i, k, p, s, a, d):
                with pytest.raises(sizes.ImpossibleSetting) as refused:
                    sizes.conv_transpose_output_size(i, k, p, s, a, d)
                expected = sizes.Refusal.OUTPUT_PADDING_TOO_LARGE if a >= max(s, d) else sizes.Refusal.NO_OUTPUT
                assert refused.value.refusal is expected, (i, k, p, s, a, d)
            else:
                want = measured.torch_conv_transpose_output(i, k, p, s, a, d)
                assert sizes.conv_transpose_output_size(i, k, p, s, a, d) == want, (i, k, p, s, a, d)


def test_pool_measures_take_padding_then_stride():
    """Does torch_pool_output(i, k, p, s) read its third argument as padding and its fourth as stride?"""
    assert measured.torch_pool_output(7, 3, 1, 2) == (7 + 2 * 1 - 3) // 2 + 1 == 4
    assert measured.torch_pool_output(7, 3, 0, 2) == 3
    assert measured.torch_pool_output(28, 2) == 14


def test_same_padding_puts_the_extra_zero_after():
    """Is an odd total of "same" zeros split with the extra one at the bottom/right, as Keras does?"""
    assert sizes.same_padding(5, 4) == (1, 2)
    assert sizes.same_padding(6, 3, 2) == (0, 1)
    assert sizes.same_padding(5, 3) == (1, 1)
    assert measured.measured_padding_sides("keras", 6, 3, 2) == [(0, 1)]


def test_impossible_sizes_are_refused_with_their_values():
    """Does a formula refuse a non-positive size, a negative padding or a kernel larger than the padded input,
    with a ValueError that names the values and gives the book's reason?"""
    with pytest.raises(ValueError, match="s must be a positive integer; found s=0"):
        sizes.conv_output_size(5, 3, 0, 0)
    with pytest.raises(ValueError, match="p must be a non-negative integer; found p=-1"):
        sizes.conv_output_size(5, 3, -1)
    with pytest.raises(
        ValueError,
        match=r"the kernel is larger than the padded input: kernel size 5 \(dilation 1\) spans 5 "
        r"pixels, the padded input 3 \(i=3, p=0\)",
    ):
        sizes.conv_output_size(3, 5)
    with pytest.raises(
        ValueError,
        match="output_padding must be smaller than either the stride or the dilation; found output_padding=2, s=2, d=1",
    ):
        sizes.conv_transpose_output_size(3, 3, 0, 2, 2)
    with pytest.raises(ValueError, match=r"the output size is not positive: it would be -1 \(i=1, k=1, p=1"):
        sizes.conv_transpose_output_size(1, 1, 1)


def test_layout_output_is_the_cross_correlation_pytorch_computes():
    """Does ConvolutionLayout.output equal torch's conv2d for padding, stride and dilation?"""
    import torch

    rng = np.random.default_rng(0)
    for i, k, p, s, d in [(5, 3, 1, 2, 1), (7, 3, 0, 1, 2), (6, 4, 2, 3, 1)]:
        values, kernel = rng.normal(size=(i, i)), rng.normal(size=(k, k))
        want = torch.nn.functional.conv2d(
            torch.tensor(values)[None, None], torch.tensor(kernel)[None, None], stride=s, padding=p, dilation=d
        )[0, 0].numpy()
        got = ConvolutionLayout(i, k, p, s, d).output(values, kernel)
        assert np.allclose(got, want), (i, k, p, s, d)


def test_layout_with_inserted_zeros_and_cropping_is_the_transposed_convolution():
    """With s - 1 inserted zeros and a border of k - p - 1 (negative: cropped), is the flipped-kernel output torch's
    conv_transpose2d?"""
    import torch

    rng = np.random.default_rng(1)
    for i, k, p, s, a in [(3, 3, 1, 2, 1), (4, 2, 0, 3, 2), (3, 3, 3, 2, 0)]:
        values, kernel = rng.normal(size=(i, i)), rng.normal(size=(k, k))
        border = k - p - 1
        grid = ConvolutionLayout(i, k, padding=(border, border + a), zeros_between=s - 1)
        want = torch.nn.functional.conv_transpose2d(
            torch.tensor(values)[None, None], torch.tensor(kernel)[None, None], stride=s, padding=p, output_padding=a
        )[0, 0].numpy()
        assert np.allclose(grid.output(values, kernel[::-1, ::-1]), want), (i, k, p, s, a)


def test_layout_refuses_a_kernel_larger_than_the_input():
    """Does a layout whose dilated kernel spans more cells than the padded input fail with the sizes in the message?"""
    with pytest.raises(ValueError, match="spans 5 cells but the padded input has only 3"):
        layout.ConvolutionLayout(3, 3, dilation=2)
