"""The figures: animations, grids, diagrams and digit rows draw what they are given and refuse what they cannot draw."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from aecourse.figures import animation, diagrams, digits, grids

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def test_animation_has_one_frame_per_output_cell():
    """Does a 5x5 input, 3x3 kernel, padding 1, stride 2 give a GIF of 9 frames that shows itself as image/gif?"""
    gif = animation.animate_convolution(5, 3, padding=1, stride=2)
    assert gif.frames == 9 and gif.gif.startswith(b"GIF89a")
    assert set(gif._repr_mimebundle_()) == {"image/gif", "text/plain"}


def test_animation_refuses_too_many_frames():
    """Does an animation of more frames than the limit fail with the count and the limit?"""
    with pytest.raises(ValueError, match="would have 121 frames.*max_frames=100"):
        animation.animate_convolution(13, 3)


def test_animation_caption_names_padding_cropping_stride_and_dilation():
    """Does the line under the input say what was done to it?"""
    from aecourse.convolution import ConvolutionLayout

    assert animation.input_caption(ConvolutionLayout(5, 3, padding=(1, 2), stride=2)) == "5 × 5, padding 1+2, stride 2"
    assert animation.input_caption(ConvolutionLayout(5, 2, padding=-1, dilation=2)) == "5 × 5, cropped 1+1, dilation 2"


def test_recipe_grids_mark_inserted_zeros_padding_and_cropping():
    """Do the recipe's arrays mark inserted zeros, border zeros and cropped cells where they are?"""
    _, (spread, spread_kinds), (grown, grown_kinds) = grids.recipe_grids(np.arange(1.0, 5.0).reshape(2, 2), 3, 2, 1, 1)
    assert spread.tolist() == [[1, 0, 2], [0, 0, 0], [3, 0, 4]]
    assert spread_kinds[0, 1] == "inserted" and spread_kinds[0, 0] == "input"
    assert grown.shape == (6, 6) and grown_kinds[0, 0] == "padding" and grown_kinds[-1, -1] == "padding"
    _, _, (_, cropped_kinds) = grids.recipe_grids(np.ones((3, 3)), 2, 1, 3, 0)
    assert cropped_kinds[0, 0] == "cropped"


def test_diagram_draws_one_bar_per_layer():
    """Does the architecture figure draw one bar per layer of the mirrored widths?"""
    figure = diagrams.architecture_figure([((784, 128, 32), "classic")])
    bars = [patch for patch in figure.axes[0].patches if type(patch).__name__ == "Rectangle"]
    assert len(bars) == 5


def test_rows_of_images_refuse_shapes_they_cannot_draw():
    """Do digit rows accept flat square images and refuse others with the shape found?"""
    figure = digits.show_rows({"original": np.zeros((3, 784)), "again": np.zeros((3, 1, 28, 28))})
    assert len(figure.axes) == 6
    with pytest.raises(ValueError, match=r"found \(3, 10\)"):
        digits.show_rows({"bad": np.zeros((3, 10))})
    with pytest.raises(ValueError, match="same shape"):
        digits.show_reconstructions(np.zeros((2, 28, 28)), np.zeros((2, 14, 14)))
