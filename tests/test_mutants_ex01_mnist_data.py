"""ex01: solutions with plausible mistakes lose the points of the tests that should catch them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.grading

ASSIGNMENT = "ex01_mnist_data"


def test_dividing_by_256_loses_points(grade_mutant):
    """Does a preprocess that divides by 256 instead of 255 lose the value test?"""
    grade = grade_mutant(ASSIGNMENT, "preprocess", "/ np.float32(255)", "/ np.float32(256)")
    assert "test_preprocess_values" in grade.failed_cells(), grade.cells


def test_column_major_flattening_loses_points(grade_mutant):
    """Does a preprocess that flattens column by column (Fortran order) lose the value test?"""
    grade = grade_mutant(ASSIGNMENT, "preprocess", "x.reshape(len(x), -1)", "x.reshape(len(x), -1, order='F')")
    assert "test_preprocess_values" in grade.failed_cells(), grade.cells


def test_scaling_in_place_loses_points(grade_mutant):
    """Does a preprocess that overwrites its input lose the unchanged-input test?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "preprocess",
        "return x.reshape(len(x), -1).astype(np.float32) / np.float32(255)",
        "x //= 2\n    return x.reshape(len(x), -1).astype(np.float32) / np.float32(127)",
    )
    assert "test_preprocess_leaves_input_unchanged" in grade.failed_cells(), grade.cells


def test_hard_coded_image_shape_loses_points(grade_mutant):
    """Does a to_images that ignores its shape argument lose the hidden cases on other sizes?"""
    grade = grade_mutant(ASSIGNMENT, "to_images", "height, width = shape", "height, width = 28, 28")
    assert "test_to_images_inverts_preprocess" in grade.failed_cells(), grade.cells
