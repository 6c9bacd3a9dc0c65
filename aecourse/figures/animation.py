"""Animated GIFs of a convolution sliding over its input, drawn by the course's own code.

Every animation shows two grids side by side: the **input** on the left (blue
pixels, with zero padding and any inserted zeros drawn as distinct hatched
white cells) and the **output** on the right (orange). In each frame the
kernel's footprint is outlined in black on the input and the output cell it
writes is outlined the same way; cells already written are filled. The GIF is
embedded in the notebook itself, so it plays in the HTML book with no network.

Example::

    from aecourse.figures import animation
    animation.animate_convolution(5, 3, padding=1, stride=2)   # 5x5 input, 3x3 kernel
    # the transposed-convolution recipe for i=3, k=3, s=2, p=1 (border k - p - 1 = 1):
    animation.animate_convolution(3, 3, padding=1, zeros_between=1)

The geometry (which cells the kernel reads, what it writes) is
:class:`aecourse.convolution.ConvolutionLayout`; the look of the cells is
:mod:`aecourse.figures.style`.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np

from aecourse.convolution.layout import ConvolutionLayout
from aecourse.figures.style import (
    CELL_LABELS,
    CELL_STYLES,
    INPUT_EDGE,
    OUTPUT_COLOUR,
    OUTPUT_EDGE,
    PALETTE,
    ZERO_EDGE,
    cell_kind,
    format_number,
)

KERNEL_COLOUR = PALETTE["black"]
FOOTPRINT_FILL = PALETTE["blue"]
CELL_INCHES = 0.34
DPI = 80
MAX_FRAMES = 100


@dataclass
class GifAnimation:
    """An animated GIF held in memory; displays itself in a notebook as ``image/gif``.

    Display it as a cell's last expression (a MyST ``mystnb: figure: caption`` and
    ``image: alt`` cell metadata apply to it), or write ``animation.gif`` (bytes) to a file.
    """

    gif: bytes
    frames: int
    width: int
    height: int

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"<animated GIF: {self.frames} frames, {self.width}×{self.height} pixels, {len(self.gif):,} bytes>"
        return {"image/gif": base64.b64encode(self.gif).decode("ascii"), "text/plain": text}


def input_caption(layout: ConvolutionLayout) -> str:
    """The line under the input grid: its size, padding or cropping, stride and dilation."""
    parts = [f"{layout.input_size} × {layout.input_size}"]
    before, after = layout.padding_sides
    if before == after and before > 0:
        parts.append(f"padding {before}")
    elif before > 0 or after > 0:
        parts.append(f"padding {max(before, 0)}+{max(after, 0)}")
    if min(before, after) < 0:
        parts.append(f"cropped {max(-before, 0)}+{max(-after, 0)}")
    if layout.stride > 1:
        parts.append(f"stride {layout.stride}")
    if layout.dilation > 1:
        parts.append(f"dilation {layout.dilation}")
    return ", ".join(parts)


def _figure_and_axes(layout: ConvolutionLayout, title: str | None):
    """A figure with the input grid's axes on the left and the output grid's on the right, cells square."""
    import matplotlib.pyplot as plt

    n_in, n_out, gap = layout.drawn_size, layout.output_size, 1.5
    width = (n_in + n_out + gap + 1) * CELL_INCHES
    height = (max(n_in, n_out) + 3.4) * CELL_INCHES
    figure = plt.figure(figsize=(max(width, 5.2), height), dpi=DPI)
    total, margin = n_in + n_out + gap, 0.02
    usable = 1 - 2 * margin
    bottom = 1.6 * CELL_INCHES / height
    top = 1 - (1.4 if title else 0.9) * CELL_INCHES / height
    input_axes = figure.add_axes([margin, bottom, usable * n_in / total, top - bottom])
    output_axes = figure.add_axes(
        [margin + usable * (n_in + gap) / total, bottom, usable * n_out / total, top - bottom]
    )
    for axes, n, name, detail, colour in (
        (input_axes, n_in, "input", input_caption(layout), INPUT_EDGE),
        (output_axes, n_out, "output", f"{n_out} × {n_out}", OUTPUT_EDGE),
    ):
        axes.set_xlim(-0.1, n + 0.1)
        axes.set_ylim(max(n_in, n_out) + 0.1, -0.1)
        axes.set_aspect("equal")
        axes.axis("off")
        axes.text(n / 2, -0.35, name, ha="center", va="bottom", fontsize=12, fontweight="bold", color=colour)
        axes.text(n / 2, n + 0.15, detail, ha="center", va="top", fontsize=8)
    if title:
        figure.suptitle(title, fontsize=10, y=1 - 0.3 * CELL_INCHES / height, va="top")
    return figure, input_axes, output_axes


def _draw_input(axes, layout: ConvolutionLayout, values, font: int) -> None:
    """The grid the kernel slides over: input pixels (with their values, if given), padding, inserted zeros, cropped
    cells."""
    from matplotlib.patches import Rectangle

    n = layout.drawn_size
    kinds = [layout.cell_kind(index) for index in range(n)]
    for row in range(n):
        for column in range(n):
            kind = cell_kind(kinds[row], kinds[column])
            axes.add_patch(Rectangle((column, row), 1, 1, **CELL_STYLES[kind]))
            if values is None or kind == "cropped":
                continue
            if kind == "input":
                text, colour = format_number(values[layout.input_pixel(row), layout.input_pixel(column)]), "black"
            else:
                text, colour = "0", ZERO_EDGE
            axes.text(column + 0.5, row + 0.5, text, ha="center", va="center", fontsize=font, color=colour)


def _legend(figure, layout: ConvolutionLayout) -> None:
    """A legend of the cell kinds this animation shows, then the kernel and the output cell."""
    from matplotlib.patches import Patch

    kinds = {layout.cell_kind(index) for index in range(layout.drawn_size)}
    handles = [
        Patch(**{key: value for key, value in CELL_STYLES[kind].items() if key != "linewidth"}, label=CELL_LABELS[kind])
        for kind in ("input", "padding", "inserted", "cropped")
        if kind == "input" or kind in kinds
    ]
    handles += [
        Patch(facecolor=FOOTPRINT_FILL, alpha=0.5, edgecolor=KERNEL_COLOUR, linewidth=2, label="kernel"),
        Patch(facecolor=OUTPUT_COLOUR, edgecolor=KERNEL_COLOUR, linewidth=2, label="output being written"),
    ]
    figure.legend(
        handles=handles,
        loc="lower center",
        ncol=min(len(handles), 3),
        fontsize=8,
        frameon=False,
        handlelength=1.4,
        columnspacing=1.0,
        borderaxespad=0.1,
    )


class _Scene:
    """The matplotlib artists of one animation; the moving ones are redrawn in place for each frame."""

    def __init__(self, layout: ConvolutionLayout, input_values, kernel, title: str | None):
        values = None if input_values is None else np.asarray(input_values, dtype=float)
        if values is not None and values.shape != (layout.input_size, layout.input_size):
            raise ValueError(
                f"input_values must have shape ({layout.input_size}, {layout.input_size}); found {values.shape}"
            )
        self.layout = layout
        self.figure, input_axes, output_axes = _figure_and_axes(layout, title)
        font = 9 if max(layout.drawn_size, layout.output_size) < 12 else 7
        _draw_input(input_axes, layout, values, font)
        _legend(self.figure, layout)
        self.output_values = layout.output(values, kernel) if values is not None and kernel is not None else None
        self._add_moving_artists(input_axes, output_axes, font)
        self.background = None

    def _add_moving_artists(self, input_axes, output_axes, font: int) -> None:
        from matplotlib.patches import Rectangle

        size, taps = self.layout.output_size, self.layout.kernel_size**2
        self.output_cells = {
            (row, column): Rectangle((column, row), 1, 1, facecolor="white", edgecolor=OUTPUT_COLOUR, linewidth=1)
            for row in range(size)
            for column in range(size)
        }
        self.output_text = {}
        if self.output_values is not None:
            self.output_text = {
                (row, column): output_axes.text(column + 0.5, row + 0.5, "", ha="center", va="center", fontsize=font)
                for row, column in self.output_cells
            }
        self.footprint = [
            Rectangle((0, 0), 1, 1, facecolor=FOOTPRINT_FILL, alpha=0.35, edgecolor="none") for _ in range(taps)
        ]
        self.outlines = [
            Rectangle((0, 0), 1, 1, fill=False, edgecolor=KERNEL_COLOUR, linewidth=2.4) for _ in range(taps)
        ]
        self.extent = Rectangle((0, 0), 1, 1, fill=False, edgecolor=KERNEL_COLOUR, linewidth=1, linestyle="--")
        self.current = Rectangle((0, 0), 1, 1, fill=False, edgecolor=KERNEL_COLOUR, linewidth=2.4)
        for patch in (*self.output_cells.values(), self.current):
            output_axes.add_patch(patch)
        for patch in (*self.footprint, *self.outlines, self.extent):
            input_axes.add_patch(patch)
        self.moving = [
            (output_axes, artist) for artist in (*self.output_cells.values(), *self.output_text.values(), self.current)
        ]
        self.moving += [(input_axes, artist) for artist in (*self.footprint, *self.outlines, self.extent)]
        for _, artist in self.moving:
            artist.set_animated(True)

    def show(self, step: int) -> None:
        """Draw output cell ``step`` (row-major) being written, with every earlier cell filled."""
        layout = self.layout
        row, column = divmod(step, layout.output_size)
        for (r, c), cell in self.output_cells.items():
            written = r * layout.output_size + c <= step
            cell.set_facecolor(OUTPUT_COLOUR if written else "white")
            if self.output_values is not None:
                self.output_text[r, c].set_text(format_number(self.output_values[r, c]) if written else "")
        for (r, c), fill, outline in zip(layout.footprint(row, column), self.footprint, self.outlines, strict=True):
            fill.set_xy((c, r))
            outline.set_xy((c, r))
        top = layout.active_start + row * layout.stride
        left = layout.active_start + column * layout.stride
        self.extent.set_xy((left, top))
        self.extent.set_width(layout.kernel_extent)
        self.extent.set_height(layout.kernel_extent)
        self.current.set_xy((column, row))

    def rgb(self):
        """The current frame as a PIL image: the still background once, then the moving artists on it."""
        from PIL import Image

        canvas = self.figure.canvas
        if self.background is None:
            canvas.draw()
            self.background = canvas.copy_from_bbox(self.figure.bbox)
        canvas.restore_region(self.background)
        for axes, artist in self.moving:
            axes.draw_artist(artist)
        return Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy())

    def close(self) -> None:
        import matplotlib.pyplot as plt

        plt.close(self.figure)


def _encode_gif(frames, frame_ms: int) -> bytes:
    """Frames as one looping GIF with a shared 48-colour palette; the last frame is held three times longer."""
    from PIL import Image

    palette = frames[0].quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    indexed = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    durations = [frame_ms] * (len(frames) - 1) + [frame_ms * 3]
    buffer = io.BytesIO()
    indexed[0].save(
        buffer, format="GIF", save_all=True, append_images=indexed[1:], duration=durations, loop=0, optimize=False
    )
    return buffer.getvalue()


def animate_convolution(
    input_size: int,
    kernel_size: int,
    padding: int | tuple[int, int] = 0,
    stride: int = 1,
    dilation: int = 1,
    *,
    zeros_between: int = 0,
    input_values=None,
    kernel=None,
    title: str | None = None,
    frame_ms: int = 600,
    max_frames: int = MAX_FRAMES,
) -> GifAnimation:
    """Animate a square convolution as a looping GIF, one frame per output cell.

    input_size: real input pixels per side; kernel_size: k; padding: zeros on
    every side, or ``(before, after)`` (negative crops); stride and dilation of
    the sliding kernel; zeros_between: zeros inserted between input pixels (the
    transposed-convolution recipe). ``input_values`` (an input_size × input_size
    array) writes numbers into the input cells; with ``kernel`` too, the output
    cells show the computed values as they are written.
    """
    layout = ConvolutionLayout(input_size, kernel_size, padding, stride, dilation, zeros_between)
    steps = layout.output_size**2
    if steps > max_frames:
        raise ValueError(
            f"this animation would have {steps} frames (a {layout.output_size} × {layout.output_size} output); "
            f"the limit is max_frames={max_frames}"
        )
    scene = _Scene(layout, input_values, kernel, title)
    try:
        frames = []
        for step in range(steps):
            scene.show(step)
            frames.append(scene.rgb())
    finally:
        scene.close()
    width, height = frames[0].size
    return GifAnimation(_encode_gif(frames, frame_ms), steps, width, height)
