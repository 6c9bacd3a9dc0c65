"""The probes the exercises' tests use: devices on ``meta``, the numbers read there, a model's calls, a notebook's
names."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from aecourse import probing


class TinyAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder, self.decoder = nn.Linear(16, 8), nn.Linear(8, 16)

    def forward(self, x):
        return self.decoder(self.encoder(x))


def train(model, loader, epochs, device):
    """A correct device-agnostic loop that reads each loss and stops on a non-finite one, as the exercises ask."""
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for batch in loader:
            batch = batch.to(device)
            loss = ((model(batch) - batch) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if not torch.isfinite(loss):
                raise FloatingPointError(f"loss {loss.item()}")
            total += loss.item()
        losses.append(total / len(loader))
    return losses


@pytest.fixture
def batches():
    """Three batches of two random 16-number inputs, on the CPU (a loader that can be iterated more than once)."""
    return torch.rand(6, 16, generator=torch.Generator().manual_seed(0)).split(2)


def test_probe_records_devices_and_steps_on_meta(batches):
    """Does probe_training run a loop on meta and record one step per batch, every batch and parameter on meta?"""
    report = probing.probe_training(train, TinyAutoencoder(), batches, torch.device("meta"), epochs=2)
    assert report.error is None and report.steps == 6 and not report.copies
    assert {(call.batch_device, tuple(call.parameter_devices)) for call in report.forward} == {("meta", ("meta",))}


def test_probe_gives_back_on_meta_the_truth_values_read_on_the_cpu(batches):
    """Does a loop that tests a meta tensor's truth value (torch.isfinite(loss)) run to its end on meta?"""
    report = probing.probe_training(train, TinyAutoencoder(), batches, "meta")
    assert report.error is None and report.steps == 3


def test_probe_records_a_move_to_the_cpu_and_lets_the_loop_go_on(batches):
    """Is a loss copied to the CPU (loss.cpu()) recorded as a copy at its step, rather than stopping the loop?"""

    def copying(model, loader, epochs, device):
        model.to(device)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        for batch in loader:
            loss = ((model(batch.to(device)) - batch.to(device)) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.cpu()

    report = probing.probe_training(copying, TinyAutoencoder(), batches, "meta")
    assert report.error is None and report.steps == 3
    assert report.copies[0] == (2, "Tensor.cpu('cpu')")


def test_probe_reports_a_batch_left_on_the_cpu_as_an_error(batches):
    """Does a loop that feeds the model CPU batches while its parameters are on meta end with an error?"""

    def forgetful(model, loader, epochs, device):
        model.to(device)
        for batch in loader:
            model(batch)

    report = probing.probe_training(forgetful, TinyAutoencoder(), batches, "meta")
    assert report.error is not None and probing.is_device_mismatch(report.error[1])


def per_image_errors(model, images):
    device = next(model.parameters()).device
    with torch.no_grad():
        images = images.to(device)
        return ((model(images) - images) ** 2).mean(dim=1).cpu().numpy()


def test_probe_call_passes_code_that_moves_its_input():
    """Does code that moves its input to the model's device, and its result back to the CPU, run on meta?"""
    images = torch.rand(5, 16)
    report = probing.probe_call(lambda device: per_image_errors(TinyAutoencoder().to(device), images))
    assert report == probing.CallReport()


def test_probe_call_catches_a_target_left_on_the_cpu():
    """Does code that compares the model's output with the CPU copy of its input report a tensor left on the CPU?"""

    def target_on_cpu(model, images):
        device = next(model.parameters()).device
        with torch.no_grad():
            return ((model(images.to(device)) - images) ** 2).mean(dim=1).cpu().numpy()

    report = probing.probe_call(lambda device: target_on_cpu(TinyAutoencoder().to(device), torch.rand(5, 16)))
    assert report.cpu_error is None and isinstance(report.left_on_cpu, RuntimeError)


def test_probe_call_catches_a_device_tensor_read_as_numpy():
    """Is .numpy() on a device tensor (which raises on a GPU) reported as a tensor left on the device?"""

    def no_cpu(model, images):
        with torch.no_grad():
            return model(images.to(next(model.parameters()).device)).numpy()

    report = probing.probe_call(lambda device: no_cpu(TinyAutoencoder().to(device), torch.rand(5, 16)))
    assert isinstance(report.left_on_cpu, TypeError)


def test_probe_call_replays_counts_read_on_the_cpu():
    """Does a check on a count read from a meta tensor (mask.sum() == 0) take the branch the CPU run took?"""

    def masked(pred, target, mask):
        if mask.sum() == 0 or not mask.bool().any():
            raise ValueError("no observed entry")
        return ((pred - target)[mask.bool()] ** 2).mean()

    mask = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    report = probing.probe_call(
        lambda device: masked(torch.ones(2, 2, device=device), torch.zeros(2, 2, device=device), mask.to(device))
    )
    assert report == probing.CallReport()


def test_probe_call_keeps_errors_that_say_nothing_about_devices_apart():
    """Is an operation that cannot run without data reported as inconclusive, not as a tensor left on the CPU?"""
    report = probing.probe_call(
        lambda device: torch.masked_select(torch.ones(3, device=device), torch.ones(3, dtype=torch.bool, device=device))
    )
    assert report.left_on_cpu is None and isinstance(report.inconclusive, NotImplementedError)


def test_probes_restore_what_they_replace(batches):
    """After a probe, are Tensor.item, bool(), .cpu() and Module.to PyTorch's own again?"""
    originals = (torch.Tensor.item, torch.Tensor.__bool__, torch.Tensor.cpu, nn.Module.to, torch.autocast)
    probing.probe_training(train, TinyAutoencoder(), batches, "meta")
    probing.probe_call(lambda device: torch.ones(2, device=device).sum().item())
    assert (torch.Tensor.item, torch.Tensor.__bool__, torch.Tensor.cpu, nn.Module.to, torch.autocast) == originals


def test_record_forward_keeps_each_call_in_order_with_its_mode():
    """Does record_forward keep every call's mode, input and output, and stop recording after the block?"""
    model = TinyAutoencoder()
    first, second = torch.rand(2, 16), torch.rand(3, 16)
    with probing.record_forward(model) as calls:
        model(first)
        model.eval()
        model(second)
    model(first)
    assert [call.training for call in calls] == [True, False]
    assert torch.equal(calls[1].input, second) and torch.allclose(calls[0].output, model(first).detach())


def test_names_removed_takes_names_away_and_puts_them_back():
    """Are the names missing inside the block, and back with the same objects after it, even after an error?"""
    data = object()
    namespace = {"data": data, "kept": 1}
    with pytest.raises(NameError), probing.names_removed(namespace, "data", "never_defined"):
        assert "data" not in namespace and namespace["kept"] == 1
        raise NameError("data")
    assert namespace == {"data": data, "kept": 1}


def test_every_loss_read_on_meta_is_the_cpu_runs():
    """Are the losses a loop reads on meta the ones it read on the CPU (finite numbers, not placeholders)?"""
    seen = []

    def reading(model, loader, epochs, device):
        model.to(device)
        for batch in loader:
            seen.append(((model(batch.to(device)) - batch.to(device)) ** 2).mean().item())

    probing.probe_training(reading, TinyAutoencoder(), torch.ones(4, 16).split(2), "meta")
    assert len(seen) == 4 and seen[:2] == seen[2:] and all(math.isfinite(value) and value > 0 for value in seen)


def test_find_rows_finds_each_image_whatever_its_order_and_layout():
    """Does find_rows give each image's index among the originals, for a shuffled channels-last batch, and None for a
    stranger?"""
    originals = torch.rand(6, 1, 4, 4)
    batch = torch.cat([originals[[4, 1]], torch.zeros(1, 1, 4, 4)]).to(memory_format=torch.channels_last)
    assert probing.find_rows(batch, originals) == [4, 1, None]


def test_epoch_means_averages_each_epochs_batches():
    """Does epoch_means average each epoch's batch losses, and refuse losses that do not split into equal epochs?"""
    assert probing.epoch_means([1.0, 3.0, 5.0, 9.0], 2) == [2.0, 7.0]
    with pytest.raises(ValueError, match="3 epochs; found 4 losses"):
        probing.epoch_means([1.0, 3.0, 5.0, 9.0], 3)


def test_forward_parts_give_the_output_the_composition_and_the_last_layer():
    """Are the three parts the model's output, decoder(encoder(x)), and the last linear layer's output in model(x)?"""

    class Squashed(TinyAutoencoder):
        def forward(self, x):
            return torch.sigmoid(self.decoder(self.encoder(x)))

    model, images = Squashed(), torch.rand(3, 16)
    parts = probing.forward_parts(model, images, nn.Linear)
    assert torch.allclose(parts.output, torch.sigmoid(parts.last_layer))
    assert torch.allclose(parts.composed, parts.last_layer) and not torch.allclose(parts.output, parts.composed)


def test_layer_output_shapes_records_the_chosen_layers_in_order():
    """Does layer_output_shapes give each chosen layer's output shape in the order they ran, and the model's output?"""
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.ConvTranspose2d(4, 1, 4, stride=4)
    )
    images = torch.rand(2, 1, 8, 8)
    recorded = probing.layer_output_shapes(model, images)
    assert recorded.shapes == [("Conv2d", (2, 4, 4, 4)), ("ConvTranspose2d", (2, 1, 8, 8))]
    assert torch.equal(recorded.output, model(images).detach())
    with_pooling = probing.layer_output_shapes(model, images, (nn.Conv2d, nn.MaxPool2d, nn.ConvTranspose2d)).shapes
    assert [name for name, _ in with_pooling] == ["Conv2d", "MaxPool2d", "ConvTranspose2d"]


def test_layer_output_shapes_leaves_no_hook_and_no_gradient():
    """After layer_output_shapes, does the model carry no forward hook, and was the pass run without gradients?"""
    model = nn.Sequential(nn.Conv2d(1, 2, 3))
    recorded = probing.layer_output_shapes(model, torch.rand(1, 1, 5, 5))
    assert not recorded.output.requires_grad
    assert not model[0]._forward_hooks


def test_constant_model_gives_its_value_in_the_input_shape():
    """Does ConstantModel return its value everywhere, in the input's shape, and have a device to be found?"""
    model = probing.ConstantModel(0.25)
    output = model(torch.zeros(3, 1, 4, 4))
    assert output.shape == (3, 1, 4, 4) and torch.all(output == 0.25)
    assert next(model.parameters()).device.type == "cpu"
