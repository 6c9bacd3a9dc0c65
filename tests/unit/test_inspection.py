"""Layer tables, parameter counts and shape checks, for PyTorch and Keras."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from aecourse import inspection
from aecourse.models import conv


def test_torch_table_records_every_leaf_with_its_formula():
    """Does the PyTorch table list every leaf module with its shapes, parameters and size formula?"""
    rows = inspection.torch_layer_table(conv.ConvAutoencoder(), (1, *conv.IMAGE_SHAPE))
    assert [row.name for row in rows][:3] == ["encoder.0", "encoder.1", "encoder.2"]
    first = rows[0]
    assert (first.kind, first.input_shape, first.output_shape) == ("Conv2d", (None, 1, 28, 28), (None, 16, 14, 14))
    assert first.formula == "⌊(28 + 2·1 − 3)/2⌋ + 1 = 14" and first.parameters == 160
    assert rows[-2].formula == "(14 − 1)·2 − 2·1 + 3 + 1 = 28"
    assert sum(row.parameters for row in rows) == 210_369


def test_dilated_layers_get_the_dilated_formula():
    """Does a dilated convolution's formula use the span d(k - 1) + 1, and agree with the layer?"""
    rows = inspection.torch_layer_table(nn.Conv2d(1, 1, 3, dilation=2, padding=1), (1, 1, 9, 9))
    assert rows[0].formula == "⌊(9 + 2·1 − (2·(3 − 1) + 1))/1⌋ + 1 = 7" and rows[0].output_shape == (None, 1, 7, 7)


def test_format_shows_only_the_columns_some_row_has():
    """Does the text table drop the input and formula columns when no row has them, and end with the total?"""
    rows = [inspection.LayerRow("a", "Dense", (None, 4), 20), inspection.LayerRow("b", "Dense", (None, 2), 10)]
    text = inspection.format_layer_table(rows)
    assert "input" not in text.splitlines()[0] and "formula" not in text
    assert text.splitlines()[-1].split() == ["total", "30"]
    with pytest.raises(ValueError, match="found none"):
        inspection.format_layer_table([])


def test_compare_names_the_layer_that_differs():
    """Does comparing models whose layers differ raise an AssertionError naming the layer and both shapes?"""
    import keras

    torch_model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU())
    keras_model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, padding="same")])
    with pytest.raises(AssertionError, match=r"\(None, 4, 6, 6\).*\(None, 4, 8, 8\)"):
        inspection.compare_torch_keras(torch_model, keras_model, (1, 1, 8, 8))


def test_check_shape_says_what_was_expected_and_found():
    """Does check_shape raise with the expected and the found shape, and return the shape when they agree?"""
    layer = nn.Linear(5, 3)
    assert inspection.check_shape(layer, (2, 5), expected=(2, 3)) == (2, 3)
    with pytest.raises(AssertionError, match=r"expected output \(2, 4\), found \(2, 3\)"):
        inspection.check_shape(layer, (2, 5), expected=(2, 4))


def test_parameter_counts_agree():
    """Do the dense formula and both frameworks' counts agree?"""
    assert inspection.dense_parameter_count([784, 128, 32, 128, 784]) == 209_968
    assert inspection.count_parameters(nn.Linear(784, 128)) == 100_480
    with pytest.raises(ValueError, match=r"found \[784\]"):
        inspection.dense_parameter_count([784])


def test_table_runs_on_the_models_device():
    """Does the table feed its zeros on the device where the model's parameters are?"""
    model = nn.Linear(3, 2).to(torch.device("cpu"))
    assert inspection.torch_layer_table(model, (1, 3))[0].output_shape == (None, 2)
