"""Rating data for recommenders: a generated rating matrix that ships with the course, and MovieLens if you have it.

Real rating data sets cannot be redistributed with the course (the MovieLens
licence forbids it), so :func:`synthetic_ratings` generates one from a seeded
low-rank model: users and items with latent tastes and biases, a skewed
number of ratings per user, popular items rated more often, and scores turned
into 1-5 stars in the proportions MovieLens 100K has. It is a stand-in, not
real data. :func:`load_movielens` reads a MovieLens file that you downloaded
yourself (``u.data`` of ML-100K or ``ratings.dat`` of ML-1M), named by
``$AECOURSE_MOVIELENS``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MOVIELENS_ENV_VAR = "AECOURSE_MOVIELENS"
STAR_SHARES = (0.061, 0.114, 0.271, 0.342, 0.212)
"""The shares of 1, 2, 3, 4 and 5 stars among the 100,000 ratings of MovieLens 100K."""
GENERATED_RANK = 8
"""The number of latent tastes behind the generated ratings (the default ``rank`` of :func:`synthetic_ratings`)."""
USER_BIAS_SCALE, ITEM_BIAS_SCALE, NOISE_SCALE = 0.25, 0.4, 0.8
"""Standard deviations of the user and item biases and of the noise, against 1 for the taste term, before banding
into stars."""


class RatingsFileError(ValueError):
    """A ratings file exists but is not in a MovieLens format the course reads."""


@dataclass(frozen=True)
class Ratings:
    """Observed ratings as three parallel arrays (0-based user and item indices), and the matrix size."""

    users: np.ndarray
    items: np.ndarray
    values: np.ndarray
    n_users: int
    n_items: int

    def __len__(self) -> int:
        return len(self.values)

    @property
    def density(self) -> float:
        """The fraction of the user x item matrix that is observed."""
        return len(self) / (self.n_users * self.n_items)

    def subset(self, chosen: np.ndarray) -> Ratings:
        """The ratings at the indices (or boolean mask) ``chosen``, in a matrix of the same size."""
        return Ratings(self.users[chosen], self.items[chosen], self.values[chosen], self.n_users, self.n_items)


def synthetic_ratings(
    n_users: int = 943,
    n_items: int = 1682,
    rank: int = GENERATED_RANK,
    mean_ratings_per_user: float = 106,
    seed: int = 0,
) -> Ratings:
    """A MovieLens-100K-shaped rating matrix from a seeded low-rank model, with 1-5 stars in MovieLens' proportions.

    Each user rates at least 20 items, the number drawn from a log-normal
    distribution with the given mean; items are drawn with Zipf-like
    popularity. A rating is the star band of ``bias_user + bias_item +
    taste_user · taste_item / sqrt(rank) + noise`` (tastes standard normal,
    the other terms' scales in :data:`USER_BIAS_SCALE`, :data:`ITEM_BIAS_SCALE`
    and :data:`NOISE_SCALE`), the bands cut so that the stars keep
    :data:`STAR_SHARES`.
    """
    if min(n_users, n_items, rank) < 1 or not 20 <= mean_ratings_per_user < n_items:
        raise ValueError(
            f"expected positive sizes and 20 <= mean_ratings_per_user < n_items; found {n_users} users, "
            f"{n_items} items, rank {rank}, {mean_ratings_per_user} ratings per user"
        )
    generator = np.random.default_rng(seed)
    counts = np.clip(
        generator.lognormal(np.log(mean_ratings_per_user - 20) - 0.5, 1.0, n_users).astype(int) + 20, 20, n_items
    )
    popularity = 1 / np.arange(1, n_items + 1) ** 0.8
    popularity = generator.permutation(popularity / popularity.sum())
    users = np.repeat(np.arange(n_users), counts)
    items = np.concatenate([generator.choice(n_items, count, replace=False, p=popularity) for count in counts])
    tastes_user, tastes_item = generator.normal(size=(n_users, rank)), generator.normal(size=(n_items, rank))
    scores = (
        USER_BIAS_SCALE * generator.normal(size=n_users)[users]
        + ITEM_BIAS_SCALE * generator.normal(size=n_items)[items]
        + (tastes_user[users] * tastes_item[items]).sum(axis=1) / np.sqrt(rank)
        + NOISE_SCALE * generator.normal(size=len(users))
    )
    cuts = np.quantile(scores, np.cumsum(STAR_SHARES)[:-1])
    values = (np.searchsorted(cuts, scores) + 1).astype(np.float32)
    return Ratings(users, items, values, n_users, n_items)


def movielens_path() -> Path:
    """The MovieLens file named by ``$AECOURSE_MOVIELENS``; a clear error if it is not set or not there."""
    name = os.environ.get(MOVIELENS_ENV_VAR)
    if not name:
        raise FileNotFoundError(
            f"{MOVIELENS_ENV_VAR} is not set: download MovieLens 100K (u.data) or 1M (ratings.dat) from "
            "https://grouplens.org/datasets/movielens/ and set it to the file's path"
        )
    path = Path(name).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{MOVIELENS_ENV_VAR} names {path}, which is not a file")
    return path


def load_movielens(path: Path | None = None) -> Ratings:
    """Read ``u.data`` (user, item, rating, time; tab-separated) or ``ratings.dat`` (``::``-separated) into
    :class:`Ratings`.

    User and item ids are renumbered from 0 in increasing order of their ids.
    Raises :class:`RatingsFileError` naming the line of any malformed row.
    """
    path = Path(path) if path is not None else movielens_path()
    rows = []
    with path.open(encoding="latin-1") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            fields = line.strip().split("::") if "::" in line else line.split()
            try:
                user, item, rating = int(fields[0]), int(fields[1]), float(fields[2])
                if len(fields) != 4 or not 1 <= rating <= 5:
                    raise ValueError
            except (ValueError, IndexError):
                raise RatingsFileError(
                    f"{path}, line {number}: expected 'user item rating timestamp' (tab-separated, as in u.data) or "
                    f"'user::item::rating::timestamp' (as in ratings.dat) with a rating from 1 to 5; "
                    f"found {line.strip()!r}"
                ) from None
            rows.append((user, item, rating))
    if not rows:
        raise RatingsFileError(f"{path} holds no ratings")
    users, items, values = (np.array(column) for column in zip(*rows, strict=True))
    user_ids, user_index = np.unique(users, return_inverse=True)
    item_ids, item_index = np.unique(items, return_inverse=True)
    return Ratings(user_index, item_index, values.astype(np.float32), len(user_ids), len(item_ids))


def split_ratings(ratings: Ratings, test_fraction: float = 0.1, seed: int = 0) -> tuple[Ratings, Ratings]:
    """A random ``(train, test)`` split of the observed ratings, as the AutoRec paper makes it (90/10 by default)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"expected a test fraction between 0 and 1; found {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(ratings))
    cut = round(len(ratings) * test_fraction)
    return ratings.subset(np.sort(order[cut:])), ratings.subset(np.sort(order[:cut]))


def item_matrix(ratings: Ratings) -> tuple[np.ndarray, np.ndarray]:
    """``(matrix, mask)``, both n_items x n_users float32: item i's row holds its users' ratings, 0 where unobserved."""
    matrix = np.zeros((ratings.n_items, ratings.n_users), dtype=np.float32)
    mask = np.zeros_like(matrix)
    matrix[ratings.items, ratings.users] = ratings.values
    mask[ratings.items, ratings.users] = 1
    return matrix, mask
