"""Plausible mistakes in ex05 (convolutional autoencoder, device-agnostic training) lose points."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.grading

ASSIGNMENT = "ex05_conv_autoencoder"


def lost(grade) -> set[str]:
    return set(grade.failed_cells())


def test_loop_that_hard_codes_the_cpu(grade_mutant):
    """Does a training loop that moves the model with .to("cpu") instead of .to(device) lose the device test?"""
    grade = grade_mutant(ASSIGNMENT, "train_autoencoder", "    model.to(device)\n", '    model.to("cpu")\n')
    assert "test_training_device" in lost(grade), grade.cells
    assert grade.score < grade.max_score


def test_loop_that_calls_cuda(grade_mutant):
    """Does a training loop that calls model.cuda() lose points on a machine without a GPU?"""
    grade = grade_mutant(ASSIGNMENT, "train_autoencoder", "    model.to(device)\n", "    model.cuda()\n")
    assert "test_training_device" in lost(grade), grade.cells
    assert grade.score < grade.max_score


def test_loop_that_forgets_to_move_the_batch(grade_mutant):
    """Does a training loop that feeds the model CPU batches, whatever the device, lose the device test?"""
    grade = grade_mutant(ASSIGNMENT, "train_autoencoder", "            batch = batch.to(device)\n", "")
    assert "test_training_device" in lost(grade), grade.cells


def test_model_with_32x32_output(grade_mutant):
    """Does a decoder whose first transposed convolution has kernel 8 (output 32x32) lose the shape test?"""
    grade = grade_mutant(ASSIGNMENT, "model", "nn.ConvTranspose2d(64, 32, kernel_size=7)", "nn.ConvTranspose2d(64, 32, kernel_size=8)")
    assert {"test_layer_shapes", "test_loss_below_threshold"} <= lost(grade), grade.cells


def test_decoder_without_sigmoid(grade_mutant):
    """Does a decoder that ends with a ReLU instead of a sigmoid lose the output-range test?"""
    grade = grade_mutant(ASSIGNMENT, "model", "            nn.Sigmoid(),\n", "            nn.ReLU(),\n")
    assert "test_output_range" in lost(grade), grade.cells


def test_loop_without_finite_check(grade_mutant):
    """Does a training loop that returns a NaN loss instead of raising lose the NaN test?"""
    grade = grade_mutant(ASSIGNMENT, "train_autoencoder", "        if not math.isfinite(epoch_loss):\n", "        if False:\n")
    assert lost(grade) == {"test_nan_loss_raises"}, grade.cells
