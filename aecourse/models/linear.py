"""The linear autoencoder f(x) = W_e x, g(h) = W_d h on centred data, in NumPy.

With ``S`` the data's covariance matrix (n x n), the mean squared
reconstruction error and its gradients depend on the data only through ``S``,
so a full-batch step costs the same however many images there are.
"""

from __future__ import annotations

import numpy as np


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
    encoder_gradient = -2 / n * (
        decoder_weights.T @ covariance - (decoder_weights.T @ decoder_weights) @ covariance_times_encoder.T
    )
    return encoder_gradient, decoder_gradient
