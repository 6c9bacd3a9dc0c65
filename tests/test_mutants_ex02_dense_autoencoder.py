"""Plausible mistakes in ex02's build_autoencoder must lose points in the cells that check them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.grading

ASSIGNMENT = "ex02_dense_autoencoder"
OUTPUT_LAYER = 'decoder_output = keras.layers.Dense(input_size, activation="sigmoid")'
SHARED_DECODER = """    code_input = keras.Input(shape=(code_size,))
    decoder = keras.Model(code_input, decoder_output(decoder_hidden(code_input)), name="decoder")"""
DECODER_LAYERS = """    decoder_hidden = keras.layers.Dense(hidden_size, activation="relu")
    decoder_output = keras.layers.Dense(input_size, activation="sigmoid")
    outputs = decoder_output(decoder_hidden(code))
    autoencoder = keras.Model(inputs, outputs, name="autoencoder")
    encoder = keras.Model(inputs, code, name="encoder")
    code_input = keras.Input(shape=(code_size,))
    decoder = keras.Model(code_input, decoder_output(decoder_hidden(code_input)), name="decoder")"""


def lost(grade) -> set[str]:
    return set(grade.failed_cells())


def test_relu_output_loses_points(grade_mutant):
    """Does a decoder whose last layer uses relu instead of sigmoid lose the output-range points?"""
    grade = grade_mutant(ASSIGNMENT, "build_autoencoder", OUTPUT_LAYER, OUTPUT_LAYER.replace("sigmoid", "relu"))
    assert grade.score < grade.max_score
    assert "test_output_range" in lost(grade), grade.cells


def test_linear_output_loses_points(grade_mutant):
    """Does a decoder whose last layer has no activation (linear) lose the output-range points?"""
    grade = grade_mutant(ASSIGNMENT, "build_autoencoder", OUTPUT_LAYER, OUTPUT_LAYER.replace('"sigmoid"', "None"))
    assert grade.score < grade.max_score
    assert "test_output_range" in lost(grade), grade.cells


def test_hard_coded_code_size_loses_points(grade_mutant):
    """Does a code layer of 32 units whatever code_size is asked for lose the shape and count points?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "build_autoencoder",
        'code = keras.layers.Dense(code_size, activation="relu")(hidden)',
        'code = keras.layers.Dense(32, activation="relu")(hidden)',
    )
    assert grade.score < grade.max_score
    assert {"test_layer_output_shapes", "test_parameter_count"} <= lost(grade), grade.cells


def test_decoder_with_new_layers_loses_points(grade_mutant):
    """Does a decoder built from new Dense layers, not the autoencoder's, lose the sharing points?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "build_autoencoder",
        SHARED_DECODER,
        """    code_input = keras.Input(shape=(code_size,))
    decoded = keras.layers.Dense(hidden_size, activation="relu")(code_input)
    decoded = keras.layers.Dense(input_size, activation="sigmoid")(decoded)
    decoder = keras.Model(code_input, decoded, name="decoder")""",
    )
    assert grade.score < grade.max_score
    assert lost(grade) == {"test_decoder_shares_layers"}, grade.cells


def test_missing_hidden_layer_loses_points(grade_mutant):
    """Does an autoencoder without the decoder's hidden layer (784-128-32-784) lose the shape and count points?"""
    grade = grade_mutant(
        ASSIGNMENT,
        "build_autoencoder",
        DECODER_LAYERS,
        """    decoder_output = keras.layers.Dense(input_size, activation="sigmoid")
    outputs = decoder_output(code)
    autoencoder = keras.Model(inputs, outputs, name="autoencoder")
    encoder = keras.Model(inputs, code, name="encoder")
    code_input = keras.Input(shape=(code_size,))
    decoder = keras.Model(code_input, decoder_output(code_input), name="decoder")""",
    )
    assert grade.score < grade.max_score
    assert {"test_layer_output_shapes", "test_parameter_count"} <= lost(grade), grade.cells
