"""Models that predict ratings: I-AutoRec and the baselines it is measured against.

Each baseline is fitted on training :class:`aecourse.data.ratings.Ratings`
and predicts the rating of any (user, item) pair: the global mean, each item's
mean, a user bias plus an item bias, and a matrix factorisation. AutoRec
(Sedhain et al. 2015, item-based) reconstructs an item's vector of ratings by
all users; its training loss counts the observed ratings only.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class AutoRec(nn.Module):
    """I-AutoRec: an item's ratings by ``n_users`` users → ``hidden`` sigmoid units → the ratings again (no
    activation)."""

    def __init__(self, n_users: int, hidden: int = 500) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_users, hidden), nn.Sigmoid())
        self.decoder = nn.Linear(hidden, n_users)

    def forward(self, item_vectors: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(item_vectors))


def global_mean(train) -> float:
    """The mean of all training ratings."""
    return float(np.mean(train.values))


def item_means(train, shrinkage: float = 1.0) -> np.ndarray:
    """Each item's mean rating, pulled towards the global mean by ``shrinkage`` pseudo-ratings (unrated items: the
    global mean)."""
    mean = global_mean(train)
    sums = np.bincount(train.items, weights=train.values, minlength=train.n_items)
    counts = np.bincount(train.items, minlength=train.n_items)
    return (sums + shrinkage * mean) / (counts + shrinkage)


def fit_biases(train, regularisation: float = 5.0, sweeps: int = 10) -> tuple[float, np.ndarray, np.ndarray]:
    """``(mean, user_bias, item_bias)`` minimising the squared error of mean + b_u + b_i plus an L2 penalty, by
    alternating exact steps."""
    mean = global_mean(train)
    user_bias, item_bias = np.zeros(train.n_users), np.zeros(train.n_items)
    user_counts = np.bincount(train.users, minlength=train.n_users)
    item_counts = np.bincount(train.items, minlength=train.n_items)
    for _ in range(sweeps):
        residual = train.values - mean - user_bias[train.users]
        item_bias = np.bincount(train.items, weights=residual, minlength=train.n_items) / (item_counts + regularisation)
        residual = train.values - mean - item_bias[train.items]
        user_bias = np.bincount(train.users, weights=residual, minlength=train.n_users) / (user_counts + regularisation)
    return mean, user_bias, item_bias


class MatrixFactorization(nn.Module):
    """rating(u, i) = mean + b_u + b_i + p_u · q_i, for (user, item) index pairs given as an (n, 2) tensor."""

    def __init__(self, n_users: int, n_items: int, rank: int = 16, mean: float = 0.0) -> None:
        super().__init__()
        self.mean = mean
        self.user_factors, self.item_factors = nn.Embedding(n_users, rank), nn.Embedding(n_items, rank)
        self.user_bias, self.item_bias = nn.Embedding(n_users, 1), nn.Embedding(n_items, 1)
        for embedding in (self.user_factors, self.item_factors):
            nn.init.normal_(embedding.weight, std=0.1)
        for embedding in (self.user_bias, self.item_bias):
            nn.init.zeros_(embedding.weight)

    def forward(self, pairs: torch.Tensor) -> torch.Tensor:
        users, items = pairs[:, 0], pairs[:, 1]
        interaction = (self.user_factors(users) * self.item_factors(items)).sum(dim=1)
        return self.mean + self.user_bias(users).squeeze(1) + self.item_bias(items).squeeze(1) + interaction


def autorec_predictions(model: AutoRec, matrix: np.ndarray, users: np.ndarray, items: np.ndarray, device) -> np.ndarray:
    """The ratings an item-based AutoRec gives the (user, item) pairs, from the reconstructions of the items' training
    vectors."""
    model.to(device).eval()
    with torch.no_grad():
        reconstructed = model(torch.as_tensor(matrix).to(device)).cpu().numpy()
    return reconstructed[items, users]
