"""What a model is made of: layer-by-layer tables, parameter counts and shape checks, for PyTorch and Keras.

A table is a list of :class:`LayerRow`, built from the model itself (PyTorch by
running one batch through forward hooks, Keras from each layer's symbolic
output), and printed by :func:`format_layer_table`. Shapes keep the batch axis
as ``None``, as Keras prints them. Nothing here imports a framework until a
model of that framework is inspected.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class LayerRow:
    """One layer: its name and type, the shapes in and out (batch axis ``None``), its parameters.

    For a PyTorch (transposed) convolution, ``formula`` is the book's output-size
    formula evaluated with the layer's own settings, e.g. ``⌊(28 + 2·1 − 3)/2⌋ + 1 = 14``.
    """

    name: str
    kind: str
    output_shape: tuple
    parameters: int
    input_shape: tuple | None = None
    formula: str = ""


def is_torch_module(model) -> bool:
    """Whether ``model`` is a ``torch.nn.Module`` (without importing PyTorch when it is not loaded)."""
    if "torch" not in sys.modules:
        return False
    import torch

    return isinstance(model, torch.nn.Module)


def count_parameters(model) -> int:
    """Number of trainable numbers in a PyTorch module or a Keras model."""
    if is_torch_module(model):
        return sum(parameter.numel() for parameter in model.parameters() if parameter.requires_grad)
    return int(model.count_params())


def dense_parameter_count(widths) -> int:
    """Weights plus biases of a chain of dense layers with these widths: sum of n_in * n_out + n_out."""
    widths = list(widths)
    if len(widths) < 2 or any(int(width) != width or width < 1 for width in widths):
        raise ValueError(f"expected at least two positive integer layer widths; found {widths!r}")
    return sum(n_in * n_out + n_out for n_in, n_out in itertools.pairwise(widths))


def _size_formula(module, side: int) -> tuple[str, int | None]:
    """The book's formula for a (transposed) convolution's output side, as text and value; ("", None) otherwise."""
    from torch import nn

    from aecourse.convolution.sizes import conv_output_size, conv_transpose_output_size

    if not isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        return "", None
    k, s, p, d = module.kernel_size[0], module.stride[0], module.padding[0], module.dilation[0]
    extent = f"{k}" if d == 1 else f"({d}·({k} − 1) + 1)"  # cells the dilated kernel spans
    if isinstance(module, nn.Conv2d):
        return f"⌊({side} + 2·{p} − {extent})/{s}⌋ + 1", conv_output_size(side, k, p, s, d)
    a = module.output_padding[0]
    return f"({side} − 1)·{s} − 2·{p} + {extent} + {a}", conv_transpose_output_size(side, k, p, s, a, d)


def torch_layer_table(model, input_shape: tuple[int, ...]) -> list[LayerRow]:
    """Run ``model`` once on zeros of ``input_shape`` (batch first) and record every leaf module with forward hooks.

    For each (transposed) convolution the book's formula is evaluated next to the
    measured output side; an ``AssertionError`` is raised if they differ.
    """
    import torch

    rows: list[LayerRow] = []

    def record(name: str):
        def hook(module, inputs, output):
            formula, side = _size_formula(module, inputs[0].shape[-1])
            if side is not None and tuple(output.shape[-2:]) != (side, side):
                raise AssertionError(
                    f"{name} ({type(module).__name__}): the formula {formula} gives {side}x{side}, "
                    f"the layer produced {output.shape[-2]}x{output.shape[-1]}"
                )
            rows.append(
                LayerRow(
                    name,
                    type(module).__name__,
                    (None, *output.shape[1:]),
                    sum(p.numel() for p in module.parameters()),
                    (None, *inputs[0].shape[1:]),
                    f"{formula} = {side}" if formula else "",
                )
            )

        return hook

    leaves = [(name, module) for name, module in model.named_modules() if not list(module.children())]
    handles = [module.register_forward_hook(record(name)) for name, module in leaves]
    device = next(model.parameters()).device
    try:
        with torch.no_grad():
            model(torch.zeros(input_shape, device=device))
    finally:
        for handle in handles:
            handle.remove()
    return rows


def keras_layer_table(model) -> list[LayerRow]:
    """Every layer of a functional Keras model, in order, from its symbolic output."""
    return [
        LayerRow(layer.name, type(layer).__name__, tuple(layer.output.shape), layer.count_params())
        for layer in model.layers
    ]


def format_layer_table(rows: list[LayerRow]) -> str:
    """The rows as an aligned text table with a total line; input and formula columns only when some row has them."""
    if not rows:
        raise ValueError("expected at least one layer row; found none")
    columns = [("layer", lambda row: row.name), ("type", lambda row: row.kind)]
    if any(row.input_shape is not None for row in rows):
        columns.append(("input", lambda row: "" if row.input_shape is None else str(row.input_shape)))
    columns.append(("output", lambda row: str(row.output_shape)))
    if any(row.formula for row in rows):
        columns.append(("formula for the side", lambda row: row.formula))
    columns.append(("parameters", lambda row: f"{row.parameters:,}"))
    cells = [[text(row) for _, text in columns] for row in rows]
    cells.append(["total"] + [""] * (len(columns) - 2) + [f"{sum(row.parameters for row in rows):,}"])
    widths = [max(len(title), *(len(line[index]) for line in cells)) for index, (title, _) in enumerate(columns)]

    def line(values):
        return "  ".join(
            v.rjust(w) if i == len(widths) - 1 else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )

    header = line([title for title, _ in columns])
    return "\n".join([header, "-" * len(header)] + [line(values).rstrip() for values in cells])


def compare_torch_keras(torch_model, keras_model, input_shape: tuple[int, ...]) -> list[tuple[str, str, tuple]]:
    """Check that both models' layers with weights give the same output shapes and parameter counts, in order.

    Keras' channels-last image shapes (None, H, W, C) are compared as (None, C, H, W).
    Returns (PyTorch layer type, Keras layer type, output shape) rows; raises ``AssertionError`` on any difference.
    """
    torch_rows = [row for row in torch_layer_table(torch_model, input_shape) if row.parameters > 0]
    keras_rows = [row for row in keras_layer_table(keras_model) if row.parameters > 0]
    if len(torch_rows) != len(keras_rows):
        raise AssertionError(
            f"PyTorch has {len(torch_rows)} layers with weights, Keras {len(keras_rows)}: "
            f"{[row.kind for row in torch_rows]} vs {[row.kind for row in keras_rows]}"
        )
    compared = []
    for torch_row, keras_row in zip(torch_rows, keras_rows, strict=True):
        keras_shape = keras_row.output_shape
        if len(keras_shape) == 4:
            keras_shape = (keras_shape[0], keras_shape[3], keras_shape[1], keras_shape[2])
        if torch_row.output_shape != keras_shape or torch_row.parameters != keras_row.parameters:
            raise AssertionError(
                f"{torch_row.name} ({torch_row.kind}) gives {torch_row.output_shape} with {torch_row.parameters} "
                f"parameters; Keras {keras_row.name} ({keras_row.kind}) gives {keras_shape} with {keras_row.parameters}"
            )
        compared.append((torch_row.kind, keras_row.kind, torch_row.output_shape))
    return compared


def output_shape(layer, input_shape: tuple[int, ...]) -> tuple[int, ...]:
    """Shape of ``layer`` applied to zeros of ``input_shape`` (a PyTorch module or a Keras layer)."""
    if is_torch_module(layer):
        import torch

        with torch.no_grad():
            return tuple(layer(torch.zeros(input_shape)).shape)
    import numpy as np

    return tuple(int(size) for size in layer(np.zeros(input_shape, dtype="float32")).shape)


def check_shape(layer, input_shape: tuple[int, ...], expected: tuple[int, ...]) -> tuple[int, ...]:
    """Run ``layer`` on zeros of ``input_shape``; raise ``AssertionError`` unless the output is ``expected``.

    Returns the output shape, so a chapter cell shows it.
    """
    found = output_shape(layer, input_shape)
    if found != tuple(expected):
        raise AssertionError(
            f"{type(layer).__name__} on input {tuple(input_shape)}: expected output {tuple(expected)}, found {found}"
        )
    return found
