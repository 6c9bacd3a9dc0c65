"""The rating data: the generated matrix, MovieLens files, the split, and the predictors measured on them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aecourse.data import ratings as rating_data
from aecourse.models import ratings as rating_models


@pytest.fixture(scope="module")
def generated():
    return rating_data.synthetic_ratings(n_users=120, n_items=300, mean_ratings_per_user=40, seed=1)


def test_generated_ratings_look_like_movielens(generated):
    """Are the stars 1-5 in MovieLens 100K's proportions, each user rating at least 20 distinct items?"""
    shares = np.bincount(generated.values.astype(int), minlength=6)[1:] / len(generated)
    assert np.allclose(shares, rating_data.STAR_SHARES, atol=0.005)
    per_user = np.bincount(generated.users, minlength=generated.n_users)
    assert per_user.min() >= 20
    pairs = set(zip(generated.users.tolist(), generated.items.tolist(), strict=True))
    assert len(pairs) == len(generated)


def test_the_same_seed_gives_the_same_matrix():
    """Is the generated matrix reproducible for a seed and different for another?"""
    first, again = (
        rating_data.synthetic_ratings(n_users=50, n_items=100, mean_ratings_per_user=30, seed=s) for s in (4, 4)
    )
    other = rating_data.synthetic_ratings(n_users=50, n_items=100, mean_ratings_per_user=30, seed=5)
    assert np.array_equal(first.values, again.values) and not np.array_equal(first.users, other.users)


def test_split_keeps_every_rating_once(generated):
    """Does the split hold out a tenth of the ratings and keep the rest, with no rating in both?"""
    train, test = rating_data.split_ratings(generated, 0.1, seed=0)
    assert len(train) + len(test) == len(generated) and abs(len(test) - 0.1 * len(generated)) <= 1
    keys = lambda r: set(zip(r.users.tolist(), r.items.tolist(), strict=True))
    assert not keys(train) & keys(test)


def test_item_matrix_holds_the_ratings_and_their_mask(generated):
    """Is item i's row its users' ratings, with the mask 1 exactly where a rating exists?"""
    matrix, mask = rating_data.item_matrix(generated)
    assert matrix.shape == (300, 120) and mask.sum() == len(generated)
    assert np.array_equal(matrix[generated.items, generated.users], generated.values)


@pytest.mark.parametrize(
    ("text", "users", "items"),
    [
        ("1\t10\t4\t881250949\n2\t10\t3\t891717742\n1\t20\t5\t878887116\n", 2, 2),
        ("1::1193::5::978300760\n1::661::3::978302109\n7::1193::4::978300275\n", 2, 2),
    ],
)
def test_movielens_formats_are_read(tmp_path, monkeypatch, text, users, items):
    """Are u.data (tab-separated) and ratings.dat ('::'-separated) read, with ids renumbered from 0?"""
    path = tmp_path / "ratings"
    path.write_text(text)
    monkeypatch.setenv(rating_data.MOVIELENS_ENV_VAR, str(path))
    loaded = rating_data.load_movielens()
    assert (loaded.n_users, loaded.n_items, len(loaded)) == (users, items, 3)
    assert loaded.users.min() == 0 and loaded.items.min() == 0


def test_malformed_movielens_line_is_named(tmp_path):
    """Does a malformed row raise an error that gives the line number and the formats expected?"""
    path = tmp_path / "u.data"
    path.write_text("1\t10\t4\t881250949\n2\tten\t3\t891717742\n")
    with pytest.raises(rating_data.RatingsFileError, match="line 2.*user item rating timestamp"):
        rating_data.load_movielens(path)


def test_missing_movielens_file_says_what_to_do(monkeypatch, tmp_path):
    """Without the environment variable, or with a wrong path, is the error explicit?"""
    monkeypatch.delenv(rating_data.MOVIELENS_ENV_VAR, raising=False)
    with pytest.raises(FileNotFoundError, match="AECOURSE_MOVIELENS is not set"):
        rating_data.load_movielens()
    monkeypatch.setenv(rating_data.MOVIELENS_ENV_VAR, str(tmp_path / "absent.dat"))
    with pytest.raises(FileNotFoundError, match="not a file"):
        rating_data.load_movielens()


def test_biases_fit_ratings_made_of_biases():
    """On ratings that are exactly mean + user bias + item bias, do the fitted biases reproduce them?"""
    users, items = np.repeat(np.arange(30), 40), np.tile(np.arange(40), 30)
    true_user, true_item = np.linspace(-1, 1, 30), np.linspace(-0.5, 0.5, 40)
    data = rating_data.Ratings(users, items, 3 + true_user[users] + true_item[items], 30, 40)
    mean, user_bias, item_bias = rating_models.fit_biases(data, regularisation=0.0, sweeps=50)
    assert np.allclose(mean + user_bias[users] + item_bias[items], data.values, atol=1e-6)


def test_autorec_maps_items_back_to_users():
    """Does AutoRec take (items, n_users) to sigmoid codes and back to (items, n_users)?"""
    model = rating_models.AutoRec(n_users=12, hidden=5)
    codes = model.encoder(torch.zeros(3, 12))
    assert codes.shape == (3, 5) and model(torch.zeros(3, 12)).shape == (3, 12)


def test_item_means_fall_back_to_the_global_mean():
    """Is an unrated item predicted at the global mean, and a rated one pulled towards it by the shrinkage?"""
    data = rating_data.Ratings(np.array([0, 1, 0]), np.array([0, 0, 1]), np.array([5.0, 3.0, 1.0]), 2, 3)
    means = rating_models.item_means(data, shrinkage=1.0)
    assert means[2] == pytest.approx(3.0) and means[0] == pytest.approx((5 + 3 + 3) / 3)
    assert means[1] == pytest.approx((1 + 3) / 2)


def test_generated_matrix_has_movielens_100k_size():
    """Does the default generated matrix have MovieLens 100K's users, items and about its number of ratings?"""
    ratings = rating_data.synthetic_ratings(seed=0)
    assert (ratings.n_users, ratings.n_items) == (943, 1682) and 80_000 <= len(ratings) <= 120_000
