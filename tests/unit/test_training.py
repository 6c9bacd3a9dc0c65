"""The one PyTorch training loop: what it trains towards, what it records, and how it fails."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from aecourse import training


@pytest.fixture
def images():
    """200 small random 'images' of 16 pixels in [0, 1]."""
    return torch.rand(200, 16, generator=torch.Generator().manual_seed(0))


def small_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 16), nn.Sigmoid())


def test_loss_falls_and_history_is_recorded(images):
    """Does training lower the loss, and record one loss, one validation MSE and one time per epoch?"""
    history = training.train_autoencoder(
        small_model(), images, 5, "cpu", batch_size=20, learning_rate=1e-2, validation=images[:50], verbose=False
    )
    assert len(history.losses) == len(history.val_losses) == len(history.epoch_seconds) == 5
    assert history.losses[-1] < history.losses[0] and history.val_losses[-1] < history.val_losses[0]
    assert history.device.startswith("CPU")


def test_same_seed_gives_the_same_run(images):
    """Do two runs from the same initial weights and seed give the same losses?"""
    runs = [
        training.train_autoencoder(small_model(), images, 2, "cpu", batch_size=32, seed=3, verbose=False).losses
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_targets_replace_the_input_as_what_is_learnt(images):
    """With targets given, does the model learn to output them rather than its input?"""
    targets = torch.full_like(images, 0.25)
    model = small_model()
    training.train_autoencoder(
        model, images, 30, "cpu", targets=targets, batch_size=50, learning_rate=2e-2, verbose=False
    )
    outputs = training.reconstruct(model, images, "cpu")
    assert (outputs - 0.25).abs().mean() < 0.05


def test_masked_loss_counts_only_the_masked_entries():
    """Does masked_mse ignore entries where the mask is 0, and equal the plain MSE without a mask?"""
    output, target = torch.tensor([[1.0, 5.0], [2.0, 9.0]]), torch.tensor([[0.0, 0.0], [0.0, 0.0]])
    mask = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    assert training.masked_mse(output, target, mask).item() == pytest.approx((1 + 4) / 2)
    assert training.masked_mse(output, target).item() == pytest.approx((1 + 25 + 4 + 81) / 4)


@pytest.mark.parametrize(("decoupled", "factor"), [(True, 1 - 0.1 * 0.5), (False, None)])
def test_decoupled_weight_decay_shrinks_every_weight_by_the_same_fraction(decoupled, factor):
    """With a zero loss gradient, does decoupled decay scale weights by 1 - lr * decay, unlike Adam's L2 penalty?"""
    torch.manual_seed(0)
    model = nn.Linear(4, 4, bias=False)
    before = model.weight.detach().clone()
    zeros = torch.zeros(8, 4)  # the output is 0, the target is 0: the loss's gradient vanishes
    training.train_autoencoder(
        model,
        zeros,
        1,
        "cpu",
        batch_size=8,
        learning_rate=0.1,
        weight_decay=0.5,
        decoupled_weight_decay=decoupled,
        verbose=False,
    )
    ratio = model.weight.detach() / before
    if decoupled:
        assert torch.allclose(ratio, torch.full_like(ratio, factor))
    else:
        assert not torch.allclose(ratio, ratio.flatten()[0].expand_as(ratio), atol=1e-3)


def test_a_nan_loss_stops_training_with_the_epoch_and_value(images):
    """Does a non-finite loss raise FloatingPointError naming the epoch and the loss?"""
    broken = images.clone()
    broken[::2] = float("nan")
    with pytest.raises(FloatingPointError, match="epoch 1: the mean training loss is nan"):
        training.train_autoencoder(small_model(), broken, 2, "cpu", verbose=False)


def test_reconstruction_mse_of_the_identity_is_zero(images):
    """Is the reconstruction MSE of a model that returns its input exactly 0, and a float?"""
    value = training.reconstruction_mse(nn.Identity(), images, "cpu", batch_size=64)
    assert isinstance(value, float) and value == 0.0


def test_encode_gives_the_encoders_codes_in_evaluation_mode(images):
    """Does encode return model.encoder's output for every image, computed in evaluation mode?"""
    model = nn.Module()
    model.encoder = nn.Sequential(nn.Linear(16, 3), nn.Dropout(0.9))
    codes = training.encode(model, images, "cpu", batch_size=64)
    with torch.no_grad():  # in batches the products may round differently from one product over all the images
        torch.testing.assert_close(codes, model.encoder[0](images), rtol=1e-5, atol=1e-6)


def test_verbose_prints_one_line_per_epoch_on_stdout(images, capsys):
    """Does verbose training print one line per epoch to standard output and nothing to standard error?"""
    training.train_autoencoder(small_model(), images, 2, "cpu", validation=images, verbose=True)
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 2 and "val_loss" in captured.out and captured.err == ""


def test_reconstruction_errors_give_one_error_per_image(images):
    """Are the per-image errors the mean over each image's pixels, and their mean the reconstruction MSE?"""
    model = small_model()
    errors = training.reconstruction_errors(model, images, "cpu")
    with torch.no_grad():
        expected = ((model(images) - images) ** 2).mean(dim=1).numpy()
    assert errors.shape == (200,) and np.allclose(errors, expected, atol=1e-7)
    assert np.isclose(errors.mean(), training.reconstruction_mse(model, images, "cpu"))


def test_binary_cross_entropy_of_a_perfect_binary_output_is_zero():
    """Is the BCE of an exact 0/1 reconstruction 0, and does the mask drop the entries it excludes?"""
    target = torch.tensor([[0.0, 1.0, 1.0, 0.0]])
    assert training.masked_binary_cross_entropy(target, target).item() == 0
    output = torch.tensor([[0.0, 1.0, 0.5, 0.5]])
    assert training.masked_binary_cross_entropy(output, target, torch.tensor([[1.0, 1.0, 0.0, 0.0]])).item() == 0


def test_one_cycle_rises_to_the_learning_rate_and_ends_far_below(images):
    """With one_cycle, is the learning rate near its peak mid-run and far below it after the last batch?"""
    history = training.train_autoencoder(
        small_model(), images, 4, "cpu", batch_size=20, learning_rate=0.01, one_cycle=True, verbose=False
    )
    assert max(history.learning_rates) > 0.005 and history.learning_rates[-1] < 0.01 / 100


def test_mixed_precision_trains_to_a_finite_falling_loss(images):
    """Does a bfloat16 forward pass still lower a finite loss on the CPU?"""
    history = training.train_autoencoder(
        small_model(), images, 4, "cpu", batch_size=20, learning_rate=1e-2, mixed_precision=True, verbose=False
    )
    assert all(np.isfinite(history.losses)) and history.losses[-1] < history.losses[0]


def test_choose_learning_rate_returns_the_rate_with_the_lowest_validation_error(images):
    """Does choose_learning_rate try every rate from the same start and return the one with the lowest validation
    MSE?"""
    rates = (1e-6, 1e-2)  # a millionth barely moves the weights; 0.01 trains this small model in a few epochs
    best, errors = training.choose_learning_rate(
        small_model, images[:150], images[150:], rates, 3, "cpu", batch_size=10
    )
    untrained = training.reconstruction_mse(small_model(), images[150:], "cpu")
    assert set(errors) == set(rates) and best == 1e-2 and errors[1e-2] < errors[1e-6]
    assert errors[1e-6] == pytest.approx(untrained, rel=1e-3)


def test_choose_learning_rate_without_rates_says_so(images):
    """Does an empty list of rates raise a ValueError that says what was expected?"""
    with pytest.raises(ValueError, match="at least one learning rate"):
        training.choose_learning_rate(small_model, images, images, (), 1, "cpu")


@pytest.fixture
def denormals_kept():
    """Denormal floats kept (the processor's default) before and after the test, whatever the test did."""
    torch.set_flush_denormal(False)
    yield
    torch.set_flush_denormal(False)


@pytest.mark.parametrize("before", [False, True])
def test_denormals_flushed_restores_the_setting_it_found(denormals_kept, before):
    """Does denormals_flushed flush inside the block, and leave the setting as it found it, on or off?"""
    if not torch.set_flush_denormal(before):
        pytest.skip("this processor cannot flush denormals")
    with training.denormals_flushed():
        assert training.flushing_denormals()
    assert training.flushing_denormals() is before


@pytest.mark.parametrize("flush", [True, False])
def test_training_flushes_denormals_only_while_it_trains(denormals_kept, images, flush):
    """Does the loss see denormals flushed during training (unless told not to), and kept again after it?"""
    if not torch.set_flush_denormal(False):
        pytest.skip("this processor cannot flush denormals")
    seen = []

    def loss(output, target, mask=None):
        seen.append(training.flushing_denormals())
        return training.masked_mse(output, target, mask)

    training.train_autoencoder(
        small_model(), images, 1, "cpu", loss=loss, batch_size=100, flush_denormals=flush, verbose=False
    )
    assert seen == [flush, flush] and not training.flushing_denormals()


def test_a_recipe_and_its_fields_as_keywords_train_alike(images):
    """Does a Recipe train exactly as its fields given as keyword arguments do, and do keywords replace its fields?"""
    recipe = training.Recipe(batch_size=20, learning_rate=1e-2, one_cycle=True)
    by_recipe = training.train_autoencoder(small_model(), images, 2, "cpu", recipe=recipe, seed=1, verbose=False)
    by_keywords = training.train_autoencoder(
        small_model(), images, 2, "cpu", batch_size=20, learning_rate=1e-2, one_cycle=True, seed=1, verbose=False
    )
    replaced = training.train_autoencoder(
        small_model(), images, 2, "cpu", recipe=recipe, one_cycle=False, seed=1, verbose=False
    )
    assert by_recipe.losses == by_keywords.losses and by_recipe.learning_rates == by_keywords.learning_rates
    assert replaced.learning_rates == [1e-2, 1e-2]


def test_an_unknown_setting_is_refused_by_name(images):
    """Is a misspelt setting refused with its name and the settings a Recipe has, instead of being ignored?"""
    with pytest.raises(TypeError, match=r"\['batchsize'\].*batch_size"):
        training.train_autoencoder(small_model(), images, 1, "cpu", batchsize=20, verbose=False)
