"""Measuring speed: FLOP counts of a training step and the time a run takes to reach a target error."""

from __future__ import annotations

import pytest
import torch

from aecourse import speed


def test_flop_count_of_two_linear_layers():
    """Does a training step count 2 FLOP per weight for each product: forward, weight gradient, and input gradient after
    the first layer?"""
    layers = torch.nn.Sequential(torch.nn.Linear(10, 10), torch.nn.Linear(10, 10))
    # first layer: forward and weight gradient (its input needs none); second: forward, input and weight gradients
    assert speed.training_flop_per_image(layers, (10,)) == 2 * 100 * 2 + 2 * 100 * 3


def test_seconds_to_target_counts_training_time_until_the_first_good_epoch():
    """Is the time to a target the sum of epoch times up to the first epoch at or below it, and None if never?"""
    assert speed.seconds_to_target([2.0, 3.0, 4.0], [0.5, 0.2, 0.1], 0.2) == 5.0
    assert speed.seconds_to_target([2.0, 3.0], [0.5, 0.4], 0.1) is None


def test_seconds_to_target_wants_one_error_per_epoch():
    """Do mismatched lists raise a ValueError that gives both lengths?"""
    with pytest.raises(ValueError, match="2 epoch times and 1 errors"):
        speed.seconds_to_target([1.0, 2.0], [0.3], 0.1)


def test_matmul_rate_is_a_plausible_rate():
    """Is the measured rate positive and finite on a small product?"""
    rate = speed.matmul_rate(size=64, repeats=3)
    assert 0 < rate < float("inf")
