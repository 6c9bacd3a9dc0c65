"""ex04: solutions with plausible mistakes lose the points of the tests that should catch them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.grading

ASSIGNMENT = "ex04_transposed_convolution"
MATCHES_TORCH = "test_conv_transpose2d_matches_torch"
OUTPUT_PADDING = "test_conv_transpose2d_output_padding"


def test_forgetting_the_kernel_flip_loses_points(grade_mutant):
    """Does a conv_transpose2d that cross-correlates with the unflipped kernel lose the comparisons with torch?"""
    grade = grade_mutant(ASSIGNMENT, "conv_transpose2d", "conv2d_valid(padded, w[::-1, ::-1])", "conv2d_valid(padded, w)")
    failed = grade.failed_cells()
    assert MATCHES_TORCH in failed and OUTPUT_PADDING in failed, grade.cells


def test_border_of_k_minus_p_loses_points(grade_mutant):
    """Does a border of k - p zeros (one too many) lose the shape test and the comparisons with torch?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "conv_transpose2d",
        "border = (w.shape[0] - p - 1, w.shape[1] - p - 1)",
        "border = (w.shape[0] - p, w.shape[1] - p)",
    )
    failed = grade.failed_cells()
    assert {"test_conv_transpose2d_shape", MATCHES_TORCH, OUTPUT_PADDING} <= set(failed), grade.cells


def test_border_of_p_loses_points(grade_mutant):
    """Does a border of p zeros (the convolution's padding, not k - p - 1) lose the comparisons with torch?"""
    grade = grade_mutant(
        ASSIGNMENT, "conv_transpose2d", "border = (w.shape[0] - p - 1, w.shape[1] - p - 1)", "border = (p, p)"
    )
    failed = grade.failed_cells()
    assert {"test_conv_transpose2d_shape", MATCHES_TORCH, OUTPUT_PADDING} <= set(failed), grade.cells


def test_output_padding_on_top_and_left_loses_points(grade_mutant):
    """Does a conv_transpose2d that adds the output_padding zeros at the top and left lose the output-padding test only?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "conv_transpose2d",
        "np.pad(spread, ((0, output_padding), (0, output_padding)))",
        "np.pad(spread, ((output_padding, 0), (output_padding, 0)))",
    )
    assert grade.failed_cells() == [OUTPUT_PADDING], grade.cells


def test_cropping_before_output_padding_loses_points(grade_mutant):
    """Does a conv_transpose2d that crops the border before adding output_padding lose the output-padding test only?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "conv_transpose2d",
        "    spread = np.pad(spread, ((0, output_padding), (0, output_padding)))\n"
        "    border = (w.shape[0] - p - 1, w.shape[1] - p - 1)\n"
        "    padded = pad_border(spread, border)\n",
        "    border = (w.shape[0] - p - 1, w.shape[1] - p - 1)\n"
        "    padded = pad_border(spread, border)\n"
        "    padded = np.pad(padded, ((0, output_padding), (0, output_padding)))\n",
    )
    assert grade.failed_cells() == [OUTPUT_PADDING], grade.cells


def test_inserting_s_zeros_loses_points(grade_mutant):
    """Does an insert_zeros that puts s zeros (not s - 1) between pixels lose its own test and the comparisons?"""
    grade = grade_mutant(ASSIGNMENT, "insert_zeros", "step = s  #", "step = s + 1  #")
    failed = grade.failed_cells()
    assert {"test_insert_zeros", MATCHES_TORCH, OUTPUT_PADDING} <= set(failed), grade.cells
