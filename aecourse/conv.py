"""A convolutional autoencoder for MNIST in PyTorch, its Keras twin, and the tools to train and inspect it.

The PyTorch model and the training loop run on whatever device they are given
(``course.pick_device()`` picks CUDA when there is one). Keras is imported only
by the functions that build the Keras twin.

    python -m aecourse.conv --bench      # seconds per epoch and images per second on this machine
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

IMAGE_SHAPE = (1, 28, 28)


class ConvAutoencoder(nn.Module):
    """28x28 images → a code of 64 numbers (64x1x1) → 28x28 images in [0, 1].

    The encoder halves the image twice with stride-2 convolutions (28 → 14 → 7),
    then a 7x7 convolution without padding reads the whole 7x7 map into one
    1x1 pixel of 64 channels: the code. The decoder mirrors it with transposed
    convolutions (1 → 7 → 14 → 28) and ends with a sigmoid, as the pixels do
    in [0, 1].
    """

    code_shape = (64, 1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),  # 28x28 → 14x14
            nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1),  # 14x14 → 7x7
            nn.ReLU(),
            nn.Conv2d(32, 64, kernel_size=7),  # 7x7 → 1x1: the code
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(64, 32, kernel_size=7),  # 1x1 → 7x7
            nn.ReLU(),
            nn.ConvTranspose2d(32, 16, kernel_size=3, stride=2, padding=1, output_padding=1),  # 7 → 14
            nn.ReLU(),
            nn.ConvTranspose2d(16, 1, kernel_size=3, stride=2, padding=1, output_padding=1),  # 14 → 28
            nn.Sigmoid(),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(images))


def build_conv_autoencoder_keras():
    """The same model in Keras (channels last): same layers, output shapes and parameter count."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(inputs)  # 14x14x16
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)  # 7x7x32
    code = layers.Conv2D(64, 7, padding="valid", name="code")(x)  # 1x1x64
    x = layers.Conv2DTranspose(32, 7, padding="valid", activation="relu")(code)  # 7x7x32
    x = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(x)  # 14x14x16
    outputs = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(x)  # 28x28x1
    return keras.Model(inputs, outputs, name="conv_autoencoder")


def build_keras_tutorial_autoencoder():
    """The convolutional denoising autoencoder of the keras.io examples (28,353 parameters).

    Its code, the output of the second pooling layer (named ``"code"`` here),
    is a 7x7x32 map: 1,568 numbers for a 784-pixel image.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(x)
    x = layers.MaxPooling2D(2, padding="same", name="code")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same")(x)
    outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
    return keras.Model(inputs, outputs, name="keras_tutorial_autoencoder")


def dense_baseline(code_size: int = 64, hidden_size: int = 128) -> nn.Module:
    """The dense autoencoder of the Keras chapter (784 → 128 → code → 128 → 784), on 1x28x28 images.

    It is ``aecourse.dense.DenseAutoencoder``, initialised as Keras does
    (Glorot-uniform weights, zero biases), with a ``Flatten`` in front of the
    encoder and an ``Unflatten`` after the decoder, so that it trains on the
    same image batches as the convolutional model.
    """
    from aecourse.dense import DenseAutoencoder

    model = DenseAutoencoder(input_size=784, hidden_size=hidden_size, code_size=code_size)
    model.encoder.insert(0, nn.Flatten())
    model.decoder.append(nn.Unflatten(1, IMAGE_SHAPE))
    return model


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers in a PyTorch model."""
    return sum(parameter.numel() for parameter in model.parameters() if parameter.requires_grad)


# ---------------------------------------------------------------- shapes


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0) -> int:
    """o = floor((i + 2p - k) / s) + 1, the side of a convolution's output."""
    return (i + 2 * p - k) // s + 1


def conv_transpose_output_size(i: int, k: int, s: int = 1, p: int = 0, output_padding: int = 0) -> int:
    """o = (i - 1) s - 2p + k + output_padding, the side of a transposed convolution's output."""
    return (i - 1) * s - 2 * p + k + output_padding


@dataclass
class LayerShape:
    """One row of a shape table: a layer, what went in, what came out, and what the formula says."""

    name: str
    layer: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    formula: str
    formula_side: int | None
    parameters: int


def _formula(module: nn.Module, side: int) -> tuple[str, int | None]:
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)) and module.dilation != (1, 1):
        raise ValueError(f"the shape table assumes dilation 1; {module} has dilation {module.dilation}")
    if isinstance(module, nn.Conv2d):
        k, s, p = module.kernel_size[0], module.stride[0], module.padding[0]
        return f"⌊({side} + 2·{p} − {k})/{s}⌋ + 1", conv_output_size(side, k, s, p)
    if isinstance(module, nn.ConvTranspose2d):
        k, s, p, q = module.kernel_size[0], module.stride[0], module.padding[0], module.output_padding[0]
        return f"({side} − 1)·{s} − 2·{p} + {k} + {q}", conv_transpose_output_size(side, k, s, p, q)
    return "", None


def shape_table(model: nn.Module, input_shape: tuple[int, ...] = (1, *IMAGE_SHAPE)) -> list[LayerShape]:
    """Run ``model`` once on zeros and record every layer's input and output shape with forward hooks.

    For each (transposed) convolution the formula's output side is computed
    next to the measured one, and an ``AssertionError`` is raised if they differ.
    """
    rows: list[LayerShape] = []

    def record(name: str):
        def hook(module, inputs, output):
            side = inputs[0].shape[-1]
            formula, formula_side = _formula(module, side)
            rows.append(
                LayerShape(
                    name,
                    type(module).__name__,
                    tuple(inputs[0].shape[1:]),
                    tuple(output.shape[1:]),
                    formula,
                    formula_side,
                    sum(parameter.numel() for parameter in module.parameters()),
                )
            )

        return hook

    leaves = [(name, module) for name, module in model.named_modules() if not list(module.children())]
    handles = [module.register_forward_hook(record(name)) for name, module in leaves]
    try:
        parameter = next(model.parameters())
        with torch.no_grad():
            model(torch.zeros(input_shape, device=parameter.device))
    finally:
        for handle in handles:
            handle.remove()
    for row in rows:
        if row.formula_side is not None and row.output_shape[-2:] != (row.formula_side, row.formula_side):
            raise AssertionError(
                f"{row.name} ({row.layer}): the formula gives {row.formula_side}x{row.formula_side}, "
                f"the layer produced {row.output_shape[-2]}x{row.output_shape[-1]}"
            )
    return rows


def format_shape_table(rows: list[LayerShape]) -> str:
    """The shape table as aligned text, one layer per line."""
    header = f"{'layer':12s} {'type':16s} {'input (C,H,W)':14s} {'output (C,H,W)':15s} {'formula for the side':28s} {'params':>7s}"
    lines = [header, "-" * len(header)]
    for row in rows:
        formula = f"{row.formula} = {row.formula_side}" if row.formula else ""
        lines.append(
            f"{row.name:12s} {row.layer:16s} {str(row.input_shape):14s} {str(row.output_shape):15s} "
            f"{formula:28s} {row.parameters:7,d}"
        )
    lines.append(f"{'total':12s} {'':16s} {'':14s} {'':15s} {'':28s} {sum(r.parameters for r in rows):7,d}")
    return "\n".join(lines)


def keras_layer_shapes(model) -> list[tuple[str, tuple[int, ...], int]]:
    """(layer type, output shape as (C, H, W), parameter count) for every layer of a Keras model with weights."""
    shapes = []
    for layer in model.layers:
        if layer.count_params() == 0:
            continue
        height, width, channels = (int(size) for size in layer.output.shape[1:])
        shapes.append((type(layer).__name__, (channels, height, width), layer.count_params()))
    return shapes


def compare_with_keras(torch_model: nn.Module, keras_model) -> list[tuple[str, str, tuple[int, ...]]]:
    """Check that both models' weighted layers have the same output shapes and parameter counts.

    Returns (PyTorch layer, Keras layer, output shape) rows; raises ``AssertionError`` on any difference.
    """
    torch_rows = [row for row in shape_table(torch_model) if row.parameters > 0]
    keras_rows = keras_layer_shapes(keras_model)
    if len(torch_rows) != len(keras_rows):
        raise AssertionError(
            f"PyTorch has {len(torch_rows)} layers with weights, Keras {len(keras_rows)}: "
            f"{[r.layer for r in torch_rows]} vs {[r[0] for r in keras_rows]}"
        )
    rows = []
    for torch_row, (keras_layer, keras_shape, keras_parameters) in zip(torch_rows, keras_rows):
        if torch_row.output_shape != keras_shape or torch_row.parameters != keras_parameters:
            raise AssertionError(
                f"{torch_row.name} ({torch_row.layer}) gives {torch_row.output_shape} with "
                f"{torch_row.parameters} parameters; Keras {keras_layer} gives {keras_shape} "
                f"with {keras_parameters}"
            )
        rows.append((torch_row.layer, keras_layer, keras_shape))
    return rows


# ---------------------------------------------------------------- data and training


def mnist_tensors() -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST training and test images as float32 tensors of shape (n, 1, 28, 28) in [0, 1], on the CPU."""
    from aecourse.data import load_mnist

    (x_train, _), (x_test, _) = load_mnist()
    return (
        torch.from_numpy(x_train.astype(np.float32) / 255).unsqueeze(1),
        torch.from_numpy(x_test.astype(np.float32) / 255).unsqueeze(1),
    )


def make_loader(images: torch.Tensor, batch_size: int = 256, seed: int = 0) -> torch.utils.data.DataLoader:
    """Shuffled batches of ``images`` (each batch a tensor), in an order fixed by ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    return torch.utils.data.DataLoader(images, batch_size=batch_size, shuffle=True, generator=generator)


def device_name(device: torch.device) -> str:
    """A readable name of the device: the GPU's model, or the CPU and its thread count."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    threads = torch.get_num_threads()
    return f"CPU ({platform.machine()}, {threads} thread{'' if threads == 1 else 's'})"


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@dataclass
class TrainingHistory:
    """What a training run measured: the mean loss and the seconds of every epoch, and where it ran."""

    device: str
    losses: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)


def train_autoencoder(
    model: nn.Module,
    loader,
    epochs: int,
    device: torch.device,
    learning_rate: float = 1e-3,
    progress: bool = True,
    verbose: bool = True,
) -> TrainingHistory:
    """Train ``model`` to reproduce its input (Adam, mean squared error) on ``device``.

    The model and every batch are moved to ``device``. With ``progress`` a bar
    runs over the batches of each epoch (on stdout, for a terminal or a live
    notebook); with ``verbose`` one line per epoch gives its mean loss and its
    time in seconds. Raises ``FloatingPointError`` if an
    epoch's loss is not finite.
    """
    device = torch.device(device)
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.MSELoss()
    history = TrainingHistory(device_name(device))
    for epoch in range(1, epochs + 1):
        model.train()
        _synchronize(device)
        start = time.perf_counter()
        total = torch.zeros((), device=device)
        count = 0
        with _progress_bar(len(loader), f"epoch {epoch}/{epochs}", enabled=progress, leave=False) as bar:
            for batch in loader:
                batch = batch.to(device, non_blocking=True)
                loss = loss_function(model(batch), batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total += loss.detach() * len(batch)
                count += len(batch)
                bar.update()
            epoch_loss = total.item() / count
            _synchronize(device)
            seconds = time.perf_counter() - start
        if not math.isfinite(epoch_loss):
            raise FloatingPointError(
                f"epoch {epoch}: the mean training loss is {epoch_loss}; expected a finite number "
                "(check the input for NaN or infinite values, or lower the learning rate)"
            )
        history.losses.append(epoch_loss)
        history.epoch_seconds.append(seconds)
        if verbose:
            print(f"epoch {epoch}/{epochs}: loss {epoch_loss:.5f}, {seconds:.1f} s on {history.device}", flush=True)
    return history


def _progress_bar(batches: int, description: str, enabled: bool, leave: bool = False):
    """A text progress bar on stdout (stderr would show as an error box in the book and in nbgrader)."""
    from tqdm import tqdm

    return tqdm(
        total=batches,
        desc=description,
        file=sys.stdout,
        ascii=True,
        ncols=100,
        mininterval=1.0,
        leave=leave,
        disable=not enabled,
    )


def reconstruct(model: nn.Module, images: torch.Tensor, device: torch.device, batch_size: int = 1000) -> torch.Tensor:
    """The model's output for ``images``, computed on ``device`` in evaluation mode, returned on the CPU."""
    model.to(device).eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            outputs.append(model(images[start : start + batch_size].to(device)).cpu())
    return torch.cat(outputs)


def encode(model: nn.Module, images: torch.Tensor, device: torch.device) -> torch.Tensor:
    """The codes of ``images`` (shape (n, *model.code_shape)), on the CPU."""
    model.to(device).eval()
    with torch.no_grad():
        return model.encoder(images.to(device)).cpu()


def reconstruction_mse(model: nn.Module, images: torch.Tensor, device: torch.device) -> float:
    """Mean squared error between ``images`` and their reconstructions, over every pixel."""
    return float(((reconstruct(model, images, device) - images) ** 2).mean())


# ---------------------------------------------------------------- benchmark


def benchmark(epochs: int = 2, batch_size: int = 256, device: torch.device | None = None) -> TrainingHistory:
    """Train a fresh ConvAutoencoder on all 60,000 training images; print seconds per epoch and images per second."""
    from aecourse.devices import pick_device

    device = device or pick_device()
    torch.manual_seed(0)
    x_train, _ = mnist_tensors()
    history = train_autoencoder(ConvAutoencoder(), make_loader(x_train, batch_size), epochs, device, progress=False, verbose=False)
    for epoch, seconds in enumerate(history.epoch_seconds, start=1):
        print(f"epoch {epoch}: {seconds:.2f} s/epoch, {len(x_train) / seconds:,.0f} images/s on {history.device}")
    return history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aecourse.conv", description=__doc__.splitlines()[0])
    parser.add_argument("--bench", action="store_true", help="time training epochs on the chosen device")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--device", choices=["cpu", "cuda"], default=None, help="default: CUDA when present")
    arguments = parser.parse_args(argv)
    if not arguments.bench:
        parser.print_help()
        return 0
    from aecourse.devices import pick_device

    benchmark(arguments.epochs, arguments.batch_size, pick_device(arguments.device))
    return 0


if __name__ == "__main__":
    sys.exit(main())
