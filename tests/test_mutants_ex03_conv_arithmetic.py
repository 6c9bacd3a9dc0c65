"""Plausible mistakes in ex03_conv_arithmetic: each must cost points in the right test cells."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.grading

ASSIGNMENT = "ex03_conv_arithmetic"


def lost(grade) -> set[str]:
    return set(grade.failed_cells())


def test_padding_on_one_side_only_loses_points(grade_mutant):
    """Does a conv_output_size that forgets the second side's padding, (i + p - k) // s + 1, lose points?"""
    grade = grade_mutant(
        ASSIGNMENT, "conv_output_size", "return (i + 2 * p - extent) // s + 1", "return (i + p - k) // s + 1"
    )
    assert grade.score < grade.max_score
    assert {"test_conv_output_size_torch", "test_conv_output_size_keras"} <= lost(grade), grade.cells


def test_forgotten_dilation_loses_points(grade_mutant):
    """Does a conv_output_size that ignores dilation (kernel spans k pixels) lose points?"""
    grade = grade_mutant(ASSIGNMENT, "conv_output_size", "extent = d * (k - 1) + 1", "extent = k")
    assert grade.score < grade.max_score
    assert {"test_conv_output_size_torch", "test_conv_output_size_keras"} <= lost(grade), grade.cells


def test_transposed_size_without_output_padding_loses_points(grade_mutant):
    """Does a conv_transpose_output_size that leaves out output_padding lose points?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "conv_transpose_output_size",
        "size = (i - 1) * s - 2 * p + d * (k - 1) + output_padding + 1",
        "size = (i - 1) * s - 2 * p + d * (k - 1) + 1",
    )
    assert grade.score < grade.max_score
    assert "test_conv_transpose_output_size" in lost(grade), grade.cells


def test_keras_same_computed_like_valid_loses_points(grade_mutant):
    """Does a keras_conv_transpose_output_size that sizes padding="same" like "valid" lose points?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "keras_conv_transpose_output_size",
        'return i * s + max(k - s, 0) if padding == "valid" else i * s',
        "return i * s + max(k - s, 0)",
    )
    assert grade.score < grade.max_score
    assert "test_keras_conv_transpose_output_size" in lost(grade), grade.cells
