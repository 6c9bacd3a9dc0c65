"""Edge contrast, dead units and principal angles."""

from __future__ import annotations

import numpy as np
import pytest

from aecourse import metrics


def test_principal_angles_recover_known_angles():
    """For subspaces built at known angles, does principal_angles return them, smallest first?"""
    first, second = 0.3, 1.1
    basis = np.eye(6)
    a = basis[:, [0, 1]]
    b = np.stack([np.cos(second) * basis[:, 0] + np.sin(second) * basis[:, 2],
                  np.cos(first) * basis[:, 1] + np.sin(first) * basis[:, 3]], axis=1)
    assert np.allclose(metrics.principal_angles(a, b), [first, second])
    assert np.isclose(metrics.projection_distance(a, b), np.sin(second))


def test_angles_ignore_the_choice_of_basis():
    """Are the angles between a subspace and itself, in another basis, zero?"""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(10, 3))
    assert np.allclose(metrics.principal_angles(a, a @ rng.normal(size=(3, 3))), 0, atol=1e-7)


def test_mismatched_subspaces_are_refused():
    """Do matrices of different shapes raise a ValueError naming both shapes?"""
    with pytest.raises(ValueError, match=r"\(10, 3\) and \(10, 2\)"):
        metrics.principal_angles(np.ones((10, 3)), np.ones((10, 2)))


def test_edge_contrast_is_one_for_a_copy_and_less_for_a_blur():
    """Does a perfect copy keep all edge contrast and a blurred copy less?"""
    images = np.zeros((1, 8, 8))
    images[0, :, 4:] = 1.0
    blurred = (images + np.roll(images, 1, axis=2) + np.roll(images, -1, axis=2)) / 3
    assert metrics.edge_contrast(images, images) == 1.0
    assert metrics.edge_contrast(images, blurred) < 1.0


def test_dead_units_counts_units_zero_for_every_input():
    """Does dead_units count the code units that never leave zero?"""
    codes = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert metrics.dead_units(codes) == 1
