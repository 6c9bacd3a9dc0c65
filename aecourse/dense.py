"""The dense MNIST autoencoder (784-128-32-128-784) in Keras and in PyTorch.

Both frameworks are imported here, so import this module only where both are
wanted. Import Keras before calling ``aecourse.setup()`` so that it is seeded.
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np
import torch
from keras import layers
from torch import nn


def build_dense_autoencoder_keras(input_size: int = 784, hidden_size: int = 128, code_size: int = 32):
    """Return ``(autoencoder, encoder)``: the classic dense autoencoder as functional Keras models.

    The encoder shares its layers with the autoencoder, so it computes the
    trained code once the autoencoder has been trained.
    """
    inputs = keras.Input(shape=(input_size,), name="image")
    hidden = layers.Dense(hidden_size, activation="relu", name="encoder_hidden")(inputs)
    code = layers.Dense(code_size, activation="relu", name="code")(hidden)
    hidden = layers.Dense(hidden_size, activation="relu", name="decoder_hidden")(code)
    outputs = layers.Dense(input_size, activation="sigmoid", name="reconstruction")(hidden)
    autoencoder = keras.Model(inputs, outputs, name="autoencoder")
    encoder = keras.Model(inputs, code, name="encoder")
    return autoencoder, encoder


class DenseAutoencoder(nn.Module):
    """The same autoencoder in PyTorch, initialised as Keras initialises ``Dense`` layers."""

    def __init__(self, input_size: int = 784, hidden_size: int = 128, code_size: int = 32, keras_init: bool = True):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(input_size, hidden_size), nn.ReLU(),
            nn.Linear(hidden_size, code_size), nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.Linear(code_size, hidden_size), nn.ReLU(),
            nn.Linear(hidden_size, input_size), nn.Sigmoid(),
        )
        if keras_init:
            for module in self.modules():
                if isinstance(module, nn.Linear):
                    nn.init.xavier_uniform_(module.weight)  # Glorot uniform, Keras' default kernel initializer
                    nn.init.zeros_(module.bias)  # Keras' default bias initializer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


class EpochRecord(keras.callbacks.Callback):
    """Print one short line per epoch and keep predictions on ``snapshot_inputs`` after chosen epochs."""

    def __init__(self, snapshot_inputs: np.ndarray | None = None, snapshot_epochs: tuple[int, ...] = ()):
        super().__init__()
        self.snapshot_inputs = snapshot_inputs
        self.snapshot_epochs = set(snapshot_epochs)
        self.snapshots: dict[int, np.ndarray] = {}
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        done = epoch + 1
        if done in self.snapshot_epochs and self.snapshot_inputs is not None:
            self.snapshots[done] = self.model.predict(self.snapshot_inputs, batch_size=1024, verbose=0)
        scores = "  ".join(f"{name} {value:.5f}" for name, value in (logs or {}).items())
        print(f"epoch {done:2d}  {scores}  ({self.seconds[-1]:.1f} s)")


def train_keras(autoencoder, x_train, x_test, epochs: int = 30, record: EpochRecord | None = None):
    """Compile and fit as the classic example does (adam, mse, Keras' default batch of 32).

    The test images serve as validation data, so ``val_loss`` is the test MSE after each epoch.
    Returns the Keras ``History``.
    """
    autoencoder.compile(optimizer="adam", loss="mse")
    return autoencoder.fit(
        x_train, x_train, epochs=epochs, shuffle=True,
        validation_data=(x_test, x_test),
        verbose=0, callbacks=[record or EpochRecord()],
    )


def train_torch(model: nn.Module, x_train, x_test, epochs: int = 30, batch_size: int = 32, lr: float = 1e-3):
    """Train as ``train_keras`` does (adam, mse, shuffled batches of 32); return per-epoch ``{"loss": [...], "val_loss": [...]}``.

    ``loss`` is the mean training loss over the epoch's batches and ``val_loss`` the
    MSE on ``x_test`` after the epoch, as Keras reports them. One line is printed per epoch.
    """
    x_train, x_test = torch.as_tensor(x_train), torch.as_tensor(x_test)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=True)  # one pass over all parameters: faster on a CPU
    loss_function = nn.MSELoss()
    history = {"loss": [], "val_loss": []}
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        total = 0.0
        for batch in torch.randperm(len(x_train)).split(batch_size):
            x = x_train[batch]
            loss = loss_function(model(x), x)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        history["loss"].append(total / len(x_train))
        history["val_loss"].append(reconstruction_mse_torch(model, x_test))
        print(f"epoch {epoch:2d}  loss {history['loss'][-1]:.5f}  val_loss {history['val_loss'][-1]:.5f}"
              f"  ({time.perf_counter() - start:.1f} s)")
    return history


def reconstruction_mse_torch(model: nn.Module, x) -> float:
    """Mean squared error between ``x`` and the model's reconstruction of it, without gradients."""
    model.eval()
    x = torch.as_tensor(x)
    with torch.no_grad():
        return float(nn.functional.mse_loss(model(x), x))


def torch_codes(model: DenseAutoencoder, x) -> np.ndarray:
    """The codes that ``model.encoder`` gives for ``x``, as a NumPy array."""
    model.eval()
    with torch.no_grad():
        return model.encoder(torch.as_tensor(x)).numpy()


def dense_parameter_count(sizes: list[int]) -> int:
    """Weights plus biases of a chain of dense layers with these widths: sum of n_in * n_out + n_out."""
    if len(sizes) < 2 or any(int(size) != size or size < 1 for size in sizes):
        raise ValueError(f"expected at least two positive integer layer widths; found {sizes!r}")
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def keras_layer_table(model) -> list[tuple[str, tuple, int]]:
    """``(name, output shape, parameter count)`` of every layer of a functional Keras model, in order."""
    rows = []
    for layer in model.layers:
        shape = tuple(layer.output.shape)
        rows.append((layer.name, shape, layer.count_params()))
    return rows


def torch_layer_table(model: nn.Module, input_size: int = 784) -> list[tuple[str, tuple, int]]:
    """``(name, output shape, parameter count)`` of every leaf module, found by running one batch through hooks."""
    rows = []

    def record(name):
        def hook(module, inputs, output):
            rows.append((name, (None, *output.shape[1:]), sum(p.numel() for p in module.parameters())))
        return hook

    leaves = [(name, module) for name, module in model.named_modules() if not list(module.children())]
    handles = [module.register_forward_hook(record(name)) for name, module in leaves]
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(2, input_size))
    finally:
        for handle in handles:
            handle.remove()
    return rows


def format_layer_table(rows: list[tuple[str, tuple, int]]) -> str:
    """Render layer rows as a fixed-width text table with a total line."""
    if not rows:
        raise ValueError("expected at least one layer row; found none")
    width = max(len("layer"), *(len(name) for name, _, _ in rows))
    lines = [f"{'layer':{width}s}  {'output shape':14s}  {'parameters':>10s}"]
    for name, shape, count in rows:
        lines.append(f"{name:{width}s}  {str(shape):14s}  {count:>10,d}")
    lines.append(f"{'total':{width}s}  {'':14s}  {sum(count for _, _, count in rows):>10,d}")
    return "\n".join(lines)


def glorot_limit(fan_in: int, fan_out: int) -> float:
    """Bound of Glorot's uniform initialisation: weights are drawn from U(-a, a), a = sqrt(6 / (fan_in + fan_out))."""
    return math.sqrt(6 / (fan_in + fan_out))


def gradient_magnitude(images) -> np.ndarray:
    """Per-pixel size of the brightness gradient, sqrt(d_row^2 + d_col^2), of (n, h, w) or flattened square images.

    Derivatives are central differences (one-sided at the border), as ``numpy.gradient`` takes them.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"expected flattened square images (n, side*side); found shape {images.shape}")
        images = images.reshape(-1, side, side)
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (n, h, w) or (n, h*w); found shape {images.shape}")
    rows, columns = np.gradient(images, axis=(1, 2))
    return np.hypot(rows, columns)


def edge_contrast(originals, reconstructions, threshold: float = 0.25) -> float:
    """Share of the originals' edge steepness that the reconstructions keep (1 = as sharp, less = blurred).

    Edge pixels are those where the original's gradient magnitude exceeds ``threshold``;
    the result is the sum of the reconstructions' gradient magnitude over those pixels
    divided by the originals' sum there.
    """
    original_gradient = gradient_magnitude(originals)
    reconstructed_gradient = gradient_magnitude(reconstructions)
    if original_gradient.shape != reconstructed_gradient.shape:
        raise ValueError(
            f"originals and reconstructions must have the same shape; found {original_gradient.shape} "
            f"and {reconstructed_gradient.shape}"
        )
    edges = original_gradient > threshold
    if not edges.any():
        raise ValueError(f"no pixel of the originals has a gradient magnitude above {threshold}")
    return float(reconstructed_gradient[edges].sum() / original_gradient[edges].sum())


def dead_units(codes) -> int:
    """How many code units are zero for every input: ReLU units that no longer pass any signal."""
    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise ValueError(f"expected codes of shape (n, code_size); found shape {codes.shape}")
    return int((codes.max(axis=0) <= 0).sum())


def show_rows(rows: dict[str, np.ndarray], n: int = 10, title: str | None = None):
    """Draw one row of ``n`` images per entry of ``rows``, framed and labelled in its own colour; return the figure."""
    import matplotlib.pyplot as plt

    from aecourse.plotting import PALETTE

    labels = list(rows)
    if not labels:
        raise ValueError("expected at least one row of images; found none")
    colours = [PALETTE[name] for name in ("blue", "orange", "vermillion", "green", "purple", "sky")]
    if len(labels) > len(colours):
        raise ValueError(f"expected at most {len(colours)} rows; found {len(labels)}")
    fig, axes = plt.subplots(len(labels), n, figsize=(n * 1.0, len(labels) * 1.15), squeeze=False)
    for row, (label, colour) in enumerate(zip(labels, colours)):
        images = np.asarray(rows[label])[:n].reshape(-1, 28, 28)
        for column in range(n):
            axis = axes[row, column]
            axis.imshow(images[column], cmap="gray_r", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
            for spine in axis.spines.values():
                spine.set_visible(True)
                spine.set_color(colour)
                spine.set_linewidth(2)
        axes[row, 0].set_ylabel(label, fontsize=9, color=colour)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
