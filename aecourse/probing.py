"""Watch an answer run: where its tensors were, what a training loop did batch by batch, what it read.

The exercises' tests use these tools; they are as useful for checking one's own code.

- :func:`probe_training` runs a loop of the form ``train(model, loader, epochs,
  device)`` and records, batch by batch, where each batch and the parameters
  were, the optimiser steps it took and every move to another device.
- :func:`probe_call` runs any code that is given a device, once on the CPU and
  once on PyTorch's ``meta`` device, and reports whether a tensor was left
  behind on the CPU.
- :func:`record_forward` keeps what a model was given and gave back, call by
  call, so that a test can recompute the losses a loop reports.
- :func:`names_removed` takes names out of a notebook's namespace for a while,
  so that a test can show that an answer reads only its arguments.
- :func:`layer_output_shapes` records the output shape of each convolution (or
  other chosen layer) of a model in one forward pass, in the order they ran.
- :class:`ConstantModel` is a stand-in model with a known output, to feed a
  function that evaluates models.

What a function returns and which libraries it calls is checked by
:mod:`aecourse.checks`, which loads no framework.

On the ``meta`` device tensors have shapes but no data, so device handling can
be checked on a machine without a GPU: an operation that mixes a ``meta``
tensor with a CPU tensor raises just as one that mixes a CUDA tensor with a CPU
tensor does. What the code reads out of a ``meta`` tensor (``.item()``,
``float()``, ``bool()``...) has no value there, so each run on ``meta`` is
preceded by the same run on the CPU, and every number read on ``meta`` is the
one read at the same point of the CPU run: the two runs take the same branches.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
import torch.fx.experimental._config as fx_config
from torch import nn
from torch.optim.optimizer import register_optimizer_step_post_hook

META = torch.device("meta")
_READS = ("item", "__float__", "__int__", "__bool__", "__index__")


@dataclass(frozen=True)
class ForwardCall:
    """One call of a model's encoder during a probed loop: where its input and the parameters were."""

    step: int
    batch_device: str
    parameter_devices: list[str]
    training: bool


@dataclass
class TrainingReport:
    """What a probed training loop did; ``error`` is ``(step, exception)`` when it raised."""

    forward: list[ForwardCall] = field(default_factory=list)
    steps: int = 0
    optimisers: list[tuple[str, float]] = field(default_factory=list)
    copies: list[tuple[int, str]] = field(default_factory=list)
    error: tuple[int, Exception] | None = None


@dataclass
class CallReport:
    """What happened when code given a device ran on the CPU and then on ``meta``.

    ``left_on_cpu`` is the error the ``meta`` run raised because a tensor was
    on the CPU while another was on ``meta`` (on a GPU it would raise the same),
    or ``None``. ``cpu_error`` is what the CPU run raised, if anything;
    ``inconclusive`` is any other error of the ``meta`` run (an operation that
    PyTorch cannot run without data, such as boolean indexing): it says nothing
    about devices.
    """

    cpu_error: Exception | None = None
    left_on_cpu: Exception | None = None
    inconclusive: Exception | None = None


def is_device_mismatch(error: BaseException) -> bool:
    """Did this error come from tensors on two devices, or from reading a device tensor as a NumPy array?"""
    message = str(error).lower()
    return (isinstance(error, RuntimeError) and "device" in message and "expected" in message) or (
        isinstance(error, TypeError) and "device type tensor to numpy" in message
    )


class _Reads:
    """The numbers read from tensors during a CPU run, replayed in the same order during the ``meta`` run."""

    def __init__(self):
        self.values: list = []
        self.position = 0
        self.replaying = False

    def read(self, original, tensor, *args):
        if not self.replaying:
            value = original(tensor, *args)
            self.values.append(value)
            return value
        self.position += 1
        if not tensor.is_meta:
            return original(tensor, *args)
        if self.position <= len(self.values):
            return self.values[self.position - 1]
        return original(torch.zeros((), dtype=tensor.dtype), *args)


def _zeros_on(tensor: torch.Tensor, device) -> torch.Tensor:
    return torch.zeros(tensor.shape, dtype=tensor.dtype, device=device)


def _read_patches(reads: _Reads) -> list[tuple[object, str, object]]:
    """Replacements of the methods that read a number out of a tensor: (owner, name, replacement) triples."""

    def reading(original):
        return lambda tensor, *args: reads.read(original, tensor, *args)

    return [(torch.Tensor, name, reading(getattr(torch.Tensor, name))) for name in _READS]


def _patches(reads: _Reads, on_copy: Callable[[str, torch.device], None]) -> list[tuple[object, str, object]]:
    """The replacements installed while code runs on ``meta``: (owner, name, replacement) triples."""
    patches = _read_patches(reads)
    to_list = torch.Tensor.tolist
    patches.append(
        (torch.Tensor, "tolist", lambda tensor: to_list(_zeros_on(tensor, "cpu") if tensor.is_meta else tensor))
    )
    for owner in (torch, torch.amp):
        autocast = owner.autocast
        patches.append(
            (
                owner,
                "autocast",
                lambda device_type, *args, _autocast=autocast, **kwargs: (
                    contextlib.nullcontext()
                    if str(device_type).startswith("meta")
                    else _autocast(device_type, *args, **kwargs)
                ),
            )
        )
    for owner in (torch.Tensor, nn.Module):
        for name in ("to", "cpu", "cuda"):
            patches.append((owner, name, _moving(owner, name, getattr(owner, name), on_copy)))
    return patches


def _moving(owner, name: str, original, on_copy):
    """A replacement of ``owner.name`` that reports every move and lets data leave ``meta`` as zeros."""

    def call(self, *args, **kwargs):
        target = torch._C._nn._parse_to(*args, **kwargs)[0] if name == "to" else torch.device(name)
        if target is not None:
            on_copy(f"{type(self).__name__}.{name}({target.type!r})", target)
        if owner is torch.Tensor and self.is_meta and target is not None and target.type == "cpu":
            return _zeros_on(self, "cpu")
        return original(self, *args, **kwargs)

    return call


@contextlib.contextmanager
def _patched(patches):
    """Install the replacements while the block runs; on ``meta``, boolean indexing assumes every entry is selected."""
    saved = []
    try:
        for owner, name, replacement in patches:
            saved.append((owner, name, vars(owner).get(name)))
            setattr(owner, name, replacement)
        with fx_config.patch(meta_nonzero_assume_all_nonzero=True):
            yield
    finally:
        for owner, name, original in reversed(saved):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


@contextlib.contextmanager
def _recording(reads: _Reads):
    """Record every number read from a tensor, on the CPU, for the ``meta`` run to replay."""
    with _patched(_read_patches(reads)):
        yield


def probe_call(call: Callable[[torch.device], object]) -> CallReport:
    """Run ``call(cpu)``, then ``call(meta)``, and report whether the second left a tensor on the CPU.

    ``call`` builds whatever it needs on the device it is given, for example
    ``lambda device: reconstruction_errors(model.to(device), images)`` with
    ``images`` on the CPU: a function that forgets to move them to the model's
    device raises on ``meta`` as it would on a GPU. On ``meta``, moving a tensor
    to the CPU gives zeros of its shape (there is no data to copy), and numbers
    read from tensors are those of the CPU run.
    """
    report = CallReport()
    reads = _Reads()
    try:
        with _recording(reads):
            call(torch.device("cpu"))
    except Exception as error:
        report.cpu_error = error
    reads.replaying = True
    try:
        with _patched(_patches(reads, lambda description, target: None)):
            call(META)
    except Exception as error:
        if is_device_mismatch(error):
            report.left_on_cpu = error
        else:
            report.inconclusive = error
    return report


def probe_training(train, model, loader, device, epochs: int = 1) -> TrainingReport:
    """Run ``train(model, loader, epochs, device)`` and record, batch by batch, where tensors went.

    On ``meta`` the same loop first runs on the CPU, on a copy of the model, so
    that the numbers it reads (losses for a printout, a check that they are
    finite) can be given back in the same order; autocast is switched off and
    moving a tensor to the CPU gives zeros. Every call of ``model.encoder`` adds
    a :class:`ForwardCall`; every optimiser step adds its type and learning
    rate; every move to a device other than ``device`` adds ``(step, call)`` to
    ``copies``.
    """
    device = torch.device(device)
    report = TrainingReport()
    reads = _Reads()
    if device.type == "meta":
        with contextlib.suppress(Exception), _recording(reads):
            train(copy.deepcopy(model), loader, epochs, torch.device("cpu"))
    reads.replaying = True

    def forward(module, inputs):
        parameters = sorted({p.device.type for p in module.parameters()})
        report.forward.append(ForwardCall(report.steps + 1, inputs[0].device.type, parameters, module.training))

    def stepped(optimizer, args, kwargs):
        report.steps += 1
        report.optimisers.append((type(optimizer).__name__, optimizer.param_groups[0]["lr"]))

    def copied(description: str, target: torch.device):
        if target.type in ("cpu", "cuda") and target.type != device.type:
            report.copies.append((report.steps + 1, description))

    handles = [model.encoder.register_forward_pre_hook(forward), register_optimizer_step_post_hook(stepped)]
    try:
        with _patched(_patches(reads, copied)):
            train(model, loader, epochs, device)
    except Exception as error:
        report.error = (report.steps + 1, error)
    finally:
        for handle in handles:
            handle.remove()
    return report


@dataclass(frozen=True)
class Forward:
    """One call of a model: whether it was in training mode, its first input and its output, on the CPU."""

    training: bool
    input: torch.Tensor
    output: torch.Tensor


@contextlib.contextmanager
def record_forward(model: nn.Module) -> Iterator[list[Forward]]:
    """Keep a :class:`Forward` for every call of ``model`` while the block runs (detached copies, on the CPU)."""
    calls: list[Forward] = []

    def hook(module, inputs, output):
        calls.append(Forward(module.training, inputs[0].detach().float().cpu(), output.detach().float().cpu()))

    handle = model.register_forward_hook(hook)
    try:
        yield calls
    finally:
        handle.remove()


@contextlib.contextmanager
def names_removed(namespace: dict, *names: str) -> Iterator[None]:
    """Take ``names`` out of ``namespace`` (a notebook's ``globals()``) while the block runs, then put them back."""
    saved = {name: namespace.pop(name) for name in names if name in namespace}
    try:
        yield
    finally:
        namespace.update(saved)


def find_rows(images: torch.Tensor, among: torch.Tensor) -> list[int | None]:
    """For each image of ``images``, the index of an equal image in ``among``, or ``None`` where there is none.

    A test that knows which images it gave a loop can find, from what the model
    was called on, which examples each batch held, whatever order they came in.
    """
    index = {row.numpy().tobytes(): i for i, row in enumerate(among.detach().float().cpu().contiguous())}
    return [index.get(image.contiguous().numpy().tobytes()) for image in images.detach().float().cpu()]


def epoch_means(batch_losses: list[float], epochs: int) -> list[float]:
    """The mean of each epoch's losses, from the losses of ``epochs`` epochs of equally many batches, in order."""
    if epochs <= 0 or len(batch_losses) % epochs:
        raise ValueError(
            f"expected the same number of batch losses in each of {epochs} epochs; found {len(batch_losses)} losses"
        )
    per_epoch = len(batch_losses) // epochs
    return [sum(batch_losses[e * per_epoch : (e + 1) * per_epoch]) / per_epoch for e in range(epochs)]


@dataclass(frozen=True)
class ForwardParts:
    """One batch through an autoencoder three ways, without gradients.

    ``output`` is ``model(images)``, ``composed`` is
    ``model.decoder(model.encoder(images))``, and ``last_layer`` is what the
    model's last layer of the given type gave during ``model(images)``: a test
    compares them to check a forward pass that the instructions write out.
    """

    output: torch.Tensor
    composed: torch.Tensor
    last_layer: torch.Tensor


def forward_parts(model: nn.Module, images: torch.Tensor, layer_type: type[nn.Module]) -> ForwardParts:
    """Run ``images`` through ``model`` and through its encoder and decoder; keep its last ``layer_type`` layer's
    output."""
    last = [module for module in model.modules() if isinstance(module, layer_type)][-1]
    seen = []
    handle = last.register_forward_hook(lambda module, inputs, output: seen.append(output.clone()))
    try:
        with torch.no_grad():
            output = model(images)
            last_layer = seen[-1]
            composed = model.decoder(model.encoder(images))
    finally:
        handle.remove()
    return ForwardParts(output, composed, last_layer)


@dataclass(frozen=True)
class LayerShapes:
    """One forward pass without gradients: each watched layer's class name and output shape, in the order they ran, and
    the model's output.
    """

    shapes: list[tuple[str, tuple[int, ...]]]
    output: torch.Tensor


def layer_output_shapes(
    model: nn.Module, images: torch.Tensor, layer_types: tuple[type[nn.Module], ...] = (nn.Conv2d, nn.ConvTranspose2d)
) -> LayerShapes:
    """Run ``images`` through ``model`` and record, with forward hooks, the output shape of every layer of
    ``layer_types``.
    """
    shapes: list[tuple[str, tuple[int, ...]]] = []
    layers = [module for module in model.modules() if isinstance(module, layer_types)]
    handles = [
        layer.register_forward_hook(
            lambda module, inputs, output: shapes.append((type(module).__name__, tuple(output.shape)))
        )
        for layer in layers
    ]
    try:
        with torch.no_grad():
            output = model(images)
    finally:
        for handle in handles:
            handle.remove()
    return LayerShapes(shapes, output)


class ConstantModel(nn.Module):
    """A stand-in for a trained model: its output is ``value`` everywhere, in the shape of its input.

    It holds one parameter that it never uses, so that code which finds a
    model's device from its parameters, or moves them, works on it.
    """

    def __init__(self, value: float = 0.5):
        super().__init__()
        self.value = value
        self.unused = nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.full_like(x, self.value)
