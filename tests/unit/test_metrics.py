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
    b = np.stack(
        [
            np.cos(second) * basis[:, 0] + np.sin(second) * basis[:, 2],
            np.cos(first) * basis[:, 1] + np.sin(first) * basis[:, 3],
        ],
        axis=1,
    )
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


def _pairwise_auc(scores, labels):
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels).astype(bool)
    anomalies, normal = scores[labels][:, None], scores[~labels][None, :]
    return float((anomalies > normal).mean() + 0.5 * (anomalies == normal).mean())


@pytest.mark.parametrize("distinct", [2, 7, 1000])
def test_roc_auc_counts_ties_as_one_half(distinct):
    """Does roc_auc agree with comparing every (anomaly, normal) pair, ties counting one half?"""
    rng = np.random.default_rng(distinct)
    scores, labels = rng.integers(0, distinct, 500).astype(float), rng.integers(0, 2, 500)
    assert np.isclose(metrics.roc_auc(scores, labels), _pairwise_auc(scores, labels))


def test_area_under_roc_curve_is_the_auc():
    """Does the trapezoid area under roc_curve equal roc_auc, with the curve running from (0, 0) to (1, 1)?"""
    rng = np.random.default_rng(1)
    scores, labels = rng.integers(0, 20, 300).astype(float), rng.integers(0, 2, 300)
    false_positive_rate, true_positive_rate, thresholds = metrics.roc_curve(scores, labels)
    assert (false_positive_rate[0], true_positive_rate[0], false_positive_rate[-1], true_positive_rate[-1]) == (
        0,
        0,
        1,
        1,
    )
    assert np.all(np.diff(thresholds) < 0)
    assert np.isclose(np.trapezoid(true_positive_rate, false_positive_rate), metrics.roc_auc(scores, labels))


@pytest.mark.parametrize(
    ("scores", "labels", "words"),
    [
        ([0.1, 0.2, 0.3], [0, 1], "3 scores and 2 labels"),
        ([0.1, 0.2], [1, 1], "both normal"),
        ([0.1, float("nan")], [0, 1], "NaN"),
        ([0.1, 0.2], [0, 2], "labels 0"),
    ],
)
def test_detection_metrics_refuse_bad_input(scores, labels, words):
    """Do wrong-length labels, one class, NaN scores and labels other than 0/1 raise a ValueError saying so?"""
    with pytest.raises(ValueError, match=words):
        metrics.roc_auc(scores, labels)


def test_detection_counts_at_a_threshold():
    """Are the four counts, precision and recall those of flagging every score above the threshold?"""
    counts = metrics.detection_counts([0.1, 0.5, 0.7, 0.2, 0.9], [0, 0, 1, 1, 1], threshold=0.4)
    assert counts.matrix().tolist() == [[1, 1], [1, 2]]
    assert (counts.precision, counts.recall, counts.false_positive_rate) == (2 / 3, 2 / 3, 0.5)


def test_percentile_threshold_interpolates_as_numpy():
    """Is the threshold numpy's linearly interpolated percentile, and are bad percentiles refused?"""
    assert metrics.percentile_threshold([1.0, 2.0, 3.0, 4.0, 5.0], 90) == pytest.approx(4.6)
    with pytest.raises(ValueError, match="between 0 and 100"):
        metrics.percentile_threshold([1.0], 101)


def test_psnr_of_a_known_error():
    """Does an image off by 0.1 everywhere have an MSE of 0.01 and a PSNR of 20 dB?"""
    clean = np.full((2, 1, 4, 4), 0.5)
    assert np.allclose(metrics.image_mse(clean, clean + 0.1), 0.01)
    assert metrics.psnr(clean, clean + 0.1) == pytest.approx(20.0)


def test_pca_subspace_is_the_top_principal_subspace():
    """Is the basis orthonormal, spanning the directions of largest variance of the centred rows?"""
    rng = np.random.default_rng(2)
    directions = np.linalg.qr(rng.normal(size=(6, 2)))[0]
    x = rng.normal(size=(400, 2)) * [4.0, 2.0] @ directions.T + 0.01 * rng.normal(size=(400, 6)) + 5.0
    mean, basis = metrics.pca_subspace(x, 2)
    assert np.allclose(basis.T @ basis, np.eye(2)) and np.allclose(mean, x.mean(axis=0))
    assert np.degrees(metrics.principal_angles(basis, directions)).max() < 0.5
    assert np.abs(metrics.pca_reconstruction(x, mean, basis) - x).max() < 0.1


def test_pca_subspace_refuses_impossible_k():
    """Is a k larger than the data's dimension refused with a ValueError naming the bound?"""
    with pytest.raises(ValueError, match="1 <= k <= 3"):
        metrics.pca_subspace(np.zeros((10, 3)), 4)


def test_rmse_of_known_errors():
    """Is the RMSE of errors 1 and -3 the square root of 5, and are mismatched lengths refused?"""
    assert metrics.rmse([2.0, 1.0], [1.0, 4.0]) == pytest.approx(np.sqrt(5))
    with pytest.raises(ValueError, match="same shape"):
        metrics.rmse([1.0], [1.0, 2.0])
