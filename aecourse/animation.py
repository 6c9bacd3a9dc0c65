"""Animated GIFs of a convolution sliding over its input, drawn by the course's own code.

Every animation shows two grids side by side: the **input** on the left (blue
pixels, with zero padding and any inserted zeros drawn as distinct hatched
white cells) and the **output** on the right (orange). In each frame the
kernel's footprint is outlined in black on the input and the output cell it
writes is outlined the same way; cells already written are filled. The GIF is
embedded in the notebook itself, so it plays in the HTML book with no network.

Public API
----------
``ConvolutionLayout(input_size, kernel_size, stride=1, dilation=1, padding=0, zeros_between=0)``
    The geometry of one square 2-D convolution: ``padding`` is an int (the same
    number of zeros on every side) or a pair ``(before, after)``: zeros on the
    top/left and on the bottom/right. A negative number crops that many cells
    from that border instead (the transposed-convolution recipe needs this when
    ``p > k - 1``). ``zeros_between`` inserts that many zeros between
    neighbouring input pixels (``s - 1`` in the transposed-convolution recipe;
    the convolution that slides over them then has its own ``stride``, usually
    1). ``layout.output_size`` is the side of the result;
    ``layout.padded_input(x)`` builds the grid the kernel slides over;
    ``layout.output(x, w)`` computes the cross-correlation.

``animate_convolution(input_size, kernel_size, padding=0, stride=1, dilation=1, *, zeros_between=0, input_values=None, kernel=None, ...)``
    Returns a :class:`GifAnimation`. Display it as a cell's last expression (it
    has an ``image/gif`` representation, so a MyST ``mystnb: figure: caption``
    and ``image: alt`` cell metadata apply to it), or write ``animation.gif``
    (bytes) to a file. With ``input_values`` (an ``input_size`` × ``input_size``
    array) the numbers are written in the input cells; with ``kernel`` too
    (``kernel_size`` × ``kernel_size``), the output cells show the computed
    values as they are written.

``draw_frame(layout, step, *, input_values=None, kernel=None, ...)``
    One frame as a matplotlib figure (``step`` counts output cells in row-major
    order), for a still picture or a static page.

Example::

    from aecourse import animation
    animation.animate_convolution(5, 3, padding=1, stride=2)   # 5x5 input, 3x3 kernel
    # the transposed-convolution recipe for i=3, k=3, s=2, p=1 (border k - p - 1 = 1):
    animation.animate_convolution(3, 3, padding=1, zeros_between=1)
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

from aecourse.plotting import PALETTE

INPUT_COLOUR = PALETTE["sky"]
OUTPUT_COLOUR = PALETTE["orange"]
KERNEL_COLOUR = PALETTE["black"]
FOOTPRINT_FILL = PALETTE["blue"]
ZERO_EDGE = "#7F7F7F"
CELL_INCHES = 0.34
DPI = 80
MAX_FRAMES = 100


def _pair(padding: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(padding, (int, np.integer)):
        return int(padding), int(padding)
    try:
        before, after = padding
    except (TypeError, ValueError):
        raise ValueError(f"padding must be an int or a pair (before, after) of ints; found {padding!r}") from None
    return int(before), int(after)


@dataclass(frozen=True)
class ConvolutionLayout:
    """Geometry of a square 2-D convolution, per axis (height and width are the same).

    input_size: pixels of the real input per side; kernel_size: k; stride: s of
    the sliding window; dilation: d; padding: zeros added on each side, or
    ``(before, after)`` for top/left and bottom/right (negative crops);
    zeros_between: zeros inserted between neighbouring input pixels.
    """

    input_size: int
    kernel_size: int
    stride: int = 1
    dilation: int = 1
    padding: int | tuple[int, int] = 0
    zeros_between: int = 0
    _pad: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("input_size", "kernel_size", "stride", "dilation"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer; found {value!r}")
        if not isinstance(self.zeros_between, (int, np.integer)) or self.zeros_between < 0:
            raise ValueError(f"zeros_between must be a non-negative integer; found {self.zeros_between!r}")
        object.__setattr__(self, "_pad", _pair(self.padding))
        if self.active_size < 1:
            raise ValueError(
                f"padding {self.padding!r} crops away the whole input of {self.expanded_size} cells per side"
            )
        if self.output_size < 1:
            raise ValueError(
                f"the dilated kernel spans {self.kernel_extent} cells but the padded input has only "
                f"{self.active_size} per side (input_size={self.input_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding!r}, zeros_between={self.zeros_between})"
            )

    @property
    def expanded_size(self) -> int:
        """Input pixels plus the zeros inserted between them, per side."""
        return (self.input_size - 1) * (self.zeros_between + 1) + 1

    @property
    def drawn_size(self) -> int:
        """Cells drawn per side: the expanded input plus any (positive) padding."""
        before, after = self._pad
        return max(before, 0) + self.expanded_size + max(after, 0)

    @property
    def active_start(self) -> int:
        """Drawn index of the first cell the kernel can cover (past any cropped cells)."""
        return max(-self._pad[0], 0)

    @property
    def active_size(self) -> int:
        """Cells per side the kernel slides over: expanded input plus padding (minus cropping)."""
        return self.expanded_size + self._pad[0] + self._pad[1]

    @property
    def kernel_extent(self) -> int:
        """Cells spanned by the dilated kernel: d(k - 1) + 1."""
        return self.dilation * (self.kernel_size - 1) + 1

    @property
    def output_size(self) -> int:
        """Side of the output: floor((active_size - kernel_extent) / stride) + 1."""
        return (self.active_size - self.kernel_extent) // self.stride + 1

    def cell_kind(self, index: int) -> str:
        """What drawn cell ``index`` (along one axis) is: 'input', 'padding', 'inserted' or 'cropped'."""
        before, after = self._pad
        position = index - max(before, 0)
        if position < 0 or position >= self.expanded_size:
            return "padding"
        if position < -before or position >= self.expanded_size + min(after, 0):
            return "cropped"
        return "input" if position % (self.zeros_between + 1) == 0 else "inserted"

    def input_pixel(self, index: int) -> int | None:
        """Which real input pixel drawn cell ``index`` shows along one axis, or None for a zero."""
        position = index - max(self._pad[0], 0)
        if 0 <= position < self.expanded_size and position % (self.zeros_between + 1) == 0:
            return position // (self.zeros_between + 1)
        return None

    def footprint(self, row: int, column: int) -> list[tuple[int, int]]:
        """Drawn (row, column) cells the kernel reads for output cell (row, column)."""
        top = self.active_start + row * self.stride
        left = self.active_start + column * self.stride
        taps = [tap * self.dilation for tap in range(self.kernel_size)]
        return [(top + down, left + across) for down in taps for across in taps]

    def padded_input(self, values) -> np.ndarray:
        """The grid the kernel slides over: ``values`` with zeros inserted, padded or cropped."""
        values = np.asarray(values, dtype=float)
        if values.shape != (self.input_size, self.input_size):
            raise ValueError(
                f"input_values must have shape ({self.input_size}, {self.input_size}); found {values.shape}"
            )
        step = self.zeros_between + 1
        expanded = np.zeros((self.expanded_size, self.expanded_size))
        expanded[::step, ::step] = values
        before, after = self._pad
        grown = np.pad(expanded, [(max(before, 0), max(after, 0))] * 2)
        start = self.active_start
        return grown[start : start + self.active_size, start : start + self.active_size]

    def output(self, values, kernel) -> np.ndarray:
        """Cross-correlation (no kernel flip) of the padded input with ``kernel``, as the layers compute it."""
        kernel = np.asarray(kernel, dtype=float)
        if kernel.shape != (self.kernel_size, self.kernel_size):
            raise ValueError(f"kernel must have shape ({self.kernel_size}, {self.kernel_size}); found {kernel.shape}")
        grid = self.padded_input(values)
        size = self.output_size
        result = np.zeros((size, size))
        for row in range(size):
            for column in range(size):
                window = grid[
                    row * self.stride : row * self.stride + self.kernel_extent : self.dilation,
                    column * self.stride : column * self.stride + self.kernel_extent : self.dilation,
                ]
                result[row, column] = float((window * kernel).sum())
        return result


@dataclass
class GifAnimation:
    """An animated GIF held in memory; displays itself in a notebook as ``image/gif``."""

    gif: bytes
    frames: int
    width: int
    height: int

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        text = f"<animated GIF: {self.frames} frames, {self.width}×{self.height} pixels, {len(self.gif):,} bytes>"
        return {"image/gif": base64.b64encode(self.gif).decode("ascii"), "text/plain": text}

    def save(self, path) -> None:
        """Write the GIF to ``path``."""
        with open(path, "wb") as handle:
            handle.write(self.gif)


def _format(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


class _Scene:
    """The matplotlib artists of one animation, updated in place from frame to frame."""

    def __init__(self, layout: ConvolutionLayout, input_values, kernel, title: str | None):
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch, Rectangle

        self.layout = layout
        self.Rectangle = Rectangle
        n_in, n_out = layout.drawn_size, layout.output_size
        gap = 1.5
        width = (n_in + n_out + gap + 1) * CELL_INCHES
        height = (max(n_in, n_out) + 3.4) * CELL_INCHES
        self.figure = plt.figure(figsize=(max(width, 5.2), height), dpi=DPI)
        total = n_in + n_out + gap
        left_share = n_in / total
        margin = 0.02
        usable = 1 - 2 * margin
        bottom = 1.6 * CELL_INCHES / height
        top = 1 - (1.4 if title else 0.9) * CELL_INCHES / height
        self.input_axes = self.figure.add_axes([margin, bottom, usable * left_share, top - bottom])
        self.output_axes = self.figure.add_axes(
            [margin + usable * (n_in + gap) / total, bottom, usable * n_out / total, top - bottom]
        )
        for axes, n in ((self.input_axes, n_in), (self.output_axes, n_out)):
            axes.set_xlim(-0.1, n + 0.1)
            axes.set_ylim(max(n_in, n_out) + 0.1, -0.1)
            axes.set_aspect("equal")
            axes.axis("off")
        font = 9 if max(n_in, n_out) < 12 else 7
        self._draw_input(input_values, font)
        self.output_values = layout.output(input_values, kernel) if input_values is not None and kernel is not None else None
        self.output_cells = {}
        self.output_text = {}
        for row in range(n_out):
            for column in range(n_out):
                cell = Rectangle((column, row), 1, 1, facecolor="white", edgecolor=OUTPUT_COLOUR, linewidth=1)
                self.output_axes.add_patch(cell)
                self.output_cells[row, column] = cell
                if self.output_values is not None:
                    self.output_text[row, column] = self.output_axes.text(
                        column + 0.5, row + 0.5, "", ha="center", va="center", fontsize=font
                    )
        self.footprint = [
            Rectangle((0, 0), 1, 1, facecolor=FOOTPRINT_FILL, alpha=0.35, edgecolor="none")
            for _ in range(layout.kernel_size**2)
        ]
        self.outlines = [
            Rectangle((0, 0), 1, 1, fill=False, edgecolor=KERNEL_COLOUR, linewidth=2.4)
            for _ in range(layout.kernel_size**2)
        ]
        for patch in self.footprint + self.outlines:
            self.input_axes.add_patch(patch)
        self.extent = Rectangle((0, 0), 1, 1, fill=False, edgecolor=KERNEL_COLOUR, linewidth=1, linestyle="--")
        self.input_axes.add_patch(self.extent)
        self.current = Rectangle((0, 0), 1, 1, fill=False, edgecolor=KERNEL_COLOUR, linewidth=2.4)
        self.output_axes.add_patch(self.current)
        self.moving = [
            (self.output_axes, artist)
            for artist in [*self.output_cells.values(), *self.output_text.values(), self.current]
        ] + [(self.input_axes, artist) for artist in [*self.footprint, *self.outlines, self.extent]]
        for _, artist in self.moving:
            artist.set_animated(True)
        self.background = None
        self._label(self.input_axes, "input", self._input_caption(), n_in)
        self._label(self.output_axes, "output", f"{n_out} × {n_out}", n_out)
        if title:
            self.figure.suptitle(title, fontsize=10, y=1 - 0.3 * CELL_INCHES / height, va="top")
        kinds = {layout.cell_kind(index) for index in range(n_in)}
        handles = [Patch(facecolor=INPUT_COLOUR, edgecolor=PALETTE["blue"], label="input pixel")]
        if "padding" in kinds:
            handles.append(Patch(facecolor="white", edgecolor=ZERO_EDGE, hatch="///", linestyle="--", label="zero padding"))
        if "inserted" in kinds:
            handles.append(Patch(facecolor="white", edgecolor=ZERO_EDGE, hatch="...", linestyle=":", label="inserted zero"))
        if "cropped" in kinds:
            handles.append(Patch(facecolor="#E6E6E6", edgecolor=ZERO_EDGE, hatch="xx", label="cropped"))
        handles += [
            Patch(facecolor=FOOTPRINT_FILL, alpha=0.5, edgecolor=KERNEL_COLOUR, linewidth=2, label="kernel"),
            Patch(facecolor=OUTPUT_COLOUR, edgecolor=KERNEL_COLOUR, linewidth=2, label="output being written"),
        ]
        self.figure.legend(
            handles=handles, loc="lower center", ncol=min(len(handles), 3), fontsize=8, frameon=False,
            handlelength=1.4, columnspacing=1.0, borderaxespad=0.1,
        )

    def _input_caption(self) -> str:
        layout = self.layout
        parts = [f"{layout.input_size} × {layout.input_size}"]
        before, after = layout._pad
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

    def _label(self, axes, name: str, detail: str, n: int) -> None:
        colour = PALETTE["blue"] if name == "input" else PALETTE["vermillion"]
        axes.text(n / 2, -0.35, name, ha="center", va="bottom", fontsize=12, fontweight="bold", color=colour)
        axes.text(n / 2, n + 0.15, detail, ha="center", va="top", fontsize=8)

    def _draw_input(self, input_values, font: int) -> None:
        layout = self.layout
        values = None if input_values is None else np.asarray(input_values, dtype=float)
        if values is not None and values.shape != (layout.input_size, layout.input_size):
            raise ValueError(
                f"input_values must have shape ({layout.input_size}, {layout.input_size}); found {values.shape}"
            )
        n = layout.drawn_size
        styles = {
            "input": dict(facecolor=INPUT_COLOUR, edgecolor=PALETTE["blue"], linewidth=1),
            "padding": dict(facecolor="white", edgecolor=ZERO_EDGE, hatch="///", linestyle="--", linewidth=0.8),
            "inserted": dict(facecolor="white", edgecolor=ZERO_EDGE, hatch="...", linestyle=":", linewidth=0.8),
            "cropped": dict(facecolor="#E6E6E6", edgecolor=ZERO_EDGE, hatch="xx", linewidth=0.5),
        }
        kinds = [layout.cell_kind(index) for index in range(n)]
        for row in range(n):
            for column in range(n):
                pair = {kinds[row], kinds[column]}
                kind = next(k for k in ("cropped", "padding", "inserted", "input") if k in pair)
                self.input_axes.add_patch(self.Rectangle((column, row), 1, 1, **styles[kind]))
                if values is None or kind == "cropped":
                    continue
                pixel_row, pixel_column = layout.input_pixel(row), layout.input_pixel(column)
                if kind == "input":
                    text, colour = _format(values[pixel_row, pixel_column]), "black"
                else:
                    text, colour = "0", ZERO_EDGE
                self.input_axes.text(column + 0.5, row + 0.5, text, ha="center", va="center", fontsize=font, color=colour)

    def show(self, step: int) -> None:
        """Draw output cell ``step`` (row-major) being written, with every earlier cell filled."""
        size = self.layout.output_size
        row, column = divmod(step, size)
        for (r, c), cell in self.output_cells.items():
            written = r * size + c <= step
            cell.set_facecolor(OUTPUT_COLOUR if written else "white")
            if self.output_values is not None:
                self.output_text[r, c].set_text(_format(self.output_values[r, c]) if written else "")
        for (r, c), fill, outline in zip(self.layout.footprint(row, column), self.footprint, self.outlines):
            fill.set_xy((c, r))
            outline.set_xy((c, r))
        top = self.layout.active_start + row * self.layout.stride
        left = self.layout.active_start + column * self.layout.stride
        self.extent.set_xy((left, top))
        self.extent.set_width(self.layout.kernel_extent)
        self.extent.set_height(self.layout.kernel_extent)
        self.current.set_xy((column, row))

    def rgb(self):
        """The current frame as a PIL image."""
        from PIL import Image

        canvas = self.figure.canvas
        if self.background is None:
            canvas.draw()
            self.background = canvas.copy_from_bbox(self.figure.bbox)
        canvas.restore_region(self.background)
        for axes, artist in self.moving:
            axes.draw_artist(artist)
        return Image.fromarray(np.asarray(self.figure.canvas.buffer_rgba())[..., :3].copy())

    def close(self) -> None:
        import matplotlib.pyplot as plt

        plt.close(self.figure)


def draw_frame(
    layout: ConvolutionLayout,
    step: int = 0,
    *,
    input_values=None,
    kernel=None,
    title: str | None = None,
):
    """One frame of the animation as a matplotlib figure: output cell ``step`` (row-major) being written."""
    steps = layout.output_size**2
    if not 0 <= step < steps:
        raise ValueError(f"step must lie in 0..{steps - 1} for a {layout.output_size} × {layout.output_size} output; found {step}")
    scene = _Scene(layout, input_values, kernel, title)
    scene.show(step)
    return scene.figure


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
    transposed-convolution recipe). ``input_values`` and ``kernel`` optionally
    write numbers into the cells. The last frame is held three times longer.
    """
    layout = ConvolutionLayout(input_size, kernel_size, stride, dilation, padding, zeros_between)
    steps = layout.output_size**2
    if steps > max_frames:
        raise ValueError(
            f"this animation would have {steps} frames (a {layout.output_size} × {layout.output_size} output); "
            f"the limit is max_frames={max_frames}"
        )
    from PIL import Image

    scene = _Scene(layout, input_values, kernel, title)
    try:
        frames = []
        for step in range(steps):
            scene.show(step)
            frames.append(scene.rgb())
    finally:
        scene.close()
    palette = frames[0].quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    indexed = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    durations = [frame_ms] * (steps - 1) + [frame_ms * 3]
    buffer = io.BytesIO()
    indexed[0].save(
        buffer, format="GIF", save_all=True, append_images=indexed[1:], duration=durations, loop=0, optimize=False
    )
    width, height = frames[0].size
    return GifAnimation(buffer.getvalue(), steps, width, height)
