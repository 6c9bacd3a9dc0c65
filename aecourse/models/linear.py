"""The linear autoencoder: f(x) = W_e x, g(h) = W_d h, in NumPy on centred data and as a PyTorch model.

With ``S`` the data's covariance matrix (n x n), the mean squared
reconstruction error and its gradients depend on the data only through ``S``,
so a full-batch step costs the same however many images there are.
:class:`LinearAutoencoder` is the same map in PyTorch, with biases (which
learn the centring), for the course's training loop.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def linear_autoencoder_loss(covariance, encoder_weights, decoder_weights) -> float:
    """Mean squared reconstruction error (1/n) tr((I - W_d W_e) S (I - W_d W_e)^T)."""
    residual_map = np.eye(len(covariance)) - decoder_weights @ encoder_weights
    return float(np.trace(residual_map @ covariance @ residual_map.T) / len(covariance))


def linear_autoencoder_gradients(covariance, encoder_weights, decoder_weights) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the loss with respect to W_e (k x n) and W_d (n x k), using only n x k products."""
    n = len(covariance)
    covariance_times_encoder = covariance @ encoder_weights.T  # S W_e^T, n x k
    code_covariance = encoder_weights @ covariance_times_encoder  # W_e S W_e^T, k x k
    decoder_gradient = -2 / n * (covariance_times_encoder - decoder_weights @ code_covariance)
    encoder_gradient = (
        -2 / n * (decoder_weights.T @ covariance - (decoder_weights.T @ decoder_weights) @ covariance_times_encoder.T)
    )
    return encoder_gradient, decoder_gradient


class LinearAutoencoder(nn.Module):
    """``encoder`` = one ``nn.Linear(n_inputs, code_size)``, ``decoder`` = one ``nn.Linear(code_size, n_inputs)``, no
    activation.

    Trained with the squared error, its decoder's columns span the top
    ``code_size`` principal subspace of the data (they are not the principal
    components themselves).
    """

    def __init__(self, code_size: int, n_inputs: int = 784) -> None:
        super().__init__()
        self.encoder = nn.Linear(n_inputs, code_size)
        self.decoder = nn.Linear(code_size, n_inputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))
