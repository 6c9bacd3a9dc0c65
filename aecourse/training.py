"""Training autoencoders: one PyTorch loop for every model of the course, and the classic chapter's Keras recipe.

:func:`train_autoencoder` trains any PyTorch model on tensors held in memory:
the input is the target unless ``targets`` says otherwise (a denoiser is fed
corrupted images and scored against clean ones), an optional ``mask`` keeps
the loss to the entries that exist (a rating matrix), and ``loss`` can be
swapped. It runs on whatever device it is given. Keras is imported only by the
Keras helpers at the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from aecourse.devices import device_name, synchronize


@dataclass
class TrainingHistory:
    """What a training run measured, per epoch: mean training loss, validation MSE (if asked for), seconds, final
    learning rate."""

    device: str
    losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)


def masked_mse(output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean squared error between ``output`` and ``target``, over the entries where ``mask`` is 1 (all when
    ``None``)."""
    squared_error = (output - target) ** 2
    if mask is None:
        return squared_error.mean()
    return (squared_error * mask).sum() / mask.sum().clamp_min(1)


def masked_binary_cross_entropy(
    output: torch.Tensor, target: torch.Tensor, mask: torch.Tensor | None = None
) -> torch.Tensor:
    """Binary cross-entropy between outputs in [0, 1] and targets in [0, 1], over the entries where ``mask`` is 1.

    The keras.io denoising recipe's loss: unlike the squared error, its gradient
    does not vanish when a sigmoid output saturates at the wrong end.
    """
    entropy = nn.functional.binary_cross_entropy(output, target, reduction="none")
    if mask is None:
        return entropy.mean()
    return (entropy * mask).sum() / mask.sum().clamp_min(1)


def flushing_denormals() -> bool:
    """Whether this thread's CPU arithmetic treats denormal floats as zero (``torch.set_flush_denormal``)."""
    return torch.tensor([1e-39]).mul(1.0).item() == 0.0  # 1e-39 is a denormal float32: flushed, it becomes 0


@contextlib.contextmanager
def denormals_flushed(enabled: bool = True):
    """Within the block, CPU arithmetic flushes denormal floats to zero (with ``enabled``); afterwards, as before.

    Denormals are the floats below about 1.2e-38, which x86 processors handle
    many times slower than the others. Adam's running mean of a gradient that is
    zero in most batches (that of a weight from a pixel with ink in only a few
    images) decays through them after each batch that moves it, and a step that
    touches them can take twice as long. Flushing
    them costs nothing measurable in accuracy: they are smaller than any number
    that matters to the loss. It changes nothing on a GPU.
    """
    before = flushing_denormals()
    torch.set_flush_denormal(enabled)
    try:
        yield
    finally:
        torch.set_flush_denormal(before)


def progress_bar(batches: int, description: str, enabled: bool):
    """A text progress bar on stdout (stderr would show as an error box in the book and in nbgrader)."""
    from tqdm import tqdm

    return tqdm(
        total=batches,
        desc=description,
        file=sys.stdout,
        ascii=True,
        ncols=100,
        mininterval=1.0,
        leave=False,
        disable=not enabled,
    )


def train_epoch(
    model,
    optimizer,
    inputs,
    device,
    *,
    targets=None,
    mask=None,
    loss=masked_mse,
    batch_size: int = 256,
    generator=None,
    bar=None,
    scheduler=None,
    mixed_precision: bool = False,
) -> float:
    """One pass over ``inputs`` in shuffled batches, one optimiser step each; return the mean training loss.

    Each batch is moved to ``device`` as it is used. The loss is summed on the
    device and read once, at the end: each ``.item()`` would make the CPU wait for a GPU.
    A ``scheduler`` steps after every batch; ``mixed_precision`` runs the forward
    pass in bfloat16 where PyTorch's autocast allows it.
    """
    model.train()
    total = torch.zeros((), device=device)
    for index in torch.randperm(len(inputs), generator=generator).split(batch_size):
        batch = inputs[index].to(device, non_blocking=True)
        target = batch if targets is None else targets[index].to(device, non_blocking=True)
        batch_mask = None if mask is None else mask[index].to(device, non_blocking=True)
        with torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=mixed_precision):
            batch_loss = loss(model(batch), target, batch_mask)
        optimizer.zero_grad(set_to_none=True)
        batch_loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total += batch_loss.detach() * len(index)
        if bar is not None:
            bar.update()
    return total.item() / len(inputs)


@dataclass(frozen=True)
class Recipe:
    """How ``train_autoencoder`` trains: batches, optimiser, schedule, precision and regularisation.

    ``weight_decay`` adds an L2 penalty on the weights (Adam's own, added to the
    gradient), or with ``decoupled_weight_decay`` shrinks every parameter by
    ``learning_rate * weight_decay`` each step (AdamW). With ``one_cycle`` the
    learning rate follows PyTorch's one-cycle schedule, rising to ``learning_rate``
    and falling far below it by the last batch; ``mixed_precision`` computes the
    forward pass in bfloat16 (see :func:`train_epoch`). On the CPU, denormal floats
    are flushed to zero while it trains (see :func:`denormals_flushed`;
    ``flush_denormals=False`` keeps them, to measure what that costs). A new way of
    training is a new field here, not a new parameter of ``train_autoencoder``.
    """

    batch_size: int = 256
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    decoupled_weight_decay: bool = False
    one_cycle: bool = False
    mixed_precision: bool = False
    flush_denormals: bool = True

    def optimizer(self, model: nn.Module, device: torch.device) -> torch.optim.Adam:
        """Adam (or AdamW's decoupled decay) over ``model``'s parameters, fused on the CPU and CUDA."""
        return torch.optim.Adam(
            model.parameters(),
            lr=self.learning_rate,
            weight_decay=self.weight_decay,
            decoupled_weight_decay=self.decoupled_weight_decay,
            fused=device.type in ("cpu", "cuda"),
        )

    def scheduler(self, optimizer: torch.optim.Optimizer, total_steps: int):
        """The one-cycle schedule over ``total_steps`` batches when ``one_cycle``, else None (a constant rate)."""
        if not self.one_cycle:
            return None
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=self.learning_rate, total_steps=total_steps)


def recipe_with(recipe: Recipe | None, settings: dict) -> Recipe:
    """``recipe`` (default: ``Recipe()``) with ``settings`` replaced; an unknown setting is refused by name."""
    known = Recipe.__dataclass_fields__
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise TypeError(
            f"train_autoencoder got unknown setting(s) {unknown}; expected keyword arguments of its own "
            f"or fields of Recipe: {sorted(known)}"
        )
    return dataclasses.replace(recipe or Recipe(), **settings)


def train_autoencoder(
    model,
    inputs,
    epochs: int,
    device,
    *,
    targets=None,
    mask=None,
    loss=masked_mse,
    recipe: Recipe | None = None,
    seed: int | None = None,
    validation=None,
    progress: bool = False,
    verbose: bool = True,
    **settings,
) -> TrainingHistory:
    """Train ``model`` on ``device`` with Adam to map ``inputs`` to ``targets`` (by default the inputs themselves).

    ``inputs`` (``targets``, ``mask``): tensors or arrays, examples along the first axis. How it trains is a
    :class:`Recipe`, or its fields as keywords (``batch_size=32``), which replace the recipe's. Batches are
    shuffled each epoch by PyTorch's global generator, or by their own given a ``seed``. ``validation`` (inputs)
    adds each epoch's test MSE; ``progress`` shows a bar, ``verbose`` a line per epoch. Raises
    ``FloatingPointError`` if an epoch's mean loss is not finite.
    """
    recipe = recipe_with(recipe, settings)
    device = torch.device(device)
    inputs, targets, mask = (None if array is None else torch.as_tensor(array) for array in (inputs, targets, mask))
    model.to(device)
    optimizer = recipe.optimizer(model, device)
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    history = TrainingHistory(device_name(device))
    batches = math.ceil(len(inputs) / recipe.batch_size)
    scheduler = recipe.scheduler(optimizer, epochs * batches)
    for epoch in range(1, epochs + 1):
        synchronize(device)
        start = time.perf_counter()
        with (
            progress_bar(batches, f"epoch {epoch}/{epochs}", progress) as bar,
            denormals_flushed(recipe.flush_denormals),
        ):
            epoch_loss = train_epoch(
                model,
                optimizer,
                inputs,
                device,
                targets=targets,
                mask=mask,
                loss=loss,
                batch_size=recipe.batch_size,
                generator=generator,
                bar=bar,
                scheduler=scheduler,
                mixed_precision=recipe.mixed_precision,
            )
        synchronize(device)
        history.epoch_seconds.append(time.perf_counter() - start)
        record_epoch(history, f"epoch {epoch}/{epochs}", epoch_loss, optimizer, model, validation, device, verbose)
    return history


def record_epoch(
    history: TrainingHistory, name: str, epoch_loss: float, optimizer, model, validation, device, verbose: bool
) -> None:
    """Add an epoch's loss, learning rate and validation MSE to ``history``; refuse a loss that is not finite."""
    if not math.isfinite(epoch_loss):
        raise FloatingPointError(
            f"{name.split('/')[0]}: the mean training loss is {epoch_loss}; expected a finite number "
            "(check the input for NaN or infinite values, or lower the learning rate)"
        )
    history.losses.append(epoch_loss)
    history.learning_rates.append(optimizer.param_groups[0]["lr"])
    report = f"{name}: loss {epoch_loss:.5f}"
    if validation is not None:
        history.val_losses.append(reconstruction_mse(model, validation, device))
        report += f", val_loss {history.val_losses[-1]:.5f}"
    if verbose:
        print(f"{report}, {history.epoch_seconds[-1]:.1f} s on {history.device}", flush=True)


def choose_learning_rate(
    build, inputs, validation, rates, epochs: int, device, *, seed: int = 0, **options
) -> tuple[float, dict[float, float]]:
    """The rate among ``rates`` that leaves the lowest reconstruction MSE on ``validation``, and that MSE for each rate.

    For each rate a fresh model, ``build()`` after ``torch.manual_seed(seed)``
    (so every candidate starts from the same weights), trains ``epochs`` epochs on
    ``inputs`` with the same batches (``seed``); ``options`` go to
    :func:`train_autoencoder`. The test images never take part: choosing on them
    would make their error an optimistic estimate.
    """
    if not rates:
        raise ValueError("choose_learning_rate needs at least one learning rate to try; rates is empty")
    errors = {}
    for rate in rates:
        torch.manual_seed(seed)
        model = build()
        train_autoencoder(model, inputs, epochs, device, learning_rate=rate, seed=seed, verbose=False, **options)
        errors[rate] = reconstruction_mse(model, validation, device)
    return min(errors, key=errors.get), errors


def _in_batches(function, images, device, batch_size: int) -> torch.Tensor:
    """``function`` applied to ``images`` batch by batch on ``device``, without gradients; the result on the CPU."""
    images = torch.as_tensor(images)
    with torch.no_grad():
        return torch.cat(
            [
                function(images[start : start + batch_size].to(device)).cpu()
                for start in range(0, len(images), batch_size)
            ]
        )


def reconstruct(model: nn.Module, images, device, batch_size: int = 1000) -> torch.Tensor:
    """The model's output for ``images``, computed on ``device`` in evaluation mode, returned on the CPU."""
    model.to(device).eval()
    return _in_batches(model, images, device, batch_size)


def encode(model: nn.Module, images, device, batch_size: int = 1000) -> torch.Tensor:
    """The codes ``model.encoder`` gives for ``images``, computed on ``device`` in evaluation mode, on the CPU."""
    model.to(device).eval()
    return _in_batches(model.encoder, images, device, batch_size)


def reconstruction_errors(model: nn.Module, images, device, batch_size: int = 1000) -> np.ndarray:
    """Each image's mean squared reconstruction error, over its pixels: one anomaly score per image, as NumPy."""
    images = torch.as_tensor(images)
    squared = (reconstruct(model, images, device, batch_size) - images) ** 2
    return squared.reshape(len(images), -1).mean(dim=1).numpy()


def reconstruction_mse(model: nn.Module, images, device, batch_size: int = 1000) -> float:
    """Mean squared error between ``images`` and their reconstructions, over every pixel of every image."""
    images = torch.as_tensor(images)
    return float(masked_mse(reconstruct(model, images, device, batch_size), images))


class EpochRecord:
    """For a Keras ``fit``: one short line per epoch, its seconds, and predictions on chosen inputs after chosen
    epochs."""

    def __init__(self, snapshot_inputs: np.ndarray | None = None, snapshot_epochs: tuple[int, ...] = ()):
        self.snapshot_inputs = snapshot_inputs
        self.snapshot_epochs = set(snapshot_epochs)
        self.snapshots: dict[int, np.ndarray] = {}
        self.seconds: list[float] = []
        self._start = 0.0

    def callback(self, model):
        """A Keras callback that records into this object while ``model`` trains."""
        import keras

        def begin(epoch, logs=None):
            self._start = time.perf_counter()

        def end(epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)
            done = epoch + 1
            if done in self.snapshot_epochs and self.snapshot_inputs is not None:
                self.snapshots[done] = model.predict(self.snapshot_inputs, batch_size=1024, verbose=0)
            scores = "  ".join(f"{name} {value:.5f}" for name, value in (logs or {}).items())
            print(f"epoch {done:2d}  {scores}  ({self.seconds[-1]:.1f} s)")

        return keras.callbacks.LambdaCallback(on_epoch_begin=begin, on_epoch_end=end)


def train_keras(autoencoder, x_train, x_test, epochs: int = 30, record: EpochRecord | None = None):
    """Compile and fit as the classic example does (adam, mse, Keras' default batch of 32).

    The test images serve as validation data, so ``val_loss`` is the test MSE after each epoch.
    Returns the Keras ``History``.
    """
    autoencoder.compile(optimizer="adam", loss="mse")
    return autoencoder.fit(
        x_train,
        x_train,
        epochs=epochs,
        shuffle=True,
        validation_data=(x_test, x_test),
        verbose=0,
        callbacks=[(record or EpochRecord()).callback(autoencoder)],
    )
